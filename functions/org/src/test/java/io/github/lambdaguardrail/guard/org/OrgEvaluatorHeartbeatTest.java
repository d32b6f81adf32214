package io.github.lambdaguardrail.guard.org;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.lambdaguardrail.guard.Alert;
import io.github.lambdaguardrail.runtime.JsonLog;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The evaluator's hourly heartbeat (template.yaml, OrgEvaluatorFunction's {@code Heartbeat}) is
 * counted in the {@code Heartbeats} metric its alarm watches, and is neither alerted nor queued.
 */
class OrgEvaluatorHeartbeatTest {

    private static final String QUEUE = "https://sqs.us-east-1.amazonaws.com/111122223333/lambda-guardrail-remediation.fifo";

    @Test
    void theScheduledHeartbeatIsCountedForItsAlarmAndNeitherAlertedNorQueued() throws IOException {
        ObjectNode beat = (ObjectNode) OrgWorld.JSON.readTree(OrgWorld.ROOT.resolve("events/guardrail/heartbeat-scheduled-event.json").toFile());
        beat.putArray("resources").add("arn:aws:events:us-east-1:111122223333:rule/lambda-guardrail-org-evaluator-heartbeat");
        List<Remediation> queued = new ArrayList<>();
        List<Alert> alerted = new ArrayList<>();
        OrgConfig config = OrgConfig.evaluator(Map.of("GUARDRAIL_TOPIC_ARN", "arn:aws:sns:us-east-1:111122223333:alerts",
                "GUARDRAIL_STATE_TABLE", "lambda-guardrail-state", OrgConfig.QUEUE_URL_VARIABLE, QUEUE));
        OrgEvaluator evaluator = new OrgEvaluator(config.guard(), remediation -> {
            queued.add(remediation);
            return "message-1";
        }, alerted::add, new JsonLog(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)));

        OrgReport report = new OrgReport();
        evaluator.handle(new ByteArrayInputStream(beat.toString().getBytes(StandardCharsets.UTF_8)), report);

        assertEquals(1, report.metrics().get("Heartbeats"));
        assertEquals(0, report.metrics().get("InvalidEvents"));
        assertEquals(List.of(), queued);
        assertEquals(List.of(), alerted);
    }
}
