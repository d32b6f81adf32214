package io.github.lambdaguardrail.engine.rules;

import io.github.lambdaguardrail.engine.Origin;
import io.github.lambdaguardrail.engine.PolicyStatement;
import io.github.lambdaguardrail.engine.RuleId;
import io.github.lambdaguardrail.engine.RuleResult;
import io.github.lambdaguardrail.engine.internal.StatementFacts;

/** {@code PERMISSION_PUBLIC}: principal {@code *} with nothing that narrows the caller. Fails closed. */
final class PublicPermissionRule extends StatementRule {

    @Override
    public RuleId id() {
        return RuleId.PERMISSION_PUBLIC;
    }

    @Override
    RuleResult check(PolicyStatement.Parsed statement, StatementFacts facts, String subject, RuleContext context) {
        if (!statement.principal().anyone()) {
            return RuleResult.skip(id(), subject, "principal is not *");
        }
        if (isPublicUrlHalf(statement, facts)) {
            return RuleResult.skip(id(), subject, "half of a public function URL (reported by FUNCTION_URL_PUBLIC)");
        }
        if (facts.narrowsCaller()) {
            return RuleResult.pass(id(), subject, "principal * narrowed by" + narrowing(facts));
        }
        return RuleResult.fail(id(), subject,
                "principal * and no condition narrows the caller: anyone can invoke" + ignoredConditions(facts),
                Origin.INTRODUCED);
    }

    @Override
    RuleResult unparseable(PolicyStatement.Unparseable statement, String subject) {
        return RuleResult.fail(id(), subject,
                statement.reason() + "; cannot prove it is narrowed (fail closed)", Origin.INTRODUCED);
    }

    private static String narrowing(StatementFacts facts) {
        StringBuilder out = new StringBuilder();
        if (!facts.sourceAccounts().isEmpty()) {
            out.append(" source account ").append(facts.sourceAccounts());
        }
        if (facts.specificSourceArn()) {
            out.append(" source ARN");
        }
        if (!facts.principalAccounts().isEmpty()) {
            out.append(" principal account ").append(facts.principalAccounts());
        }
        if (!facts.orgIds().isEmpty()) {
            out.append(" organisation ").append(facts.orgIds());
        }
        if (!facts.confinedBy().isEmpty()) {
            out.append(" (outsiders denied by ").append(String.join(", ", facts.confinedBy())).append(')');
        }
        if (facts.eventSourceToken()) {
            out.append(" event source token");
        }
        return out.toString();
    }
}
