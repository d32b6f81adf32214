package io.github.lambdaguardrail.cli;

import io.github.lambdaguardrail.engine.Decision;
import io.github.lambdaguardrail.engine.Finding;
import io.github.lambdaguardrail.engine.ParsedRecord;
import io.github.lambdaguardrail.engine.RuleId;
import io.github.lambdaguardrail.engine.Verdict;
import java.util.EnumMap;
import java.util.Map;

/** The counts behind the text summary and the exit status. Not thread-safe. */
final class Tally {

    int files;
    int records;
    int lambdaRecords;
    int otherServices;
    int invalidRecords;
    int skippedFailed;
    int skippedUnwatched;
    int skippedSelf;
    final Map<Decision, Integer> decisions = new EnumMap<>(Decision.class);
    final Map<RuleId, Integer> findings = new EnumMap<>(RuleId.class);
    final Map<RuleId, Integer> exempted = new EnumMap<>(RuleId.class);

    void add(ParsedRecord record, Verdict verdict) {
        decisions.merge(verdict.decision(), 1, Integer::sum);
        if (verdict.decision() == Decision.SKIP) {
            if (record instanceof ParsedRecord.Watched) {
                skippedSelf++;
            } else if (record instanceof ParsedRecord.Ignored ignored && ignored.reason().startsWith("failed call")) {
                skippedFailed++;
            } else {
                skippedUnwatched++;
            }
        }
        for (Finding finding : verdict.findings()) {
            (finding.isExempted() ? exempted : findings).merge(finding.ruleId(), 1, Integer::sum);
        }
    }

    int skipped() {
        return skippedFailed + skippedUnwatched + skippedSelf;
    }

    /** Findings that are not exempted: any makes the exit status 1. */
    int activeFindings() {
        return findings.values().stream().mapToInt(Integer::intValue).sum();
    }
}
