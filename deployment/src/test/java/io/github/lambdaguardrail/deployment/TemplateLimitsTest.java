package io.github.lambdaguardrail.deployment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The names the template builds from the stack name, the EventBridge patterns and the functions'
 * environment stay within AWS's limits for the longest stack name the names allow.
 */
class TemplateLimitsTest {

    /** The longest stack name every function and rule name fits (64 characters each). */
    static final int LONGEST_STACK_NAME = 37;
    private static final ObjectMapper JSON = new ObjectMapper();
    /** AWS::Events::Rule EventPattern, without a quota increase. */
    private static final int EVENT_PATTERN_LIMIT = 2048;
    /** All of a function's environment variables together. */
    private static final int ENVIRONMENT_LIMIT = 4096;
    /**
     * What the operator's lists may take at least, with the longest names, in both modes (about
     * forty subnet or security-group ids, or a dozen role-ARN patterns). GUARDRAIL_OWN_RESOURCES takes
     * most of the rest: it names the stack's EventBridge rules by one prefix, since a dozen rule ARNs
     * (organisation mode's among them) left the evaluator about 120 bytes at a 37-character stack name.
     */
    private static final int ROOM_FOR_PARAMETERS = 1000;

    private static Template template;

    @BeforeAll
    static void load() throws Exception {
        template = Template.load();
    }

    /**
     * The longest names: a long partition and region, CloudFormation's 13-character random suffix,
     * in organisation mode, which adds functions, a rule and environment variables.
     */
    private static Map<String, String> longest(int stackNameLength) {
        return OwnResourcesTest.organisation(longestSingleAccount(stackNameLength));
    }

    private static Map<String, String> longestSingleAccount(int stackNameLength) {
        return Template.example("s".repeat(stackNameLength), "aws-us-gov", "us-gov-west-1", "ABCDEFGHIJKLM");
    }

    @Test
    void functionAndRuleNamesFitForStackNamesUpToTheLongest() {
        List<String> names = new ArrayList<>(OwnResourcesTest.functionNames(template, longest(LONGEST_STACK_NAME)));
        names.addAll(OwnResourcesTest.ruleNames(template, longest(LONGEST_STACK_NAME)));
        names.forEach(name -> assertTrue(name.length() <= 64, name + " is longer than 64 characters"));
        List<String> longer = OwnResourcesTest.ruleNames(template, longest(LONGEST_STACK_NAME + 1));
        assertTrue(longer.stream().anyMatch(name -> name.length() > 64),
                "LONGEST_STACK_NAME is the bound the README states: raise it when the names get shorter");
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyEventPatternFitsEventBridgesLimitForAFortyCharacterStackName() throws Exception {
        Map<String, String> values = longest(40);
        int checked = 0;
        for (Map.Entry<String, Map<String, Object>> fn : template.resourcesOfType("AWS::Serverless::Function").entrySet()) {
            Map<String, Object> events = Template.at(fn.getValue(), "Properties", "Events");
            for (Map.Entry<String, Object> e : events.entrySet()) {
                Object pattern = Template.at(e.getValue(), "Properties", "Pattern");
                if (pattern != null) {
                    String json = JSON.writeValueAsString(template.resolve(pattern, values));
                    assertTrue(json.length() <= EVENT_PATTERN_LIMIT, fn.getKey() + "/" + e.getKey() + ": " + json.length()
                            + " characters, more than " + EVENT_PATTERN_LIMIT);
                    checked++;
                }
            }
        }
        assertTrue(checked == 11, "two guards with five pattern rules each (the main rule, four tamper rules), and the central bus's rule: "
                + checked);
    }

    @ParameterizedTest(name = "{0} functions, {1} bytes")
    @CsvSource({"3, 1000", "6, 1000"})
    void environmentLeavesRoomForTheParameterListsWithinLambdasLimit(int functionCount, int room) throws Exception {
        boolean organisation = functionCount == 6;
        assertEquals(ROOM_FOR_PARAMETERS, room);
        Map<String, String> values = organisation ? longest(LONGEST_STACK_NAME) : longestSingleAccount(LONGEST_STACK_NAME);
        Map<String, Map<String, Object>> functions = template.resourcesOfType("AWS::Serverless::Function", values);
        assertEquals(functionCount, functions.size(), functions.keySet().toString());
        for (Map.Entry<String, Map<String, Object>> fn : functions.entrySet()) {
            int size = JSON.writeValueAsString(template.resolve(template.environment(fn.getValue()), values)).length();
            // The comma-separated parameter lists (allowed VPCs, subnets, groups, accounts, exempt
            // patterns...) take the rest: keep at least ROOM_FOR_PARAMETERS for them.
            assertTrue(size <= ENVIRONMENT_LIMIT - room, fn.getKey() + ": " + size + " bytes of "
                    + ENVIRONMENT_LIMIT + " with the parameters at their defaults");
        }
    }
}
