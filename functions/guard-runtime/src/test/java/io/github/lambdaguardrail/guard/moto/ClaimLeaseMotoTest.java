package io.github.lambdaguardrail.guard.moto;

import static io.github.lambdaguardrail.guard.moto.MotoAccount.deliver;
import static io.github.lambdaguardrail.guard.moto.PermissionRollbackMotoTest.single;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.lambdaguardrail.guard.GuardFunction;
import io.github.lambdaguardrail.guard.GuardReport;
import io.github.lambdaguardrail.runtime.EmfMetrics;
import io.github.lambdaguardrail.runtime.JsonLog;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.lambda.model.GetFunctionRequest;
import software.amazon.awssdk.services.lambda.model.RemovePermissionRequest;
import software.amazon.awssdk.services.sns.model.PublishRequest;

/**
 * The claim of an event is held for the invocation's remaining time (Lambda's context), plus a
 * margin, and only the invocation holding it completes it: against moto's DynamoDB, through the
 * guard function as Lambda runs it.
 */
@ExtendWith(MotoWorld.class)
class ClaimLeaseMotoTest {

    private final MotoAccount moto;

    ClaimLeaseMotoTest(MotoAccount moto) {
        this.moto = moto;
    }

    private ObjectNode publicGrant() {
        String function = moto.createFunction("invoice-renderer");
        var open = moto.addPermission(b -> b.functionName(function).statementId("allow-anyone")
                .action("lambda:InvokeFunction").principal("*"));
        return CloudTrailEvents.addPermission(open.request(), open.response());
    }

    private Map<String, AttributeValue> claimOf(ObjectNode event) {
        return moto.stateItems().get("event#" + CloudTrailEvents.eventId(event));
    }

    @Test
    void claimIsHeldForTheInvocationsRemainingTimeAndItsMargin() throws IOException {
        ObjectNode event = publicGrant();
        AtomicLong leaseUntil = new AtomicLong();
        AtomicBoolean read = new AtomicBoolean();
        // Read the claim while the guard holds it: before its first Lambda call.
        moto.guardCalls.beforeEachCall(request -> {
            if (request instanceof GetFunctionRequest && read.compareAndSet(false, true)) {
                leaseUntil.set(Long.parseLong(claimOf(event).get("leaseUntil").n()));
            }
        });
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        GuardFunction function = new GuardFunction(moto.permissionGuard(), moto.guardClients(), new JsonLog(quiet),
                EmfMetrics.fromEnvironment(Map.of(), quiet));
        long before = Instant.now().getEpochSecond();

        function.handle(new ByteArrayInputStream(CloudTrailEvents.bytes(event)), new ByteArrayOutputStream(), remaining(300_000));

        long after = Instant.now().getEpochSecond();
        assertTrue(read.get(), "the claim was read while held");
        // 300 s left in the invocation, plus the 30 s margin.
        assertTrue(leaseUntil.get() >= before + 330 && leaseUntil.get() <= after + 331,
                "leaseUntil " + leaseUntil.get() + " not 330 s after " + before);
        assertEquals("DONE", claimOf(event).get("status").s());
        assertEquals(1, moto.awaitAlerts(1).size());
    }

    /**
     * The guard's claim runs out and another invocation takes the event over while the guard is
     * still acting (simulated by rewriting the claim's owner before the removal): the guard's alert
     * still goes out, but the claim stays the other invocation's to complete.
     */
    @Test
    void invocationWhoseClaimWasTakenOverStillAlertsButLeavesTheClaimToItsNewHolder() {
        ObjectNode event = publicGrant();
        AtomicBoolean takenOver = new AtomicBoolean();
        moto.guardCalls.beforeEachCall(request -> {
            if (request instanceof RemovePermissionRequest && takenOver.compareAndSet(false, true)) {
                moto.dynamo.updateItem(b -> b.tableName(moto.table)
                        .key(Map.of("pk", AttributeValue.fromS("event#" + CloudTrailEvents.eventId(event))))
                        .updateExpression("SET #owner = :other").expressionAttributeNames(Map.of("#owner", "owner"))
                        .expressionAttributeValues(Map.of(":other", AttributeValue.fromS("another-invocation"))));
            }
        });

        GuardReport report = deliver(moto.permissionGuard(), event);

        assertEquals(1, report.rollbacks());
        assertEquals(1, report.notifications(), "never silent");
        assertEquals("ROLLBACK", single(moto.awaitAlerts(1)).decision());
        Map<String, AttributeValue> claim = claimOf(event);
        assertEquals("IN_PROGRESS", claim.get("status").s(), "not completed over the new holder");
        assertEquals("another-invocation", claim.get("owner").s());
        assertTrue(!claim.containsKey("alert"), "the alert was not kept on the other invocation's claim");
        assertEquals(1, moto.log("claim taken over by another invocation; left for it to complete").size());
    }

    /**
     * An invocation that dies between acting and alerting (a timeout, the runtime killed: simulated
     * by an Error on the Publish, which no catch of the guard handles) keeps no alert. Once its
     * claim's lease has run out (rewritten to the past here), the retry takes the event, reads the
     * live state, finds the statement gone and alerts that: the violation still reaches an operator,
     * and nothing is removed twice.
     */
    @Test
    void retryAfterAnInvocationDiedBetweenActingAndAlertingAlertsWhatItFindsAndActsOnNothing() {
        ObjectNode event = publicGrant();
        AtomicBoolean died = new AtomicBoolean();
        moto.guardCalls.beforeEachCall(request -> {
            if (request instanceof PublishRequest && died.compareAndSet(false, true)) {
                throw new StackOverflowError("simulated: the invocation dies before its alert");
            }
        });
        var guard = moto.permissionGuard();
        assertThrows(StackOverflowError.class, () -> deliver(guard, event));
        Map<String, AttributeValue> held = claimOf(event);
        assertEquals("IN_PROGRESS", held.get("status").s(), "nothing released or completed the dead invocation's claim");
        assertTrue(!held.containsKey("alert"), "no alert kept: the happy path keeps none");
        moto.dynamo.updateItem(b -> b.tableName(moto.table)
                .key(Map.of("pk", AttributeValue.fromS("event#" + CloudTrailEvents.eventId(event))))
                .updateExpression("SET leaseUntil = :past").expressionAttributeValues(Map.of(":past", AttributeValue.fromN("1"))));

        GuardReport retry = deliver(guard, event);

        assertEquals(1, retry.notifications(), "never silent");
        assertEquals(0, retry.rollbacks(), "nothing left to undo");
        DeliveredAlert alert = single(moto.awaitAlerts(1));
        assertEquals("ALREADY_DONE", alert.outcomes().get(0).path("status").asText(), alert.outcomes()::toString);
        assertEquals(1, moto.guardCalls.requests(RemovePermissionRequest.class).size(), "removed once, by the first invocation");
        assertEquals("DONE", claimOf(event).get("status").s());
    }

    /** A Lambda context with this much time left. */
    private static Context remaining(int millis) {
        return new Context() {
            public String getAwsRequestId() {
                return "6bc28136-xmpl-4365-b021-0ce6b2e64ab0";
            }

            public String getLogGroupName() {
                return "/aws/lambda/permission-guard";
            }

            public String getLogStreamName() {
                return "2026/03/13/[$LATEST]0123456789abcdef";
            }

            public String getFunctionName() {
                return "permission-guard";
            }

            public String getFunctionVersion() {
                return "$LATEST";
            }

            public String getInvokedFunctionArn() {
                return "arn:aws:lambda:us-east-1:" + MotoWorld.ACCOUNT + ":function:permission-guard";
            }

            public CognitoIdentity getIdentity() {
                return null;
            }

            public ClientContext getClientContext() {
                return null;
            }

            public int getRemainingTimeInMillis() {
                return millis;
            }

            public int getMemoryLimitInMB() {
                return 1024;
            }

            public LambdaLogger getLogger() {
                return null;
            }
        };
    }
}
