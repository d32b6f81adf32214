package io.github.lambdaguardrail.cli;

import io.github.lambdaguardrail.engine.Decision;
import io.github.lambdaguardrail.engine.Finding;
import io.github.lambdaguardrail.engine.Mode;
import io.github.lambdaguardrail.engine.Origin;
import io.github.lambdaguardrail.engine.RuleId;
import io.github.lambdaguardrail.engine.Verdict;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * The counts behind the text summary and the exit status. Not thread-safe: each file is counted
 * in a tally of its own, and the printing thread {@link #add(Tally) adds} them up in input order.
 */
final class Tally {

    long files;
    long prunedDayFolders;
    long records;
    long outsideWindow;
    long lambdaRecords;
    long otherServices;
    long invalidRecords;
    long skippedFailed;
    long skippedUnwatched;
    long skippedSelf;
    final Map<Decision, Long> decisions = new EnumMap<>(Decision.class);
    final Map<RuleId, Long> findings = new EnumMap<>(RuleId.class);
    final Map<RuleId, Long> exempted = new EnumMap<>(RuleId.class);
    /** Per rule, the changes rolled back because of it (a ROLLBACK verdict may name several rules). */
    final Map<RuleId, Long> rollbacks = new EnumMap<>(RuleId.class);

    /** Counts the verdict of one record; {@code failedCall} when the record is of a call that failed (a skip). */
    void add(Verdict verdict, boolean failedCall) {
        decisions.merge(verdict.decision(), 1L, Long::sum);
        if (verdict.decision() == Decision.SKIP) {
            if (verdict.note().filter(note -> note.contains("guard itself")).isPresent()) {
                skippedSelf++;
            } else if (failedCall) {
                skippedFailed++;
            } else {
                skippedUnwatched++;
            }
        }
        if (verdict.findings().isEmpty()) {
            return;
        }
        Set<RuleId> rolledBack = EnumSet.noneOf(RuleId.class);
        for (Finding finding : verdict.findings()) {
            (finding.isExempted() ? exempted : findings).merge(finding.ruleId(), 1L, Long::sum);
            if (verdict.decision() == Decision.ROLLBACK && !finding.isExempted() && finding.mode() == Mode.ROLLBACK
                    && finding.origin() == Origin.INTRODUCED) {
                rolledBack.add(finding.ruleId());
            }
        }
        rolledBack.forEach(rule -> rollbacks.merge(rule, 1L, Long::sum));
    }

    /** Adds another tally's counts to this one. */
    void add(Tally other) {
        files += other.files;
        prunedDayFolders += other.prunedDayFolders;
        records += other.records;
        outsideWindow += other.outsideWindow;
        lambdaRecords += other.lambdaRecords;
        otherServices += other.otherServices;
        invalidRecords += other.invalidRecords;
        skippedFailed += other.skippedFailed;
        skippedUnwatched += other.skippedUnwatched;
        skippedSelf += other.skippedSelf;
        other.decisions.forEach((decision, count) -> decisions.merge(decision, count, Long::sum));
        other.findings.forEach((rule, count) -> findings.merge(rule, count, Long::sum));
        other.exempted.forEach((rule, count) -> exempted.merge(rule, count, Long::sum));
        other.rollbacks.forEach((rule, count) -> rollbacks.merge(rule, count, Long::sum));
    }

    long skipped() {
        return skippedFailed + skippedUnwatched + skippedSelf;
    }

    long verdicts() {
        return decisions.values().stream().mapToLong(Long::longValue).sum();
    }

    /** Findings that are not exempted: any makes the exit status 1. */
    long activeFindings() {
        return findings.values().stream().mapToLong(Long::longValue).sum();
    }
}
