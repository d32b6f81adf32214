package io.github.lambdaguardrail.guard.org;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.lambdaguardrail.engine.PolicyException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class OrgSweepConfigTest {

    private static Map<String, String> env(String... pairs) {
        Map<String, String> env = new HashMap<>(Map.of("GUARDRAIL_TOPIC_ARN", "arn:aws:sns:us-east-1:111111111111:alerts",
                "GUARDRAIL_STATE_TABLE", "lambda-guardrail-state", OrgSweepConfig.REGIONS_VARIABLE, "us-east-1, eu-west-1",
                OrgSweepConfig.STACK_SET_VARIABLE, "lambda-guardrail-member-roles"));
        for (int i = 0; i < pairs.length; i += 2) {
            env.put(pairs[i], pairs[i + 1]);
        }
        return env;
    }

    @Test
    void readsTheRegionsInOrderTheStackSetAndTheSweepsPaceWithTheMemberRole() {
        OrgSweepConfig config = OrgSweepConfig.fromEnvironment(env("GUARDRAIL_SWEEP_RATE_LIMIT", "5"));
        assertEquals(List.of("us-east-1", "eu-west-1"), config.regions());
        assertEquals("lambda-guardrail-member-roles", config.rolesStackSet());
        assertEquals(5, config.rateLimit());
        assertEquals("LambdaGuardrailRemediator", config.org().memberRoleName());
        assertEquals(8, OrgSweepConfig.fromEnvironment(env()).rateLimit(), "the single-account sweep's default");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "GUARDRAIL_GOVERNED_REGIONS | ''                  | is required",
            "GUARDRAIL_GOVERNED_REGIONS | us-east-1,,eu-west-1 | '' is not a region name",
            "GUARDRAIL_GOVERNED_REGIONS | us-east-1,EU-WEST-1  | 'EU-WEST-1' is not a region name",
            "GUARDRAIL_GOVERNED_REGIONS | us-east-1,us-east-1  | each once",
            "GUARDRAIL_MEMBER_ROLES_STACK_SET | ''             | is required",
            "GUARDRAIL_MEMBER_ROLES_STACK_SET | roles;rm -rf   | is not a StackSet name",
            "GUARDRAIL_SWEEP_RATE_LIMIT | 16                   | above a member's 15",
            "GUARDRAIL_SWEEP_RATE_LIMIT | fast                 | is not a number",
            "GUARDRAIL_SECURITY_HUB | true                     | unknown variable"})
    void rejectsWhatItCannotSweepNamingTheVariable(String variable, String value, String problem) {
        String message = assertThrows(PolicyException.class, () -> OrgSweepConfig.fromEnvironment(env(variable, value))).getMessage();
        assertTrue(message.contains(variable) && message.contains(problem), message);
    }

    @Test
    void aRegionOfManyPartsIsRefusedNotAStackOverflow() {
        String region = "aa" + "-a".repeat(100_000) + "-1";
        String message = assertThrows(PolicyException.class,
                () -> OrgSweepConfig.fromEnvironment(env(OrgSweepConfig.REGIONS_VARIABLE, region))).getMessage();
        assertTrue(message.contains("is not a region name"), message.substring(0, 200));
    }

    @Test
    void anUnknownGuardrailVariableIsRejectedAsForEveryFunction() {
        assertThrows(PolicyException.class, () -> OrgSweepConfig.fromEnvironment(env("GUARDRAIL_GOVERNED_REGION", "eu-west-1")));
    }
}
