package io.github.lambdaguardrail.engine;

/** The outcome for one CloudTrail record. */
public enum Decision {
    /** Not a watched event, a failed call, or a change the guard made itself. */
    SKIP,
    /** No findings. */
    ALLOW,
    /** Findings, every one exempted: still alerted, marked as such, and nothing is changed. */
    EXEMPTED,
    /** Findings that operators are told about; nothing is changed. */
    NOTIFY,
    /** At least one introduced finding whose rule is in rollback mode. */
    ROLLBACK
}
