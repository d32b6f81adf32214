package io.github.lambdaguardrail.engine.rules;

import io.github.lambdaguardrail.engine.Policy;
import io.github.lambdaguardrail.engine.PolicyStatement;
import io.github.lambdaguardrail.engine.internal.StatementFacts;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What a rule may consult besides the change, for one evaluation. It works out each statement's
 * facts once for all the rules; so it is not thread-safe: build one per evaluation.
 */
public final class RuleContext {

    private final Policy policy;
    private final String ownAccount;
    private final List<Pattern> allowedActions;
    private final Map<PolicyStatement.Parsed, StatementFacts> facts = new IdentityHashMap<>();

    /**
     * @param ownAccount     the account of the function: always trusted
     * @param allowedActions the policy's allowed actions as compiled globs, lower case
     */
    public RuleContext(Policy policy, String ownAccount, List<Pattern> allowedActions) {
        this.policy = policy;
        this.ownAccount = ownAccount;
        this.allowedActions = allowedActions;
    }

    public Policy policy() {
        return policy;
    }

    public String ownAccount() {
        return ownAccount;
    }

    List<Pattern> allowedActions() {
        return allowedActions;
    }

    /** The facts of a statement of {@code document} (the statements the change granted together). */
    StatementFacts facts(PolicyStatement.Parsed statement, List<PolicyStatement> document) {
        return facts.computeIfAbsent(statement, s -> StatementFacts.of(s, document));
    }
}
