package io.github.lambdaguardrail.deployment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The sweep runs on the schedule the {@code SweepSchedule} parameter gives (whose pattern accepts
 * EventBridge rate() and cron() expressions and nothing else), one run at a time, with the rate
 * limit of the {@code SweepRateLimit} parameter.
 */
class SweepScheduleTest {

    private static Template template;
    private static Pattern schedule;

    @BeforeAll
    static void load() throws Exception {
        template = Template.load();
        Map<String, Object> parameter = Template.at(template.root(), "Parameters", "SweepSchedule");
        schedule = Pattern.compile((String) parameter.get("AllowedPattern"));
        assertTrue(schedule.matcher((String) parameter.get("Default")).matches(), "the default schedule is allowed");
    }

    @Test
    @SuppressWarnings("unchecked")
    void sweepRunsOnTheScheduleParameterOneRunAtATime() {
        Map<String, Object> sweep = template.properties("SweepFunction");
        Map<String, Object> events = Template.at(sweep, "Events");
        assertEquals(1, events.size());
        Map<String, Object> event = (Map<String, Object>) events.values().iterator().next();
        assertEquals("Schedule", event.get("Type"));
        assertEquals(Map.of("Ref", "SweepSchedule"), Template.at(event, "Properties", "Schedule"));
        assertEquals(Map.of("Fn::If", List.of("ReservesConcurrency", 1, Map.of("Ref", "AWS::NoValue"))),
                sweep.get("ReservedConcurrentExecutions"), "one run at a time unless no concurrency is reserved");
        assertEquals(Map.of("Ref", "SweepRateLimit"),
                Template.at(sweep, "Environment", "Variables", "GUARDRAIL_SWEEP_RATE_LIMIT"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"rate(1 day)", "rate(12 hours)", "rate(1 hour)", "rate(30 minutes)", "cron(0 3 * * ? *)",
            "cron(15 2 ? * MON-FRI *)"})
    void scheduleParameterAcceptsRateAndCronExpressions(String expression) {
        assertTrue(schedule.matcher(expression).matches(), expression);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "rate(1 days)", "rate(2 day)", "rate(0 minutes)", "rate(1 week)", "daily",
            "cron(0 3 * * ?)", "rate(1 day) ", "at(2026-01-01T00:00:00)"})
    void scheduleParameterRejectsAnythingElse(String expression) {
        assertFalse(schedule.matcher(expression).matches(), expression);
    }
}
