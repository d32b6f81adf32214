package io.github.lambdaguardrail.engine;

import java.util.Locale;

/** What a rule's findings lead to. {@code OFF} is only valid as a per-rule override. */
public enum Mode {
    OFF, NOTIFY, ROLLBACK;

    /** The lower-case name used in policies and environment variables. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
