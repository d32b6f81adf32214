package io.github.lambdaguardrail.deployment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code SecurityHub} (off by default) reaches both guards as {@code GUARDRAIL_SECURITY_HUB}, and
 * when on brings an alarm per guard on its {@code SecurityHubFailures}, shaped like the other
 * failure alarms. Its IAM grant is checked with the roles' others (TemplatePermissionsTest).
 */
class SecurityHubTemplateTest {

    private static final String CONDITION = "SendsToSecurityHub";

    private static Template template;

    @BeforeAll
    static void load() throws Exception {
        template = Template.load();
    }

    private static Map<String, String> securityHub(String value) {
        Map<String, String> values = new HashMap<>(Template.EXAMPLE);
        values.put("SecurityHub", value);
        return values;
    }

    @Test
    void parameterIsOffByDefaultAndTakesOnlyTrueOrFalse() {
        Map<String, Object> parameter = Template.at(template.root(), "Parameters", "SecurityHub");
        assertEquals("false", parameter.get("Default"));
        assertEquals(List.of("true", "false"), parameter.get("AllowedValues"));
        assertFalse(template.holds(CONDITION, Template.EXAMPLE));
        assertFalse(template.holds(CONDITION, securityHub("false")));
        assertEquals(true, template.holds(CONDITION, securityHub("true")));
    }

    @ParameterizedTest
    @CsvSource({"VpcGuardFunction", "PermissionGuardFunction"})
    void eachGuardReadsTheParameter(String function) {
        assertEquals(Map.of("Ref", "SecurityHub"),
                Template.at(template.properties(function), "Environment", "Variables", "GUARDRAIL_SECURITY_HUB"));
    }

    @Test
    void sweepDoesNotSendToSecurityHub() {
        assertNull(Template.at(template.properties("SweepFunction"), "Environment", "Variables", "GUARDRAIL_SECURITY_HUB"));
        assertNull(Template.at(template.root(), "Globals", "Function", "Environment", "Variables", "GUARDRAIL_SECURITY_HUB"));
    }

    @ParameterizedTest
    @CsvSource({"vpc-guard", "permission-guard"})
    void eachGuardAlarmsOnTheFirstFindingThatMissedSecurityHubOnlyWhenItSendsThere(String service) {
        List<Map<String, Object>> alarms = template.resourcesOfType("AWS::CloudWatch::Alarm").values().stream()
                .filter(a -> "SecurityHubFailures".equals(Template.at(a, "Properties", "MetricName"))
                        && List.of(Map.of("Name", "Service", "Value", service)).equals(Template.at(a, "Properties", "Dimensions")))
                .toList();
        assertEquals(1, alarms.size(), service);
        Map<String, Object> alarm = alarms.get(0);
        assertEquals(CONDITION, alarm.get("Condition"));
        Map<String, Object> p = Template.at(alarm, "Properties");
        assertEquals("LambdaGuardrail", p.get("Namespace"));
        assertEquals("Sum", p.get("Statistic"));
        assertEquals(300, p.get("Period"));
        assertEquals(0, p.get("Threshold"));
        assertEquals("GreaterThanThreshold", p.get("ComparisonOperator"));
        assertEquals("notBreaching", p.get("TreatMissingData"));
        assertEquals(List.of(Map.of("Ref", "AlarmTopic")), p.get("AlarmActions"));
    }

    @Test
    void theGrantIsAPolicyOfItsOwnOnBothGuardsRolesOnlyWhenOn() {
        Map<String, Object> policy = template.resourcesOfType("AWS::IAM::Policy").get("GuardSecurityHubPolicy");
        assertEquals(CONDITION, policy.get("Condition"));
        assertEquals(List.of(Map.of("Ref", "VpcGuardRole"), Map.of("Ref", "PermissionGuardRole")),
                Template.at(policy, "Properties", "Roles"));
    }
}
