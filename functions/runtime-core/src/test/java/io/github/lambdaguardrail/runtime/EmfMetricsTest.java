package io.github.lambdaguardrail.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The metrics line is what CloudWatch turns into the metrics the template's alarms watch: a wrong
 * namespace, dimension or name silences an alarm, so the line is checked against the EMF
 * specification's shape, field by field.
 */
class EmfMetricsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode publish(Map<String, String> env, Map<String, Integer> counts) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        EmfMetrics metrics = EmfMetrics.fromEnvironment(env, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        metrics.publish(counts);
        String[] lines = bytes.toString(StandardCharsets.UTF_8).split("\n");
        assertEquals(1, lines.length, "one line per invocation");
        return JSON.readTree(lines[0]);
    }

    @Test
    void oneLineHoldsEveryCountUnderTheServiceDimensionTheAlarmsSelect() throws Exception {
        Map<String, Integer> counts = new LinkedHashMap<>();
        counts.put("Findings", 2);
        counts.put("NotificationFailures", 1);
        counts.put("Heartbeats", 0);

        JsonNode line = publish(Map.of("POWERTOOLS_METRICS_NAMESPACE", "LambdaGuardrail", "POWERTOOLS_SERVICE_NAME", "vpc-guard"),
                counts);

        JsonNode directive = line.path("_aws").path("CloudWatchMetrics").get(0);
        assertEquals("LambdaGuardrail", directive.path("Namespace").asText());
        assertEquals("[[\"Service\"]]", directive.path("Dimensions").toString());
        assertEquals(List.of("Findings", "NotificationFailures", "Heartbeats"),
                directive.path("Metrics").findValuesAsText("Name"));
        assertEquals(List.of("Count", "Count", "Count"), directive.path("Metrics").findValuesAsText("Unit"));
        assertEquals("vpc-guard", line.path("Service").asText());
        assertEquals(2, line.path("Findings").asInt());
        assertEquals(1, line.path("NotificationFailures").asInt());
        assertEquals(0, line.path("Heartbeats").asInt());
        long timestamp = line.path("_aws").path("Timestamp").asLong();
        org.junit.jupiter.api.Assertions.assertTrue(Math.abs(System.currentTimeMillis() - timestamp) < 60_000, "milliseconds since the epoch: " + timestamp);
    }

    @Test
    void withoutTheVariablesTheNamespaceIsTheTemplatesAndTheServiceTheFunctionsName() throws Exception {
        JsonNode line = publish(Map.of("AWS_LAMBDA_FUNCTION_NAME", "lambda-guardrail-sweep"), Map.of("SweepErrors", 3));

        assertEquals("LambdaGuardrail", line.path("_aws").path("CloudWatchMetrics").get(0).path("Namespace").asText());
        assertEquals("lambda-guardrail-sweep", line.path("Service").asText());
        assertEquals(3, line.path("SweepErrors").asInt());
    }
}
