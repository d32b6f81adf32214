package io.github.lambdaguardrail.engine;

import java.util.Optional;

/**
 * A failed rule, with everything an operator needs to judge it.
 *
 * @param message   one readable sentence
 * @param subject   the statement or config the rule examined
 * @param mode      the rule's effective mode under the policy
 * @param exemption why the finding is exempted, if it is (exempted findings are still reported)
 */
public record Finding(RuleId ruleId, Severity severity, String message, String subject, String evidence,
                      Origin origin, Mode mode, Optional<String> exemption) {

    public boolean isExempted() {
        return exemption.isPresent();
    }
}
