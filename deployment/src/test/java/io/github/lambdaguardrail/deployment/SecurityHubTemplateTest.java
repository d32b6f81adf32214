package io.github.lambdaguardrail.deployment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.lambdaguardrail.guard.securityhub.ExportReport;
import io.github.lambdaguardrail.guard.securityhub.SecurityHubExportFunction;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.event.ruler.Machine;

/**
 * {@code SecurityHub} (off by default) creates the Security Hub exporter, and nothing else of Security
 * Hub: a function subscribed to the alert topic whose filter policy lets through exactly the
 * verdicts' alerts of this account and region (checked with event-ruler on the message attributes
 * the guards set), retried by Lambda and then handed to the stack's failure queue, with an alarm on
 * each failure metric it publishes. No guard reads the option. Its IAM grant is checked with the
 * roles' others (TemplatePermissionsTest).
 */
class SecurityHubTemplateTest {

    private static final String CONDITION = "SendsToSecurityHub";
    private static final String EXPORTER = "SecurityHubExportFunction";
    private static final String SERVICE = "securityhub-export";
    private static final ObjectMapper JSON = new ObjectMapper();

    private static Template template;

    @BeforeAll
    static void load() throws Exception {
        template = Template.load();
    }

    static Map<String, String> securityHub(String value) {
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

    @Test
    void theExporterItsRoleLogGroupAndAlarmsExistOnlyWithTheOption() {
        Set<String> created = new TreeSet<>();
        Set<String> withOption = new TreeSet<>();
        template.resources().keySet().forEach(id -> {
            Map<String, Object> resource = Template.at(template.resources(), id);
            String condition = (String) resource.get("Condition");
            if (condition == null || template.holds(condition, securityHub("false"))) {
                created.add(id);
            }
            if (condition == null || template.holds(condition, securityHub("true"))) {
                withOption.add(id);
            }
        });
        withOption.removeAll(created);
        assertEquals(Set.of(EXPORTER, "SecurityHubExportRole", "SecurityHubExportLogGroup", "SecurityHubExportFailuresAlarm",
                "SecurityHubExportInvalidAlertsAlarm"), withOption);
        assertTrue(created.stream().noneMatch(id -> id.contains("SecurityHub")), "nothing of Security Hub without it: " + created);
    }

    @Test
    void noGuardReadsTheOptionAndOnlyTheExporterIsItsFunction() {
        template.resourcesOfType("AWS::Serverless::Function").forEach((id, fn) ->
                assertNull(Template.at(fn, "Properties", "Environment", "Variables", "GUARDRAIL_SECURITY_HUB"), id));
        assertNull(Template.at(template.root(), "Globals", "Function", "Environment", "Variables", "GUARDRAIL_SECURITY_HUB"));
        assertEquals(CONDITION, Template.at(template.resources(), EXPORTER, "Condition"));
        assertEquals("io.github.lambdaguardrail.guard.securityhub.SecurityHubExportHandler::handleRequest",
                template.properties(EXPORTER).get("Handler"));
        assertEquals(SERVICE, Template.at(template.properties(EXPORTER), "Environment", "Variables", "POWERTOOLS_SERVICE_NAME"));
    }

    /** The exporter's one event: the alert topic, filtered on the message attributes the guards' SnsNotifier sets. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> subscription() {
        Map<String, Object> events = Template.at(template.properties(EXPORTER), "Events");
        assertEquals(1, events.size(), "one subscription: " + events.keySet());
        Map<String, Object> event = (Map<String, Object>) events.values().iterator().next();
        assertEquals("SNS", event.get("Type"));
        Map<String, Object> properties = (Map<String, Object>) template.resolve(event.get("Properties"), securityHub("true"));
        assertEquals(Template.EXAMPLE.get("AlertTopic"), properties.get("Topic"));
        assertEquals("MessageAttributes", properties.get("FilterPolicyScope"));
        return (Map<String, Object>) properties.get("FilterPolicy");
    }

    @Test
    void filterPolicyPassesExactlyTheExportersDecisionsOfThisAccountAndRegion() {
        Map<String, Object> policy = subscription();
        assertEquals(Set.of("decision", "account", "region"), policy.keySet());
        assertEquals(SecurityHubExportFunction.EXPORTED_DECISIONS, policy.get("decision"), "the code's list, in its order");
        assertEquals(List.of(Template.EXAMPLE.get("AWS::AccountId")), policy.get("account"));
        assertEquals(List.of(Template.EXAMPLE.get("AWS::Region")), policy.get("region"));
    }

    @ParameterizedTest(name = "{0} {1} {2}: {3}")
    @CsvSource({
            "ROLLBACK,        111122223333, us-east-1, true",
            "NOTIFY,          111122223333, us-east-1, true",
            "EXEMPTED,        111122223333, us-east-1, true",
            "LEFT_ALONE,      111122223333, us-east-1, true",
            "ROLLBACK_FAILED, 111122223333, us-east-1, true",
            "WOULD_ROLLBACK,  111122223333, us-east-1, true",
            "INVALID,         111122223333, us-east-1, false",
            "SWEEP,           111122223333, us-east-1, false",
            "ROLLBACK_QUEUED, 111122223333, us-east-1, false",
            "ROLLBACK,        444455556666, us-east-1, false",
            "ROLLBACK,        111122223333, eu-west-1, false"})
    void alertReachesTheExporterOnlyWhenTheFilterPolicyPassesItsAttributes(String decision, String account, String region,
                                                                            boolean delivered) throws Exception {
        Machine machine = Machine.builder().build();
        machine.addRule("exporter", JSON.writeValueAsString(subscription()));
        Map<String, Object> attributes = Map.of("decision", decision, "account", account, "region", region,
                "severity", "CRITICAL", "ruleIds", "[\"PERMISSION_PUBLIC\"]");

        assertEquals(delivered, !machine.rulesForJSONEvent(JSON.writeValueAsString(attributes)).isEmpty());
    }

    @Test
    void aMessageWithoutTheAlertsAttributesNeverReachesTheExporter() throws Exception {
        Machine machine = Machine.builder().build();
        machine.addRule("exporter", JSON.writeValueAsString(subscription()));

        assertTrue(machine.rulesForJSONEvent(JSON.writeValueAsString(Map.of("account", "111122223333", "region", "us-east-1")))
                .isEmpty());
    }

    @Test
    void failedAlertsAreRetriedTwiceThenHandedToTheEncryptedFailureQueueWhoseDepthIsAlarmed() {
        Map<String, Object> invoke = Template.at(template.properties(EXPORTER), "EventInvokeConfig");
        assertEquals(2, invoke.get("MaximumRetryAttempts"));
        assertEquals(21600, invoke.get("MaximumEventAgeInSeconds"));
        assertEquals(Map.of("Type", "SQS", "Destination", Map.of("Fn::GetAtt", List.of("InvocationFailureQueue", "Arn"))),
                Template.at(invoke, "DestinationConfig", "OnFailure"));
        assertEquals(Map.of("Ref", "AlertKey"), template.properties("InvocationFailureQueue").get("KmsMasterKeyId"));
        Map<String, Object> depth = template.properties("FailedInvocationsAlarm");
        assertEquals("ApproximateNumberOfMessagesVisible", depth.get("MetricName"));
        assertEquals(List.of(Map.of("Name", "QueueName", "Value", Map.of("Fn::GetAtt", List.of("InvocationFailureQueue", "QueueName")))),
                depth.get("Dimensions"));
        assertTrue(((String) depth.get("AlarmDescription")).contains("Security Hub exporter"));
    }

    /**
     * Every failure metric the exporter publishes ({@link ExportReport#metrics}) has one alarm, shaped
     * like the guards' failure alarms; its success count has none. No guard has a Security Hub alarm.
     */
    @Test
    void eachFailureMetricOfTheExporterHasOneAlarmOnlyWithTheOption() {
        Set<String> published = new ExportReport().metrics().keySet();
        assertEquals(Set.of("SecurityHubFindings", "SecurityHubFailures", "InvalidAlerts"), published);
        for (String metric : List.of("SecurityHubFailures", "InvalidAlerts")) {
            List<Map<String, Object>> alarms = alarms(metric, SERVICE);
            assertEquals(1, alarms.size(), metric);
            Map<String, Object> alarm = alarms.get(0);
            assertEquals(CONDITION, alarm.get("Condition"));
            Map<String, Object> p = Template.at(alarm, "Properties");
            assertEquals("LambdaGuardrail", p.get("Namespace"));
            FailureAlarms.assertPagesOnTheFirstFailure(p, metric);
        }
        assertEquals(List.of(), alarms("SecurityHubFindings", SERVICE), "imports that worked page no one");
        for (String guard : List.of("vpc-guard", "permission-guard")) {
            assertEquals(List.of(), alarms("SecurityHubFailures", guard), guard + " sends nothing to Security Hub");
        }
    }

    private static List<Map<String, Object>> alarms(String metric, String service) {
        return template.resourcesOfType("AWS::CloudWatch::Alarm").values().stream()
                .filter(a -> metric.equals(Template.at(a, "Properties", "MetricName"))
                        && List.of(Map.of("Name", "Service", "Value", service)).equals(Template.at(a, "Properties", "Dimensions")))
                .toList();
    }
}
