package io.github.lambdaguardrail.engine.rules;

import io.github.lambdaguardrail.engine.Origin;
import io.github.lambdaguardrail.engine.PolicyStatement;
import io.github.lambdaguardrail.engine.RuleId;
import io.github.lambdaguardrail.engine.RuleResult;
import io.github.lambdaguardrail.engine.internal.StatementFacts;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/** {@code PERMISSION_WILDCARD_ACTION}: an action other than the allowed ones (actions are case-insensitive). */
final class WildcardActionRule extends StatementRule {

    @Override
    public RuleId id() {
        return RuleId.PERMISSION_WILDCARD_ACTION;
    }

    @Override
    RuleResult check(PolicyStatement.Parsed statement, StatementFacts facts, String subject, RuleContext context) {
        // Allowed actions may be globs (lambda:Invoke*); an action in a statement is only ever literal text here.
        List<Pattern> allowed = context.allowedActions();
        List<String> extra = statement.actions().stream()
                .filter(a -> allowed.stream().noneMatch(p -> p.matcher(a.toLowerCase(Locale.ROOT)).matches())).toList();
        if (statement.actions().isEmpty()) {
            return RuleResult.fail(id(), subject, "statement names no action", Origin.INTRODUCED);
        }
        if (extra.isEmpty()) {
            return RuleResult.pass(id(), subject, "actions " + statement.actions() + " are allowed");
        }
        return RuleResult.fail(id(), subject, "action(s) " + extra + " beyond the allowed "
                + context.policy().permissions().allowedActions(), Origin.INTRODUCED);
    }
}
