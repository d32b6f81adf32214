package io.github.lambdaguardrail.guard.moto;

import static io.github.lambdaguardrail.guard.moto.MotoAccount.deliver;
import static io.github.lambdaguardrail.guard.moto.PermissionRollbackMotoTest.single;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.lambdaguardrail.engine.WatchedApi;
import io.github.lambdaguardrail.guard.Guard;
import io.github.lambdaguardrail.guard.EventInProgressException;
import io.github.lambdaguardrail.guard.GuardReport;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.services.lambda.model.PutFunctionConcurrencyRequest;
import software.amazon.awssdk.services.lambda.model.RemovePermissionRequest;
import software.amazon.awssdk.services.lambda.model.TagResourceRequest;
import software.amazon.awssdk.services.sns.model.PublishRequest;

/**
 * What keeps the guard safe to run: idempotency under duplicate and concurrent delivery, never
 * acting on its own changes, dry run, notify mode and exemptions.
 */
@ExtendWith(MotoWorld.class)
class GuardSafetyMotoTest {

    private final MotoAccount moto;

    GuardSafetyMotoTest(MotoAccount moto) {
        this.moto = moto;
    }

    @Test
    void hundredDeliveriesOfOneEventRemoveTheStatementOnceAndAlertOnce() {
        String function = moto.createFunction("invoice-renderer");
        ObjectNode event = publicPermissionEvent(function, "allow-anyone");
        Guard guard = moto.permissionGuard();

        int duplicates = 0;
        int rollbacks = 0;
        int notifications = 0;
        for (int i = 0; i < 100; i++) {
            GuardReport report = deliver(guard, event);
            duplicates += report.duplicates();
            rollbacks += report.rollbacks();
            notifications += report.notifications();
        }

        assertEquals(99, duplicates);
        assertEquals(1, rollbacks);
        assertEquals(1, notifications);
        assertEquals(1, moto.guardCalls.requests(RemovePermissionRequest.class).size(), "one RemovePermission");
        assertEquals(1, moto.guardCalls.requests(PublishRequest.class).size());
        assertTrue(moto.statements(function).isEmpty());
        assertEquals(1, moto.awaitAlerts(1).size(), "exactly one alert in the queue");
        assertEquals(99, moto.log("duplicate delivery skipped").size());
        var claim = moto.stateItems().get("event#" + CloudTrailEvents.eventId(event));
        assertEquals("DONE", claim.get("status").s());
        assertTrue(claim.containsKey("expiresAt"), "the claim expires (table TTL attribute)");
        assertFalse(claim.containsKey("leaseUntil"), "a completed claim holds no lease");
    }

    @Test
    void tenConcurrentDeliveriesOfOneEventRemoveTheStatementOnceAndAlertOnce() throws Exception {
        String function = moto.createFunction("invoice-renderer");
        ObjectNode event = publicPermissionEvent(function, "allow-anyone");
        ExecutorService pool = Executors.newFixedThreadPool(10);
        List<GuardReport> reports = new ArrayList<>();
        java.util.concurrent.atomic.AtomicInteger inProgress = new java.util.concurrent.atomic.AtomicInteger();
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<GuardReport>> runs = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                Guard guard = moto.permissionGuard(); // one per "container"
                runs.add(pool.submit(() -> {
                    start.await();
                    try {
                        return deliver(guard, event);
                    } catch (EventInProgressException e) {
                        inProgress.incrementAndGet(); // Lambda would retry it later: a duplicate then
                        return new GuardReport();
                    }
                }));
            }
            start.countDown();
            for (Future<GuardReport> run : runs) {
                reports.add(run.get(60, TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdownNow();
        }

        assertEquals(9, reports.stream().mapToInt(GuardReport::duplicates).sum() + inProgress.get(),
                "every other delivery is a duplicate or, while the first still holds the claim, thrown back for a retry");
        assertEquals(1, reports.stream().mapToInt(GuardReport::rollbacks).sum());
        assertEquals(1, moto.guardCalls.requests(RemovePermissionRequest.class).size());
        assertTrue(moto.statements(function).isEmpty());
        assertEquals(1, moto.awaitAlerts(1).size(), "exactly one alert in the queue");
    }

    @Test
    void eventCausedByTheGuardsOwnRoleChangesNothingAndAlertsNobody() {
        String function = moto.createFunction("invoice-renderer");
        var open = moto.addPermission(b -> b.functionName(function).statementId("allow-anyone")
                .action("lambda:InvokeFunction").principal("*"));
        Map<String, JsonNode> before = moto.statements(function);
        ObjectNode own = CloudTrailEvents.byRole(CloudTrailEvents.addPermission(open.request(), open.response()), moto.guardRoleArn);

        GuardReport report = deliver(moto.permissionGuard(), own);

        assertEquals(1, report.skipped());
        assertEquals(before, moto.statements(function), "policy unchanged");
        assertTrue(moto.guardCalls.calls(SdkRequest.class).isEmpty(), "no AWS call at all");
        assertTrue(moto.drainAlerts().isEmpty(), "no alert");
        assertTrue(moto.stateItems().isEmpty(), "nothing claimed");
    }

    @Test
    void dryRunLeavesThePublicStatementInPlaceAndAlertsWouldRollback() {
        String function = moto.createFunction("invoice-renderer");
        ObjectNode event = publicPermissionEvent(function, "allow-anyone");
        Map<String, JsonNode> before = moto.statements(function);
        Guard guard = moto.guard(WatchedApi.resourcePolicy(), Map.of("GUARDRAIL_MODE", "rollback", "GUARDRAIL_DRY_RUN", "true"));

        GuardReport report = deliver(guard, event);

        assertEquals(0, report.rollbacks());
        assertEquals(before, moto.statements(function), "policy unchanged");
        assertTrue(moto.guardCalls.requests(RemovePermissionRequest.class).isEmpty());
        DeliveredAlert alert = single(moto.awaitAlerts(1));
        assertEquals("WOULD_ROLLBACK", alert.decision());
        assertTrue(alert.document().path("dryRun").asBoolean());
        assertEquals("DRY_RUN", alert.outcomes().get(0).path("status").asText());
    }

    @Test
    void dryRunLeavesAFunctionOutsideAVpcUnquarantinedAndAlertsWouldRollback() {
        var created = moto.createFunction("data-scraper", b -> { });
        String function = created.request().functionName();
        Guard guard = moto.guard(WatchedApi.functionConfiguration(), Map.of("GUARDRAIL_MODE", "rollback", "GUARDRAIL_DRY_RUN", "true"));

        deliver(guard, CloudTrailEvents.createFunction(created.request(), created.response()));

        assertEquals(Optional.empty(), moto.reservedConcurrency(function), "concurrency unchanged");
        assertTrue(moto.tags(function).isEmpty(), "no tags");
        assertTrue(moto.guardCalls.requests(PutFunctionConcurrencyRequest.class).isEmpty());
        assertTrue(moto.guardCalls.requests(TagResourceRequest.class).isEmpty());
        DeliveredAlert alert = single(moto.awaitAlerts(1));
        assertEquals("WOULD_ROLLBACK", alert.decision());
        assertEquals("QUARANTINE", alert.outcomes().get(0).path("type").asText());
        assertEquals("DRY_RUN", alert.outcomes().get(0).path("status").asText());
    }

    @Test
    void notifyModeKeepsThePublicStatementAndAlertsNotify() {
        String function = moto.createFunction("invoice-renderer");
        ObjectNode event = publicPermissionEvent(function, "allow-anyone");
        Map<String, JsonNode> before = moto.statements(function);

        GuardReport report = deliver(moto.guard(WatchedApi.resourcePolicy(), Map.of("GUARDRAIL_MODE", "notify")), event);

        assertEquals(0, report.rollbacks());
        assertEquals(before, moto.statements(function), "statement kept");
        assertTrue(moto.guardCalls.requests(RemovePermissionRequest.class).isEmpty());
        DeliveredAlert alert = single(moto.awaitAlerts(1));
        assertEquals("NOTIFY", alert.decision());
        assertEquals("CRITICAL", alert.attributes().get("severity"));
        assertEquals(List.of("PERMISSION_PUBLIC"), alert.ruleIds());
        assertTrue(alert.outcomes().isEmpty());
    }

    @Test
    void exemptionTagOnTheFunctionKeepsThePublicStatementAndAlertsItAsExempted() {
        String function = moto.createFunction("vendor-callback", b -> b.tags(Map.of("guardrail:exempt", "*")))
                .request().functionName();
        ObjectNode event = publicPermissionEvent(function, "allow-anyone");
        Map<String, JsonNode> before = moto.statements(function);

        GuardReport report = deliver(moto.permissionGuard(), event);

        assertEquals(0, report.rollbacks());
        assertEquals(1, report.notifications());
        assertEquals(1, report.exempted());
        assertEquals(before, moto.statements(function), "statement kept");
        assertTrue(moto.guardCalls.requests(RemovePermissionRequest.class).isEmpty());
        DeliveredAlert alert = single(moto.awaitAlerts(1));
        assertEquals("EXEMPTED", alert.decision(), "never silent: an exempted finding is alerted, marked as such");
        assertEquals("EXEMPTED", alert.attributes().get("decision"));
        assertEquals("tag guardrail:exempt=*", alert.document().path("findings").path(0).path("exemption").asText());
        JsonNode verdict = moto.log("verdict").get(moto.log("verdict").size() - 1);
        assertEquals("EXEMPTED", verdict.path("decision").asText());
        assertEquals("tag guardrail:exempt=*", verdict.path("findings").path(0).path("exemption").asText(),
                "the exempted finding is still logged");
        assertEquals("PERMISSION_PUBLIC", verdict.path("findings").path(0).path("ruleId").asText());
    }

    /** Adds a statement with principal {@code *} and nothing narrowing it; returns its CloudTrail event. */
    private ObjectNode publicPermissionEvent(String function, String sid) {
        var open = moto.addPermission(b -> b.functionName(function).statementId(sid)
                .action("lambda:InvokeFunction").principal("*"));
        return CloudTrailEvents.addPermission(open.request(), open.response());
    }
}
