package io.github.lambdaguardrail.guard.moto;

import static io.github.lambdaguardrail.guard.moto.MotoWorld.ACCOUNT;
import static io.github.lambdaguardrail.guard.moto.MotoWorld.REGION;
import static io.github.lambdaguardrail.guard.moto.MotoAccount.deliver;
import static io.github.lambdaguardrail.guard.moto.PermissionRollbackMotoTest.single;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.lambdaguardrail.engine.WatchedApi;
import io.github.lambdaguardrail.guard.Guard;
import io.github.lambdaguardrail.guard.GuardReport;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.lambda.model.PutFunctionConcurrencyRequest;
import software.amazon.awssdk.services.lambda.model.RemovePermissionRequest;
import software.amazon.awssdk.services.lambda.model.TagResourceRequest;
import software.amazon.awssdk.services.lambda.model.UpdateFunctionConfigurationRequest;
import software.amazon.awssdk.services.sns.model.PublishRequest;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The issue "never silent", case by case against moto: each ends in exactly one alert with the
 * right decision, and nothing is acted on twice. The guardrail is the stack {@code lambda-guardrail}
 * of {@code events/guardrail/}, in moto's account.
 */
@ExtendWith(MotoWorld.class)
class NeverSilentMotoTest {

    private static final String STACK = "lambda-guardrail";
    private static final String OWN_RESOURCES = String.join(",",
            function(STACK + "-vpc-guard"), function(STACK + "-permission-guard"), function(STACK + "-sweep"),
            "arn:aws:events:" + REGION + ":" + ACCOUNT + ":rule/" + STACK + "-vpc-guard-changes",
            "arn:aws:events:" + REGION + ":" + ACCOUNT + ":rule/" + STACK + "-permission-guard-changes",
            "arn:aws:events:" + REGION + ":" + ACCOUNT + ":rule/" + STACK + "-permission-guard-tamper",
            "arn:aws:kms:" + REGION + ":" + ACCOUNT + ":key/0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d",
            "arn:aws:sns:" + REGION + ":" + ACCOUNT + ":" + STACK + "-AlertTopic-EXAMPLE");

    private final MotoAccount moto;

    NeverSilentMotoTest(MotoAccount moto) {
        this.moto = moto;
    }

    private static String function(String name) {
        return "arn:aws:lambda:" + REGION + ":" + ACCOUNT + ":function:" + name;
    }

    /** A guard of the stack, running as its function {@code name}, in rollback mode. */
    private Guard guard(List<WatchedApi> apis, String name, Map<String, String> more) {
        Map<String, String> env = new HashMap<>(Map.of("GUARDRAIL_MODE", "rollback", "GUARDRAIL_OWN_RESOURCES", OWN_RESOURCES,
                "AWS_LAMBDA_FUNCTION_NAME", STACK + "-" + name));
        env.putAll(more);
        return moto.guard(apis, env);
    }

    private Guard vpcGuard() {
        return guard(WatchedApi.functionConfiguration(), "vpc-guard", Map.of());
    }

    private Guard permissionGuard() {
        return guard(WatchedApi.resourcePolicy(), "permission-guard", Map.of());
    }

    // 1. name bypass

    @Test
    void publicStatementOnAFunctionNamedLikeTheStackIsRolledBackAndAlerted() {
        String backdoor = moto.createFunction(STACK + "-backdoor");
        var open = moto.addPermission(b -> b.functionName(backdoor).statementId("anyone")
                .action("lambda:InvokeFunction").principal("*"));

        GuardReport report = deliver(permissionGuard(), CloudTrailEvents.addPermission(open.request(), open.response()));

        assertEquals(1, report.rollbacks());
        assertEquals(Map.of(), moto.statements(backdoor), "the public statement is gone");
        DeliveredAlert alert = single(moto.awaitAlerts(1));
        assertEquals("ROLLBACK", alert.decision());
        assertEquals("PERMISSION_PUBLIC", alert.document().path("findings").path(0).path("ruleId").asText());
    }

    // 2. tag exemption

    @Test
    void exemptionTagSetOnAFunctionIsAlertedOnceNamingWhoSetIt() {
        ObjectNode event = CloudTrailEvents.guardrailSample("tag-exempt-set.json");
        Guard guard = vpcGuard();

        deliver(guard, event);
        GuardReport again = deliver(guard, event);

        assertEquals(1, again.duplicates());
        DeliveredAlert alert = single(moto.awaitAlerts(1));
        assertEquals("NOTIFY", alert.decision(), "an audit is reported, never rolled back");
        assertEquals("[\"GUARDRAIL_TAG_CHANGED\"]", alert.attributes().get("ruleIds"));
        assertEquals("HIGH", alert.attributes().get("severity"));
        assertTrue(alert.document().path("actor").asText().endsWith(":user/mallory"), alert.document()::toString);
        assertTrue(alert.document().path("findings").path(0).path("message").asText().contains("set guardrail:exempt=*"));
        assertTrue(moto.guardCalls.requests(TagResourceRequest.class).isEmpty(), "the tag is left as it is");
    }

    @Test
    void exemptedFindingIsAlertedAsExemptedAndCounted() {
        var created = moto.createFunction("vendor-relay", b -> b.tags(Map.of("guardrail:exempt", "LAMBDA_NOT_IN_VPC")));
        String function = created.request().functionName();
        ObjectNode event = CloudTrailEvents.createFunction(created.request(), created.response());

        GuardReport report = deliver(vpcGuard(), event);

        assertEquals(1, report.exempted());
        assertEquals(Optional.empty(), moto.reservedConcurrency(function), "not quarantined");
        DeliveredAlert alert = single(moto.awaitAlerts(1));
        assertEquals("EXEMPTED", alert.decision());
        assertTrue(alert.subject().contains(" EXEMPTED LAMBDA_NOT_IN_VPC "), alert.subject());
        assertTrue(alert.document().path("findings").path(0).path("exemption").asText().contains("guardrail:exempt"));
    }

    // 3. tamper

    @Test
    void guardThrottledToZeroIsReportedByTheOtherGuardOnceAndIgnoredByItself() {
        ObjectNode event = CloudTrailEvents.guardrailSample("tamper-putfunctionconcurrency-guard-zero.json");

        GuardReport itself = deliver(vpcGuard(), event);
        GuardReport other = deliver(permissionGuard(), event);
        GuardReport otherAgain = deliver(permissionGuard(), event);

        assertEquals(0, itself.notifications(), "a guard never judges a change to itself");
        assertEquals(1, other.tampers());
        assertEquals(1, otherAgain.duplicates());
        DeliveredAlert alert = single(moto.awaitAlerts(1));
        assertEquals("CRITICAL", alert.attributes().get("severity"));
        assertEquals("[\"GUARDRAIL_TAMPERED\"]", alert.attributes().get("ruleIds"));
        assertEquals(ACCOUNT, alert.attributes().get("account"));
        assertEquals(REGION, alert.attributes().get("region"));
        assertTrue(alert.document().path("findings").path(0).path("message").asText().contains("reserved concurrency set to 0"),
                alert.document()::toString);
        assertTrue(moto.guardCalls.requests(PutFunctionConcurrencyRequest.class).isEmpty(), "the guard never fights its own config");
    }

    @Test
    void guardConfigurationChangedIsOneCriticalAlertAndNoRollback() {
        ObjectNode event = CloudTrailEvents.guardrailSample("tamper-updatefunctionconfiguration-guard-mode.json");

        deliver(vpcGuard(), event);
        deliver(permissionGuard(), event);

        DeliveredAlert alert = single(moto.awaitAlerts(1));
        assertEquals("NOTIFY", alert.decision());
        assertEquals("CRITICAL", alert.attributes().get("severity"));
        assertEquals("[\"GUARDRAIL_TAMPERED\"]", alert.attributes().get("ruleIds"),
                "the guard runs outside a VPC by design: exempt from the VPC rules, not from the tamper rule");
        assertTrue(moto.guardCalls.requests(PutFunctionConcurrencyRequest.class).isEmpty());
        assertTrue(moto.guardCalls.requests(UpdateFunctionConfigurationRequest.class).isEmpty());
    }

    @Test
    void changesToTheRulesKeyAndTopicAreEachAlertedOnce() {
        List<String> files = List.of("tamper-disablerule-guard.json", "tamper-puttargets-guard-rule.json",
                "tamper-deleterule-guard.json", "tamper-disablekey.json", "tamper-schedulekeydeletion.json",
                "tamper-deletetopic.json", "tamper-settopicattributes-policy.json", "tamper-removepermission-guard.json",
                "tamper-updatefunctioncode-guard.json", "tamper-deletefunction-sweep.json");
        for (String file : files) {
            ObjectNode event = CloudTrailEvents.guardrailSample(file);
            deliver(vpcGuard(), event);
            deliver(permissionGuard(), event);
        }
        List<DeliveredAlert> alerts = moto.awaitAlerts(files.size());
        assertEquals(files.size(), alerts.size(), "one alert per change, although both guards received each");
        assertTrue(alerts.stream().allMatch(a -> "[\"GUARDRAIL_TAMPERED\"]".equals(a.attributes().get("ruleIds"))));
        assertTrue(alerts.stream().allMatch(a -> "CRITICAL".equals(a.attributes().get("severity"))));
    }

    @Test
    void deployByCloudFormationIsReportedAtLowerSeverity() {
        deliver(permissionGuard(), CloudTrailEvents.guardrailSample("tamper-deploy-by-cloudformation.json"));

        DeliveredAlert alert = single(moto.awaitAlerts(1));
        assertEquals("MEDIUM", alert.attributes().get("severity"));
        assertEquals("[\"GUARDRAIL_TAMPERED\"]", alert.attributes().get("ruleIds"));
    }

    // 4. a failure while acting

    @Test
    void quarantineWithABadPreviousConcurrencyTagFailsVisiblyAndChangesNothing() {
        var created = moto.createFunction("scraper", b -> b.tags(Map.of("guardrail:previous-concurrency", "none")));
        String function = created.request().functionName();

        ObjectNode event = CloudTrailEvents.createFunction(created.request(), created.response());
        GuardReport report = deliver(vpcGuard(), event);

        assertEquals(1, report.actionFailures());
        assertEquals(Optional.empty(), moto.reservedConcurrency(function), "the function was left alone");
        assertTrue(moto.guardCalls.requests(PutFunctionConcurrencyRequest.class).isEmpty());
        DeliveredAlert alert = single(moto.awaitAlerts(1));
        assertEquals("ROLLBACK_FAILED", alert.decision());
        assertTrue(alert.subject().contains("ROLLBACK_FAILED LAMBDA_NOT_IN_VPC"), alert.subject());
        JsonNode outcome = alert.document().path("outcomes").path(0);
        assertEquals("FAILED", outcome.path("status").asText());
        assertTrue(outcome.path("detail").asText().contains("'none'"), outcome::toString);
        assertEquals("DONE", moto.stateItems().get("event#" + CloudTrailEvents.eventId(event)).get("status").s(),
                "a failure that a retry cannot cure is an outcome, not a retry");
    }

    // 5. a failed notification

    @Test
    void alertThatCouldNotBeSentIsSentByTheNextDeliveryWithoutActingTwice() {
        String topicName = "late-alerts-" + moto.suffix;
        String lateTopic = "arn:aws:sns:" + REGION + ":" + ACCOUNT + ":" + topicName;
        Guard guard = guard(WatchedApi.resourcePolicy(), "permission-guard", Map.of("GUARDRAIL_TOPIC_ARN", lateTopic));
        String function = moto.createFunction("invoice-renderer");
        var open = moto.addPermission(b -> b.functionName(function).statementId("anyone")
                .action("lambda:InvokeFunction").principal("*"));
        ObjectNode event = CloudTrailEvents.addPermission(open.request(), open.response());

        GuardReport first = new GuardReport();
        assertThrows(RuntimeException.class, () -> guard.handle(new ByteArrayInputStream(
                event.toString().getBytes(StandardCharsets.UTF_8)), first), "the topic does not exist yet");
        assertEquals(1, first.rollbacks());
        assertEquals(1, first.notificationFailures());
        assertEquals(Map.of(), moto.statements(function));

        moto.sns.createTopic(b -> b.name(topicName));
        String queueArn = moto.sqs.getQueueAttributes(b -> b.queueUrl(moto.queueUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
        moto.sns.subscribe(b -> b.topicArn(lateTopic).protocol("sqs").endpoint(queueArn));
        GuardReport retry = deliver(guard, event);
        GuardReport duplicate = deliver(guard, event);

        assertEquals(1, retry.notifications());
        assertEquals(1, duplicate.duplicates());
        assertEquals(1, moto.guardCalls.requests(RemovePermissionRequest.class).size(), "acted once");
        DeliveredAlert alert = single(moto.awaitAlerts(1));
        assertEquals("ROLLBACK", alert.decision(), "the kept alert says what the first delivery did");
        assertEquals("DONE", alert.document().path("outcomes").path(0).path("status").asText());
        assertEquals(2, moto.guardCalls.requests(PublishRequest.class).size(), "one failed publish, one sent");
    }

    // 6. unreadable events and heartbeats

    @Test
    void invalidWatchedEventIsAlertedOnceWithWhatCouldBeRead() {
        ObjectNode event = CloudTrailEvents.guardrailSample("../../shared/src/test/resources/invalid-addpermission-no-statementid.json");
        Guard guard = permissionGuard();

        GuardReport report = deliver(guard, event);
        deliver(guard, event);

        assertEquals(1, report.invalid());
        DeliveredAlert alert = single(moto.awaitAlerts(1));
        assertEquals("INVALID", alert.decision());
        assertTrue(alert.subject().contains("AddPermission"), alert.subject());
        assertEquals(CloudTrailEvents.eventId(event), alert.document().path("seen").path("eventID").asText());
        assertTrue(alert.document().path("reason").asText().contains("statementId"), alert.document()::toString);
        assertTrue(moto.guardCalls.requests(RemovePermissionRequest.class).isEmpty());
    }

    @Test
    void heartbeatIsCountedAndAlertsNobody() {
        GuardReport report = deliver(vpcGuard(), CloudTrailEvents.guardrailSample("heartbeat-scheduled-event.json"));

        assertEquals(1, report.heartbeats());
        assertEquals(0, report.invalid());
        assertTrue(moto.drainAlerts().isEmpty());
    }
}
