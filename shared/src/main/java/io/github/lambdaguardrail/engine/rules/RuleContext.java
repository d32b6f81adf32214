package io.github.lambdaguardrail.engine.rules;

import io.github.lambdaguardrail.engine.Policy;

/**
 * What a rule may consult besides the change.
 *
 * @param ownAccount the account of the function: always trusted
 */
public record RuleContext(Policy policy, String ownAccount) {
}
