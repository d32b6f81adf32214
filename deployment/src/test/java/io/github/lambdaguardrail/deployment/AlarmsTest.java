package io.github.lambdaguardrail.deployment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The alarms reach operators even when the alert path is what broke: every alarm notifies the
 * alarm topic, which no customer key encrypts; each guard's heartbeat alarm fires when the guard
 * stops running; the Errors alarms ignore the deferred duplicates the guards throw back on purpose.
 */
class AlarmsTest {

    private static final Map<String, Object> ALARM_TOPIC = Map.of("Ref", "AlarmTopic");

    private static Template template;
    private static Map<String, Map<String, Object>> alarms;

    @BeforeAll
    static void load() throws Exception {
        template = Template.load();
        alarms = template.resourcesOfType("AWS::CloudWatch::Alarm");
    }

    @Test
    void everyAlarmNotifiesExactlyTheAlarmTopic() {
        assertTrue(alarms.size() >= 16, "alarms: " + alarms.keySet());
        alarms.forEach((id, alarm) -> {
            Map<String, Object> p = Template.at(alarm, "Properties");
            assertEquals(List.of(ALARM_TOPIC), p.get("AlarmActions"), id);
            assertFalse(p.containsKey("OKActions") || p.containsKey("InsufficientDataActions"), id);
        });
    }

    @Test
    void alarmTopicIsUnencryptedAndOnlyCloudWatchPublishesOverTls() {
        Map<String, Object> topic = template.properties("AlarmTopic");
        assertFalse(topic != null && topic.containsKey("KmsMasterKeyId"),
                "a key a tamper could disable would silence the alarms: " + topic);
        assertEquals(Map.of("Ref", "AlertKey"), template.properties("AlertTopic").get("KmsMasterKeyId"));
        Map<String, Object> policy = template.properties("AlarmTopicPolicy");
        assertEquals(List.of(ALARM_TOPIC), policy.get("Topics"));
        List<Map<String, Object>> statements = Template.at(policy, "PolicyDocument", "Statement");
        assertEquals(List.of("DenyPublishWithoutTls", "AlarmsPublish"), statements.stream().map(s -> s.get("Sid")).toList());
        assertEquals(Map.of("Service", "cloudwatch.amazonaws.com"), statements.get(1).get("Principal"));
        assertEquals(Map.of("StringEquals", Map.of("aws:SourceAccount", Map.of("Ref", "AWS::AccountId"))),
                statements.get(1).get("Condition"));
    }

    @Test
    void alertEmailIsSubscribedToBothTopics() {
        List<Object> topics = template.resourcesOfType("AWS::SNS::Subscription").values().stream()
                .filter(s -> "HasAlertEmail".equals(s.get("Condition")))
                .map(s -> Template.at(s, "Properties", "TopicArn")).toList();
        assertEquals(List.of(Map.of("Ref", "AlertTopic"), ALARM_TOPIC), topics);
    }

    @ParameterizedTest
    @CsvSource({"vpc-guard, Tampers", "permission-guard, Tampers", "vpc-guard, InvalidEvents",
            "permission-guard, InvalidEvents", "vpc-guard, ActionFailures", "permission-guard, ActionFailures"})
    void eachGuardAlarmsOnTheFirstTamperUnreadableEventOrFailedRollback(String service, String metric) {
        Map<String, Object> p = guardrailMetricAlarm(metric, service).orElseThrow(() -> new AssertionError(service + " " + metric));
        assertEquals("Sum", p.get("Statistic"));
        assertEquals(0, p.get("Threshold"));
        assertEquals("GreaterThanThreshold", p.get("ComparisonOperator"));
        assertEquals(List.of(ALARM_TOPIC), p.get("AlarmActions"));
    }

    @ParameterizedTest
    @CsvSource({"VpcGuardFunction, vpc-guard", "PermissionGuardFunction, permission-guard"})
    void eachGuardHasAHeartbeatAlarmThatTreatsMissingDataAsBreaching(String function, String service) {
        assertEquals(service, Template.at(template.properties(function), "Environment", "Variables", "POWERTOOLS_SERVICE_NAME"));
        Map<String, Object> p = guardrailMetricAlarm("Heartbeats", service).orElseThrow(() -> new AssertionError(service));
        assertEquals("Sum", p.get("Statistic"));
        assertEquals(3600, p.get("Period"));
        assertEquals(3, p.get("EvaluationPeriods"));
        assertEquals(3, p.get("DatapointsToAlarm"));
        assertEquals(1, p.get("Threshold"));
        assertEquals("LessThanThreshold", p.get("ComparisonOperator"));
        assertEquals("breaching", p.get("TreatMissingData"), "no heartbeat at all is the failure it reports");
    }

    @ParameterizedTest
    @CsvSource({"VpcGuardFunction, vpc-guard", "PermissionGuardFunction, permission-guard"})
    @SuppressWarnings("unchecked")
    void eachGuardsErrorsAlarmSubtractsDeferredDuplicates(String function, String service) {
        Map<String, Object> p = alarms.values().stream().map(a -> Template.<Map<String, Object>>at(a, "Properties"))
                .filter(props -> props.containsKey("Metrics"))
                .filter(props -> ((List<Map<String, Object>>) props.get("Metrics")).stream()
                        .anyMatch(m -> metric(m, "AWS/Lambda", "Errors", "FunctionName", Map.of("Ref", function))))
                .findFirst().orElseThrow(() -> new AssertionError("no Errors alarm for " + function));
        List<Map<String, Object>> metrics = (List<Map<String, Object>>) p.get("Metrics");
        Map<String, Object> errors = metrics.stream()
                .filter(m -> metric(m, "AWS/Lambda", "Errors", "FunctionName", Map.of("Ref", function))).findFirst().orElseThrow();
        Map<String, Object> deferred = metrics.stream()
                .filter(m -> metric(m, "LambdaGuardrail", "DeferredDuplicates", "Service", service)).findFirst()
                .orElseThrow(() -> new AssertionError(function + ": no DeferredDuplicates metric"));
        List<Map<String, Object>> returned = metrics.stream().filter(m -> !Boolean.FALSE.equals(m.get("ReturnData"))).toList();
        assertEquals(1, returned.size(), "only the expression is returned: " + metrics);
        assertEquals(errors.get("Id") + " - FILL(" + deferred.get("Id") + ", 0)", returned.get(0).get("Expression"));
        assertEquals(List.of(errors, deferred, returned.get(0)), metrics);
        assertEquals(0, p.get("Threshold"));
        assertEquals("GreaterThanThreshold", p.get("ComparisonOperator"));
    }

    @ParameterizedTest
    @CsvSource({"vpc-guard, InvalidEvents", "permission-guard, InvalidEvents", "vpc-guard, ActionFailures",
            "permission-guard, ActionFailures", "vpc-guard, NotificationFailures", "permission-guard, NotificationFailures"})
    void eachGuardAlarmsOnTheFirstFailureItCounts(String service, String metric) {
        Map<String, Object> p = guardrailMetricAlarm(metric, service).orElseThrow(() -> new AssertionError(service + " " + metric));
        FailureAlarms.assertPagesOnTheFirstFailure(p, service + " " + metric);
    }

    @Test
    void sweepAlarmsWhenItHasNotRunForTwoDays() {
        Map<String, Object> p = alarms.values().stream().map(a -> Template.<Map<String, Object>>at(a, "Properties"))
                .filter(props -> "AWS/Lambda".equals(props.get("Namespace")) && "Invocations".equals(props.get("MetricName")))
                .findFirst().orElseThrow();
        assertEquals(List.of(Map.of("Name", "FunctionName", "Value", Map.of("Ref", "SweepFunction"))), p.get("Dimensions"));
        assertEquals(86400, p.get("Period"));
        assertEquals(2, p.get("EvaluationPeriods"));
        assertEquals(1, p.get("Threshold"));
        assertEquals("LessThanThreshold", p.get("ComparisonOperator"));
        assertEquals("breaching", p.get("TreatMissingData"));
        assertTrue(((String) p.get("AlarmDescription")).contains("at least daily"), "states its assumption");
    }

    private static Optional<Map<String, Object>> guardrailMetricAlarm(String metric, String service) {
        return alarms.values().stream().map(a -> Template.<Map<String, Object>>at(a, "Properties"))
                .filter(p -> "LambdaGuardrail".equals(p.get("Namespace")) && metric.equals(p.get("MetricName"))
                        && List.of(Map.of("Name", "Service", "Value", service)).equals(p.get("Dimensions")))
                .reduce((a, b) -> {
                    throw new AssertionError("two " + metric + " alarms for " + service);
                });
    }

    private static boolean metric(Map<String, Object> query, String namespace, String name, String dimension, Object value) {
        Map<String, Object> metric = Template.at(query, "MetricStat", "Metric");
        return metric != null && namespace.equals(metric.get("Namespace")) && name.equals(metric.get("MetricName"))
                && List.of(Map.of("Name", dimension, "Value", value)).equals(metric.get("Dimensions"))
                && "Sum".equals(Template.at(query, "MetricStat", "Stat"));
    }
}
