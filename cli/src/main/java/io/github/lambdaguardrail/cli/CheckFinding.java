package io.github.lambdaguardrail.cli;

import io.github.lambdaguardrail.engine.Severity;
import java.util.Optional;

/**
 * One finding of {@code guardrail check}: a rule that fails on a template resource, or a field the
 * check could not resolve ({@link #UNRESOLVED}), at a line of a template.
 *
 * @param file      the template as given on the command line
 * @param uri       the template relative to the current directory, with '/' (SARIF's artifact URI)
 * @param rule      a rule id, or {@link #UNRESOLVED}
 * @param severity  the rule's; for an unresolved field, the highest of the rules that would judge it
 * @param exemption why the finding is exempted, if it is (reported, not counted)
 */
record CheckFinding(String file, String uri, int line, String resource, String resourceType, String rule, Severity severity,
                    String message, Optional<String> exemption) {

    /** The rule id of a field whose value is known only at deploy: a finding, never compliant. */
    static final String UNRESOLVED = "UNRESOLVED";

    static final String UNRESOLVED_DESCRIPTION = "a value the policy needs is known only at deploy (an import, a parameter"
            + " without default, an SSM parameter, an attribute of another resource): it cannot be proven compliant";

    boolean isExempted() {
        return exemption.isPresent();
    }
}
