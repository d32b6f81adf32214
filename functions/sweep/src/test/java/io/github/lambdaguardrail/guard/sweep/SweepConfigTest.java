package io.github.lambdaguardrail.guard.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.lambdaguardrail.engine.PolicyException;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The sweep function's environment, validated at cold start like the guards'. */
class SweepConfigTest {

    private static Map<String, String> env(String... pairs) {
        Map<String, String> env = new HashMap<>(Map.of(
                "GUARDRAIL_TOPIC_ARN", "arn:aws:sns:eu-west-1:111122223333:guardrail-alerts",
                "GUARDRAIL_STATE_TABLE", "guardrail-state"));
        for (int i = 0; i < pairs.length; i += 2) {
            env.put(pairs[i], pairs[i + 1]);
        }
        return env;
    }

    @Test
    void rateLimitDefaultsToEightPerSecond() {
        SweepConfig config = SweepConfig.fromEnvironment(env());
        assertEquals(8, config.rateLimit());
        assertEquals("111122223333", config.account());
    }

    @Test
    void rateLimitAndPolicyVariablesAreRead() {
        SweepConfig config = SweepConfig.fromEnvironment(env("GUARDRAIL_SWEEP_RATE_LIMIT", "2.5",
                "GUARDRAIL_VPC_REQUIRED", "false", "GUARDRAIL_DRY_RUN", "true",
                "GUARDRAIL_SELF_ROLE_ARNS", "arn:aws:iam::111122223333:role/guard"));
        assertEquals(2.5, config.rateLimit());
        assertEquals(false, config.policy().vpc().required());
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-1", "fast", "101", "NaN", "Infinity"})
    void badRateLimitNamesTheVariable(String value) {
        PolicyException e = assertThrows(PolicyException.class,
                () -> SweepConfig.fromEnvironment(env("GUARDRAIL_SWEEP_RATE_LIMIT", value)));
        assertEquals("GUARDRAIL_SWEEP_RATE_LIMIT", e.key());
    }

    @Test
    void topicIsRequiredAndUnknownVariablesAreStillRejected() {
        Map<String, String> noTopic = env();
        noTopic.remove("GUARDRAIL_TOPIC_ARN");
        assertEquals("GUARDRAIL_TOPIC_ARN", assertThrows(PolicyException.class, () -> SweepConfig.fromEnvironment(noTopic)).key());
        PolicyException typo = assertThrows(PolicyException.class,
                () -> SweepConfig.fromEnvironment(env("GUARDRAIL_SWEEP_RATELIMIT", "8")));
        assertEquals("GUARDRAIL_SWEEP_RATELIMIT", typo.key());
        assertTrue(typo.getMessage().contains("GUARDRAIL_SWEEP_RATE_LIMIT"), typo.getMessage());
    }
}
