package io.github.lambdaguardrail.engine.prevent;

import io.github.lambdaguardrail.engine.RuleId;
import java.util.List;
import java.util.Locale;

/**
 * A generated Service Control Policy and what it does and does not enforce of the policy.
 * Immutable and thread-safe.
 *
 * @param scp           the SCP document, minified: exactly the text to save through the API
 * @param expressible   each policy field the SCP enforces, with how its denials compare to the detective rule
 * @param detectiveOnly each policy field (or part of one) no SCP can enforce, with the reason
 * @param warnings      what the SCP may deny beyond the policy, or what the operator must check
 */
public record ScpReport(String scp, List<Expressed> expressible, List<DetectiveOnly> detectiveOnly, List<String> warnings) {

    /** The most characters an SCP may have, whitespace included when saved through the API or the CLI. */
    public static final int CHARACTER_LIMIT = 10_240;

    public ScpReport {
        expressible = List.copyOf(expressible);
        detectiveOnly = List.copyOf(detectiveOnly);
        warnings = List.copyOf(warnings);
    }

    /** The SCP's size as AWS counts it. */
    public int characters() {
        return scp.length();
    }

    /** Whether the SCP can be saved. */
    public boolean fitsLimit() {
        return characters() <= CHARACTER_LIMIT;
    }

    /** How an SCP statement's denials compare to the findings of the detective rule for the same field. */
    public enum Coverage {
        /** It denies exactly the calls the rule reports. */
        EXACT,
        /** It denies every call the rule reports, and some the rule allows or exempts. */
        MORE,
        /** It denies only calls the rule reports, but not all of them. */
        LESS;

        /** How the report says it: denies exactly, more or less. */
        public String label() {
            return this == EXACT ? "exactly" : name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * A policy field the SCP enforces.
     *
     * @param field    the policy key, e.g. {@code vpc.allowedSubnetIds}
     * @param sid      the SCP statement that enforces it
     * @param coverage how the statement's denials compare to the rule's findings
     * @param why      what makes the coverage what it is
     */
    public record Expressed(String field, RuleId rule, String sid, Coverage coverage, String why) {
    }

    /** A policy field (or part of one) the SCP cannot enforce: the detective rules alone cover it. */
    public record DetectiveOnly(String field, List<RuleId> rules, String reason) {

        public DetectiveOnly {
            rules = List.copyOf(rules);
        }
    }
}
