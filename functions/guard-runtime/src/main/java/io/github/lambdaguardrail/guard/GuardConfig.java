package io.github.lambdaguardrail.guard;

import io.github.lambdaguardrail.engine.Policy;
import io.github.lambdaguardrail.engine.PolicyException;
import io.github.lambdaguardrail.engine.PolicyLoader;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A guard function's configuration, read once at cold start from its environment and validated
 * completely: a bad value stops the function from starting, naming the variable.
 *
 * @param topicArn     SNS topic for alerts ({@code GUARDRAIL_TOPIC_ARN})
 * @param stateTable   DynamoDB table for idempotency and known-good VPC configs ({@code GUARDRAIL_STATE_TABLE})
 * @param selfRoleArns the guard's own role ARNs: their changes are never acted on ({@code GUARDRAIL_SELF_ROLE_ARNS})
 * @param dryRun       evaluate and notify "would roll back", but change nothing ({@code GUARDRAIL_DRY_RUN})
 * @param functionName the guard's own function ({@code AWS_LAMBDA_FUNCTION_NAME}, set by Lambda): it
 *                     never judges a change to itself, the other guard does
 */
public record GuardConfig(Policy policy, String topicArn, String stateTable, List<String> selfRoleArns, boolean dryRun,
                          Optional<String> functionName) {

    static final String TOPIC_ARN_VARIABLE = "GUARDRAIL_TOPIC_ARN";
    static final String STATE_TABLE_VARIABLE = "GUARDRAIL_STATE_TABLE";
    static final String SELF_ROLE_ARNS_VARIABLE = "GUARDRAIL_SELF_ROLE_ARNS";
    static final String DRY_RUN_VARIABLE = "GUARDRAIL_DRY_RUN";
    /** The guards' own variables, beside the policy's {@code GUARDRAIL_*} ones. */
    static final Set<String> VARIABLES = Set.of(TOPIC_ARN_VARIABLE, STATE_TABLE_VARIABLE, SELF_ROLE_ARNS_VARIABLE,
            DRY_RUN_VARIABLE, LocalRunCheck.ALLOW_REAL_AWS);

    private static final Pattern TOPIC_ARN = Pattern.compile("arn:aws[a-z-]*:sns:[a-z0-9-]+:\\d{12}:[A-Za-z0-9_.-]{1,256}");
    private static final Pattern TABLE_NAME = Pattern.compile("[A-Za-z0-9_.-]{3,255}");
    private static final Pattern ROLE_ARN = Pattern.compile("arn:aws[a-z-]*:iam::\\d{12}:role/[\\w+=,.@/-]+");

    public GuardConfig {
        selfRoleArns = List.copyOf(selfRoleArns);
    }

    public static GuardConfig fromEnvironment(Map<String, String> env) {
        return fromEnvironment(env, Set.of());
    }

    /**
     * @param functionVariables the variables of one function beyond the guards' (the sweep's rate
     *                          limit), which the caller reads itself
     */
    public static GuardConfig fromEnvironment(Map<String, String> env, Set<String> functionVariables) {
        Set<String> own = new HashSet<>(VARIABLES);
        own.addAll(functionVariables);
        Policy policy = PolicyLoader.fromEnvironment(env, own);
        String topic = required(env, TOPIC_ARN_VARIABLE, TOPIC_ARN, "an SNS topic ARN");
        String table = required(env, STATE_TABLE_VARIABLE, TABLE_NAME, "a DynamoDB table name");
        String roles = env.getOrDefault(SELF_ROLE_ARNS_VARIABLE, "");
        List<String> selfRoles = Arrays.stream(roles.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
        for (String role : selfRoles) {
            if (!ROLE_ARN.matcher(role).matches()) {
                throw new PolicyException(SELF_ROLE_ARNS_VARIABLE, "'" + role + "' is not an IAM role ARN");
            }
        }
        String dryRun = env.getOrDefault(DRY_RUN_VARIABLE, "false").trim();
        if (!dryRun.equals("true") && !dryRun.equals("false") && !dryRun.isEmpty()) {
            throw new PolicyException(DRY_RUN_VARIABLE, "'" + dryRun + "' is not true or false");
        }
        Optional<String> function = Optional.ofNullable(env.get("AWS_LAMBDA_FUNCTION_NAME")).map(String::trim)
                .filter(name -> !name.isEmpty());
        return new GuardConfig(policy, topic, table, selfRoles, dryRun.equals("true"), function);
    }

    private static String required(Map<String, String> env, String name, Pattern pattern, String expected) {
        String value = env.getOrDefault(name, "").trim();
        if (value.isEmpty()) {
            throw new PolicyException(name, "is required");
        }
        if (!pattern.matcher(value).matches()) {
            throw new PolicyException(name, "'" + value + "' is not " + expected);
        }
        return value;
    }
}
