package io.github.lambdaguardrail.engine.rules;

import io.github.lambdaguardrail.engine.Origin;
import io.github.lambdaguardrail.engine.PolicyStatement;
import io.github.lambdaguardrail.engine.RuleId;
import io.github.lambdaguardrail.engine.RuleResult;
import io.github.lambdaguardrail.engine.internal.StatementFacts;

/**
 * {@code PERMISSION_SERVICE_WITHOUT_SOURCE}: a service principal with neither a source account nor
 * a specific source ARN, so any customer's resource of that service can invoke (confused deputy).
 * A source ARN without an account (an S3 bucket) needs the source account too: another account
 * can create a bucket of the same name once it is deleted.
 */
final class ServiceWithoutSourceRule extends StatementRule {

    @Override
    public RuleId id() {
        return RuleId.PERMISSION_SERVICE_WITHOUT_SOURCE;
    }

    @Override
    RuleResult check(PolicyStatement.Parsed statement, StatementFacts facts, String subject, RuleContext context) {
        if (statement.principal().services().isEmpty()) {
            return RuleResult.skip(id(), subject, "no service principal");
        }
        if (!context.policy().permissions().requireSourceForServicePrincipals()) {
            return RuleResult.skip(id(), subject, "policy does not require a source for service principals");
        }
        if (facts.pinsSource()) {
            return RuleResult.pass(id(), subject, "service " + statement.principal().services() + " pinned by source account or ARN");
        }
        if (facts.specificSourceArn()) {
            return RuleResult.fail(id(), subject, "service " + statement.principal().services()
                    + " pinned only by a source ARN that names no account (a deleted bucket's name can be taken by"
                    + " another account): add aws:SourceAccount" + ignoredConditions(facts), Origin.INTRODUCED);
        }
        return RuleResult.fail(id(), subject, "service " + statement.principal().services()
                + " without source account or specific source ARN" + ignoredConditions(facts), Origin.INTRODUCED);
    }
}
