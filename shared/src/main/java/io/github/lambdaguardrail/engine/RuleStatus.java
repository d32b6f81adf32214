package io.github.lambdaguardrail.engine;

/** The result of one rule on one subject. */
public enum RuleStatus {
    PASS, FAIL, SKIP
}
