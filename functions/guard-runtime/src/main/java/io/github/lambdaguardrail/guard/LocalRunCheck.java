package io.github.lambdaguardrail.guard;

import io.github.lambdaguardrail.engine.Mode;
import io.github.lambdaguardrail.engine.PolicyException;
import io.github.lambdaguardrail.engine.RuleId;
import java.util.Arrays;
import java.util.Map;

/**
 * Refuses to start a guard that runs locally ({@code sam local invoke}, {@code ./guardrail invoke}:
 * {@code AWS_SAM_LOCAL=true}), could roll back, and names no endpoint: it would change real
 * functions with the caller's own credentials. SAM passes a function only the variables its
 * template declares, so an {@code env.json} {@code AWS_ENDPOINT_URL} is silently dropped there, and
 * SAM hands the container the caller's credentials and region. A deployed function never has
 * {@code AWS_SAM_LOCAL}; a dry run changes nothing.
 */
public final class LocalRunCheck {

    /** Set to {@code true} to roll back in a real account from a local run all the same. */
    static final String ALLOW_REAL_AWS = "GUARDRAIL_LOCAL_ALLOW_REAL_AWS";

    /** The SDK's global endpoint override as a system property ({@code -Daws.endpointUrl=...}). */
    public static final String ENDPOINT_PROPERTY = "aws.endpointUrl";

    private LocalRunCheck() {
    }

    /**
     * Throws, naming {@link #ALLOW_REAL_AWS}, when {@code env} says a local run, {@code config}
     * rolls back any rule, and neither {@code AWS_ENDPOINT_URL} nor {@code endpointProperty} (the
     * value of {@link #ENDPOINT_PROPERTY}, or null) names an endpoint.
     */
    public static void check(GuardConfig config, Map<String, String> env, String endpointProperty) {
        boolean local = "true".equalsIgnoreCase(env.getOrDefault("AWS_SAM_LOCAL", "").trim());
        boolean rollsBack = !config.dryRun()
                && Arrays.stream(RuleId.values()).anyMatch(rule -> config.policy().modeFor(rule) == Mode.ROLLBACK);
        boolean endpoint = !isBlank(env.get("AWS_ENDPOINT_URL")) || !isBlank(endpointProperty);
        String allow = env.getOrDefault(ALLOW_REAL_AWS, "").trim();
        if (!allow.isEmpty() && !allow.equals("true") && !allow.equals("false")) {
            throw new PolicyException(ALLOW_REAL_AWS, "'" + allow + "' is not true or false");
        }
        boolean allowed = allow.equals("true");
        if (local && rollsBack && !endpoint && !allowed) {
            throw new PolicyException(ALLOW_REAL_AWS, "a local run (AWS_SAM_LOCAL) that rolls back names no endpoint"
                    + " (-D" + ENDPOINT_PROPERTY + ", AWS_ENDPOINT_URL): it would change real AWS resources; point it"
                    + " at an emulator or set " + ALLOW_REAL_AWS + "=true");
        }
    }

    private static boolean isBlank(String value) {
        return value == null || value.isBlank();
    }
}
