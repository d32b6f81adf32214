package io.github.lambdaguardrail.deployment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code GuardConcurrency} reserves that much concurrency for each guard and 1 for the sweep (one
 * sweep at a time) and the Security Hub exporter (one import at a time); 0 reserves none on any function, so the stack deploys in accounts whose
 * concurrency quota (10 or 50 on new and sandbox accounts) leaves nothing to reserve.
 */
class GuardConcurrencyTest {

    private static final List<String> GUARDS = List.of("VpcGuardFunction", "PermissionGuardFunction");

    private static Template template;

    @BeforeAll
    static void load() throws Exception {
        template = Template.load();
    }

    /** The function's resolved {@code ReservedConcurrentExecutions}, or null when it has none. */
    private static Object reserved(String logicalId, String concurrency) {
        Map<String, String> values = new HashMap<>(Template.EXAMPLE);
        values.put("GuardConcurrency", concurrency);
        Map<String, Object> property = new HashMap<>();
        property.put("ReservedConcurrentExecutions", template.properties(logicalId).get("ReservedConcurrentExecutions"));
        @SuppressWarnings("unchecked")
        Map<String, Object> resolved = (Map<String, Object>) template.resolve(property, values);
        return resolved.get("ReservedConcurrentExecutions");
    }

    @ParameterizedTest(name = "GuardConcurrency={0}")
    @ValueSource(strings = {"1", "2", "5"})
    void eachGuardReservesTheParameterAndTheSweepOne(String concurrency) {
        for (String guard : GUARDS) {
            assertEquals(concurrency, String.valueOf(reserved(guard, concurrency)), guard);
        }
        assertEquals("1", String.valueOf(reserved("SweepFunction", concurrency)));
        assertEquals("1", String.valueOf(reserved("SecurityHubExportFunction", concurrency)), "one import at a time");
    }

    @Test
    void zeroReservesNoConcurrencyOnAnyFunction() {
        template.resourcesOfType("AWS::Serverless::Function").keySet().forEach(id ->
                assertNull(reserved(id, "0"), id));
    }

    @Test
    void parameterAcceptsZero() {
        Map<String, Object> parameter = Template.at(template.root(), "Parameters", "GuardConcurrency");
        assertEquals(0, parameter.get("MinValue"));
    }
}
