package io.github.lambdaguardrail.guard.org;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.lambdaguardrail.guard.Alert;
import io.github.lambdaguardrail.guard.GuardConfig;
import io.github.lambdaguardrail.runtime.JsonLog;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sns.model.SnsException;
import software.amazon.awssdk.services.sqs.model.SqsException;

/**
 * The evaluator's decisions about what to alert and what to hand on, with the queue and the topic
 * replaced by recorders of this project's own two interfaces (the moto tests run the real ones).
 */
class OrgEvaluatorTest {

    private static final String A = "222222222222";
    private static final GuardConfig CONFIG = OrgConfig.evaluator(Map.of("GUARDRAIL_MODE", "rollback",
            "GUARDRAIL_TOPIC_ARN", "arn:aws:sns:us-east-1:111111111111:alerts", "GUARDRAIL_STATE_TABLE", "state",
            OrgConfig.QUEUE_URL_VARIABLE, "https://sqs.us-east-1.amazonaws.com/111111111111/remediation.fifo")).guard();

    private final List<Remediation> sent = new ArrayList<>();
    private final List<Alert> alerts = new ArrayList<>();
    private Function<Remediation, String> queue = r -> {
        sent.add(r);
        return "message-" + sent.size();
    };
    private RuntimeException publishFailure;

    private OrgReport evaluate(InputStream payload) throws IOException {
        OrgEvaluator evaluator = new OrgEvaluator(CONFIG, r -> queue.apply(r), alert -> {
            if (publishFailure != null) {
                throw publishFailure;
            }
            alerts.add(alert);
        }, new JsonLog(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)));
        OrgReport report = new OrgReport();
        evaluator.handle(payload, report);
        return report;
    }

    private static InputStream bytes(Object json) {
        return new ByteArrayInputStream(json.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static ObjectNode publicGrant() {
        return OrgWorld.cloudTrailRecord("addpermission-public-principal.json", A, "eu-west-1");
    }

    @Test
    void aRollbackIsHandedOnInItsGroupWithADeduplicationIdOfEventAndAction() throws IOException {
        ObjectNode event = publicGrant();
        evaluate(bytes(event));
        Remediation handed = sent.get(0);
        assertEquals(A + ":eu-west-1", handed.groupId());
        assertEquals("REMOVE_PERMISSION", handed.action());
        assertEquals(event.toString(), handed.event(), "the event exactly as received: the remediator judges it again");
        assertEquals(64, handed.deduplicationId().length());
        assertEquals(new Remediation(A, "eu-west-1", event.get("eventID").asText(), "REMOVE_PERMISSION", "other body")
                .deduplicationId(), handed.deduplicationId(), "the same event and action: the same id, whatever the copy");
        assertEquals(List.of("ROLLBACK_QUEUED"), alerts.stream().map(Alert::decision).toList());
    }

    @Test
    void aCompliantChangeIsNeitherAlertedNorHandedOnButAKnownGoodVpcConfigIs() throws IOException {
        ObjectNode inVpc = OrgWorld.cloudTrailRecord("createfunction-in-vpc.json", A, "us-east-1");
        OrgReport report = evaluate(bytes(inVpc));
        assertEquals(List.of(), alerts);
        assertEquals(List.of(Remediation.KNOWN_GOOD_VPC), sent.stream().map(Remediation::action).toList());
        assertEquals(1, report.queued());

        sent.clear();
        evaluate(bytes(OrgWorld.cloudTrailRecord("addpermission-service-with-source-arn.json", A, "us-east-1")));
        assertEquals(List.of(), sent);
        assertEquals(List.of(), alerts);
    }

    @Test
    void aPayloadOfSeveralRecordsIsAlertedAsNotHandedOn() throws IOException {
        ObjectNode log = OrgWorld.JSON.createObjectNode();
        ArrayNode records = log.putArray("Records");
        records.add(publicGrant());
        records.add(publicGrant());
        OrgReport report = evaluate(bytes(log));
        assertEquals(List.of(), sent);
        assertEquals(List.of("ROLLBACK_FAILED", "ROLLBACK_FAILED"), alerts.stream().map(Alert::decision).toList());
        assertTrue(alerts.get(0).text().contains("several records"), alerts.get(0).text());
        assertEquals(2, report.queueFailures());
    }

    @Test
    void aQueueThatRefusesIsAlertedAndNotRetriedAThrottledOneIsAlertedThenRetried() throws IOException {
        queue = r -> {
            throw SqsException.builder().statusCode(403).message("denied").build();
        };
        evaluate(bytes(publicGrant()));
        assertEquals(List.of("ROLLBACK_FAILED"), alerts.stream().map(Alert::decision).toList());

        alerts.clear();
        SqsException throttled = (SqsException) SqsException.builder().statusCode(503).message("slow down").build();
        queue = r -> {
            throw throttled;
        };
        assertSame(throttled, assertThrows(SqsException.class, () -> evaluate(bytes(publicGrant()))),
                "Lambda retries the event");
        assertEquals(List.of("ROLLBACK_FAILED"), alerts.stream().map(Alert::decision).toList(), "alerted before the retry");
        assertTrue(alerts.get(0).text().contains("Lambda retries the event"), alerts.get(0).text());
    }

    @Test
    void aFailedAlertFailsTheInvocation() {
        publishFailure = SnsException.builder().statusCode(500).message("down").build();
        assertThrows(SnsException.class, () -> evaluate(bytes(publicGrant())));
    }

    @Test
    void unreadableOrOversizedInputIsAlertedAsInvalid() throws IOException {
        evaluate(bytes("not json"));
        byte[] huge = new byte[OrgEvaluator.MAX_PAYLOAD_BYTES + 10];
        java.util.Arrays.fill(huge, (byte) ' ');
        OrgReport report = evaluate(new ByteArrayInputStream(huge));
        assertEquals(List.of("INVALID", "INVALID"), alerts.stream().map(Alert::decision).toList());
        assertTrue(alerts.get(1).document().path("reason").asText().contains("payload over"), alerts.get(1).document().toString());
        assertEquals(1, report.invalid());
        assertEquals(List.of(), sent);
    }
}
