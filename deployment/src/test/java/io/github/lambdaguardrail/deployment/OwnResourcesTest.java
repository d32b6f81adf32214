package io.github.lambdaguardrail.deployment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code GUARDRAIL_OWN_RESOURCES} names exactly the stack's own functions, EventBridge rules, key,
 * topics and state table (the guards exempt the functions by exact ARN and report any change to
 * one of them), and the guardrail's functions are no longer exempt by a stack-name pattern.
 */
class OwnResourcesTest {

    /** The ARNs the policy loader accepts in {@code GUARDRAIL_OWN_RESOURCES}. */
    private static final Pattern RESOURCE_ARN = Pattern.compile(
            "arn:aws[a-z-]*:(lambda|events|kms|sns|dynamodb|sqs):[a-z0-9-]+:\\d{12}:[A-Za-z0-9_.:/$-]{1,512}");

    private static Template template;

    @BeforeAll
    static void load() throws Exception {
        template = Template.load();
    }

    @Test
    void ownResourcesListExactlyTheFunctionsRulesKeyTopicsAndStateTable() {
        Map<String, String> v = Template.EXAMPLE;
        String prefix = ":" + v.get("AWS::Region") + ":" + v.get("AWS::AccountId") + ":";
        List<String> expected = new ArrayList<>();
        for (String name : functionNames(template, v)) {
            expected.add("arn:aws:lambda" + prefix + "function:" + name);
        }
        for (String name : ruleNames(template, v)) {
            expected.add("arn:aws:events" + prefix + "rule/" + name);
        }
        expected.addAll(List.of(v.get("AlertKey.Arn"), v.get("AlertTopic"), v.get("AlarmTopic"), v.get("StateTable.Arn")));

        List<String> listed = List.of(ownResources(v).split(","));
        assertEquals(new TreeSet<>(expected), new TreeSet<>(listed));
        assertEquals(listed.size(), Set.copyOf(listed).size(), "listed once each: " + listed);
        assertEquals(3 + 9 + 4, listed.size(), "three functions, nine rules, key, two topics, table");
        listed.forEach(arn -> assertTrue(RESOURCE_ARN.matcher(arn).matches(), "the policy loader accepts " + arn));
    }

    @Test
    void ownFunctionsAreTheThreeNamedFunctions() {
        assertEquals(List.of("lambda-guardrail-vpc-guard", "lambda-guardrail-permission-guard", "lambda-guardrail-sweep"),
                functionNames(template, Template.EXAMPLE));
    }

    @Test
    void exemptFunctionPatternsHoldOnlyTheParameterAndNoStackNamePattern() {
        Object patterns = Template.at(template.root(), "Globals", "Function", "Environment", "Variables",
                "GUARDRAIL_EXEMPT_FUNCTION_PATTERNS");
        assertEquals(Map.of("Ref", "ExemptFunctionPatterns"), patterns);
        assertEquals("", template.resolve(patterns, Template.EXAMPLE), "nothing exempt by name unless the operator says so");
        assertFalse(String.valueOf(template.root().get("Globals")).contains("${AWS::StackName}-*"),
                "the guardrail's own functions are exempt by exact ARN, never by a stack-name glob");
    }

    private static String ownResources(Map<String, String> values) {
        Object own = Template.at(template.root(), "Globals", "Function", "Environment", "Variables", "GUARDRAIL_OWN_RESOURCES");
        assertNotNull(own, "GUARDRAIL_OWN_RESOURCES is set for every function");
        return (String) template.resolve(own, values);
    }

    /** The {@code FunctionName} of every function of the stack, resolved, in template order. */
    static List<String> functionNames(Template template, Map<String, String> values) {
        List<String> names = new ArrayList<>();
        template.resourcesOfType("AWS::Serverless::Function").forEach((id, fn) -> {
            Object name = Template.at(fn, "Properties", "FunctionName");
            assertNotNull(name, id + " has an explicit FunctionName");
            names.add((String) template.resolve(name, values));
        });
        return names;
    }

    /**
     * The name of every EventBridge rule of the stack, resolved, in template order: the functions'
     * {@code EventBridgeRule} events ({@code RuleName}) and {@code Schedule} events ({@code Name});
     * every one must be named, so that its ARN can be listed without depending on the rule.
     */
    @SuppressWarnings("unchecked")
    static List<String> ruleNames(Template template, Map<String, String> values) {
        assertEquals(Map.of(), template.resourcesOfType("AWS::Events::Rule"), "rules come from the functions' events");
        List<String> names = new ArrayList<>();
        template.resourcesOfType("AWS::Serverless::Function").forEach((id, fn) -> {
            Map<String, Object> events = Template.at(fn, "Properties", "Events");
            events.forEach((eventId, e) -> {
                Map<String, Object> event = (Map<String, Object>) e;
                String key = switch ((String) event.get("Type")) {
                    case "EventBridgeRule" -> "RuleName";
                    case "Schedule" -> "Name";
                    default -> throw new AssertionError(id + "/" + eventId + ": unexpected event type " + event.get("Type"));
                };
                Object name = Template.at(event, "Properties", key);
                assertNotNull(name, id + "/" + eventId + " has an explicit " + key);
                names.add((String) template.resolve(name, values));
            });
        });
        return names;
    }
}
