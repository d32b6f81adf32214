package io.github.lambdaguardrail.guard;

import io.github.lambdaguardrail.engine.GuardrailEngine;
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
 * @param memberRoleName organisation mode: the role the guardrail acts through in each member account
 *                     ({@code GUARDRAIL_MEMBER_ROLE_NAME}); its changes there are the guardrail's own
 */
public record GuardConfig(Policy policy, String topicArn, String stateTable, List<String> selfRoleArns, boolean dryRun,
                          Optional<String> functionName, Optional<String> memberRoleName) {

    static final String TOPIC_ARN_VARIABLE = "GUARDRAIL_TOPIC_ARN";
    static final String STATE_TABLE_VARIABLE = "GUARDRAIL_STATE_TABLE";
    static final String SELF_ROLE_ARNS_VARIABLE = "GUARDRAIL_SELF_ROLE_ARNS";
    static final String DRY_RUN_VARIABLE = "GUARDRAIL_DRY_RUN";
    public static final String MEMBER_ROLE_NAME_VARIABLE = "GUARDRAIL_MEMBER_ROLE_NAME";
    /** The guards' own variables, beside the policy's {@code GUARDRAIL_*} ones. */
    static final Set<String> VARIABLES = Set.of(TOPIC_ARN_VARIABLE, STATE_TABLE_VARIABLE, SELF_ROLE_ARNS_VARIABLE,
            DRY_RUN_VARIABLE, MEMBER_ROLE_NAME_VARIABLE, LocalRunCheck.ALLOW_REAL_AWS);

    private static final Pattern TOPIC_ARN = Pattern.compile("arn:aws[a-z-]*:sns:[a-z0-9-]+:\\d{12}:[A-Za-z0-9_.-]{1,256}");
    private static final Pattern TABLE_NAME = Pattern.compile("[A-Za-z0-9_.-]{3,255}");
    private static final Pattern ROLE_ARN = Pattern.compile("arn:aws[a-z-]*:iam::\\d{12}:role/[\\w+=,.@/-]+");
    /** IAM's role names: no path, at most 64 characters. */
    private static final Pattern ROLE_NAME = Pattern.compile("[\\w+=,.@-]{1,64}");

    public GuardConfig {
        selfRoleArns = List.copyOf(selfRoleArns);
    }

    /**
     * The engine this configuration asks for: its policy, and the guardrail's own identities (its
     * roles, its function, the member role in organisation mode), whose changes it never judges.
     */
    public GuardrailEngine engine() {
        return new GuardrailEngine(policy, Set.copyOf(selfRoleArns), functionName, memberRoleName);
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
        Optional<String> function = Optional.ofNullable(env.get("AWS_LAMBDA_FUNCTION_NAME")).map(String::trim)
                .filter(name -> !name.isEmpty());
        Optional<String> memberRole = Optional.ofNullable(env.get(MEMBER_ROLE_NAME_VARIABLE)).map(String::trim)
                .filter(name -> !name.isEmpty());
        if (memberRole.filter(name -> !ROLE_NAME.matcher(name).matches()).isPresent()) {
            throw new PolicyException(MEMBER_ROLE_NAME_VARIABLE, "'" + memberRole.get() + "' is not an IAM role name");
        }
        return new GuardConfig(policy, topic, table, selfRoles, flag(env, DRY_RUN_VARIABLE), function, memberRole);
    }

    /** A {@code true}/{@code false} variable; unset or empty is false. */
    private static boolean flag(Map<String, String> env, String name) {
        String value = env.getOrDefault(name, "false").trim();
        if (!value.equals("true") && !value.equals("false") && !value.isEmpty()) {
            throw new PolicyException(name, "'" + value + "' is not true or false");
        }
        return value.equals("true");
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
