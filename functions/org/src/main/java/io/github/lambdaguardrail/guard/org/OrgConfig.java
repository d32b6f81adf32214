package io.github.lambdaguardrail.guard.org;

import io.github.lambdaguardrail.engine.PolicyException;
import io.github.lambdaguardrail.guard.Guard;
import io.github.lambdaguardrail.guard.GuardConfig;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The organisation functions' configuration: the guards' ({@link GuardConfig}, with the member
 * role's name) and their own, read once at cold start and validated completely.
 *
 * @param guard                the guards' settings; {@link GuardConfig#memberRoleName} is always set
 * @param queueUrl             the FIFO queue of rollbacks ({@code GUARDRAIL_REMEDIATION_QUEUE_URL}): the evaluator's
 * @param maxReceives          the queue's redrive {@code maxReceiveCount} ({@code GUARDRAIL_REMEDIATION_MAX_RECEIVES})
 * @param memberCallsPerSecond the remediator's pace in each member account and region
 *                             ({@code GUARDRAIL_MEMBER_CALLS_PER_SECOND})
 */
public record OrgConfig(GuardConfig guard, Optional<String> queueUrl, int maxReceives, double memberCallsPerSecond) {

    public static final String QUEUE_URL_VARIABLE = "GUARDRAIL_REMEDIATION_QUEUE_URL";
    public static final String MAX_RECEIVES_VARIABLE = "GUARDRAIL_REMEDIATION_MAX_RECEIVES";
    public static final String MEMBER_RATE_VARIABLE = "GUARDRAIL_MEMBER_CALLS_PER_SECOND";
    /** The role {@code org/member-roles.yaml} creates in every member account. */
    public static final String DEFAULT_MEMBER_ROLE = "LambdaGuardrailRemediator";
    /** As the queue's template sets it. */
    static final int DEFAULT_MAX_RECEIVES = 5;
    /**
     * About half of Lambda's 15 control-plane requests/s of an account and region, which its own
     * deployments share and which cannot be raised (as the sweep's default).
     */
    static final double DEFAULT_MEMBER_RATE = 8;
    static final double MAX_MEMBER_RATE = 15;

    private static final Set<String> VARIABLES = Set.of(QUEUE_URL_VARIABLE, MAX_RECEIVES_VARIABLE, MEMBER_RATE_VARIABLE);
    /** A FIFO queue's URL: the order per account and region depends on it. */
    private static final Pattern QUEUE_URL = Pattern.compile("https?://[A-Za-z0-9.:-]{1,253}/\\d{12}/[A-Za-z0-9_-]{1,75}\\.fifo");

    /** The evaluator's: the queue is required. */
    public static OrgConfig evaluator(Map<String, String> env) {
        OrgConfig config = read(env);
        if (config.queueUrl.isEmpty()) {
            throw new PolicyException(QUEUE_URL_VARIABLE, "is required");
        }
        return config;
    }

    /** The remediator's: it reads no queue URL (Lambda polls the queue for it). */
    public static OrgConfig remediator(Map<String, String> env) {
        return read(env);
    }

    private static OrgConfig read(Map<String, String> env) {
        return read(env, Set.of());
    }

    /**
     * @param functionVariables the variables of one function beyond these (the sweep's), which the
     *                          caller reads itself
     */
    static OrgConfig read(Map<String, String> env, Set<String> functionVariables) {
        Map<String, String> withDefaults = new HashMap<>(env);
        withDefaults.merge(GuardConfig.MEMBER_ROLE_NAME_VARIABLE, DEFAULT_MEMBER_ROLE, (set, fallback) -> set.isBlank() ? fallback : set);
        Set<String> variables = new HashSet<>(VARIABLES);
        variables.addAll(functionVariables);
        GuardConfig guard = GuardConfig.fromEnvironment(withDefaults, variables);
        Optional<String> queue = Optional.ofNullable(env.get(QUEUE_URL_VARIABLE)).map(String::trim).filter(s -> !s.isEmpty());
        if (queue.filter(url -> !QUEUE_URL.matcher(url).matches()).isPresent()) {
            throw new PolicyException(QUEUE_URL_VARIABLE, "'" + queue.get() + "' is not the URL of a FIFO queue");
        }
        double maxReceives = number(env, MAX_RECEIVES_VARIABLE, DEFAULT_MAX_RECEIVES, 1000);
        if (maxReceives <= Guard.MAX_ATTEMPTS || maxReceives != Math.rint(maxReceives)) {
            // The guard alerts a rollback it could not carry out on its last attempt; the queue must allow that attempt.
            throw new PolicyException(MAX_RECEIVES_VARIABLE, "must be a whole number above " + Guard.MAX_ATTEMPTS
                    + " (the guard's attempts), got " + env.get(MAX_RECEIVES_VARIABLE));
        }
        double rate = number(env, MEMBER_RATE_VARIABLE, DEFAULT_MEMBER_RATE, MAX_MEMBER_RATE);
        return new OrgConfig(guard, queue, (int) maxReceives, rate);
    }

    private static double number(Map<String, String> env, String name, double fallback, double max) {
        String value = env.getOrDefault(name, "").trim();
        if (value.isEmpty()) {
            return fallback;
        }
        try {
            double number = Double.parseDouble(value);
            if (number > 0 && number <= max) {
                return number;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new PolicyException(name, "'" + value + "' is not a number above 0 and at most " + (long) max);
    }

    public String memberRoleName() {
        return guard.memberRoleName().orElseThrow();
    }
}
