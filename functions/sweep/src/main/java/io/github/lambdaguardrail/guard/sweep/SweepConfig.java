package io.github.lambdaguardrail.guard.sweep;

import io.github.lambdaguardrail.engine.Policy;
import io.github.lambdaguardrail.engine.PolicyException;
import io.github.lambdaguardrail.guard.GuardConfig;
import java.util.Map;
import java.util.Set;

/**
 * The sweep function's configuration, read once at cold start and validated completely, with
 * the guards' rules ({@link GuardConfig}: the {@code GUARDRAIL_*} policy variables,
 * {@code GUARDRAIL_TOPIC_ARN}, {@code GUARDRAIL_STATE_TABLE}), plus the scan's pace.
 *
 * @param rateLimit Lambda API requests per second, retries included
 *                  ({@code GUARDRAIL_SWEEP_RATE_LIMIT}, default {@value ScanSettings#DEFAULT_RATE_LIMIT})
 */
public record SweepConfig(Policy policy, String topicArn, String stateTable, double rateLimit) {

    public static final String RATE_LIMIT_VARIABLE = "GUARDRAIL_SWEEP_RATE_LIMIT";
    /** Even GetFunction's own quota is 100 requests/s; a faster sweep would only be throttled. */
    public static final double MAX_RATE_LIMIT = 100;

    public static SweepConfig fromEnvironment(Map<String, String> env) {
        GuardConfig guard = GuardConfig.fromEnvironment(env, Set.of(RATE_LIMIT_VARIABLE));
        return new SweepConfig(guard.policy(), guard.topicArn(), guard.stateTable(), rateLimit(env));
    }

    /**
     * {@value #RATE_LIMIT_VARIABLE}, validated (default {@value ScanSettings#DEFAULT_RATE_LIMIT}): the
     * organisation's sweep reads it too, as its pace in each member account and region.
     */
    public static double rateLimit(Map<String, String> env) {
        String raw = env.getOrDefault(RATE_LIMIT_VARIABLE, "").trim();
        if (raw.isEmpty()) {
            return ScanSettings.DEFAULT_RATE_LIMIT;
        }
        double rate;
        try {
            rate = Double.parseDouble(raw);
        } catch (NumberFormatException e) {
            rate = Double.NaN;
        }
        if (!(rate > 0 && rate <= MAX_RATE_LIMIT)) {
            throw new PolicyException(RATE_LIMIT_VARIABLE, "'" + raw + "' is not a number of requests per second above 0"
                    + " and at most " + (int) MAX_RATE_LIMIT);
        }
        return rate;
    }

    /** The account of the alert topic, which is the sweep's own. */
    public String account() {
        return topicArn.split(":")[4];
    }
}
