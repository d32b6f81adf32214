package io.github.lambdaguardrail.deployment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.lambdaguardrail.engine.WatchedApi;
import io.github.lambdaguardrail.engine.WatchedApi.Service;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.event.ruler.Machine;

/**
 * org/member-forwarder.yaml, every member account's rule in each governed region: its pattern
 * forwards exactly the successful Lambda API calls that either guard judges on every function (the
 * engine's {@link WatchedApi} data, and the same events template.yaml's main rules take), to the
 * central bus with the forwarder role of org/member-roles.yaml, a retry policy and a dead-letter
 * queue that only this rule may send to.
 */
class MemberForwarderTemplateTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    static final Path FILE = Template.ROOT.resolve("org/member-forwarder.yaml");
    private static final String RULE = "ForwardRule";
    private static final String QUEUE = "ForwardDeadLetterQueue";
    private static final String MEMBER = MemberRolesTemplateTest.MEMBER_ACCOUNT;
    private static final String RULE_ARN = "arn:aws:events:eu-west-1:" + MEMBER + ":rule/StackSet-lambda-guardrail-forwarder-ForwardRule-EXAMPLE";
    private static final String QUEUE_ARN = "arn:aws:sqs:eu-west-1:" + MEMBER + ":StackSet-lambda-guardrail-forwarder-ForwardDeadLetterQueue-EXAMPLE";
    /** The example member stack in eu-west-1. */
    private static final Map<String, String> VALUES = Map.of(
            "AWS::AccountId", MEMBER, "AWS::Partition", "aws", "AWS::Region", "eu-west-1",
            "AWS::StackName", "StackSet-lambda-guardrail-forwarder-EXAMPLE",
            "CentralEventBusArn", MemberRolesTemplateTest.CENTRAL_BUS,
            RULE + ".Arn", RULE_ARN, QUEUE, "https://sqs.eu-west-1.amazonaws.com/" + MEMBER + "/" + QUEUE, QUEUE + ".Arn", QUEUE_ARN);
    /** The calls either guard judges on every function: what the central evaluator needs from members. */
    private static final List<WatchedApi> FORWARDED = forwarded();
    /** template.yaml's main rule of each guard. */
    private static final Map<String, String> MAIN_RULES = Map.of(
            "VpcGuardFunction", "FunctionConfigurationChanged", "PermissionGuardFunction", "ResourcePolicyChanged");

    private static Template template;
    private static Machine forwarder;
    private static Machine guardsMainRules;

    @BeforeAll
    static void load() throws Exception {
        template = Template.load(FILE);
        forwarder = Machine.builder().build();
        forwarder.addRule(RULE, JSON.writeValueAsString(template.resolve(template.properties(RULE).get("EventPattern"), VALUES)));
        Template single = Template.load();
        guardsMainRules = Machine.builder().build();
        for (Map.Entry<String, String> main : MAIN_RULES.entrySet()) {
            Object pattern = single.resolve(Template.at(single.properties(main.getKey()), "Events", main.getValue(), "Properties", "Pattern"),
                    Template.EXAMPLE);
            guardsMainRules.addRule(main.getKey(), JSON.writeValueAsString(pattern));
        }
    }

    private static List<WatchedApi> forwarded() {
        List<WatchedApi> apis = new ArrayList<>(WatchedApi.functionConfiguration());
        apis.addAll(WatchedApi.resourcePolicy());
        return List.copyOf(apis);
    }

    @Test
    void isPlainCloudFormationWithOnlyTheCentralBusParameter() {
        assertFalse(template.root().containsKey("Transform"), "service-managed StackSets reject transforms");
        Map<String, Object> parameters = Template.at(template.root(), "Parameters");
        assertEquals(Set.of("CentralEventBusArn"), parameters.keySet());
    }

    @Test
    void ruleOnTheDefaultBusTargetsTheCentralBusWithTheForwarderRoleRetriesAndDeadLetterQueue() throws Exception {
        Map<String, Object> rule = template.properties(RULE);
        assertFalse(rule.containsKey("EventBusName"), "CloudTrail delivers to the default bus");
        assertEquals("ENABLED", rule.get("State"));
        Template roles = Template.load(MemberRolesTemplateTest.FILE);
        String forwarderRole = (String) roles.properties("EventForwarderRole").get("RoleName");
        assertEquals(List.of(Map.of(
                        "Id", "CentralEventBus",
                        "Arn", MemberRolesTemplateTest.CENTRAL_BUS,
                        "RoleArn", "arn:aws:iam::" + MEMBER + ":role/" + forwarderRole,
                        "RetryPolicy", Map.of("MaximumEventAgeInSeconds", 86400, "MaximumRetryAttempts", 185),
                        "DeadLetterConfig", Map.of("Arn", QUEUE_ARN))),
                template.resolve(rule.get("Targets"), VALUES));
    }

    @Test
    @SuppressWarnings("unchecked")
    void deadLetterQueueIsEncryptedAndOnlyTheRuleMaySendToIt() {
        Map<String, Object> queue = template.properties(QUEUE);
        assertEquals(true, queue.get("SqsManagedSseEnabled"));
        assertEquals(1209600, queue.get("MessageRetentionPeriod"));
        Map<String, Object> policy = (Map<String, Object>) template.resolve(template.properties("ForwardDeadLetterQueuePolicy"), VALUES);
        assertEquals(List.of(VALUES.get(QUEUE)), policy.get("Queues"));
        List<Map<String, Object>> statements = Template.at(policy, "PolicyDocument", "Statement");
        assertEquals(Map.of("Sid", "ForwardRuleDeadLetters", "Effect", "Allow", "Principal", Map.of("Service", "events.amazonaws.com"),
                "Action", "sqs:SendMessage", "Resource", QUEUE_ARN,
                "Condition", Map.of("ArnEquals", Map.of("aws:SourceArn", RULE_ARN))), statements.get(0));
        assertTrue(statements.stream().skip(1).allMatch(s -> "Deny".equals(s.get("Effect"))), "only denies besides: " + statements);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.github.lambdaguardrail.deployment.EventPatternTest#sampleEvents")
    void sampleEventIsForwardedExactlyWhenAGuardJudgesIt(Path file) throws Exception {
        JsonNode event = JSON.readTree(file.toFile());
        String name = Template.ROOT.relativize(file).toString();
        assertEquals(judgedByAGuard(event), forwards(event), name);
        assertEquals(!guardsMainRules.rulesForJSONEvent(JSON.writeValueAsString(event)).isEmpty(), forwards(event),
                name + ": forwarded exactly when a main rule of template.yaml takes it");
    }

    @Test
    void everyLambdaApiIsForwardedExactlyWhenAGuardJudgesItWhateverItsVersionSuffix() throws Exception {
        int forwardedCalls = 0;
        for (WatchedApi api : WatchedApi.values()) {
            if (api.service() != Service.LAMBDA) {
                continue;
            }
            for (String suffix : List.of("", "20150331", "20150331v2", "20170331", "20211031", "20260709")) {
                ObjectNode event = call(api.baseName() + suffix);
                assertEquals(FORWARDED.contains(api), forwards(event), api.baseName() + suffix);
                forwardedCalls += forwards(event) ? 1 : 0;
            }
        }
        assertEquals(FORWARDED.size() * 6, forwardedCalls);
    }

    @Test
    void unwatchedApisFailedCallsAndOtherSourcesAreNotForwarded() throws Exception {
        for (String name : List.of("GetFunction20150331v2", "GetPolicy20150331v2", "PublishVersion20150331", "CreateAlias20150331",
                "UpdateFunctionCode20150331v2", "PutFunctionConcurrency20171031", "RemovePermission20150331v2", "DeleteFunction20150331",
                "DeleteFunctionUrlConfig20211031", "PutFunctionCodeSigningConfig20200422", "CreateFunctionX", "DeleteFunctionX")) {
            assertFalse(forwards(call(name)), name);
        }
        for (WatchedApi api : FORWARDED) {
            ObjectNode failed = call(api.baseName());
            ((ObjectNode) failed.get("detail")).put("errorCode", "AccessDenied");
            assertFalse(forwards(failed), api + " with errorCode");
            ObjectNode otherSource = call(api.baseName());
            otherSource.put("source", "aws.s3");
            assertFalse(forwards(otherSource), api + " from aws.s3");
            ObjectNode otherType = call(api.baseName());
            otherType.put("detail-type", "AWS Service Event via CloudTrail");
            assertFalse(forwards(otherType), api + " as a service event");
        }
    }

    @Test
    void patternFitsEventBridgesLimit() throws Exception {
        assertTrue(JSON.writeValueAsString(template.properties(RULE).get("EventPattern")).length() <= 2048);
    }

    private static boolean forwards(JsonNode event) throws Exception {
        return forwarder.rulesForJSONEvent(JSON.writeValueAsString(event)).contains(RULE);
    }

    /** From the engine's data: a successful CloudTrail call of an API either guard judges on every function. */
    private static boolean judgedByAGuard(JsonNode event) {
        JsonNode detail = event.path("detail");
        return "AWS API Call via CloudTrail".equals(event.path("detail-type").asText()) && !detail.has("errorCode")
                && WatchedApi.forEvent(detail.path("eventSource").asText(), detail.path("eventName").asText())
                .filter(api -> api.service().eventBridgeSource().equals(event.path("source").asText()))
                .filter(FORWARDED::contains)
                .isPresent();
    }

    /** A successful Lambda "AWS API Call via CloudTrail" event in the example member. */
    private static ObjectNode call(String eventName) throws Exception {
        return (ObjectNode) JSON.readTree("""
                {"version": "0", "id": "6a7e8feb-b491-4cf7-a9f1-bf3703467718", "detail-type": "AWS API Call via CloudTrail",
                 "source": "aws.lambda", "account": "%s", "time": "2026-03-20T09:00:00Z", "region": "eu-west-1",
                 "resources": [],
                 "detail": {"eventVersion": "1.08", "eventSource": "lambda.amazonaws.com", "eventName": "%s",
                            "awsRegion": "eu-west-1", "recipientAccountId": "%s",
                            "requestParameters": {"functionName": "invoice-renderer"}, "responseElements": null}}"""
                .formatted(MEMBER, eventName, MEMBER));
    }
}
