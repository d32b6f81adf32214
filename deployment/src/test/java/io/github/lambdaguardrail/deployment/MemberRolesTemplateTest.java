package io.github.lambdaguardrail.deployment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.lambdaguardrail.engine.WatchedApi;
import io.github.lambdaguardrail.guard.GuardPermissions;
import io.github.lambdaguardrail.guard.sweep.SweepFunction;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * org/member-roles.yaml, the roles every member account gets once: the remediator role the central
 * account assumes grants exactly what both guards' and the sweep's code need in a member
 * ({@link GuardPermissions}, {@link SweepFunction#IAM_ACTIONS}, without what stays in the central
 * account) and trusts only the central remediation role of the
 * organisation, under a {@code guardrail-*} session name; the forwarder role may only put events on
 * the central bus.
 */
class MemberRolesTemplateTest {

    static final Path FILE = Template.ROOT.resolve("org/member-roles.yaml");
    /** The member role's name: the interface, and the central remediator's default. */
    static final String REMEDIATOR_ROLE_NAME = "LambdaGuardrailRemediator";
    /** The role the central template must give its remediator function: the only principal the member role trusts. */
    static final String CENTRAL_REMEDIATION_ROLE_NAME = "LambdaGuardrailCentralRemediation";
    static final String FORWARDER_ROLE_NAME = "LambdaGuardrailEventForwarder";
    /** The guards' IAM actions that act on the central account's own resources, never a member's: each with its reason. */
    private static final Map<String, String> CENTRAL_SERVICES = Map.of(
            "dynamodb", "the state table (claims, known-good configs) is the central account's",
            "sns", "alerts are published to the central account's topic");
    /** The guards' rollbacks: the only changes the role allows. */
    private static final Set<String> WRITES = Set.of("lambda:PutFunctionConcurrency", "lambda:RemovePermission",
            "lambda:TagResource", "lambda:UpdateFunctionConfiguration");
    private static final Set<String> NEVER_GRANTED = Set.of(
            "lambda:AddPermission", "lambda:PutResourcePolicy", "lambda:UpdateFunctionCode",
            "lambda:DeleteFunction", "lambda:InvokeFunction", "iam:PassRole", "lambda:*", "*");

    static final String CENTRAL_ACCOUNT = "444455556666";
    static final String CENTRAL_BUS = "arn:aws:events:us-east-1:" + CENTRAL_ACCOUNT + ":event-bus/lambda-guardrail-org";
    static final String ORGANIZATION = "o-a1b2c3d4e5";
    static final String MEMBER_ACCOUNT = "111122223333";
    /** The example member stack: its pseudo parameters and the organisation's parameters. */
    private static final Map<String, String> VALUES = Map.of(
            "AWS::AccountId", MEMBER_ACCOUNT, "AWS::Partition", "aws", "AWS::Region", "eu-west-1",
            "AWS::StackName", "StackSet-lambda-guardrail-member-roles-EXAMPLE",
            "CentralAccountId", CENTRAL_ACCOUNT, "CentralEventBusArn", CENTRAL_BUS, "OrganizationId", ORGANIZATION);

    private static Template template;

    @BeforeAll
    static void load() throws Exception {
        template = Template.load(FILE);
    }

    @Test
    void isPlainCloudFormationWithExactlyTheInterfaceParameters() {
        assertFalse(template.root().containsKey("Transform"), "service-managed StackSets reject transforms");
        Map<String, Object> parameters = Template.at(template.root(), "Parameters");
        assertEquals(Set.of("CentralAccountId", "CentralEventBusArn", "OrganizationId"), parameters.keySet());
    }

    @ParameterizedTest
    @CsvSource({"CentralAccountId, 444455556666, 44445555666",
            "CentralAccountId, 000000000001, 4444555566667",
            "OrganizationId, o-a1b2c3d4e5, r-a1b2c3d4e5",
            "OrganizationId, o-exampleorgid111, o-A1B2C3D4E5",
            "CentralEventBusArn, arn:aws:events:us-east-1:444455556666:event-bus/lambda-guardrail-org, arn:aws:sqs:us-east-1:444455556666:queue",
            "CentralEventBusArn, arn:aws-us-gov:events:us-gov-west-1:444455556666:event-bus/default, lambda-guardrail-org"})
    void parametersAcceptWellFormedValuesOnly(String parameter, String valid, String invalid) {
        String pattern = Template.at(template.root(), "Parameters", parameter, "AllowedPattern");
        assertTrue(valid.matches(pattern), valid);
        assertFalse(invalid.matches(pattern), invalid);
    }

    @Test
    void rolesHaveTheFixedNamesAndTheirArnsAreOutputs() {
        assertEquals(REMEDIATOR_ROLE_NAME, template.properties("RemediatorRole").get("RoleName"));
        assertEquals(Map.of("Fn::GetAtt", List.of("RemediatorRole", "Arn")), Template.at(template.root(), "Outputs", "RemediatorRoleArn", "Value"));
        assertEquals(Map.of("Fn::GetAtt", List.of("EventForwarderRole", "Arn")), Template.at(template.root(), "Outputs", "EventForwarderRoleArn", "Value"));
    }

    @Test
    void remediatorRoleTrustsOnlyTheCentralRemediationRoleOfTheOrganisationUnderAGuardrailSessionName() {
        Object trust = template.resolve(template.properties("RemediatorRole").get("AssumeRolePolicyDocument"), VALUES);
        List<Map<String, Object>> statements = Template.at(trust, "Statement");
        assertEquals(1, statements.size(), "one statement: " + statements);
        Map<String, Object> statement = statements.get(0);
        assertEquals("Allow", statement.get("Effect"));
        assertEquals("sts:AssumeRole", statement.get("Action"));
        assertEquals(Map.of("AWS", "arn:aws:iam::" + CENTRAL_ACCOUNT + ":root"), statement.get("Principal"));
        assertEquals(Map.of(
                        "ArnEquals", Map.of("aws:PrincipalArn", "arn:aws:iam::" + CENTRAL_ACCOUNT + ":role/" + CENTRAL_REMEDIATION_ROLE_NAME),
                        "StringEquals", Map.of("aws:PrincipalOrgID", ORGANIZATION),
                        "StringLike", Map.of("sts:RoleSessionName", "guardrail-*")),
                statement.get("Condition"));
    }

    @Test
    void remediatorRoleGrantsExactlyWhatBothGuardsAndTheSweepNeedInAMember() {
        List<WatchedApi> both = new ArrayList<>(WatchedApi.functionConfiguration());
        both.addAll(WatchedApi.resourcePolicy());
        Set<String> expected = new TreeSet<>(GuardPermissions.forApis(both));
        expected.addAll(SweepFunction.IAM_ACTIONS);
        expected.removeIf(action -> CENTRAL_SERVICES.containsKey(service(action)));
        assertTrue(expected.stream().map(MemberRolesTemplateTest::service).toList().containsAll(List.of("lambda", "ec2")),
                "the guards read and roll back functions and validate VPC configs: " + expected);
        assertTrue(expected.containsAll(List.of("lambda:ListFunctions", "lambda:ListAliases", "lambda:ListVersionsByFunction",
                "lambda:ListFunctionUrlConfigs")), "the sweep lists the functions and reads each one's aliases, versions, URLs");
        assertEquals(expected, grantedActions("RemediatorRole"));
    }

    @Test
    void remediatorRoleActsOnlyOnTheAccountsFunctionsAndNeverWidensAccess() {
        Set<String> granted = grantedActions("RemediatorRole");
        NEVER_GRANTED.forEach(forbidden -> assertFalse(granted.contains(forbidden), forbidden));
        String functions = "arn:aws:lambda:*:" + MEMBER_ACCOUNT + ":function:*"; // IAM is global: every region's functions
        for (Map<String, Object> statement : statements("RemediatorRole")) {
            assertTrue(statement.containsKey("Sid"), "statement without Sid: " + statement);
            assertEquals("Allow", statement.get("Effect"));
            Object resource = statement.get("Resource");
            for (String action : actions(statement)) {
                boolean noResourceArns = service(action).equals("ec2") || action.equals("lambda:ListFunctions");
                boolean write = WRITES.contains(action);
                Object expected = noResourceArns ? "*"
                        : write ? functions
                        : List.of(functions, functions + ":*"); // reads: also an alias's or version's own policy
                assertEquals(expected, resource, action);
            }
        }
    }

    @Test
    void forwarderRoleIsAssumedOnlyByEventBridgeOfThisAccountAndMayOnlyPutEventsOnTheCentralBus() {
        assertEquals(FORWARDER_ROLE_NAME, template.properties("EventForwarderRole").get("RoleName"));
        Object trust = template.resolve(template.properties("EventForwarderRole").get("AssumeRolePolicyDocument"), VALUES);
        assertEquals(List.of(Map.of("Effect", "Allow", "Principal", Map.of("Service", "events.amazonaws.com"),
                        "Action", "sts:AssumeRole",
                        "Condition", Map.of("StringEquals", Map.of("aws:SourceAccount", MEMBER_ACCOUNT)))),
                Template.at(trust, "Statement"));
        assertEquals(List.of(Map.of("Sid", "PutEventsOnCentralBus", "Effect", "Allow", "Action", "events:PutEvents",
                "Resource", CENTRAL_BUS)), statements("EventForwarderRole"));
    }

    @Test
    void theRolesAreTheTemplatesOnlyResources() {
        assertEquals(Set.of("EventForwarderRole", "RemediatorRole"), template.resources().keySet());
        assertEquals(2, template.resourcesOfType("AWS::IAM::Role").size());
    }

    private static String service(String action) {
        return action.substring(0, action.indexOf(':'));
    }

    private static Set<String> grantedActions(String role) {
        Set<String> granted = new TreeSet<>();
        statements(role).forEach(s -> granted.addAll(actions(s)));
        return granted;
    }

    /** The statements of {@code role}'s own policies, resolved for the example member. */
    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> statements(String role) {
        List<Map<String, Object>> out = new ArrayList<>();
        List<Object> policies = (List<Object>) template.resolve(template.properties(role).get("Policies"), VALUES);
        policies.forEach(policy -> out.addAll(Template.at(policy, "PolicyDocument", "Statement")));
        return out;
    }

    @SuppressWarnings("unchecked")
    private static List<String> actions(Map<String, Object> statement) {
        Object action = statement.get("Action");
        return action instanceof List<?> list ? (List<String>) list : List.of((String) action);
    }
}
