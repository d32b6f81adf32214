package io.github.lambdaguardrail.deployment;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;

/** What every alarm on a count of failures holds to, whichever function counts them. */
final class FailureAlarms {

    private FailureAlarms() {
    }

    /**
     * The first failure in five minutes pages the alarm topic, and no data is no failure.
     *
     * @param properties the alarm's {@code Properties}
     * @param alarm      what the alarm is, for the messages
     */
    static void assertPagesOnTheFirstFailure(Map<String, Object> properties, String alarm) {
        assertEquals("Sum", properties.get("Statistic"), alarm);
        assertEquals(300, properties.get("Period"), alarm);
        assertEquals(1, properties.get("EvaluationPeriods"), alarm);
        assertEquals(0, properties.get("Threshold"), alarm);
        assertEquals("GreaterThanThreshold", properties.get("ComparisonOperator"), alarm);
        assertEquals("notBreaching", properties.get("TreatMissingData"), alarm);
        assertEquals(List.of(Map.of("Ref", "AlarmTopic")), properties.get("AlarmActions"), alarm);
    }
}
