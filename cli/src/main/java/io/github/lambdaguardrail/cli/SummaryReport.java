package io.github.lambdaguardrail.cli;

import io.github.lambdaguardrail.engine.Decision;
import io.github.lambdaguardrail.engine.Policy;
import io.github.lambdaguardrail.engine.RuleId;
import java.io.PrintWriter;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The text summary after the verdicts: a backtest report of the policy over the records read. What
 * was read (files, day folders skipped, records, the window), what was evaluated, the decisions,
 * and per rule its mode under the policy, its findings and the changes it would have rolled back.
 *
 * <pre>
 * Summary
 *   window                           from 2026-03-01T00:00:00Z (inclusive) until 2026-03-08T00:00:00Z (exclusive)
 *   policy mode                      rollback
 *   files read                            2016
 *   ...
 *   findings                               212
 *     rule                               mode      findings  exempted  rollbacks
 *     LAMBDA_NOT_IN_VPC                  rollback        98         3         97
 * </pre>
 */
final class SummaryReport {

    private static final String ROW = "  %-32s %10d  %s";
    private static final String RULE_ROW = "    %-34s %-8s %10s %9s %10s";

    private SummaryReport() {
    }

    static void print(PrintWriter out, Replay.Result result, Window window, Policy policy) {
        Tally tally = result.tally();
        out.println();
        out.println("Summary");
        text(out, "window", window.describe());
        text(out, "policy mode", policy.mode().label());
        row(out, "files read", tally.files, "");
        if (tally.prunedDayFolders > 0) {
            row(out, "day folders skipped", tally.prunedDayFolders, "(outside the window: not opened)");
        }
        row(out, "records read", tally.records, "");
        if (!window.isOpen()) {
            row(out, "outside the window (skipped)", tally.outsideWindow, "");
        }
        row(out, "other services (skipped)", tally.otherServices, "");
        row(out, "Lambda records", tally.lambdaRecords, "");
        row(out, "Lambda records skipped", tally.skipped(), "(failed " + tally.skippedFailed + ", unwatched "
                + tally.skippedUnwatched + ", self " + tally.skippedSelf + ")");
        row(out, "verdicts", tally.verdicts(), List.of(Decision.ROLLBACK, Decision.NOTIFY, Decision.EXEMPTED, Decision.ALLOW, Decision.SKIP)
                .stream().map(d -> d + " " + tally.decisions.getOrDefault(d, 0L)).collect(Collectors.joining(", ")));
        row(out, "findings", tally.activeFindings(), "");
        out.println(String.format(RULE_ROW, "rule", "mode", "findings", "exempted", "rollbacks"));
        for (RuleId rule : RuleId.values()) {
            out.println(String.format(RULE_ROW, rule, policy.modeFor(rule).label(), tally.findings.getOrDefault(rule, 0L),
                    tally.exempted.getOrDefault(rule, 0L), tally.rollbacks.getOrDefault(rule, 0L)));
        }
        long problems = result.errors() + result.warnings();
        String shown = problems > result.linesShown() ? "; " + result.linesShown() + " lines shown" : "";
        row(out, "errors", result.errors(), result.errors() > 0 ? "(see stderr" + shown + ")" : "");
        if (result.warnings() > 0) {
            row(out, "warnings", result.warnings(), "(records judged all the same: see stderr" + shown + ")");
        }
    }

    private static void text(PrintWriter out, String label, String value) {
        out.println(String.format("  %-32s %s", label, value));
    }

    private static void row(PrintWriter out, String label, long count, String detail) {
        out.println(String.format(ROW, label, count, detail).stripTrailing());
    }
}
