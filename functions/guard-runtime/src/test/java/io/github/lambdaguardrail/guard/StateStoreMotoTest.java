package io.github.lambdaguardrail.guard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.lambdaguardrail.guard.moto.MotoWorld;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.sns.model.NotFoundException;

/**
 * The claim of an event in {@link DynamoDbStateStore}, against moto's DynamoDB: it is held as long
 * as the invocation that made it can still run, and only that invocation can complete or release
 * it (an owner token written with the claim and checked in the conditions). Each invocation is a
 * store with its own clock, as each runs on its own Lambda host.
 */
class StateStoreMotoTest {

    private static final Instant T0 = Instant.parse("2026-03-13T18:10:00Z");
    private static final String EVENT = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";

    @RegisterExtension
    static final MotoWorld moto = new MotoWorld();

    private final DynamoDbClient dynamo = moto.dynamo();
    private final String table = moto.createStateTable("guard-state-" + UUID.randomUUID().toString().substring(0, 8));

    /** The store as an invocation running at {@code at} sees it. */
    private DynamoDbStateStore at(Instant at) {
        return new DynamoDbStateStore(() -> dynamo, table, Clock.fixed(at, ZoneOffset.UTC));
    }

    private Map<String, AttributeValue> item() {
        return dynamo.getItem(b -> b.tableName(table).key(Map.of("pk", AttributeValue.fromS("event#" + EVENT))).consistentRead(true))
                .item();
    }

    /** DynamoDB says only "Requested resource not found": the error names the table and its setting. */
    @Test
    void aMissingTableIsNamedInTheError() {
        DynamoDbStateStore missing = new DynamoDbStateStore(() -> dynamo, "no-such-table", Clock.fixed(T0, ZoneOffset.UTC));

        ResourceNotFoundException e = assertThrows(ResourceNotFoundException.class,
                () -> missing.claim(EVENT, T0.plusSeconds(60)));

        assertTrue(e.getMessage().startsWith("state table 'no-such-table' (GUARDRAIL_STATE_TABLE) does not exist in this"
                + " account and region"), e.getMessage());
    }

    @Test
    void aMissingTopicIsNamedInTheError() {
        String topic = "arn:aws:sns:us-east-1:" + MotoWorld.ACCOUNT + ":no-such-topic";

        NotFoundException e = assertThrows(NotFoundException.class,
                () -> new SnsNotifier(moto::sns, topic).publish(Alert.invalid("a test", Map.of())));

        assertTrue(e.getMessage().startsWith("topic '" + topic + "' (GUARDRAIL_TOPIC_ARN) does not exist"), e.getMessage());
    }

    @Test
    void claimIsHeldUntilTheTimeTheInvocationSaysAndNoLonger() {
        StateStore.Claim.Fresh first = assertInstanceOf(StateStore.Claim.Fresh.class,
                at(T0).claim(EVENT, T0.plus(Duration.ofSeconds(300))));

        assertEquals(T0.plusSeconds(300).getEpochSecond(), Long.parseLong(item().get("leaseUntil").n()));
        assertEquals(first.owner(), item().get("owner").s());
        // A duplicate four minutes later: the first invocation may still be running.
        assertThrows(EventInProgressException.class, () -> at(T0.plusSeconds(240)).claim(EVENT, T0.plusSeconds(600)));
        // After the hold ran out, the first invocation has surely ended: a retry takes the event over.
        StateStore.Claim.Fresh retry = assertInstanceOf(StateStore.Claim.Fresh.class,
                at(T0.plusSeconds(301)).claim(EVENT, T0.plusSeconds(400)));
        assertEquals(2, retry.attempt());
        assertFalse(retry.owner().equals(first.owner()), "each claim has its own owner token");
    }

    @Test
    void invocationWhoseClaimWasTakenOverCannotReleaseOrCompleteIt() {
        StateStore.Claim.Fresh stale = assertInstanceOf(StateStore.Claim.Fresh.class, at(T0).claim(EVENT, T0.plusSeconds(90)));
        StateStore.Claim.Fresh current = assertInstanceOf(StateStore.Claim.Fresh.class,
                at(T0.plusSeconds(91)).claim(EVENT, T0.plusSeconds(181)));

        assertFalse(at(T0.plusSeconds(92)).release(EVENT, stale.owner()), "not the stale invocation's to release");
        assertThrows(EventInProgressException.class, () -> at(T0.plusSeconds(93)).claim(EVENT, T0.plusSeconds(183)),
                "still held by the current invocation");
        assertFalse(at(T0.plusSeconds(94)).complete(EVENT, stale.owner()), "not the stale invocation's to complete");
        assertEquals("IN_PROGRESS", item().get("status").s());
        assertEquals(current.owner(), item().get("owner").s());

        assertTrue(at(T0.plusSeconds(95)).complete(EVENT, current.owner()));
        assertEquals("DONE", item().get("status").s());
        assertInstanceOf(StateStore.Claim.Done.class, at(T0.plusSeconds(96)).claim(EVENT, T0.plusSeconds(186)));
    }

    @Test
    void releasedClaimIsTakenByTheNextDeliveryAtOnceAndCountsItsAttempt() {
        StateStore.Claim.Fresh first = assertInstanceOf(StateStore.Claim.Fresh.class, at(T0).claim(EVENT, T0.plusSeconds(90)));
        assertTrue(at(T0.plusSeconds(5)).release(EVENT, first.owner()));

        StateStore.Claim.Fresh second = assertInstanceOf(StateStore.Claim.Fresh.class,
                at(T0.plusSeconds(60)).claim(EVENT, T0.plusSeconds(150)));

        assertEquals(2, second.attempt());
    }

    @Test
    void alertIsKeptOnlyByTheInvocationHoldingTheClaim() {
        StateStore.Claim.Fresh stale = assertInstanceOf(StateStore.Claim.Fresh.class, at(T0).claim(EVENT, T0.plusSeconds(90)));
        StateStore.Claim.Fresh current = assertInstanceOf(StateStore.Claim.Fresh.class,
                at(T0.plusSeconds(91)).claim(EVENT, T0.plusSeconds(181)));
        Alert alert = Alert.invalid("test", Map.of("eventID", EVENT));

        assertFalse(at(T0.plusSeconds(92)).keepAlert(EVENT, stale.owner(), alert));
        assertFalse(item().containsKey("alert"));
        assertEquals("IN_PROGRESS", item().get("status").s(), "a stale holder releases nothing");
        assertTrue(at(T0.plusSeconds(93)).keepAlert(EVENT, current.owner(), alert));
        assertEquals("RELEASED", item().get("status").s());
        assertFalse(item().containsKey("leaseUntil"), "a released claim is taken at once");

        StateStore.Claim.AlertPending pending = assertInstanceOf(StateStore.Claim.AlertPending.class,
                at(T0.plusSeconds(95)).claim(EVENT, T0.plusSeconds(185)));
        assertEquals(alert.subject(), pending.alert().subject());
    }
}
