package io.github.lambdaguardrail.guard.org;

import static io.github.lambdaguardrail.guard.org.OrgEvents.ADD_PERMISSION;
import static io.github.lambdaguardrail.guard.org.OrgWorld.CENTRAL;
import static io.github.lambdaguardrail.guard.org.OrgWorld.CENTRAL_BUS_ARN;
import static io.github.lambdaguardrail.guard.org.OrgWorld.FORWARDER_STACK_SET;
import static io.github.lambdaguardrail.guard.org.OrgWorld.HOME;
import static io.github.lambdaguardrail.guard.org.OrgWorld.JSON;
import static io.github.lambdaguardrail.guard.org.OrgWorld.MEMBERS;
import static io.github.lambdaguardrail.guard.org.OrgWorld.ORGANIZATION_ID;
import static io.github.lambdaguardrail.guard.org.OrgWorld.REGIONS;
import static io.github.lambdaguardrail.guard.org.OrgWorld.ROLES_STACK_SET;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URLDecoder;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudformation.model.StackStatus;
import software.amazon.awssdk.services.eventbridge.model.DescribeRuleResponse;
import software.amazon.awssdk.services.eventbridge.model.RuleState;
import software.amazon.awssdk.services.eventbridge.model.Target;
import software.amazon.awssdk.services.iam.model.Role;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The organisation's member side in moto: what the two StackSets deploy from the member templates,
 * and the path of a member's Lambda API call from its default bus to the central bus's rule.
 */
class OrgForwardingMotoTest {

    @RegisterExtension
    static final OrgWorld org = new OrgWorld();

    private static final String REMEDIATOR_ROLE = "LambdaGuardrailRemediator";
    private static final String FORWARDER_ROLE = "LambdaGuardrailEventForwarder";
    private static final String MEMBER = MEMBERS.get(0);
    private static final String OTHER_MEMBER = MEMBERS.get(1);
    private static final String REGION = "eu-west-1";

    @Test
    void rolesStackSetRunsOncePerMemberInTheHomeRegionAndTheForwarderInEveryRegion() {
        assertEquals(places(MEMBERS, List.of(HOME)), instances(ROLES_STACK_SET));
        assertEquals(places(MEMBERS, REGIONS), instances(FORWARDER_STACK_SET));
    }

    @Test
    void everyMemberHasBothRolesTrustingTheCentralAccountInTheOrganisation() throws Exception {
        for (String member : MEMBERS) {
            Role remediator = org.iam(member).getRole(b -> b.roleName(REMEDIATOR_ROLE)).role();
            JsonNode trust = JSON.readTree(URLDecoder.decode(remediator.assumeRolePolicyDocument(), UTF_8)).at("/Statement/0");
            assertEquals("arn:aws:iam::" + CENTRAL + ":root", trust.at("/Principal/AWS").asText(), member);
            assertEquals(ORGANIZATION_ID, trust.at("/Condition/StringEquals/aws:PrincipalOrgID").asText(), member);

            Role forwarder = org.iam(member).getRole(b -> b.roleName(FORWARDER_ROLE)).role();
            assertEquals(forwarderRoleArn(member), forwarder.arn());
            // Not its document: moto keeps a CloudFormation role's inline policy as a Python dict and
            // GetRolePolicy answers its repr, not JSON.
            assertEquals(List.of("forward-to-central-bus"),
                    org.iam(member).listRolePolicies(b -> b.roleName(FORWARDER_ROLE)).policyNames(), member);
        }
    }

    @Test
    void centralAccountGetsNoMemberRoleStackOrForwarder() {
        assertEquals(List.of(), org.iam(CENTRAL).listRoles().roles().stream().map(Role::roleName).toList());
        for (String region : REGIONS) {
            assertEquals(List.of(), org.cloudFormation(CENTRAL, region).listStacks().stackSummaries(), region);
            assertEquals(List.of(), org.events(CENTRAL, region).listRules(b -> b.eventBusName("default")).rules(), region);
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("membersAndRegions")
    void forwarderRuleTargetsTheCentralBusWithTheForwarderRoleRetriesAndItsOwnDeadLetterQueue(String member, String region)
            throws Exception {
        String stack = org.memberStackId(FORWARDER_STACK_SET, member, region);
        CloudFormationClient cloudFormation = org.cloudFormation(member, region);
        assertEquals(StackStatus.CREATE_COMPLETE, cloudFormation.describeStacks(b -> b.stackName(stack)).stacks().get(0).stackStatus());
        String ruleName = physicalId(cloudFormation, stack, "ForwardRule");
        String queueUrl = physicalId(cloudFormation, stack, "ForwardDeadLetterQueue");

        DescribeRuleResponse rule = org.events(member, region).describeRule(b -> b.name(ruleName));
        assertEquals("default", rule.eventBusName());
        assertEquals(RuleState.ENABLED, rule.state());
        assertEquals(JSON.readTree(OrgWorld.forwarderPattern()), JSON.readTree(rule.eventPattern()));
        List<Target> targets = org.events(member, region).listTargetsByRule(b -> b.rule(ruleName)).targets();
        assertEquals(1, targets.size());
        Target target = targets.get(0);
        assertEquals(CENTRAL_BUS_ARN, target.arn());
        assertEquals(forwarderRoleArn(member), target.roleArn());
        assertEquals(185, target.retryPolicy().maximumRetryAttempts());
        assertEquals(86400, target.retryPolicy().maximumEventAgeInSeconds());
        String queueArn = org.sqs(member, region).getQueueAttributes(b -> b.queueUrl(queueUrl)
                .attributeNames(QueueAttributeName.QUEUE_ARN)).attributes().get(QueueAttributeName.QUEUE_ARN);
        assertEquals(queueArn, target.deadLetterConfig().arn());
        assertEquals("arn:aws:sqs:" + region + ":" + member, queueArn.substring(0, queueArn.lastIndexOf(':')));
    }

    /**
     * The CloudTrail record crosses account and region unchanged; moto's forward (a fresh PutEvents
     * on the central bus with source, detail-type and detail only) gives the envelope a new id, the
     * central bus's region and no account. Should moto start keeping them, these assertions say so.
     */
    @Test
    void memberAddPermissionReachesTheCentralRuleWithTheRecordIntactAndMotosEnvelope() {
        ObjectNode record = OrgWorld.cloudTrailRecord(ADD_PERMISSION, MEMBER, REGION);
        assertEquals(List.of(MEMBER, REGION), List.of(record.get("recipientAccountId").asText(), record.get("awsRegion").asText()));

        String memberEventId = org.putCloudTrailEvent(MEMBER, REGION, record);

        List<JsonNode> delivered = org.receiveForwarded();
        assertEquals(1, delivered.size(), delivered::toString);
        JsonNode event = delivered.get(0);
        assertEquals(record, event.get("detail"));
        assertEquals("aws.lambda", event.get("source").asText());
        assertEquals("AWS API Call via CloudTrail", event.get("detail-type").asText());
        assertEquals(HOME, event.get("region").asText(), "moto rewrites region to the central bus's");
        assertFalse(event.has("account"), "moto drops account: " + event);
        assertNotEquals(memberEventId, event.get("id").asText(), "moto gives the forwarded event a new id");
    }

    /**
     * Each event is followed by a matching one (an AddPermission from the other member), so the path
     * is shown to work and only the first event is missing.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("unforwarded")
    void callsOutsideThePatternStayInTheMember(String name, String source, ObjectNode record) {
        org.putEvent(MEMBER, REGION, source, record);
        ObjectNode control = OrgWorld.cloudTrailRecord(ADD_PERMISSION, OTHER_MEMBER, REGION);
        org.putCloudTrailEvent(OTHER_MEMBER, REGION, control);

        assertEquals(List.of(control.get("eventID").asText()), eventIds(org.receiveForwarded()));
    }

    static Stream<Arguments> unforwarded() {
        return Stream.of(
                Arguments.of("Invoke (a data event)", "aws.lambda", record(r -> {
                    String function = "arn:aws:lambda:" + REGION + ":" + MEMBER + ":function:invoice-renderer";
                    r.put("eventName", "Invoke").put("eventCategory", "Data").put("managementEvent", false).putNull("responseElements");
                    r.putObject("requestParameters").put("functionName", function);
                    r.putArray("resources").addObject().put("accountId", MEMBER).put("type", "AWS::Lambda::Function").put("ARN", function);
                    return r;
                })),
                Arguments.of("AddPermission that failed (errorCode)", "aws.lambda",
                        OrgWorld.cloudTrailRecord("addpermission-failed-call.json", MEMBER, REGION)),
                Arguments.of("GetFunction (read-only)", "aws.lambda", record(r -> r.put("eventName", "GetFunction20150331v2")
                        .put("readOnly", true).putNull("responseElements"))),
                Arguments.of("AddPermission record from a custom source", "com.example.lambda", record(r -> r)));
    }

    /**
     * The forwarders' reach: every member in every governed region, each record with its own account
     * and region; nothing from a region without a forwarder, nor from the central account, which has none.
     */
    @ParameterizedTest(name = "{0} {1}: forwarded {2}")
    @MethodSource("origins")
    void forwardedFromEveryMemberAndGovernedRegionOnly(String account, String region, boolean forwarded) throws Exception {
        ObjectNode record = OrgWorld.cloudTrailRecord(ADD_PERMISSION, account, region);
        org.putCloudTrailEvent(account, region, record);
        ObjectNode control = OrgWorld.cloudTrailRecord(ADD_PERMISSION, OTHER_MEMBER, REGION);
        org.putCloudTrailEvent(OTHER_MEMBER, REGION, control);

        List<JsonNode> delivered = org.receiveForwarded();
        List<String> expected = forwarded ? List.of(record.get("eventID").asText(), control.get("eventID").asText())
                : List.of(control.get("eventID").asText());
        assertEquals(expected, eventIds(delivered));
        if (forwarded) {
            JsonNode detail = delivered.get(0).get("detail");
            assertEquals(List.of(account, region), List.of(detail.get("recipientAccountId").asText(), detail.get("awsRegion").asText()));
            assertEquals("arn:aws:lambda:" + region + ":" + account + ":function:invoice-renderer",
                    JSON.readTree(detail.at("/responseElements/statement").asText()).get("Resource").asText());
        }
    }

    static Stream<Arguments> origins() {
        Stream<Arguments> governed = MEMBERS.stream().flatMap(member -> REGIONS.stream().map(region -> Arguments.of(member, region, true)));
        return Stream.concat(governed, Stream.of(Arguments.of(MEMBER, "us-west-2", false), Arguments.of(CENTRAL, HOME, false)));
    }

    static Stream<Arguments> membersAndRegions() {
        return MEMBERS.stream().flatMap(member -> REGIONS.stream().map(region -> Arguments.of(member, region)));
    }

    /** The AddPermission sample as {@link #MEMBER} in {@link #REGION}, changed by {@code change}. */
    private static ObjectNode record(UnaryOperator<ObjectNode> change) {
        return change.apply(OrgWorld.cloudTrailRecord(ADD_PERMISSION, MEMBER, REGION));
    }

    private static List<String> eventIds(List<JsonNode> events) {
        return events.stream().map(e -> e.at("/detail/eventID").asText()).toList();
    }

    private static Set<List<String>> places(List<String> accounts, List<String> regions) {
        return accounts.stream().flatMap(a -> regions.stream().map(r -> List.of(a, r))).collect(Collectors.toSet());
    }

    private static Set<List<String>> instances(String stackSet) {
        return org.cloudFormation(CENTRAL, HOME).listStackInstances(b -> b.stackSetName(stackSet)).summaries().stream()
                .map(s -> List.of(s.account(), s.region())).collect(Collectors.toSet());
    }

    private static String physicalId(CloudFormationClient cloudFormation, String stack, String logicalId) {
        return cloudFormation.describeStackResource(b -> b.stackName(stack).logicalResourceId(logicalId))
                .stackResourceDetail().physicalResourceId();
    }

    private static String forwarderRoleArn(String member) {
        return "arn:aws:iam::" + member + ":role/" + FORWARDER_ROLE;
    }
}
