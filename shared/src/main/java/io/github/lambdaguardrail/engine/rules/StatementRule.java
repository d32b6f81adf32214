package io.github.lambdaguardrail.engine.rules;

import io.github.lambdaguardrail.engine.LambdaChange;
import io.github.lambdaguardrail.engine.PolicyStatement;
import io.github.lambdaguardrail.engine.ResourcePolicy;
import io.github.lambdaguardrail.engine.RuleResult;
import io.github.lambdaguardrail.engine.internal.StatementFacts;
import java.util.ArrayList;
import java.util.List;

/**
 * A rule over resource-policy statements: each statement the change granted is judged on its own,
 * except that a Deny of the same document can confine an Allow for {@code *} to an organisation
 * ({@link StatementFacts#of(PolicyStatement.Parsed, List)}).
 */
abstract sealed class StatementRule implements Rule
        permits PublicPermissionRule, UntrustedAccountRule, ServiceWithoutSourceRule, WildcardActionRule, PublicFunctionUrlRule {

    @Override
    public List<RuleResult> evaluate(LambdaChange change, RuleContext context) {
        List<PolicyStatement> statements = change.grantedStatements();
        List<RuleResult> results = new ArrayList<>(statements.size());
        for (int i = 0; i < statements.size(); i++) {
            PolicyStatement statement = statements.get(i);
            String subject = subject(statement, i, statements.size());
            results.add(switch (statement) {
                case PolicyStatement.Parsed parsed -> parsed.allow()
                        ? check(parsed, context.facts(parsed, statements), subject, context)
                        : RuleResult.skip(id(), subject, "Deny statement grants nothing");
                case PolicyStatement.Unparseable unparseable -> unparseable(unparseable, subject);
            });
        }
        return results;
    }

    abstract RuleResult check(PolicyStatement.Parsed statement, StatementFacts facts, String subject, RuleContext context);

    /** Most rules leave an unparseable statement to {@link PublicPermissionRule}, which fails closed on it. */
    RuleResult unparseable(PolicyStatement.Unparseable statement, String subject) {
        return RuleResult.skip(id(), subject, "statement could not be parsed (reported by PERMISSION_PUBLIC)");
    }

    private static String subject(PolicyStatement statement, int index, int count) {
        String sid = statement.sid().isEmpty() ? "#" + (index + 1) + " (no Sid)" : "'" + statement.sid() + "'";
        return count > 1 && !statement.sid().isEmpty() ? "statement " + sid + " (#" + (index + 1) + ")" : "statement " + sid;
    }

    static boolean hasAction(PolicyStatement.Parsed statement, String action) {
        return ResourcePolicy.hasAction(statement, action);
    }

    /** Either half of a public function URL (see {@link ResourcePolicy#publicUrlHalf}). */
    static boolean isPublicUrlHalf(PolicyStatement.Parsed statement, StatementFacts facts) {
        return ResourcePolicy.publicUrlHalf(statement, facts) != ResourcePolicy.UrlHalf.NONE;
    }

    static String ignoredConditions(StatementFacts facts) {
        return facts.ignored().isEmpty() ? "" : "; ignored: " + String.join(", ", facts.ignored());
    }
}
