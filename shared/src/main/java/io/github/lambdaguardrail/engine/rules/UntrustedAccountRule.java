package io.github.lambdaguardrail.engine.rules;

import io.github.lambdaguardrail.engine.Origin;
import io.github.lambdaguardrail.engine.PolicyStatement;
import io.github.lambdaguardrail.engine.RuleId;
import io.github.lambdaguardrail.engine.RuleResult;
import io.github.lambdaguardrail.engine.internal.StatementFacts;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code PERMISSION_UNTRUSTED_ACCOUNT}: an account principal, source account, source ARN account,
 * principal account ({@code aws:PrincipalAccount}) or organisation outside the function's own
 * account and the trusted lists.
 */
final class UntrustedAccountRule extends StatementRule {

    @Override
    public RuleId id() {
        return RuleId.PERMISSION_UNTRUSTED_ACCOUNT;
    }

    @Override
    RuleResult check(PolicyStatement.Parsed statement, StatementFacts facts, String subject, RuleContext context) {
        Set<String> accounts = new LinkedHashSet<>(statement.principal().accountIds());
        accounts.addAll(facts.sourceAccounts());
        accounts.addAll(facts.sourceArnAccounts());
        accounts.addAll(facts.principalAccounts());
        if (!statement.principal().other().isEmpty()) {
            // Federated users, canonical users, unique ids: nothing here proves them trusted.
            return RuleResult.fail(id(), subject, "principal(s) " + statement.principal().other()
                    + " not understood; cannot prove them trusted (fail closed)", Origin.INTRODUCED);
        }
        if (accounts.isEmpty() && facts.orgIds().isEmpty()) {
            return RuleResult.skip(id(), subject, "names no account or organisation");
        }
        List<String> trustedAccounts = context.policy().permissions().trustedAccountIds();
        List<String> untrustedAccounts = accounts.stream()
                .filter(a -> !a.equals(context.ownAccount()) && !trustedAccounts.contains(a)).toList();
        List<String> untrustedOrgs = facts.orgIds().stream()
                .filter(o -> !context.policy().permissions().trustedOrgIds().contains(o)).toList();
        if (untrustedAccounts.isEmpty() && untrustedOrgs.isEmpty()) {
            return RuleResult.pass(id(), subject, "only own or trusted accounts " + accounts
                    + (facts.orgIds().isEmpty() ? "" : " and trusted organisations " + facts.orgIds()));
        }
        StringBuilder evidence = new StringBuilder("grants access to");
        if (!untrustedAccounts.isEmpty()) {
            evidence.append(" untrusted account(s) ").append(untrustedAccounts);
        }
        if (!untrustedOrgs.isEmpty()) {
            evidence.append(untrustedAccounts.isEmpty() ? "" : " and").append(" untrusted organisation(s) ").append(untrustedOrgs);
        }
        return RuleResult.fail(id(), subject, evidence.toString(), Origin.INTRODUCED);
    }
}
