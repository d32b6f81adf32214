package io.github.lambdaguardrail.deployment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * template.yaml's organisation mode, the central side: nothing of it exists unless
 * {@code OrganizationId} is set; the central bus admits the organisation in one statement; its rule
 * takes exactly what the member forwarders send; rollbacks queue in a FIFO queue per account and
 * region with a dead-letter queue and an alarm; only the remediator's role, under the name the
 * member roles trust, may assume a member role, and only in the organisation; the two StackSets
 * give the member templates every parameter they take.
 */
class OrganisationTemplateTest {

    private static final String ACCOUNT = Template.EXAMPLE.get("AWS::AccountId");
    private static final String BUS_ARN = "arn:aws:events:us-east-1:" + ACCOUNT + ":event-bus/lambda-guardrail-org";
    /** The example stack in organisation mode, with what CloudFormation gives the bus. */
    private static final Map<String, String> ORGANISATION = with(OwnResourcesTest.ORGANISATION, "CentralEventBus.Arn", BUS_ARN);
    /** The resources organisation mode adds, and only it. */
    private static final Set<String> ORGANISATION_RESOURCES = Set.of(
            "CentralEventBus", "CentralEventBusPolicy", "RemediationQueue", "RemediationDeadLetterQueue",
            "RemediationQueuesPolicy", "OrgEvaluatorLogGroup", "OrgRemediatorLogGroup", "OrgEvaluatorRole", "OrgRemediatorRole",
            "OrgEvaluatorFunction", "OrgRemediatorFunction", "RemediationDeadLettersAlarm", "OrgEvaluatorErrorsAlarm",
            "OrgRemediatorErrorsAlarm", "OrgEvaluatorNotificationFailuresAlarm", "OrgRemediatorNotificationFailuresAlarm",
            "OrgEvaluatorInvalidEventsAlarm", "OrgRemediatorInvalidEventsAlarm", "OrgRemediatorActionFailuresAlarm",
            "OrgEvaluatorTamperedAlarm", "OrgRemediatorTamperedAlarm", "OrgEvaluatorQueueFailuresAlarm",
            "OrgEvaluatorHeartbeatAlarm", "RemediationQueueStalledAlarm", "MemberRolesStackSet", "MemberForwarderStackSet",
            "OrgSweepLogGroup", "OrgSweepFunction", "OrgSweepErrorsAlarm", "OrgSweepNotRunAlarm");

    /**
     * The roles StackSet in any account: a service-managed StackSet belongs to the management account,
     * also when the delegated administrator created it.
     */
    private static final String ROLES_STACK_SET_ARN = "arn:aws:cloudformation:us-east-1:*:stackset/lambda-guardrail-member-roles:*";

    /** What each member template parameter must be: this account, its bus, the organisation. */
    private static final Map<String, String> MEMBER_PARAMETERS = Map.of(
            "CentralAccountId", ACCOUNT, "CentralEventBusArn", BUS_ARN, "OrganizationId", MemberRolesTemplateTest.ORGANIZATION);

    private static Template template;

    @BeforeAll
    static void load() throws Exception {
        template = Template.load();
    }

    private static Map<String, String> with(Map<String, String> values, String key, String value) {
        Map<String, String> out = new HashMap<>(values);
        out.put(key, value);
        return Map.copyOf(out);
    }

    /** The logical ids {@code values} create, of every type. */
    @SuppressWarnings("unchecked")
    private static Set<String> created(Map<String, String> values) {
        Set<String> ids = new TreeSet<>();
        template.resources().forEach((id, resource) -> {
            String condition = (String) ((Map<String, Object>) resource).get("Condition");
            if (condition == null || template.holds(condition, values)) {
                ids.add(id);
            }
        });
        return ids;
    }

    @Test
    void singleAccountModeByDefaultCreatesNoOrganisationResourceAndOrganisationModeCreatesThemAll() {
        assertEquals("", Template.at(template.root(), "Parameters", "OrganizationId", "Default"));
        Set<String> single = created(Template.EXAMPLE);
        Set<String> organisation = created(ORGANISATION);
        assertEquals(Set.of(), intersection(single, ORGANISATION_RESOURCES), "single-account mode creates none of them");
        Set<String> added = new TreeSet<>(organisation);
        added.removeAll(single);
        assertEquals(new TreeSet<>(ORGANISATION_RESOURCES), added);
        Map<String, Map<String, Object>> outputs = Template.at(template.root(), "Outputs");
        outputs.forEach((id, output) -> {
            boolean organisationOutput = Set.of("CentralEventBusArn", "RemediationQueueUrl", "RemediationDeadLetterQueueUrl").contains(id);
            assertEquals(organisationOutput, "IsOrganization".equals(output.get("Condition")), id);
        });
    }

    @ParameterizedTest
    @CsvSource({"OrganizationId, o-a1b2c3d4e5, r-a1b2c3d4e5", "OrganizationId, '', o-A1B2C3D4E5",
            "OrganizationalUnitIds, r-a1b2, o-a1b2c3d4e5", "OrganizationalUnitIds, ou-a1b2-c3d4e5f6, ou-a1b2",
            "GovernedRegions, eu-west-1, eu-west", "GovernedRegions, us-gov-west-1, 'eu-west-1 '",
            "ManagementAccountId, 111122223333, 11112222333"})
    void organisationParametersAcceptWellFormedValuesOnly(String parameter, String valid, String invalid) {
        String pattern = Template.at(template.root(), "Parameters", parameter, "AllowedPattern");
        assertTrue(valid.matches(pattern), valid);
        assertFalse(invalid.matches(pattern), invalid);
    }

    @Test
    void organisationModeNeedsTargetsToBeOn() {
        assertFalse(template.holds("IsOrganization", with(ORGANISATION, "OrganizationalUnitIds", "")),
                "an organisation without OUs creates nothing (and the rule OrganizationModeNeedsTargets refuses it)");
        assertTrue(template.holds("IsOrganization", ORGANISATION));
    }

    @Test
    void busPolicyIsOneStatementAdmittingTheOrganisationAndNoAccountList() {
        Map<String, Map<String, Object>> policies = template.resourcesOfType("AWS::Events::EventBusPolicy");
        assertEquals(Set.of("CentralEventBusPolicy"), policies.keySet());
        Map<String, Object> policy = template.properties("CentralEventBusPolicy");
        assertFalse(policy.containsKey("Policy"), "a whole policy document could hold more statements");
        assertEquals(Map.of("Ref", "CentralEventBus"), policy.get("EventBusName"));
        assertEquals(Map.of("Effect", "Allow", "Principal", "*", "Action", "events:PutEvents", "Resource", BUS_ARN,
                        "Condition", Map.of("StringEquals", Map.of("aws:PrincipalOrgID", MemberRolesTemplateTest.ORGANIZATION))),
                template.resolve(policy.get("Statement"), ORGANISATION));
        assertFalse(String.valueOf(template.resources().get("CentralEventBus")).contains("Policy"),
                "no second policy on the bus itself");
    }

    @Test
    void centralRuleTakesExactlyWhatTheMemberForwardersSendWithTheGuardsRetryAndDeadLetters() throws Exception {
        Template forwarder = Template.load(MemberForwarderTemplateTest.FILE);
        Object forwarded = forwarder.resolve(forwarder.properties("ForwardRule").get("EventPattern"), Map.of());
        Map<String, Object> rule = Template.at(template.properties("OrgEvaluatorFunction"), "Events", "MemberFunctionChanged");
        assertEquals("EventBridgeRule", rule.get("Type"));
        assertEquals(forwarded, template.resolve(Template.at(rule, "Properties", "Pattern"), ORGANISATION));
        Map<String, Object> guardRule = Template.at(template.properties("VpcGuardFunction"), "Events", "FunctionConfigurationChanged", "Properties");
        for (String property : List.of("RetryPolicy", "DeadLetterConfig")) {
            assertEquals(guardRule.get(property), Template.at(rule, "Properties", property), property);
        }
        assertEquals(Map.of("Fn::GetAtt", List.of("InvocationFailureQueue", "Arn")),
                Template.at(template.properties("OrgEvaluatorFunction"), "EventInvokeConfig", "DestinationConfig", "OnFailure", "Destination"));
    }

    @Test
    void remediationQueueIsFifoPerGroupWithRedriveToAFifoDeadLetterQueueThatAlarms() {
        Map<String, Object> queue = template.properties("RemediationQueue");
        assertEquals(true, queue.get("FifoQueue"));
        assertEquals(false, queue.get("ContentBasedDeduplication"), "the evaluator sets each deduplication id");
        assertEquals("messageGroup", queue.get("DeduplicationScope"));
        assertEquals("perMessageGroupId", queue.get("FifoThroughputLimit"));
        assertEquals(Map.of("Ref", "AlertKey"), queue.get("KmsMasterKeyId"));
        assertEquals(Map.of("deadLetterTargetArn", Map.of("Fn::GetAtt", List.of("RemediationDeadLetterQueue", "Arn")), "maxReceiveCount", 5),
                queue.get("RedrivePolicy"));

        Map<String, Object> deadLetters = template.properties("RemediationDeadLetterQueue");
        assertEquals(true, deadLetters.get("FifoQueue"), "a FIFO queue's dead-letter queue must be FIFO");
        assertEquals(1209600, deadLetters.get("MessageRetentionPeriod"));
        assertEquals(Map.of("Ref", "AlertKey"), deadLetters.get("KmsMasterKeyId"));

        Map<String, Object> alarm = template.properties("RemediationDeadLettersAlarm");
        assertEquals("AWS/SQS", alarm.get("Namespace"));
        assertEquals("ApproximateNumberOfMessagesVisible", alarm.get("MetricName"));
        assertEquals(List.of(Map.of("Name", "QueueName", "Value", Map.of("Fn::GetAtt", List.of("RemediationDeadLetterQueue", "QueueName")))),
                alarm.get("Dimensions"));
        assertEquals(0, alarm.get("Threshold"));
        assertEquals("GreaterThanThreshold", alarm.get("ComparisonOperator"));
        assertEquals(List.of(Map.of("Ref", "AlarmTopic")), alarm.get("AlarmActions"));

        // A consumer that stopped moves nothing to the dead letters: the oldest message's age tells.
        Map<String, Object> stalled = template.properties("RemediationQueueStalledAlarm");
        assertEquals("ApproximateAgeOfOldestMessage", stalled.get("MetricName"));
        assertEquals(List.of(Map.of("Name", "QueueName", "Value", Map.of("Fn::GetAtt", List.of("RemediationQueue", "QueueName")))),
                stalled.get("Dimensions"));
        int receives = (Integer) ((Map<?, ?>) queue.get("RedrivePolicy")).get("maxReceiveCount");
        int visibility = (Integer) queue.get("VisibilityTimeout");
        assertTrue((Integer) stalled.get("Threshold") > receives * visibility,
                "older than the longest a message can take to reach the dead letters");
        assertEquals(List.of(Map.of("Ref", "AlarmTopic")), stalled.get("AlarmActions"));
    }

    @Test
    void bothRemediationQueuesRefuseRequestsWithoutTls() {
        Map<String, Object> policy = template.properties("RemediationQueuesPolicy");
        assertEquals(List.of(Map.of("Ref", "RemediationQueue"), Map.of("Ref", "RemediationDeadLetterQueue")), policy.get("Queues"));
        assertEquals(List.of(Map.of("Sid", "DenyWithoutTls", "Effect", "Deny", "Principal", "*", "Action", "sqs:*",
                        "Resource", List.of(Map.of("Fn::GetAtt", List.of("RemediationQueue", "Arn")),
                                Map.of("Fn::GetAtt", List.of("RemediationDeadLetterQueue", "Arn"))),
                        "Condition", Map.of("Bool", Map.of("aws:SecureTransport", "false")))),
                Template.at(policy, "PolicyDocument", "Statement"));
    }

    @Test
    void visibilityTimeoutIsAtLeastSixTimesTheRemediatorsTimeout() {
        Object own = template.properties("OrgRemediatorFunction").get("Timeout");
        int timeout = (Integer) (own != null ? own : Template.at(template.root(), "Globals", "Function", "Timeout"));
        int visibility = (Integer) template.properties("RemediationQueue").get("VisibilityTimeout");
        assertTrue(visibility >= 6 * timeout, visibility + " s < 6 x " + timeout + " s");
    }

    @Test
    void remediatorKnowsTheReceiveThatIsTheLastAttempt() {
        Object maxReceives = Template.at(template.properties("OrgRemediatorFunction"), "Environment", "Variables",
                "GUARDRAIL_REMEDIATION_MAX_RECEIVES");
        assertEquals(String.valueOf(Template.<Object>at(template.properties("RemediationQueue"), "RedrivePolicy", "maxReceiveCount")),
                maxReceives);
    }

    @Test
    void remediatorReadsTheQueueTenAtATimeReportingEachFailureWithinTheConcurrencyParameter() {
        Map<String, Object> source = Template.at(template.properties("OrgRemediatorFunction"), "Events", "QueuedRollbacks");
        assertEquals("SQS", source.get("Type"));
        assertEquals(Map.of("Queue", Map.of("Fn::GetAtt", List.of("RemediationQueue", "Arn")), "BatchSize", 10,
                        "FunctionResponseTypes", List.of("ReportBatchItemFailures"),
                        "ScalingConfig", Map.of("MaximumConcurrency", Map.of("Ref", "RemediationConcurrency"))),
                source.get("Properties"));
        Map<String, Object> parameter = Template.at(template.root(), "Parameters", "RemediationConcurrency");
        assertEquals(2, parameter.get("MinValue"), "Lambda's lowest MaximumConcurrency for SQS");
        assertEquals(10, parameter.get("Default"));
    }

    @Test
    void functionsHaveTheInterfaceHandlersAndSettings() {
        Map<String, Object> evaluator = template.properties("OrgEvaluatorFunction");
        Map<String, Object> remediator = template.properties("OrgRemediatorFunction");
        assertEquals("io.github.lambdaguardrail.guard.org.OrgEvaluatorHandler::handleRequest", evaluator.get("Handler"));
        assertEquals("io.github.lambdaguardrail.guard.org.OrgRemediatorHandler::handleRequest", remediator.get("Handler"));
        for (String id : List.of("OrgEvaluatorFunction", "OrgRemediatorFunction", "OrgSweepFunction")) {
            assertEquals("functions/org", template.properties(id).get("CodeUri"), id);
            assertEquals("makefile", Template.at(template.resources().get(id), "Metadata", "BuildMethod"), id);
            assertEquals(MemberRolesTemplateTest.REMEDIATOR_ROLE_NAME,
                    Template.at(template.properties(id), "Environment", "Variables", "GUARDRAIL_MEMBER_ROLE_NAME"), id);
        }
        assertEquals(Map.of("Ref", "RemediationQueue"),
                Template.at(evaluator, "Environment", "Variables", "GUARDRAIL_REMEDIATION_QUEUE_URL"));
    }

    @Test
    void remediatorRoleHasTheNameMembersTrustAndItsOnlyStsGrantIsTheMemberRoleInTheOrganisation() throws Exception {
        Map<String, Object> role = template.properties("OrgRemediatorRole");
        assertEquals(MemberRolesTemplateTest.CENTRAL_REMEDIATION_ROLE_NAME, role.get("RoleName"));
        Template members = Template.load(MemberRolesTemplateTest.FILE);
        assertEquals(members.properties("RemediatorRole").get("RoleName"), MemberRolesTemplateTest.REMEDIATOR_ROLE_NAME);

        List<Map<String, Object>> sts = statements("OrgRemediatorRole").stream()
                .filter(s -> actions(s).stream().anyMatch(a -> a.startsWith("sts:"))).toList();
        assertEquals(List.of(Map.of("Sid", "AssumeMemberRemediatorRole", "Effect", "Allow", "Action", "sts:AssumeRole",
                        "Resource", "arn:aws:iam::*:role/" + MemberRolesTemplateTest.REMEDIATOR_ROLE_NAME,
                        "Condition", Map.of("StringEquals", Map.of("aws:ResourceOrgID", MemberRolesTemplateTest.ORGANIZATION)))),
                sts);
        Set<String> granted = granted("OrgRemediatorRole");
        assertTrue(granted.stream().noneMatch(a -> a.startsWith("lambda:")), "Lambda calls go through the member role: " + granted);
        assertTrue(granted.containsAll(Set.of("sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes")),
                "the event source mapping polls with the function's role: " + granted);
    }

    @Test
    void evaluatorNeitherCallsLambdaNorAssumesAnyRoleAndQueuesOnlyToTheRemediationQueue() {
        Set<String> granted = granted("OrgEvaluatorRole");
        assertTrue(granted.stream().noneMatch(a -> a.startsWith("lambda:") || a.startsWith("sts:")), granted.toString());
        List<Object> sendTo = statements("OrgEvaluatorRole").stream().filter(s -> actions(s).contains("sqs:SendMessage"))
                .map(s -> s.get("Resource")).toList();
        assertEquals(List.of("arn:aws:sqs:us-east-1:" + ACCOUNT + ":RemediationQueue", "arn:aws:sqs:us-east-1:" + ACCOUNT + ":InvocationFailureQueue"),
                sendTo, "the rollback queue, and the failure queue of its on-failure destination");
    }

    @ParameterizedTest
    @CsvSource({"OrgEvaluatorRole", "OrgRemediatorRole"})
    void everyStatementHasASidAndNoActionOrResourceIsAWildcardButTheMemberRolesAccount(String role) {
        for (Map<String, Object> statement : statements(role)) {
            assertNotNull(statement.get("Sid"), role + ": " + statement);
            assertEquals("Allow", statement.get("Effect"));
            actions(statement).forEach(action -> assertFalse(action.contains("*"), role + ": " + action));
            Object resources = statement.get("Resource");
            for (Object each : resources instanceof List<?> list ? list : List.of(resources)) {
                String resource = String.valueOf(each);
                boolean logGroup = resource.matches("arn:aws:logs:[^*]+:log-group:[^*]+:\\*"); // a log group's ARN attribute ends in :*
                boolean memberRoles = resource.equals("arn:aws:iam::*:role/" + MemberRolesTemplateTest.REMEDIATOR_ROLE_NAME);
                boolean rolesStackSet = resource.equals(ROLES_STACK_SET_ARN);
                assertTrue(!resource.contains("*") || logGroup || memberRoles || rolesStackSet, role + ": " + resource);
            }
        }
    }

    @ParameterizedTest
    @CsvSource({"MemberRolesStackSet, org/member-roles.yaml", "MemberForwarderStackSet, org/member-forwarder.yaml"})
    @SuppressWarnings("unchecked")
    void stackSetGivesItsMemberTemplateEveryParameterItTakesWithValuesItAccepts(String stackSet, String file) throws Exception {
        Map<String, Object> properties = template.properties(stackSet);
        assertEquals(file, properties.get("TemplateURL"), "sam deploy uploads the local file");
        Template member = Template.load(Template.ROOT.resolve(file));
        assertFalse(member.root().containsKey("Transform"), "service-managed StackSets reject transforms");
        Map<String, Map<String, Object>> taken = Template.at(member.root(), "Parameters");
        Map<String, String> given = new HashMap<>();
        for (Object parameter : (List<Object>) template.resolve(properties.get("Parameters"), ORGANISATION)) {
            Map<String, String> p = (Map<String, String>) parameter;
            assertEquals(null, given.put(p.get("ParameterKey"), p.get("ParameterValue")), "set once: " + p);
        }
        assertEquals(taken.keySet(), given.keySet(), "every parameter the template takes (none has a default), and no other");
        taken.forEach((name, parameter) -> assertTrue(given.get(name).matches((String) parameter.get("AllowedPattern")),
                name + "=" + given.get(name)));
        given.forEach((name, value) -> assertEquals(MEMBER_PARAMETERS.get(name), value, name));
    }

    @ParameterizedTest
    @CsvSource({"MemberRolesStackSet", "MemberForwarderStackSet"})
    void stackSetsAreServiceManagedByTheDelegatedAdministratorAndDeployToAccountsThatJoin(String stackSet) {
        Map<String, Object> p = template.properties(stackSet);
        assertEquals("SERVICE_MANAGED", p.get("PermissionModel"));
        assertEquals("DELEGATED_ADMIN", p.get("CallAs"));
        assertEquals(List.of("CAPABILITY_NAMED_IAM"), p.get("Capabilities"), "the member roles have fixed names");
        assertEquals(Map.of("Active", true), p.get("ManagedExecution"));
        Map<String, Object> autoDeployment = Template.at(p, "AutoDeployment");
        assertEquals(true, autoDeployment.get("Enabled"));
        assertEquals(false, autoDeployment.get("RetainStacksOnAccountRemoval"));
        Object instances = template.resolve(p.get("StackInstancesGroup"), ORGANISATION);
        assertEquals(List.of("r-a1b2", "ou-a1b2-c3d4e5f6"), Template.at(((List<?>) instances).get(0), "DeploymentTargets", "OrganizationalUnitIds"));
    }

    @Test
    void rolesGoToThisRegionOnlyAndTheForwarderToEveryGovernedRegion() {
        assertEquals(List.of("us-east-1"), regions("MemberRolesStackSet", ORGANISATION), "IAM is global");
        assertEquals(List.of("us-east-1"), regions("MemberRolesStackSet", with(ORGANISATION, "GovernedRegions", "eu-west-1,eu-central-1")));
        assertEquals(List.of("us-east-1"), regions("MemberForwarderStackSet", ORGANISATION), "by default this stack's region");
        assertEquals(List.of("eu-west-1", "eu-central-1"),
                regions("MemberForwarderStackSet", with(ORGANISATION, "GovernedRegions", "eu-west-1,eu-central-1")));
    }

    @Test
    void forwarderFollowsTheRolesOnFirstDeploymentAndOnAutoDeploymentWhenTheManagementAccountIsKnown() {
        assertEquals("MemberRolesStackSet", Template.at(template.resources().get("MemberForwarderStackSet"), "DependsOn"));
        Object autoDeployment = template.properties("MemberForwarderStackSet").get("AutoDeployment");
        Map<String, String> rolesStackSetId = with(ORGANISATION, "MemberRolesStackSet", "lambda-guardrail-member-roles:0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d");
        assertEquals(Map.of("Enabled", true, "RetainStacksOnAccountRemoval", false), template.resolve(autoDeployment, rolesStackSetId),
                "without the management account the ARN cannot be built");
        assertEquals(List.of("arn:aws:cloudformation:us-east-1:999988887777:stackset/lambda-guardrail-member-roles:0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"),
                Template.at(template.resolve(autoDeployment, with(rolesStackSetId, "ManagementAccountId", "999988887777")), "DependsOn"));
    }

    @Test
    void orgSweepRunsUnderTheRoleTheMembersTrustOnTheSweepsScheduleAndConventions() {
        Map<String, Object> orgSweep = template.properties("OrgSweepFunction");
        Map<String, Object> sweep = template.properties("SweepFunction");
        assertEquals("io.github.lambdaguardrail.guard.org.OrgSweepHandler::handleRequest", orgSweep.get("Handler"));
        assertEquals(Map.of("Fn::GetAtt", List.of("OrgRemediatorRole", "Arn")), orgSweep.get("Role"),
                "the one central principal every member role trusts");
        for (String property : List.of("Timeout", "ReservedConcurrentExecutions", "EventInvokeConfig")) {
            assertEquals(sweep.get(property), orgSweep.get(property), property);
        }
        Map<String, Object> schedule = Template.at(orgSweep, "Events", "Scheduled");
        Map<String, Object> single = Template.at(sweep, "Events", "Scheduled");
        assertEquals("Schedule", schedule.get("Type"));
        for (String property : List.of("Schedule", "RetryPolicy", "DeadLetterConfig")) {
            assertEquals(Template.<Object>at(single, "Properties", property), Template.<Object>at(schedule, "Properties", property), property);
        }
        assertEquals(Map.of("Ref", "OrgSweepLogGroup"), Template.at(orgSweep, "LoggingConfig", "LogGroup"));
        Map<String, Object> alarm = template.properties("OrgSweepErrorsAlarm");
        assertEquals("Errors", alarm.get("MetricName"));
        assertEquals(List.of(Map.of("Name", "FunctionName", "Value", Map.of("Ref", "OrgSweepFunction"))), alarm.get("Dimensions"));

        // Silence is alarmed as for the single-account sweep: the same alarm on the other function.
        Map<String, Object> notRun = new java.util.HashMap<>(template.properties("OrgSweepNotRunAlarm"));
        Map<String, Object> singleNotRun = new java.util.HashMap<>(template.properties("SweepNotRunAlarm"));
        assertEquals(List.of(Map.of("Name", "FunctionName", "Value", Map.of("Ref", "OrgSweepFunction"))), notRun.remove("Dimensions"));
        singleNotRun.remove("Dimensions");
        notRun.remove("AlarmDescription");
        singleNotRun.remove("AlarmDescription");
        assertEquals(singleNotRun, notRun);
    }

    @Test
    void orgSweepSweepsTheRolesStackSetsAccountsInEveryGovernedRegionAtTheSweepsRate() {
        Object variables = Template.at(template.properties("OrgSweepFunction"), "Environment", "Variables");
        Map<?, ?> resolved = (Map<?, ?>) template.resolve(variables, ORGANISATION);
        assertEquals(template.resolve(template.properties("MemberRolesStackSet").get("StackSetName"), ORGANISATION),
                resolved.get("GUARDRAIL_MEMBER_ROLES_STACK_SET"));
        assertEquals("us-east-1", resolved.get("GUARDRAIL_GOVERNED_REGIONS"), "by default this stack's region, as the forwarders");
        assertEquals("eu-west-1,eu-central-1", ((Map<?, ?>) template.resolve(variables,
                with(ORGANISATION, "GovernedRegions", "eu-west-1,eu-central-1"))).get("GUARDRAIL_GOVERNED_REGIONS"));
        assertEquals(Map.of("Ref", "SweepRateLimit"), Template.at(variables, "GUARDRAIL_SWEEP_RATE_LIMIT"));
        assertEquals(MemberRolesTemplateTest.REMEDIATOR_ROLE_NAME, resolved.get("GUARDRAIL_MEMBER_ROLE_NAME"));

        List<Map<String, Object>> listing = statements("OrgRemediatorRole").stream()
                .filter(s -> actions(s).stream().anyMatch(a -> a.startsWith("cloudformation:"))).toList();
        assertEquals(List.of(Map.of("Sid", "ListMemberAccounts", "Effect", "Allow", "Action", "cloudformation:ListStackInstances",
                "Resource", ROLES_STACK_SET_ARN)), listing);
        assertTrue(granted("OrgRemediatorRole").contains("dynamodb:PutItem"), "known-good VPC configs go to the state table");
    }

    @SuppressWarnings("unchecked")
    private static List<String> regions(String stackSet, Map<String, String> values) {
        Object instances = template.resolve(template.properties(stackSet).get("StackInstancesGroup"), values);
        return (List<String>) Template.at(((List<?>) instances).get(0), "Regions");
    }

    private static Set<String> intersection(Set<String> a, Set<String> b) {
        Set<String> out = new TreeSet<>(a);
        out.retainAll(b);
        return out;
    }

    private static Set<String> granted(String role) {
        Set<String> granted = new TreeSet<>();
        statements(role).forEach(s -> granted.addAll(actions(s)));
        return granted;
    }

    /** The statements of {@code role}'s own policies, resolved for the example stack in organisation mode. */
    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> statements(String role) {
        Map<String, String> values = new HashMap<>(ORGANISATION);
        for (String resource : List.of("StateTable", "RemediationQueue", "InvocationFailureQueue", "OrgEvaluatorLogGroup",
                "OrgRemediatorLogGroup", "OrgSweepLogGroup")) {
            values.put(resource + ".Arn", arnOf(resource));
        }
        List<Map<String, Object>> out = new ArrayList<>();
        List<Object> policies = (List<Object>) template.resolve(template.properties(role).get("Policies"), values);
        policies.forEach(policy -> out.addAll(Template.at(policy, "PolicyDocument", "Statement")));
        return out;
    }

    private static String arnOf(String resource) {
        return switch (resource) {
            case "StateTable" -> ORGANISATION.get("StateTable.Arn");
            case "OrgEvaluatorLogGroup", "OrgRemediatorLogGroup", "OrgSweepLogGroup" -> "arn:aws:logs:us-east-1:" + ACCOUNT + ":log-group:" + resource + ":*";
            default -> "arn:aws:sqs:us-east-1:" + ACCOUNT + ":" + resource;
        };
    }

    @SuppressWarnings("unchecked")
    private static List<String> actions(Map<String, Object> statement) {
        Object action = statement.get("Action");
        return action instanceof List<?> list ? (List<String>) list : List.of((String) action);
    }
}
