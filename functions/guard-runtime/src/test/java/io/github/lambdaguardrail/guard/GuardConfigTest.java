package io.github.lambdaguardrail.guard;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.lambdaguardrail.engine.Mode;
import io.github.lambdaguardrail.engine.PolicyException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The guards' own variables are the runtime's: the engine's policy loader only accepts them because the guard names them. */
class GuardConfigTest {

    private static final String TOPIC = "arn:aws:sns:us-east-1:111122223333:guardrail";
    private static final String ROLE = "arn:aws:iam::111122223333:role/lambda-guardrail-VpcGuardRole-EXAMPLE";

    private static Map<String, String> env(String... more) {
        Map<String, String> env = new HashMap<>(Map.of("GUARDRAIL_TOPIC_ARN", TOPIC, "GUARDRAIL_STATE_TABLE", "guardrail-state"));
        for (int i = 0; i < more.length; i += 2) {
            env.put(more[i], more[i + 1]);
        }
        return env;
    }

    @Test
    void readsTheGuardsOwnVariablesBesideThePolicy() {
        GuardConfig config = GuardConfig.fromEnvironment(env("GUARDRAIL_SELF_ROLE_ARNS", ROLE, "GUARDRAIL_DRY_RUN", "true",
                "GUARDRAIL_MODE", "rollback", "AWS_REGION", "us-east-1"));
        assertEquals(TOPIC, config.topicArn());
        assertEquals("guardrail-state", config.stateTable());
        assertEquals(List.of(ROLE), config.selfRoleArns());
        assertTrue(config.dryRun());
        assertEquals(Mode.ROLLBACK, config.policy().mode());
    }

    /** The guards send nothing to Security Hub (its exporter reads their alerts): a stale setting fails the start, named. */
    @Test
    void theRetiredSecurityHubVariableIsUnknownToAGuard() {
        PolicyException e = assertThrows(PolicyException.class, () -> GuardConfig.fromEnvironment(env("GUARDRAIL_SECURITY_HUB", "true")));
        assertEquals("GUARDRAIL_SECURITY_HUB", e.key());
        assertTrue(e.getMessage().contains("unknown variable"), e.getMessage());
    }

    @Test
    void anotherFunctionsVariableIsUnknownToAGuard() {
        PolicyException e = assertThrows(PolicyException.class,
                () -> GuardConfig.fromEnvironment(env("GUARDRAIL_SWEEP_RATE_LIMIT", "8")));
        assertEquals("GUARDRAIL_SWEEP_RATE_LIMIT", e.key());
        assertDoesNotThrow(() -> GuardConfig.fromEnvironment(env("GUARDRAIL_SWEEP_RATE_LIMIT", "8"),
                Set.of("GUARDRAIL_SWEEP_RATE_LIMIT")), "the sweep names its own");
    }

    @Test
    void typoIsUnknownAndTheMessageListsTheGuardsVariables() {
        PolicyException e = assertThrows(PolicyException.class, () -> GuardConfig.fromEnvironment(env("GUARDRAIL_TOPIC", TOPIC)));
        assertEquals("GUARDRAIL_TOPIC", e.key());
        assertTrue(e.getMessage().contains("GUARDRAIL_TOPIC_ARN") && e.getMessage().contains("GUARDRAIL_DRY_RUN"), e.getMessage());
    }
}
