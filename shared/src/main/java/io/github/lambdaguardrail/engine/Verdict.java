package io.github.lambdaguardrail.engine;

import java.util.List;
import java.util.Optional;

/**
 * The engine's answer for one record: the decision, the findings that caused it, every rule
 * result (evidence for PASS and SKIP too) and the planned actions.
 *
 * @param note       why the record was skipped, or why a rollback was withheld
 * @param function   the function the record concerns, when it names one
 */
public record Verdict(RecordHeader header, Decision decision, Optional<String> note,
                      Optional<FunctionRef> function, List<Finding> findings, List<RuleResult> results,
                      List<Action> actions) {

    public Verdict {
        findings = List.copyOf(findings);
        results = List.copyOf(results);
        actions = List.copyOf(actions);
    }

    static Verdict skipped(RecordHeader header, Optional<FunctionRef> function, String reason) {
        return new Verdict(header, Decision.SKIP, Optional.of(reason), function, List.of(), List.of(), List.of());
    }

    /** Findings that are not exempted. */
    public List<Finding> activeFindings() {
        return findings.stream().filter(f -> !f.isExempted()).toList();
    }
}
