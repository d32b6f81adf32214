package io.github.lambdaguardrail.guard.moto;

import io.github.lambdaguardrail.engine.WatchedApi;
import static io.github.lambdaguardrail.guard.moto.MotoAccount.deliver;
import static io.github.lambdaguardrail.guard.moto.MotoAccount.functionArn;
import static io.github.lambdaguardrail.guard.moto.PermissionRollbackMotoTest.single;
import static io.github.lambdaguardrail.guard.moto.PermissionRollbackMotoTest.texts;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.lambdaguardrail.guard.Guard;
import io.github.lambdaguardrail.guard.GuardReport;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import java.util.concurrent.atomic.AtomicBoolean;
import software.amazon.awssdk.services.lambda.model.GetFunctionConfigurationResponse;
import software.amazon.awssdk.services.lambda.model.GetFunctionRequest;
import software.amazon.awssdk.services.lambda.model.PreconditionFailedException;
import software.amazon.awssdk.services.lambda.model.PutFunctionConcurrencyRequest;
import software.amazon.awssdk.services.lambda.model.TagResourceRequest;
import software.amazon.awssdk.services.lambda.model.UpdateFunctionConfigurationRequest;
import software.amazon.awssdk.services.lambda.model.UpdateFunctionConfigurationResponse;
import software.amazon.awssdk.services.lambda.model.VpcConfigResponse;

/**
 * The VPC guard in rollback mode against moto: quarantine, restoring the last known-good VPC
 * config, and leaving pre-existing findings alone. moto accepts any subnet and security group id
 * and reports the VPC id {@code vpc-123abc} for every attached config.
 */
@ExtendWith(MotoWorld.class)
class VpcRollbackMotoTest {

    private static final List<String> SUBNETS = List.of("subnet-0a1b2c3d4e5f60011", "subnet-0a1b2c3d4e5f60012");
    private static final List<String> SECURITY_GROUPS = List.of("sg-0a1b2c3d4e5f60021");
    private static final String QUARANTINE = "guardrail:quarantine";
    private static final String PREVIOUS_CONCURRENCY = "guardrail:previous-concurrency";

    private final MotoAccount moto;

    VpcRollbackMotoTest(MotoAccount moto) {
        this.moto = moto;
    }

    @Test
    void functionCreatedOutsideAVpcIsQuarantinedWithTagsSayingWhyAndHowToUndo() {
        var created = moto.createFunction("data-scraper", b -> { });
        String function = created.request().functionName();
        ObjectNode event = CloudTrailEvents.createFunction(created.request(), created.response());

        GuardReport report = deliver(moto.vpcGuard(), event);

        assertEquals(1, report.rollbacks());
        assertEquals(Optional.of(0), moto.reservedConcurrency(function));
        Map<String, String> tags = moto.tags(function);
        assertTrue(tags.get(QUARANTINE).contains("LAMBDA_NOT_IN_VPC"), tags.toString());
        assertTrue(tags.get(QUARANTINE).contains(CloudTrailEvents.eventId(event)), tags.toString());
        assertEquals("unreserved", tags.get(PREVIOUS_CONCURRENCY));

        DeliveredAlert alert = single(moto.awaitAlerts(1));
        assertEquals("ROLLBACK", alert.decision());
        assertEquals("MEDIUM", alert.attributes().get("severity"));
        assertEquals(List.of("LAMBDA_NOT_IN_VPC"), alert.ruleIds());
        JsonNode outcome = alert.outcomes().get(0);
        assertEquals("QUARANTINE", outcome.path("type").asText());
        assertEquals("DONE", outcome.path("status").asText());
        String arn = functionArn(function);
        assertEquals(List.of("aws lambda delete-function-concurrency --function-name " + arn,
                        "aws lambda untag-resource --resource " + arn + " --tag-keys " + QUARANTINE + " " + PREVIOUS_CONCURRENCY),
                texts(outcome.path("undo")));
    }

    @Test
    void quarantineRecordsTheReservedConcurrencyTheFunctionHadBefore() {
        var created = moto.createFunction("data-scraper", b -> { });
        String function = created.request().functionName();
        moto.lambda.putFunctionConcurrency(b -> b.functionName(function).reservedConcurrentExecutions(7));

        deliver(moto.vpcGuard(), CloudTrailEvents.createFunction(created.request(), created.response()));

        assertEquals(Optional.of(0), moto.reservedConcurrency(function));
        assertEquals("7", moto.tags(function).get(PREVIOUS_CONCURRENCY));
        JsonNode outcome = single(moto.awaitAlerts(1)).outcomes().get(0);
        assertEquals("aws lambda put-function-concurrency --function-name " + functionArn(function)
                + " --reserved-concurrent-executions 7", texts(outcome.path("undo")).get(0));
    }

    /**
     * A second violation on a quarantined function must not record the guard's own 0 as the
     * concurrency to restore. (AWS's GetFunction reports the reserved 0, so the guard answers
     * ALREADY_DONE; moto's GetFunction leaves out a reserved concurrency of 0, so there the guard
     * quarantines again. Either way the recorded previous concurrency must stay 7.) The second
     * violation is an update into a denied security group: introduced by the update itself.
     */
    @Test
    void secondQuarantineKeepsTheConcurrencyRecordedBeforeTheFirst() {
        var created = moto.createFunction("data-scraper", b -> { });
        String function = created.request().functionName();
        moto.lambda.putFunctionConcurrency(b -> b.functionName(function).reservedConcurrentExecutions(7));
        Guard guard = moto.guard(WatchedApi.functionConfiguration(), Map.of("GUARDRAIL_MODE", "rollback",
                "GUARDRAIL_DENIED_SECURITY_GROUP_IDS", DENIED_SG));
        deliver(guard, CloudTrailEvents.createFunction(created.request(), created.response()));
        var denied = moto.updateConfiguration(b -> b.functionName(function)
                .vpcConfig(v -> v.subnetIds(SUBNETS).securityGroupIds(DENIED_SG)));

        deliver(guard, CloudTrailEvents.updateFunctionConfiguration(denied.request(), denied.response()));

        assertEquals(Optional.of(0), moto.reservedConcurrency(function));
        assertEquals("7", moto.tags(function).get(PREVIOUS_CONCURRENCY));
        List<DeliveredAlert> alerts = moto.awaitAlerts(2);
        assertEquals(2, alerts.size());
        assertEquals(List.of("LAMBDA_VPC_NOT_ALLOWED"), alerts.get(1).ruleIds());
        assertEquals("aws lambda put-function-concurrency --function-name " + functionArn(function)
                + " --reserved-concurrent-executions 7", texts(alerts.get(1).outcomes().get(0).path("undo")).get(0));
    }

    private static final String DENIED_SG = "sg-0badbadbadbad0001";

    @Test
    void vpcRemovedByAnUpdateIsRestoredFromTheKnownGoodConfigAndTheGuardsOwnRestoreIsIgnored() {
        Guard guard = moto.vpcGuard();
        var created = moto.createFunction("payments-worker",
                b -> b.vpcConfig(v -> v.subnetIds(SUBNETS).securityGroupIds(SECURITY_GROUPS)));
        String function = created.request().functionName();
        assertEquals("vpc-123abc", created.response().vpcConfig().vpcId(), "moto's constant VPC id");

        // 1. A compliant create: allowed, and remembered as the known-good config.
        GuardReport compliant = deliver(guard, CloudTrailEvents.createFunction(created.request(), created.response()));
        assertEquals(0, compliant.findings());
        Map<String, AttributeValue> remembered = moto.stateItems().get("vpc#" + functionArn(function));
        assertEquals(Set.copyOf(SUBNETS), Set.copyOf(remembered.get("subnetIds").ss()));
        assertEquals(Set.copyOf(SECURITY_GROUPS), Set.copyOf(remembered.get("securityGroupIds").ss()));
        assertEquals("vpc-123abc", remembered.get("vpcId").s());
        assertTrue(moto.drainAlerts().isEmpty(), "a compliant create alerts nobody");

        // 2. Someone detaches the function from its VPC.
        var detached = moto.updateConfiguration(b -> b.functionName(function)
                .vpcConfig(v -> v.subnetIds(List.of()).securityGroupIds(List.of())));
        assertTrue(moto.configuration(function).vpcConfig().subnetIds().isEmpty(), "moto detached it");

        GuardReport removed = deliver(guard, CloudTrailEvents.updateFunctionConfiguration(detached.request(), detached.response()));

        assertEquals(1, removed.rollbacks());
        VpcConfigResponse restored = moto.configuration(function).vpcConfig();
        assertEquals(Set.copyOf(SUBNETS), Set.copyOf(restored.subnetIds()));
        assertEquals(Set.copyOf(SECURITY_GROUPS), Set.copyOf(restored.securityGroupIds()));
        assertEquals(Optional.empty(), moto.reservedConcurrency(function), "restored, not quarantined");
        assertFalse(moto.tags(function).containsKey(QUARANTINE));
        DeliveredAlert alert = single(moto.awaitAlerts(1));
        assertEquals("ROLLBACK", alert.decision());
        assertEquals(List.of("LAMBDA_NOT_IN_VPC"), alert.ruleIds());
        JsonNode outcome = alert.outcomes().get(0);
        assertEquals("RESTORE_VPC_CONFIG", outcome.path("type").asText());
        assertEquals("DONE", outcome.path("status").asText());
        assertEquals(List.of("aws lambda update-function-configuration --function-name " + functionArn(function)
                + " --vpc-config SubnetIds=[],SecurityGroupIds=[],Ipv6AllowedForDualStack=false"), texts(outcome.path("undo")));

        // 3. CloudTrail records the guard's own restore; the guard must not act on it.
        RecordedCalls.Call restore = single(moto.guardCalls.calls(UpdateFunctionConfigurationRequest.class));
        ObjectNode own = CloudTrailEvents.byRole(CloudTrailEvents.updateFunctionConfiguration(
                (UpdateFunctionConfigurationRequest) restore.request(),
                (UpdateFunctionConfigurationResponse) restore.response().orElseThrow()), moto.guardRoleArn);
        Map<String, Map<String, AttributeValue>> stateBefore = moto.stateItems();
        GetFunctionConfigurationResponse configBefore = moto.configuration(function);
        moto.guardCalls.clear();

        GuardReport ownReport = deliver(guard, own);

        assertEquals(1, ownReport.skipped());
        assertEquals(0, ownReport.rollbacks() + ownReport.notifications() + ownReport.duplicates());
        assertTrue(moto.guardCalls.calls(SdkRequest.class).isEmpty(), "no AWS call at all");
        assertTrue(moto.drainAlerts().isEmpty(), "no alert");
        assertEquals(stateBefore, moto.stateItems(), "no state change");
        assertEquals(configBefore.vpcConfig(), moto.configuration(function).vpcConfig());
        JsonNode verdict = moto.log("verdict").get(moto.log("verdict").size() - 1);
        assertEquals("SKIP", verdict.path("decision").asText());
        assertTrue(verdict.path("note").asText().contains(moto.guardRoleArn), verdict.toString());
    }

    // ---- stale events: the live function is no longer what the event set ------------------------

    /** Issue 10, case 1: the old CreateFunction event arrives after the function moved into a VPC. */
    @Test
    void functionCreatedOutsideAVpcButMovedIntoOneBeforeTheEventIsHandledIsLeftAloneAndTheAlertSaysWhy() {
        var created = moto.createFunction("data-scraper", b -> { });
        String function = created.request().functionName();
        moto.updateConfiguration(b -> b.functionName(function).vpcConfig(v -> v.subnetIds(SUBNETS).securityGroupIds(SECURITY_GROUPS)));

        GuardReport report = deliver(moto.vpcGuard(), CloudTrailEvents.createFunction(created.request(), created.response()));

        assertEquals(0, report.rollbacks());
        assertEquals(Optional.empty(), moto.reservedConcurrency(function), "not quarantined");
        assertFalse(moto.tags(function).containsKey(QUARANTINE));
        assertTrue(moto.guardCalls.calls(PutFunctionConcurrencyRequest.class).isEmpty());
        assertTrue(moto.guardCalls.calls(TagResourceRequest.class).isEmpty());
        DeliveredAlert alert = single(moto.awaitAlerts(1));
        assertEquals("LEFT_ALONE", alert.decision());
        assertEquals(List.of("LAMBDA_NOT_IN_VPC"), alert.ruleIds());
        JsonNode outcome = single(alert.outcomes());
        assertEquals("QUARANTINE", outcome.path("type").asText());
        assertEquals("LEFT_ALONE", outcome.path("status").asText());
        String detail = outcome.path("detail").asText();
        assertTrue(detail.contains("now in subnets") && detail.contains(SUBNETS.get(0)), detail);
        assertTrue(single(moto.emailTexts()).contains("QUARANTINE: LEFT_ALONE - " + detail));
    }

    /**
     * The function is moved into a VPC after the guard read its facts but before the quarantine:
     * the remediator's own read before writing finds it no longer as the event left it.
     */
    @Test
    void quarantineRacedByAMoveIntoAVpcLeavesTheFunctionAlone() {
        var created = moto.createFunction("data-scraper", b -> { });
        String function = created.request().functionName();
        java.util.concurrent.atomic.AtomicInteger reads = new java.util.concurrent.atomic.AtomicInteger();
        moto.guardCalls.beforeEachCall(request -> {
            if (request instanceof GetFunctionRequest && reads.incrementAndGet() == 2) {
                moto.updateConfiguration(b -> b.functionName(function).vpcConfig(v -> v.subnetIds(SUBNETS).securityGroupIds(SECURITY_GROUPS)));
            }
        });

        GuardReport report = deliver(moto.vpcGuard(), CloudTrailEvents.createFunction(created.request(), created.response()));

        assertEquals(0, report.rollbacks());
        assertEquals(2, reads.get(), "the facts, then the remediator's read before writing");
        assertEquals(Optional.empty(), moto.reservedConcurrency(function));
        assertTrue(moto.guardCalls.calls(TagResourceRequest.class).isEmpty());
        JsonNode outcome = single(single(moto.awaitAlerts(1)).outcomes());
        assertEquals("LEFT_ALONE", outcome.path("status").asText());
        assertTrue(outcome.path("detail").asText().contains(SUBNETS.get(0)), outcome.toString());
    }

    /** Issue 10, case 2: E1 detached the function; the team then attached it to subnet B; E1 arrives late. */
    @Test
    void detachedFunctionReattachedElsewhereBeforeTheEventIsHandledKeepsItsNewConfig() {
        Guard guard = moto.vpcGuard();
        var created = moto.createFunction("payments-worker",
                b -> b.vpcConfig(v -> v.subnetIds(SUBNETS).securityGroupIds(SECURITY_GROUPS)));
        String function = created.request().functionName();
        deliver(guard, CloudTrailEvents.createFunction(created.request(), created.response()));
        assertTrue(moto.stateItems().containsKey("vpc#" + functionArn(function)), "known good: subnet A");
        var detached = moto.updateConfiguration(b -> b.functionName(function)
                .vpcConfig(v -> v.subnetIds(List.of()).securityGroupIds(List.of())));
        List<String> subnetB = List.of("subnet-0a1b2c3d4e5f60099");
        moto.updateConfiguration(b -> b.functionName(function).vpcConfig(v -> v.subnetIds(subnetB).securityGroupIds(SECURITY_GROUPS)));
        moto.guardCalls.clear();

        GuardReport report = deliver(guard, CloudTrailEvents.updateFunctionConfiguration(detached.request(), detached.response()));

        assertEquals(0, report.rollbacks());
        assertEquals(subnetB, moto.configuration(function).vpcConfig().subnetIds(), "subnet B stays");
        assertTrue(moto.guardCalls.calls(UpdateFunctionConfigurationRequest.class).isEmpty(), "no write at all");
        assertEquals(Optional.empty(), moto.reservedConcurrency(function));
        DeliveredAlert alert = single(moto.awaitAlerts(1));
        assertEquals("LEFT_ALONE", alert.decision());
        JsonNode outcome = single(alert.outcomes());
        assertEquals("RESTORE_VPC_CONFIG", outcome.path("type").asText());
        assertEquals("LEFT_ALONE", outcome.path("status").asText());
        assertTrue(outcome.path("detail").asText().contains("no longer what the event set"), outcome.toString());
        assertTrue(outcome.path("detail").asText().contains(subnetB.get(0)), outcome.toString());
    }

    /**
     * Issue 10, case 2: the restore is written under the function's RevisionId and keeps every VPC
     * field of the known-good config, Ipv6AllowedForDualStack too; it is DONE once GetFunction shows
     * LastUpdateStatus Successful.
     */
    @Test
    void restoreIsWrittenUnderTheFunctionsRevisionIdWithEveryVpcFieldAndConfirmedByGetFunction() {
        Guard guard = moto.vpcGuard();
        var created = moto.createFunction("payments-worker", b -> b.vpcConfig(v -> v.subnetIds(SUBNETS)
                .securityGroupIds(SECURITY_GROUPS).ipv6AllowedForDualStack(true)));
        String function = created.request().functionName();
        deliver(guard, CloudTrailEvents.createFunction(created.request(), created.response()));
        assertEquals(true, moto.stateItems().get("vpc#" + functionArn(function)).get("ipv6AllowedForDualStack").bool(),
                "the known-good config keeps Ipv6AllowedForDualStack");
        var detached = moto.updateConfiguration(b -> b.functionName(function)
                .vpcConfig(v -> v.subnetIds(List.of()).securityGroupIds(List.of())));
        String revision = moto.configuration(function).revisionId();
        moto.guardCalls.clear();

        GuardReport report = deliver(guard, CloudTrailEvents.updateFunctionConfiguration(detached.request(), detached.response()));

        assertEquals(1, report.rollbacks());
        UpdateFunctionConfigurationRequest write = single(moto.guardCalls.requests(UpdateFunctionConfigurationRequest.class));
        assertEquals(revision, write.revisionId(), "written under the revision the guard inspected");
        assertEquals(Set.copyOf(SUBNETS), Set.copyOf(write.vpcConfig().subnetIds()));
        assertEquals(Set.copyOf(SECURITY_GROUPS), Set.copyOf(write.vpcConfig().securityGroupIds()));
        assertEquals(true, write.vpcConfig().ipv6AllowedForDualStack());
        VpcConfigResponse restored = moto.configuration(function).vpcConfig();
        assertEquals(Set.copyOf(SUBNETS), Set.copyOf(restored.subnetIds()));
        assertEquals(true, restored.ipv6AllowedForDualStack());
        List<String> order = moto.guardCalls.calls(SdkRequest.class).stream().map(c -> c.request().getClass())
                .filter(c -> c.getPackageName().endsWith("lambda.model")).map(Class::getSimpleName).toList();
        assertEquals(GetFunctionRequest.class.getSimpleName(), order.get(order.size() - 1),
                "confirmed by GetFunction after the write: " + order);
        JsonNode outcome = single(single(moto.awaitAlerts(1)).outcomes());
        assertEquals("DONE", outcome.path("status").asText());
        assertTrue(outcome.path("detail").asText().contains("LastUpdateStatus Successful"), outcome.toString());
        assertEquals(List.of("aws lambda update-function-configuration --function-name " + functionArn(function)
                + " --vpc-config SubnetIds=[],SecurityGroupIds=[],Ipv6AllowedForDualStack=false"), texts(outcome.path("undo")));
    }

    /**
     * The function is re-attached between the guard's read and its write: the write fails its
     * RevisionId precondition, the guard reads the function again, sees the VPC config is no longer
     * the one the event set, and leaves it alone.
     */
    @Test
    void restoreRacedByAReattachFailsItsRevisionPreconditionAndLeavesTheNewConfigAlone() {
        Guard guard = moto.vpcGuard();
        var created = moto.createFunction("payments-worker",
                b -> b.vpcConfig(v -> v.subnetIds(SUBNETS).securityGroupIds(SECURITY_GROUPS)));
        String function = created.request().functionName();
        deliver(guard, CloudTrailEvents.createFunction(created.request(), created.response()));
        var detached = moto.updateConfiguration(b -> b.functionName(function)
                .vpcConfig(v -> v.subnetIds(List.of()).securityGroupIds(List.of())));
        List<String> subnetB = List.of("subnet-0a1b2c3d4e5f60099");
        AtomicBoolean raced = new AtomicBoolean();
        moto.guardCalls.beforeEachCall(request -> {
            if (request instanceof UpdateFunctionConfigurationRequest && raced.compareAndSet(false, true)) {
                moto.updateConfiguration(b -> b.functionName(function).vpcConfig(v -> v.subnetIds(subnetB).securityGroupIds(SECURITY_GROUPS)));
            }
        });

        GuardReport report = deliver(guard, CloudTrailEvents.updateFunctionConfiguration(detached.request(), detached.response()));

        assertEquals(0, report.rollbacks());
        RecordedCalls.Call write = single(moto.guardCalls.calls(UpdateFunctionConfigurationRequest.class));
        assertInstanceOf(PreconditionFailedException.class, write.failure().orElseThrow());
        assertEquals(subnetB, moto.configuration(function).vpcConfig().subnetIds(), "the team's subnet B stays");
        JsonNode outcome = single(single(moto.awaitAlerts(1)).outcomes());
        assertEquals("LEFT_ALONE", outcome.path("status").asText());
        assertTrue(outcome.path("detail").asText().contains(subnetB.get(0)), outcome.toString());
    }

    /**
     * "Introduced means proven": without a known-good record the guard cannot tell a detach from
     * an update that merely restates an empty VPC config, so it notifies and never quarantines.
     */
    @Test
    void vpcRemovedWithNoKnownGoodConfigIsNotifiedAsPreExistingAndNeverQuarantined() {
        var created = moto.createFunction("payments-worker",
                b -> b.vpcConfig(v -> v.subnetIds(SUBNETS).securityGroupIds(SECURITY_GROUPS)));
        String function = created.request().functionName();
        var detached = moto.updateConfiguration(b -> b.functionName(function)
                .vpcConfig(v -> v.subnetIds(List.of()).securityGroupIds(List.of())));

        GuardReport report = deliver(moto.vpcGuard(), CloudTrailEvents.updateFunctionConfiguration(detached.request(), detached.response()));

        assertEquals(0, report.rollbacks());
        assertEquals(Optional.empty(), moto.reservedConcurrency(function));
        assertFalse(moto.tags(function).containsKey(QUARANTINE));
        DeliveredAlert alert = single(moto.awaitAlerts(1));
        assertEquals("NOTIFY", alert.decision());
        assertEquals("PRE_EXISTING", alert.document().path("findings").path(0).path("origin").asText());
        assertTrue(alert.outcomes().isEmpty());
    }

    /**
     * Issue 10, case 3: an update that restates {@code VpcConfig: {SubnetIds: [], SecurityGroupIds: []}}
     * with an unrelated change, on a function never in a VPC and with no known-good record, is not
     * a VPC removal: notified as pre-existing, never quarantined.
     */
    @Test
    void updateRestatingAnEmptyVpcConfigOnAFunctionNeverInAVpcIsNotifiedButNeverQuarantined() {
        String function = moto.createFunction("marketing-mailer");
        var update = moto.updateConfiguration(b -> b.functionName(function).memorySize(512)
                .vpcConfig(v -> v.subnetIds(List.of()).securityGroupIds(List.of())));

        GuardReport report = deliver(moto.vpcGuard(), CloudTrailEvents.updateFunctionConfiguration(update.request(), update.response()));

        assertEquals(0, report.rollbacks());
        assertEquals(Optional.empty(), moto.reservedConcurrency(function), "not quarantined");
        assertFalse(moto.tags(function).containsKey(QUARANTINE));
        assertTrue(moto.guardCalls.calls(PutFunctionConcurrencyRequest.class).isEmpty());
        assertTrue(moto.guardCalls.calls(TagResourceRequest.class).isEmpty());
        DeliveredAlert alert = single(moto.awaitAlerts(1));
        assertEquals("NOTIFY", alert.decision());
        assertEquals(List.of("LAMBDA_NOT_IN_VPC"), alert.ruleIds());
        JsonNode finding = alert.document().path("findings").path(0);
        assertEquals("PRE_EXISTING", finding.path("origin").asText());
        assertTrue(finding.path("message").asText().contains("nothing shows the function was in a VPC before"), finding.toString());
        assertTrue(alert.outcomes().isEmpty());
        assertTrue(single(moto.emailTexts()).contains("(pre-existing: reported, never rolled back)"));
    }

    @Test
    void unrelatedUpdateToAFunctionNeverInAVpcIsNotifiedButNeverQuarantined() {
        String function = moto.createFunction("marketing-mailer");
        var update = moto.updateConfiguration(b -> b.functionName(function).memorySize(512).timeout(30));

        GuardReport report = deliver(moto.vpcGuard(), CloudTrailEvents.updateFunctionConfiguration(update.request(), update.response()));

        assertEquals(0, report.rollbacks());
        assertEquals(Optional.empty(), moto.reservedConcurrency(function));
        assertFalse(moto.tags(function).containsKey(QUARANTINE));
        DeliveredAlert alert = single(moto.awaitAlerts(1));
        assertEquals("NOTIFY", alert.decision());
        assertEquals(List.of("LAMBDA_NOT_IN_VPC"), alert.ruleIds());
        assertEquals("PRE_EXISTING", alert.document().path("findings").path(0).path("origin").asText());
        assertTrue(alert.outcomes().isEmpty());
        assertTrue(single(moto.emailTexts()).contains("(pre-existing: reported, never rolled back)"));
    }
}
