package io.github.lambdaguardrail.deployment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.lambdaguardrail.engine.Action;
import io.github.lambdaguardrail.engine.WatchedApi;
import io.github.lambdaguardrail.guard.GuardPermissions;
import io.github.lambdaguardrail.guard.securityhub.SecurityHubExportFunction;
import io.github.lambdaguardrail.guard.sweep.SweepFunction;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Each guard's role grants the IAM actions of every action its guard can plan
 * ({@link Action.Kind#permissions}), the sweep's what it calls ({@link SweepFunction#IAM_ACTIONS}) and
 * the Security Hub exporter's what it calls ({@link SecurityHubExportFunction#IAM_ACTIONS}, only with
 * {@code SecurityHub=true}): exactly what {@link GuardPermissions} derives, plus the few the platform
 * needs on its behalf, and never an action that could widen access or destroy a function; the
 * sweep's role changes nothing at all, and no guard's role grants anything of Security Hub.
 */
class TemplatePermissionsTest {

    /** Granted for the platform, not called by the code: each with its reason. */
    private static final Map<String, String> PLATFORM_ACTIONS = Map.of(
            "logs:CreateLogStream", "Lambda writes the function's logs",
            "logs:PutLogEvents", "Lambda writes the function's logs",
            "kms:GenerateDataKey", "publishing to the KMS-encrypted topic and failure queue",
            "kms:Decrypt", "publishing to the KMS-encrypted topic and failure queue",
            "sqs:SendMessage", "Lambda's on-failure destination sends as the function's role");
    /** Actions that support no resource ARN, so IAM needs {@code Resource: '*'}: each with its reason. */
    private static final Map<String, String> WILDCARD_RESOURCE_ACTIONS = Map.of(
            "ec2:DescribeSecurityGroups", "ec2:Describe* supports no resource ARNs",
            "ec2:DescribeSubnets", "ec2:Describe* supports no resource ARNs",
            "ec2:DescribeVpcs", "ec2:Describe* supports no resource ARNs",
            "lambda:ListFunctions", "ListFunctions lists the whole region: its only IAM resource is *");
    private static final Set<String> NEVER_GRANTED = Set.of(
            "lambda:AddPermission", "lambda:PutResourcePolicy", "lambda:UpdateFunctionCode",
            "lambda:DeleteFunction", "lambda:InvokeFunction", "iam:PassRole", "lambda:*", "*");

    private static Template template;

    @BeforeAll
    static void load() throws Exception {
        template = Template.load();
    }

    /** The calls each guard watches (its handler's {@code APIS}). */
    private static List<WatchedApi> watched(String apis) {
        return apis.equals("functionConfiguration") ? WatchedApi.functionConfiguration() : WatchedApi.resourcePolicy();
    }

    /** The example stack with {@code SecurityHub} set. */
    private static Map<String, String> securityHub(boolean on) {
        Map<String, String> values = new HashMap<>(Template.EXAMPLE);
        values.put("SecurityHub", String.valueOf(on));
        return values;
    }

    @ParameterizedTest(name = "{1}, SecurityHub={3}")
    @CsvSource({"VpcGuardFunction, VpcGuardRole, functionConfiguration, false",
            "PermissionGuardFunction, PermissionGuardRole, resourcePolicy, false",
            "VpcGuardFunction, VpcGuardRole, functionConfiguration, true",
            "PermissionGuardFunction, PermissionGuardRole, resourcePolicy, true"})
    void roleGrantsExactlyWhatTheGuardNeedsPlusPlatformNeeds(String function, String role, String apis, boolean securityHub) {
        assertEquals(Map.of("Fn::GetAtt", List.of(role, "Arn")), template.properties(function).get("Role"));
        Set<String> expected = new TreeSet<>(GuardPermissions.forApis(watched(apis)));
        expected.addAll(PLATFORM_ACTIONS.keySet());
        assertEquals(expected, grantedActions(role, securityHub(securityHub)));
    }

    @Test
    void exporterRoleGrantsExactlyWhatTheExporterCallsPlusPlatformNeeds() {
        assertEquals("SendsToSecurityHub", Template.at(template.resources(), "SecurityHubExportRole", "Condition"));
        assertEquals(Map.of("Fn::GetAtt", List.of("SecurityHubExportRole", "Arn")),
                template.properties("SecurityHubExportFunction").get("Role"));
        Set<String> expected = new TreeSet<>(SecurityHubExportFunction.IAM_ACTIONS);
        expected.addAll(PLATFORM_ACTIONS.keySet());
        assertEquals(expected, grantedActions("SecurityHubExportRole"));
    }

    /** The import into this account's default product only: the one ARN Security Hub takes custom findings on. */
    @Test
    void securityHubGrantIsOnlyTheImportIntoTheAccountsDefaultProduct() {
        List<Map<String, Object>> imports = statements("SecurityHubExportRole").stream()
                .filter(s -> actions(s).stream().anyMatch(a -> a.startsWith("securityhub:"))).toList();
        assertEquals(1, imports.size(), imports.toString());
        Map<String, Object> statement = imports.get(0);
        assertEquals("ImportSecurityHubFindings", statement.get("Sid"));
        assertEquals("securityhub:BatchImportFindings", statement.get("Action"));
        assertEquals("arn:aws:securityhub:us-east-1:111122223333:product/111122223333/default",
                template.resolve(statement.get("Resource"), Template.EXAMPLE));
    }

    /** Its failure queue and key, and its own log group: the same resources the guards' platform grants name. */
    @Test
    void exporterPlatformGrantsNameTheFailureQueueTheAlertKeyAndItsLogGroup() {
        Map<String, Object> resources = new LinkedHashMap<>();
        statements("SecurityHubExportRole").forEach(s -> resources.put((String) s.get("Sid"), s.get("Resource")));
        assertEquals(Map.of("Fn::GetAtt", List.of("InvocationFailureQueue", "Arn")), resources.get("ReportFailedInvocations"));
        assertEquals(Map.of("Fn::GetAtt", List.of("AlertKey", "Arn")), resources.get("UseAlertKey"));
        assertEquals(Map.of("Fn::Sub", "${SecurityHubExportLogGroup.Arn}"), resources.get("WriteLogs"));
    }

    @ParameterizedTest
    @CsvSource({"VpcGuardRole, functionConfiguration, QUARANTINE RESTORE_VPC_CONFIG LEAVE_ALONE NOTIFY",
            "PermissionGuardRole, resourcePolicy, REMOVE_PERMISSION LEAVE_ALONE NOTIFY"})
    void roleGrantsEveryIamActionOfEveryActionTheGuardCanPlan(String role, String apis, String kinds) {
        Set<Action.Kind> plannable = GuardPermissions.plannable(watched(apis));
        assertEquals(Arrays.stream(kinds.split(" ")).map(Action.Kind::valueOf).collect(Collectors.toSet()), plannable);
        Set<String> granted = grantedActions(role, securityHub(false));
        for (Action.Kind kind : plannable) {
            Set<String> missing = new TreeSet<>(kind.permissions());
            missing.removeAll(granted);
            assertEquals(Set.of(), missing, role + " cannot carry out " + kind + ": it lacks these IAM actions");
        }
    }

    @ParameterizedTest(name = "SecurityHub={0}")
    @CsvSource({"false", "true"})
    void sweepRoleGrantsExactlyWhatTheSweepCallsPlusPlatformNeeds(boolean securityHub) {
        assertEquals(Map.of("Fn::GetAtt", List.of("SweepRole", "Arn")), template.properties("SweepFunction").get("Role"));
        Set<String> expected = new TreeSet<>(SweepFunction.IAM_ACTIONS);
        expected.addAll(PLATFORM_ACTIONS.keySet());
        assertEquals(expected, grantedActions("SweepRole", securityHub(securityHub)));
    }

    @Test
    void sweepRoleOnlyListsAndReadsFunctions() {
        Set<String> lambda = new TreeSet<>(grantedActions("SweepRole").stream().filter(a -> a.startsWith("lambda:")).toList());
        assertTrue(lambda.stream().allMatch(a -> a.startsWith("lambda:Get") || a.startsWith("lambda:List")),
                "the sweep reports, it never changes a function: " + lambda);
    }

    @ParameterizedTest
    @CsvSource({"VpcGuardRole", "PermissionGuardRole", "SweepRole", "SecurityHubExportRole"})
    void roleNeverGrantsActionsThatWidenAccessOrDestroy(String role) {
        Set<String> granted = grantedActions(role);
        for (String forbidden : NEVER_GRANTED) {
            assertFalse(granted.contains(forbidden), role + " grants " + forbidden);
        }
        assertTrue(granted.stream().noneMatch(a -> a.endsWith("*")), role + " grants a wildcard action: " + granted);
    }

    @ParameterizedTest
    @CsvSource({"VpcGuardRole", "PermissionGuardRole", "SweepRole", "SecurityHubExportRole"})
    void everyStatementHasASidAndOnlyActionsWithoutResourceArnsUseAWildcardResource(String role) {
        for (Map<String, Object> statement : statements(role)) {
            assertTrue(statement.containsKey("Sid"), role + ": statement without Sid: " + statement);
            assertEquals("Allow", statement.get("Effect"));
            if ("*".equals(statement.get("Resource"))) {
                assertTrue(WILDCARD_RESOURCE_ACTIONS.keySet().containsAll(actions(statement)),
                        role + ": Resource '*' is only for actions that support no resource ARN "
                                + WILDCARD_RESOURCE_ACTIONS + ": " + statement);
            }
        }
    }

    /** What {@code role} grants with every option that adds a grant on: the most it can be. */
    private static Set<String> grantedActions(String role) {
        return grantedActions(role, securityHub(true));
    }

    private static Set<String> grantedActions(String role, Map<String, String> values) {
        Set<String> granted = new TreeSet<>();
        statements(role, values).forEach(s -> granted.addAll(actions(s)));
        return granted;
    }

    private static List<Map<String, Object>> statements(String role) {
        return statements(role, securityHub(true));
    }

    /**
     * The statements that apply to {@code role} for the parameter {@code values}: its own policies,
     * and the stack's policies attached to it whose condition holds.
     */
    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> statements(String role, Map<String, String> values) {
        List<Map<String, Object>> out = new ArrayList<>();
        List<Map<String, Object>> policies = (List<Map<String, Object>>) template.properties(role).get("Policies");
        for (Map<String, Object> policy : policies) {
            out.addAll(Template.at(policy, "PolicyDocument", "Statement"));
        }
        template.resourcesOfType("AWS::IAM::Policy").values().forEach(policy -> {
            String condition = (String) policy.get("Condition");
            List<Object> roles = Template.at(policy, "Properties", "Roles");
            if (roles.contains(Map.of("Ref", role)) && (condition == null || template.holds(condition, values))) {
                out.addAll(Template.at(policy, "Properties", "PolicyDocument", "Statement"));
            }
        });
        return out;
    }

    @SuppressWarnings("unchecked")
    private static List<String> actions(Map<String, Object> statement) {
        Object action = statement.get("Action");
        return action instanceof List<?> list ? (List<String>) list : List.of((String) action);
    }
}
