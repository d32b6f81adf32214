package io.github.lambdaguardrail.engine;

/** Whether the change under evaluation caused a violation or only revealed it. */
public enum Origin {
    /** The call created the violation: it may be rolled back. */
    INTRODUCED,
    /** The violation was there before the call (e.g. an unrelated update): notify only. */
    PRE_EXISTING
}
