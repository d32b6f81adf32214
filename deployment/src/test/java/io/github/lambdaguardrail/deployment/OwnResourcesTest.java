package io.github.lambdaguardrail.deployment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.lambdaguardrail.engine.PolicyLoader;
import io.github.lambdaguardrail.engine.rules.TamperRule;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code GUARDRAIL_OWN_RESOURCES} names exactly the stack's own functions (by exact ARN: the guards
 * exempt them), key, topics and state table, and all of its EventBridge rules by one rule-ARN
 * prefix that every rule of the stack starts with (the central bus's rule in organisation mode
 * too); a change to any is reported. No function is matched by a stack-name pattern.
 */
class OwnResourcesTest {

    private static Template template;

    @BeforeAll
    static void load() throws Exception {
        template = Template.load();
    }

    @ParameterizedTest(name = "{0}: {1} functions, {2} rules")
    @CsvSource({"single account, 3, 13", "organisation, 6, 16", "single account with Security Hub, 4, 13",
            "organisation with Security Hub, 7, 16"})
    void ownResourcesListExactlyTheFunctionsKeyTopicsAndStateTableAndOneRulePrefixForEveryRule(String mode, int functions,
                                                                                                 int rules) {
        Map<String, String> v = new HashMap<>(mode.startsWith("organisation") ? ORGANISATION : Template.EXAMPLE);
        v.put("SecurityHub", String.valueOf(mode.endsWith("with Security Hub")));
        String prefix = ":" + v.get("AWS::Region") + ":" + v.get("AWS::AccountId") + ":";
        String rulePrefix = "arn:aws:events" + prefix + "rule/" + v.get("AWS::StackName") + "-";
        List<String> expected = new ArrayList<>();
        for (String name : functionNames(template, v)) {
            expected.add("arn:aws:lambda" + prefix + "function:" + name);
        }
        expected.add(rulePrefix + "*");
        expected.addAll(List.of(v.get("AlertKey.Arn"), v.get("AlertTopic"), v.get("AlarmTopic"), v.get("StateTable.Arn")));

        String own = ownResources(template, v);
        List<String> listed = List.of(own.split(","));
        assertEquals(new TreeSet<>(expected), new TreeSet<>(listed));
        assertEquals(listed.size(), Set.copyOf(listed).size(), "listed once each: " + listed);
        assertEquals(functions + 1 + 4, listed.size(), "functions, the rules, key, two topics, table");
        List<NamedRule> all = rules(template, v);
        assertEquals(rules, all.size());
        // The guards' own check: the policy loader accepts the list, and the tamper rule takes every rule of the stack.
        TamperRule tamper = new TamperRule(PolicyLoader.fromEnvironment(Map.of("GUARDRAIL_OWN_RESOURCES", own), Set.of())
                .guardrail().resourceArns());
        for (NamedRule rule : all) {
            String arn = "arn:aws:events" + prefix + "rule/" + rule.arnPath();
            assertTrue(tamper.isGuardrailResource(arn), arn);
        }
        assertFalse(tamper.isGuardrailResource("arn:aws:lambda" + prefix + "function:" + v.get("AWS::StackName") + "-lookalike"),
                "a function named like the stack's is not one of it");
    }

    @Test
    void ownFunctionsAreTheThreeNamedFunctionsAndTheThreeOrganisationFunctionsInOrganisationMode() {
        List<String> single = List.of("lambda-guardrail-vpc-guard", "lambda-guardrail-permission-guard", "lambda-guardrail-sweep");
        assertEquals(single, functionNames(template, Template.EXAMPLE));
        List<String> organisation = new ArrayList<>(single);
        organisation.addAll(List.of("lambda-guardrail-org-evaluator", "lambda-guardrail-org-remediator", "lambda-guardrail-org-sweep"));
        assertEquals(organisation, functionNames(template, ORGANISATION));
    }

    @Test
    void theSecurityHubExporterIsAnOwnFunctionOnlyWithTheOption() {
        Map<String, String> on = new HashMap<>(Template.EXAMPLE);
        on.put("SecurityHub", "true");
        assertEquals(List.of("lambda-guardrail-vpc-guard", "lambda-guardrail-permission-guard", "lambda-guardrail-sweep",
                "lambda-guardrail-securityhub-export"), functionNames(template, on));
        String exporter = "arn:aws:lambda:us-east-1:111122223333:function:lambda-guardrail-securityhub-export";
        assertTrue(List.of(ownResources(template, on).split(",")).contains(exporter));
        assertFalse(List.of(ownResources(template, Template.EXAMPLE).split(",")).contains(exporter));
    }

    @Test
    void theCentralBusRuleIsTheOnlyRuleOffTheDefaultBusAndItsBusIsTheOneNamedInTheArn() {
        List<NamedRule> offDefault = rules(template, ORGANISATION).stream().filter(r -> r.bus() != null).toList();
        assertEquals(List.of(new NamedRule("lambda-guardrail-org", "lambda-guardrail-org-evaluator-changes")), offDefault);
        assertEquals(Map.of("Ref", "CentralEventBus"),
                Template.at(template.properties("OrgEvaluatorFunction"), "Events", "MemberFunctionChanged", "Properties", "EventBusName"));
        assertEquals("lambda-guardrail-org", template.resolve(template.properties("CentralEventBus").get("Name"), ORGANISATION));
    }

    @Test
    void exemptFunctionPatternsHoldOnlyTheParameterAndNoStackNamePattern() {
        Object patterns = Template.at(template.root(), "Globals", "Function", "Environment", "Variables",
                "GUARDRAIL_EXEMPT_FUNCTION_PATTERNS");
        assertEquals(Map.of("Ref", "ExemptFunctionPatterns"), patterns);
        assertEquals("", template.resolve(patterns, Template.EXAMPLE), "nothing exempt by name unless the operator says so");
        assertFalse(String.valueOf(template.root().get("Globals")).contains("function:${AWS::StackName}-*"),
                "the guardrail's own functions are exempt by exact ARN, never by a stack-name glob");
    }

    /** {@code GUARDRAIL_OWN_RESOURCES} as {@code values} resolve it. */
    static String ownResources(Template template, Map<String, String> values) {
        Object own = Template.at(template.root(), "Globals", "Function", "Environment", "Variables", "GUARDRAIL_OWN_RESOURCES");
        assertNotNull(own, "GUARDRAIL_OWN_RESOURCES is set for every function");
        return (String) template.resolve(own, values);
    }

    /** The example stack in organisation mode. */
    static final Map<String, String> ORGANISATION = organisation(Template.EXAMPLE);

    /** {@code values} with OrganizationId and OrganizationalUnitIds set: organisation mode. */
    static Map<String, String> organisation(Map<String, String> values) {
        Map<String, String> out = new HashMap<>(values);
        out.put("OrganizationId", MemberRolesTemplateTest.ORGANIZATION);
        out.put("OrganizationalUnitIds", "r-a1b2,ou-a1b2-c3d4e5f6");
        return Map.copyOf(out);
    }

    /** The {@code FunctionName} of every function {@code values} create, resolved, in template order. */
    static List<String> functionNames(Template template, Map<String, String> values) {
        List<String> names = new ArrayList<>();
        template.resourcesOfType("AWS::Serverless::Function", values).forEach((id, fn) -> {
            Object name = Template.at(fn, "Properties", "FunctionName");
            assertNotNull(name, id + " has an explicit FunctionName");
            names.add((String) template.resolve(name, values));
        });
        return names;
    }

    /** An EventBridge rule: its bus ({@code null} for the default bus) and name. */
    record NamedRule(String bus, String name) {
        /** What follows {@code rule/} in the rule's ARN: the bus is named unless it is the default. */
        String arnPath() {
            return bus == null ? name : bus + "/" + name;
        }
    }

    /** The name of every EventBridge rule {@code values} create, resolved, in template order. */
    static List<String> ruleNames(Template template, Map<String, String> values) {
        return rules(template, values).stream().map(NamedRule::name).toList();
    }

    /**
     * Every EventBridge rule {@code values} create, resolved, in template order: the functions'
     * {@code EventBridgeRule} events ({@code RuleName}, on {@code EventBusName} if they name one) and
     * {@code Schedule} events ({@code Name}); every one must be named, so that its ARN can be listed
     * without depending on the rule. A custom bus is named by {@code Ref} to a bus whose name is set.
     */
    @SuppressWarnings("unchecked")
    static List<NamedRule> rules(Template template, Map<String, String> values) {
        assertEquals(Map.of(), template.resourcesOfType("AWS::Events::Rule"), "rules come from the functions' events");
        List<NamedRule> rules = new ArrayList<>();
        template.resourcesOfType("AWS::Serverless::Function", values).forEach((id, fn) -> {
            Map<String, Object> events = Template.at(fn, "Properties", "Events");
            events.forEach((eventId, e) -> {
                Map<String, Object> event = (Map<String, Object>) e;
                String key = switch ((String) event.get("Type")) {
                    case "EventBridgeRule" -> "RuleName";
                    case "Schedule" -> "Name";
                    case "SQS", "SNS" -> null; // a queue's event source mapping, a topic's subscription: no rule
                    default -> throw new AssertionError(id + "/" + eventId + ": unexpected event type " + event.get("Type"));
                };
                if (key == null) {
                    return;
                }
                Object name = Template.at(event, "Properties", key);
                assertNotNull(name, id + "/" + eventId + " has an explicit " + key);
                Map<String, Object> bus = Template.at(event, "Properties", "EventBusName");
                String busName = bus == null ? null
                        : (String) template.resolve(template.properties((String) bus.get("Ref")).get("Name"), values);
                rules.add(new NamedRule(busName, (String) template.resolve(name, values)));
            });
        });
        return rules;
    }
}
