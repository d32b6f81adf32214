package io.github.lambdaguardrail.guard;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.lambdaguardrail.engine.PolicyException;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A local run that would roll back in a real account with the caller's credentials does not start. */
class LocalRunCheckTest {

    private static final String MOTO = "http://172.17.0.1:5000";

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
            # case                                          | AWS_SAM_LOCAL | mode     | rules                  | dry run | AWS_ENDPOINT_URL | -Daws.endpointUrl | allow | refused
            sam local, rollback, no endpoint                | true          | rollback | -                      | false   | -                | -                 | -     | true
            sam local, one rule rolls back, no endpoint     | true          | notify   | PERMISSION_PUBLIC=rollback | false | -              | -                 | -     | true
            sam local, rollback, endpoint property          | true          | rollback | -                      | false   | -                | http://172.17.0.1:5000 | - | false
            local, rollback, AWS_ENDPOINT_URL               | true          | rollback | -                      | false   | http://127.0.0.1:5000 | -            | -     | false
            sam local, rollback, blank endpoints            | true          | rollback | -                      | false   | ' '              | ' '               | -     | true
            sam local, rollback, allowed                    | true          | rollback | -                      | false   | -                | -                 | true  | false
            sam local, rollback, explicitly not allowed     | true          | rollback | -                      | false   | -                | -                 | false | true
            sam local, rollback, dry run                    | true          | rollback | -                      | true    | -                | -                 | -     | false
            sam local, notify                               | true          | notify   | -                      | false   | -                | -                 | -     | false
            deployed (no AWS_SAM_LOCAL), rollback           | -             | rollback | -                      | false   | -                | -                 | -     | false
            AWS_SAM_LOCAL=false, rollback                   | false         | rollback | -                      | false   | -                | -                 | -     | false
            """)
    void localRollbackWithoutEndpointIsRefusedUnlessAllowed(String name, String samLocal, String mode, String rules,
                                                            boolean dryRun, String endpointEnv, String endpointProperty,
                                                            String allow, boolean refused) {
        Map<String, String> env = guardEnvironment(mode, dryRun);
        putIfSet(env, "AWS_SAM_LOCAL", samLocal);
        putIfSet(env, "GUARDRAIL_RULES", rules);
        putIfSet(env, "AWS_ENDPOINT_URL", endpointEnv);
        putIfSet(env, LocalRunCheck.ALLOW_REAL_AWS, allow);
        GuardConfig config = GuardConfig.fromEnvironment(env);

        if (refused) {
            PolicyException e = assertThrows(PolicyException.class,
                    () -> LocalRunCheck.check(config, env, endpointProperty));
            assertEquals(LocalRunCheck.ALLOW_REAL_AWS, e.key());
            assertTrue(e.getMessage().contains(LocalRunCheck.ALLOW_REAL_AWS + "=true"), e.getMessage());
        } else {
            assertDoesNotThrow(() -> LocalRunCheck.check(config, env, endpointProperty));
        }
    }

    @Test
    void allowValueOtherThanTrueOrFalseIsRefusedNamingTheVariable() {
        Map<String, String> env = guardEnvironment("rollback", false);
        env.put("AWS_SAM_LOCAL", "true");
        env.put(LocalRunCheck.ALLOW_REAL_AWS, "yes");

        PolicyException e = assertThrows(PolicyException.class,
                () -> LocalRunCheck.check(GuardConfig.fromEnvironment(env), env, MOTO));

        assertEquals(LocalRunCheck.ALLOW_REAL_AWS + ": 'yes' is not true or false", e.getMessage());
    }

    private static Map<String, String> guardEnvironment(String mode, boolean dryRun) {
        Map<String, String> env = new HashMap<>();
        env.put("GUARDRAIL_MODE", mode);
        env.put("GUARDRAIL_DRY_RUN", String.valueOf(dryRun));
        env.put("GUARDRAIL_TOPIC_ARN", "arn:aws:sns:us-east-1:123456789012:lambda-guardrail-alerts");
        env.put("GUARDRAIL_STATE_TABLE", "lambda-guardrail-state");
        return env;
    }

    private static void putIfSet(Map<String, String> env, String name, String value) {
        if (value != null) {
            env.put(name, value);
        }
    }
}
