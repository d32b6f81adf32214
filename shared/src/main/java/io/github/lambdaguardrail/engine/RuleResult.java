package io.github.lambdaguardrail.engine;

/**
 * What one rule concluded about one subject (the function's VPC config, or one statement).
 *
 * @param subject  what was examined: {@code vpcConfig} or {@code statement <sid>}
 * @param evidence why: the subnet ids, the condition keys, the principal ...
 * @param origin   for a FAIL, whether the change introduced the violation or it was there before
 */
public record RuleResult(RuleId rule, RuleStatus status, String subject, String evidence, Origin origin) {

    public static RuleResult pass(RuleId rule, String subject, String evidence) {
        return new RuleResult(rule, RuleStatus.PASS, subject, evidence, Origin.INTRODUCED);
    }

    public static RuleResult skip(RuleId rule, String subject, String evidence) {
        return new RuleResult(rule, RuleStatus.SKIP, subject, evidence, Origin.INTRODUCED);
    }

    public static RuleResult fail(RuleId rule, String subject, String evidence, Origin origin) {
        return new RuleResult(rule, RuleStatus.FAIL, subject, evidence, origin);
    }
}
