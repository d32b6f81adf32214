package io.github.lambdaguardrail.guard.moto;

import static io.github.lambdaguardrail.guard.moto.MotoWorld.ACCOUNT;
import static io.github.lambdaguardrail.guard.moto.MotoWorld.REGION;
import static io.github.lambdaguardrail.guard.moto.MotoAccount.deliver;
import static io.github.lambdaguardrail.guard.moto.MotoAccount.functionArn;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.lambdaguardrail.guard.GuardReport;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.lambda.model.GetPolicyRequest;
import software.amazon.awssdk.services.lambda.model.PreconditionFailedException;
import software.amazon.awssdk.services.lambda.model.RemovePermissionRequest;

/**
 * The permission guard in rollback mode against moto: what it removes, what it leaves, and the
 * alert it sends. Function-URL pairs are in {@link FunctionUrlPairMotoTest}.
 */
@ExtendWith(MotoWorld.class)
class PermissionRollbackMotoTest {

    private final MotoAccount moto;

    PermissionRollbackMotoTest(MotoAccount moto) {
        this.moto = moto;
    }

    @Test
    void publicStatementIsRemovedTheCompliantOneKeptAndACriticalAlertCarriesTheUndoCommand() {
        String function = moto.createFunction("invoice-renderer");
        addCompliantStatement(function, "s3-invoke");
        var open = moto.addPermission(b -> b.functionName(function).statementId("allow-anyone")
                .action("lambda:InvokeFunction").principal("*"));
        JsonNode compliantBefore = moto.statements(function).get("s3-invoke");
        ObjectNode event = CloudTrailEvents.addPermission(open.request(), open.response());

        GuardReport report = deliver(moto.permissionGuard(), event);

        assertEquals(1, report.rollbacks());
        Map<String, JsonNode> after = moto.statements(function);
        assertEquals(Set.of("s3-invoke"), after.keySet(), "only the public statement is removed");
        assertEquals(compliantBefore, after.get("s3-invoke"), "the compliant statement is intact");

        List<DeliveredAlert> alerts = moto.awaitAlerts(1);
        assertEquals(1, alerts.size());
        DeliveredAlert alert = alerts.get(0);
        assertEquals("CRITICAL", alert.attributes().get("severity"));
        assertTrue(alert.ruleIds().contains("PERMISSION_PUBLIC"), alert.ruleIds().toString());
        assertEquals("ROLLBACK", alert.decision());
        assertEquals(ACCOUNT, alert.attributes().get("account"));
        assertEquals(REGION, alert.attributes().get("region"));
        assertEquals(CloudTrailEvents.eventId(event), alert.document().path("eventId").asText());
        assertEquals("PERMISSION_PUBLIC", alert.document().path("findings").path(0).path("ruleId").asText());

        String undo = "aws lambda add-permission --function-name " + functionArn(function)
                + " --statement-id allow-anyone --action lambda:InvokeFunction --principal '*'";
        JsonNode outcome = alert.outcomes().get(0);
        assertEquals("REMOVE_PERMISSION", outcome.path("type").asText());
        assertEquals("DONE", outcome.path("status").asText());
        assertEquals(List.of(undo), texts(outcome.path("undo")));

        String email = single(moto.emailTexts());
        assertTrue(email.contains("PERMISSION_PUBLIC [CRITICAL]"), email);
        assertTrue(email.contains("\n  " + undo + "\n"), email);
        assertTrue(alert.subject().contains("PERMISSION_PUBLIC"), alert.subject());
    }

    /**
     * moto keeps one resource policy per function, shared by $LATEST, its versions and aliases
     * (a published version is a shallow copy of the function, policy object included), and its
     * RemovePermission ignores the Qualifier. So moto cannot show that the alias policy and the
     * unqualified policy are separate, as they are in AWS; what it can show is that the guard
     * read and changed the policy through the alias qualifier, and removed only the alias
     * statement. The recorded requests prove the qualifier; the real separation is AWS's.
     */
    @Test
    void permissionOnAnAliasIsRemovedWithTheAliasQualifierAndTheUnqualifiedStatementsStay() {
        String function = moto.createFunction("orders-api");
        String version = moto.lambda.publishVersion(b -> b.functionName(function)).version();
        moto.lambda.createAlias(b -> b.functionName(function).name("live").functionVersion(version));
        addCompliantStatement(function, "s3-invoke");
        JsonNode compliantBefore = moto.statements(function).get("s3-invoke");
        var open = moto.addPermission(b -> b.functionName(function).qualifier("live").statementId("public-live-alias")
                .action("lambda:InvokeFunction").principal("*"));
        assertTrue(moto.statements(function, "live").get("public-live-alias").path("Resource").asText().endsWith(":live"));

        GuardReport report = deliver(moto.permissionGuard(), CloudTrailEvents.addPermission(open.request(), open.response()));

        assertEquals(1, report.rollbacks());
        assertFalse(moto.statements(function, "live").containsKey("public-live-alias"));
        assertEquals(compliantBefore, moto.statements(function).get("s3-invoke"), "unqualified statement untouched");
        RemovePermissionRequest removal = single(moto.guardCalls.requests(RemovePermissionRequest.class));
        assertEquals("live", removal.qualifier());
        assertEquals(functionArn(function), removal.functionName());
        assertEquals("public-live-alias", removal.statementId());
        List<GetPolicyRequest> reads = moto.guardCalls.requests(GetPolicyRequest.class);
        assertFalse(reads.isEmpty());
        reads.forEach(read -> assertEquals("live", read.qualifier(), "every policy read goes through the alias"));

        DeliveredAlert alert = single(moto.awaitAlerts(1));
        assertEquals(functionArn(function) + ":live", alert.document().path("function").asText());
        assertTrue(texts(alert.outcomes().get(0).path("undo")).get(0).contains(" --qualifier live "));
    }

    @Test
    void statementAlreadyRemovedBySomeoneElseEndsAlreadyDoneStillAlertsAndRaisesNoError() {
        String function = moto.createFunction("invoice-renderer");
        addCompliantStatement(function, "s3-invoke");
        var open = moto.addPermission(b -> b.functionName(function).statementId("allow-anyone")
                .action("lambda:InvokeFunction").principal("*"));
        moto.lambda.removePermission(b -> b.functionName(function).statementId("allow-anyone"));

        GuardReport report = deliver(moto.permissionGuard(), CloudTrailEvents.addPermission(open.request(), open.response()));

        assertEquals(0, report.rollbacks());
        assertEquals(1, report.notifications());
        assertTrue(moto.guardCalls.requests(RemovePermissionRequest.class).isEmpty(), "nothing left to remove");
        assertEquals(Set.of("s3-invoke"), moto.statements(function).keySet());
        DeliveredAlert alert = single(moto.awaitAlerts(1));
        assertEquals("LEFT_ALONE", alert.decision(), "the guard changed nothing, and the decision says so");
        assertTrue(alert.subject().contains(" LEFT_ALONE "), alert.subject());
        JsonNode outcome = alert.outcomes().get(0);
        assertEquals("ALREADY_DONE", outcome.path("status").asText());
        assertEquals("statement 'allow-anyone' was already gone", outcome.path("detail").asText());
        assertTrue(moto.log().stream().noneMatch(line -> "ERROR".equals(line.path("level").asText())), "no error logged");
    }

    @Test
    void statementReAddedWithASourceAccountUnderTheSameSidIsLeftAloneAndTheAlertSaysSo() {
        String function = moto.createFunction("partner-sync");
        var open = moto.addPermission(b -> b.functionName(function).statementId("partner-invoke")
                .action("lambda:InvokeFunction").principal("*"));
        moto.lambda.removePermission(b -> b.functionName(function).statementId("partner-invoke"));
        moto.addPermission(b -> b.functionName(function).statementId("partner-invoke")
                .action("lambda:InvokeFunction").principal("*").sourceAccount(ACCOUNT));
        JsonNode liveBefore = moto.statements(function).get("partner-invoke");

        GuardReport report = deliver(moto.permissionGuard(), CloudTrailEvents.addPermission(open.request(), open.response()));

        assertEquals(0, report.rollbacks());
        assertTrue(moto.guardCalls.requests(RemovePermissionRequest.class).isEmpty());
        assertEquals(liveBefore, moto.statements(function).get("partner-invoke"), "the changed statement stays");
        DeliveredAlert alert = single(moto.awaitAlerts(1));
        JsonNode outcome = alert.outcomes().get(0);
        assertEquals("LEFT_ALONE", outcome.path("status").asText());
        assertEquals("statement 'partner-invoke' differs from what the event added; left alone",
                outcome.path("detail").asText());
        assertTrue(single(moto.emailTexts()).contains("LEFT_ALONE - statement 'partner-invoke' differs from what the event added; left alone"));
    }

    /**
     * The guard removes a statement only under the policy revision it inspected. moto's own
     * RemovePermission with a RevisionId always fails with PreconditionFailedException (it compares
     * the query parameter, a list, with the stored string); tools/moto_server.py patches that one
     * handler, so this test needs moto started by tools/moto-start. AWS's answer to a stale
     * revision (HTTP 412) is also covered, independent of moto, by the WireMock tests.
     */
    @Test
    void removalSendsThePolicyRevisionIdTheGuardRead() {
        String function = moto.createFunction("invoice-renderer");
        var open = moto.addPermission(b -> b.functionName(function).statementId("allow-anyone")
                .action("lambda:InvokeFunction").principal("*"));
        String revision = moto.policy(function, null).orElseThrow().revisionId();

        deliver(moto.permissionGuard(), CloudTrailEvents.addPermission(open.request(), open.response()));

        RecordedCalls.Call removal = single(moto.guardCalls.calls(RemovePermissionRequest.class));
        assertEquals(revision, ((RemovePermissionRequest) removal.request()).revisionId());
        assertTrue(removal.failure().isEmpty(), () -> "removal failed: " + removal.failure().get());
        assertTrue(moto.statements(function).isEmpty());
    }

    /** Same precondition as above: needs the patched moto. */
    @Test
    void removalRereadsAndRemovesUnderTheNewRevisionWhenThePolicyChangedAfterItWasRead() {
        String function = moto.createFunction("invoice-renderer");
        var open = moto.addPermission(b -> b.functionName(function).statementId("allow-anyone")
                .action("lambda:InvokeFunction").principal("*"));
        String revisionRead = moto.policy(function, null).orElseThrow().revisionId();
        AtomicBoolean raced = new AtomicBoolean();
        moto.guardCalls.beforeEachCall(request -> {
            if (request instanceof RemovePermissionRequest && raced.compareAndSet(false, true)) {
                addCompliantStatement(function, "added-meanwhile");
            }
        });

        GuardReport report = deliver(moto.permissionGuard(), CloudTrailEvents.addPermission(open.request(), open.response()));

        assertEquals(1, report.rollbacks());
        List<RecordedCalls.Call> removals = moto.guardCalls.calls(RemovePermissionRequest.class);
        assertEquals(2, removals.size(), "one stale attempt, one after re-reading");
        assertEquals(revisionRead, ((RemovePermissionRequest) removals.get(0).request()).revisionId());
        assertInstanceOf(PreconditionFailedException.class, removals.get(0).failure().orElseThrow());
        String newRevision = ((RemovePermissionRequest) removals.get(1).request()).revisionId();
        assertFalse(revisionRead.equals(newRevision));
        assertTrue(removals.get(1).failure().isEmpty());
        assertEquals(Set.of("added-meanwhile"), moto.statements(function).keySet());
        assertEquals("DONE", single(moto.awaitAlerts(1)).outcomes().get(0).path("status").asText());
    }

    /** s3.amazonaws.com pinned by source account and bucket: passes every rule. */
    private void addCompliantStatement(String function, String sid) {
        moto.addPermission(b -> b.functionName(function).statementId(sid).action("lambda:InvokeFunction")
                .principal("s3.amazonaws.com").sourceAccount(ACCOUNT).sourceArn("arn:aws:s3:::invoice-uploads-" + moto.suffix));
    }

    static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    static <T> T single(List<T> items) {
        assertEquals(1, items.size(), () -> "expected exactly one, got " + items);
        return items.get(0);
    }
}
