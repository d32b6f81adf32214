package io.github.lambdaguardrail.engine;

/** The outcome for one CloudTrail record. */
public enum Decision {
    /** Not a watched event, a failed call, or a change the guard made itself. */
    SKIP,
    /** No findings, or every finding exempted. */
    ALLOW,
    /** Findings that operators are told about; nothing is changed. */
    NOTIFY,
    /** At least one introduced finding whose rule is in rollback mode. */
    ROLLBACK
}
