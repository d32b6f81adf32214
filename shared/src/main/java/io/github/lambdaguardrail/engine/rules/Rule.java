package io.github.lambdaguardrail.engine.rules;

import io.github.lambdaguardrail.engine.LambdaChange;
import io.github.lambdaguardrail.engine.RuleId;
import io.github.lambdaguardrail.engine.RuleResult;
import java.util.List;

/**
 * One named rule. Implementations are stateless and thread-safe; a rule returns no result for a
 * change it does not apply to, and one result per subject (VPC config or statement) otherwise.
 */
public sealed interface Rule permits VpcRule, StatementRule, GuardrailTagRule {

    RuleId id();

    List<RuleResult> evaluate(LambdaChange change, RuleContext context);

    /**
     * Every rule judged on a change, in the order of DESIGN §3 ({@code GUARDRAIL_TAMPERED} depends
     * on the resource rather than the change: {@link TamperRule}).
     */
    static List<Rule> all() {
        return List.of(new NotInVpcRule(), new VpcNotAllowedRule(), new PublicPermissionRule(),
                new UntrustedAccountRule(), new ServiceWithoutSourceRule(), new WildcardActionRule(),
                new PublicFunctionUrlRule(), new GuardrailTagRule());
    }
}
