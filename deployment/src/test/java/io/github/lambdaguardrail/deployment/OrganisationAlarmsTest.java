package io.github.lambdaguardrail.deployment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.lambdaguardrail.guard.GuardReport;
import io.github.lambdaguardrail.guard.org.OrgReport;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The organisation functions are alarmed as the guards are: every metric an organisation function
 * publishes that a guard's alarm watches has the same alarm for that function's {@code Service},
 * created in organisation mode only, to the alarm topic; the evaluator also alarms on the first
 * event it could not hand to a remediator. The metric names are the code's ({@link OrgReport} for
 * the evaluator, {@link GuardReport} for the remediator), the guards' alarmed names the template's.
 */
class OrganisationAlarmsTest {

    private static final Map<String, Object> ALARM_TOPIC = Map.of("Ref", "AlarmTopic");
    private static final List<String> GUARDS = List.of("VpcGuardFunction", "PermissionGuardFunction");

    /** An organisation function: its logical id, its Service dimension, the metrics its report publishes. */
    private record OrgFunction(String id, String service, Set<String> metrics) {
    }

    private static final List<OrgFunction> ORG_FUNCTIONS = List.of(
            new OrgFunction("OrgEvaluatorFunction", "org-evaluator", new OrgReport().metrics().keySet()),
            new OrgFunction("OrgRemediatorFunction", "org-remediator", new GuardReport().metrics().keySet()));

    /** Metrics a function publishes and a guard alarms, but that function can never raise: an alarm would only mislead. */
    private static final Map<String, String> NEVER_RAISED = Map.of(
            "org-remediator Heartbeats", "only the remediation queue invokes it: no schedule reaches it",
            "org-remediator DeferredDuplicates", "a deferred message is a batch item failure, not an invocation error,"
                    + " so its Errors alarm has nothing to subtract");

    /** Properties that name the function or say it in words; all others are the guard's. */
    private static final Set<String> PER_FUNCTION = Set.of("AlarmDescription", "Dimensions");

    private static Template template;
    private static String namespace;
    private static Set<String> guardServices;

    @BeforeAll
    static void load() throws Exception {
        template = Template.load();
        namespace = Template.at(template.root(), "Globals", "Function", "Environment", "Variables", "POWERTOOLS_METRICS_NAMESPACE");
        guardServices = new TreeSet<>();
        for (String guard : GUARDS) {
            guardServices.add(Template.at(template.properties(guard), "Environment", "Variables", "POWERTOOLS_SERVICE_NAME"));
        }
    }

    @Test
    void bothOrganisationFunctionsPublishToTheGuardsNamespaceUnderAServiceOfTheirOwn() {
        assertEquals("LambdaGuardrail", namespace);
        for (OrgFunction fn : ORG_FUNCTIONS) {
            Map<String, Object> variables = Template.at(template.properties(fn.id()), "Environment", "Variables");
            assertEquals(fn.service(), variables.get("POWERTOOLS_SERVICE_NAME"), fn.id());
            assertNull(variables.get("POWERTOOLS_METRICS_NAMESPACE"), fn.id() + " keeps the Globals namespace its alarms watch");
            assertFalse(guardServices.contains(fn.service()), fn.id() + " would add to a guard's metrics");
        }
        assertNotEquals(ORG_FUNCTIONS.get(0).service(), ORG_FUNCTIONS.get(1).service());
    }

    @Test
    void everyMetricAGuardAlarmsThatAnOrganisationFunctionPublishesHasTheGuardsAlarmForThatFunction() {
        Map<String, Map<String, Object>> guardAlarms = guardAlarmsByMetric();
        Set<String> guardAlarmed = guardAlarmedMetrics();
        List<String> missing = new ArrayList<>();
        int mirrored = 0;
        for (OrgFunction fn : ORG_FUNCTIONS) {
            for (String metric : fn.metrics()) {
                if (!guardAlarmed.contains(metric) || NEVER_RAISED.containsKey(fn.service() + " " + metric)) {
                    continue;
                }
                Map<String, Object> guard = guardAlarms.get(metric);
                assertTrue(guard != null, metric + ": a guard watches it only inside another alarm; say how " + fn.id() + " covers it");
                List<Map<String, Object>> found = metricAlarms(fn.service(), metric);
                if (found.isEmpty()) {
                    missing.add(fn.service() + " " + metric);
                    continue;
                }
                assertEquals(1, found.size(), fn.service() + " " + metric);
                assertEquals(withoutPerFunction(Template.at(guard, "Properties")),
                        withoutPerFunction(Template.at(found.get(0), "Properties")), fn.service() + " " + metric + " as the guard's");
                assertEquals("IsOrganization", found.get(0).get("Condition"), fn.service() + " " + metric);
                mirrored++;
            }
        }
        assertEquals(List.of(), missing, "metrics a guard alarms on, published by an organisation function without that alarm");
        assertTrue(mirrored >= 8, "the guards' alarms were found: " + mirrored);
    }

    @Test
    void whatIsNeverRaisedIsPublishedByItsFunctionAlarmedForTheGuardsAndNotAlarmedForIt() {
        Set<String> guardAlarmed = guardAlarmedMetrics();
        NEVER_RAISED.forEach((key, reason) -> {
            String service = key.substring(0, key.indexOf(' '));
            String metric = key.substring(key.indexOf(' ') + 1);
            OrgFunction fn = ORG_FUNCTIONS.stream().filter(f -> f.service().equals(service)).findFirst().orElseThrow();
            assertTrue(fn.metrics().contains(metric), key + ": no longer published, drop it");
            assertTrue(guardAlarmed.contains(metric), key + ": no guard alarms it, drop it");
            assertEquals(List.of(), metricAlarms(service, metric), key + ": " + reason);
        });
        assertEquals(List.of(), Template.<Map<String, Object>>at(template.properties("OrgRemediatorFunction"), "Events")
                .values().stream().filter(e -> "Schedule".equals(Template.at(e, "Type"))).toList(), "the remediator has no heartbeat");
    }

    @Test
    void everyOrganisationMetricAlarmWatchesAMetricItsFunctionPublishesInOrganisationModeOnly() {
        int checked = 0;
        for (OrgFunction fn : ORG_FUNCTIONS) {
            for (Map.Entry<String, Map<String, Object>> e : template.resourcesOfType("AWS::CloudWatch::Alarm").entrySet()) {
                Map<String, Object> p = Template.at(e.getValue(), "Properties");
                if (List.of(Map.of("Name", "Service", "Value", fn.service())).equals(p.get("Dimensions"))) {
                    assertEquals(namespace, p.get("Namespace"), e.getKey());
                    assertTrue(fn.metrics().contains((String) p.get("MetricName")), e.getKey() + ": " + fn.id() + " publishes no "
                            + p.get("MetricName"));
                    assertEquals("IsOrganization", e.getValue().get("Condition"), e.getKey());
                    assertEquals(List.of(ALARM_TOPIC), p.get("AlarmActions"), e.getKey());
                    checked++;
                }
            }
        }
        assertEquals(9, checked, "the evaluator's five alarms and the remediator's four");
    }

    @Test
    void evaluatorAlarmsOnTheFirstRollbackOrKnownGoodConfigItCouldNotQueue() {
        assertTrue(new OrgReport().metrics().containsKey("QueueFailures"));
        List<Map<String, Object>> found = metricAlarms("org-evaluator", "QueueFailures");
        assertEquals(1, found.size());
        Map<String, Object> p = Template.at(found.get(0), "Properties");
        assertEquals("IsOrganization", found.get(0).get("Condition"));
        FailureAlarms.assertPagesOnTheFirstFailure(p, "QueueFailures");
    }

    @Test
    void evaluatorGetsTheGuardsHourlyHeartbeatOnARuleOfItsOwn() {
        Map<String, Object> heartbeat = Template.at(template.properties("OrgEvaluatorFunction"), "Events", "Heartbeat");
        Map<String, Object> guards = Template.at(template.properties("VpcGuardFunction"), "Events", "Heartbeat");
        assertEquals("Schedule", heartbeat.get("Type"));
        Map<String, Object> own = new HashMap<>(Template.at(heartbeat, "Properties"));
        Map<String, Object> guard = new HashMap<>(Template.at(guards, "Properties"));
        assertEquals("lambda-guardrail-org-evaluator-heartbeat", template.resolve(own.get("Name"), OwnResourcesTest.ORGANISATION));
        for (String perFunction : List.of("Name", "Description")) {
            own.remove(perFunction);
            guard.remove(perFunction);
        }
        assertEquals(guard, own, "schedule, retries and dead letters as the guards'");
    }

    /** The guards' single-metric alarms in the guardrail's namespace, by metric name (one per name: the first guard's). */
    private static Map<String, Map<String, Object>> guardAlarmsByMetric() {
        Map<String, Map<String, Object>> byMetric = new LinkedHashMap<>();
        for (String service : guardServices) {
            template.resourcesOfType("AWS::CloudWatch::Alarm").values().forEach(alarm -> {
                Map<String, Object> p = Template.at(alarm, "Properties");
                if (namespace.equals(p.get("Namespace")) && List.of(Map.of("Name", "Service", "Value", service)).equals(p.get("Dimensions"))) {
                    byMetric.putIfAbsent((String) p.get("MetricName"), alarm);
                }
            });
        }
        return byMetric;
    }

    /** Every guardrail metric of a guard that any alarm watches, alone or inside metric math. */
    private static Set<String> guardAlarmedMetrics() {
        Set<String> names = new TreeSet<>(guardAlarmsByMetric().keySet());
        template.resourcesOfType("AWS::CloudWatch::Alarm").values().forEach(alarm -> {
            List<Map<String, Object>> queries = Template.at(alarm, "Properties", "Metrics");
            for (Map<String, Object> query : queries == null ? List.<Map<String, Object>>of() : queries) {
                Map<String, Object> metric = Template.at(query, "MetricStat", "Metric");
                if (metric != null && namespace.equals(metric.get("Namespace")) && guardServices.stream().anyMatch(service ->
                        List.of(Map.of("Name", "Service", "Value", service)).equals(metric.get("Dimensions")))) {
                    names.add((String) metric.get("MetricName"));
                }
            }
        });
        assertTrue(names.containsAll(List.of("Heartbeats", "DeferredDuplicates", "Tampers")), "read the guards' alarms: " + names);
        return names;
    }

    /** The alarms of {@code service}'s {@code metric}, whole resources (with their Condition). */
    private static List<Map<String, Object>> metricAlarms(String service, String metric) {
        return template.resourcesOfType("AWS::CloudWatch::Alarm").values().stream()
                .filter(alarm -> {
                    Map<String, Object> p = Template.at(alarm, "Properties");
                    return namespace.equals(p.get("Namespace")) && metric.equals(p.get("MetricName"))
                            && List.of(Map.of("Name", "Service", "Value", service)).equals(p.get("Dimensions"));
                }).toList();
    }

    private static Map<String, Object> withoutPerFunction(Map<String, Object> properties) {
        Map<String, Object> copy = new HashMap<>(properties);
        copy.keySet().removeAll(PER_FUNCTION);
        return copy;
    }
}
