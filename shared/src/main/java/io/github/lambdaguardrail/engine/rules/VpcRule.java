package io.github.lambdaguardrail.engine.rules;

import io.github.lambdaguardrail.engine.LambdaChange;
import io.github.lambdaguardrail.engine.RuleResult;
import java.util.List;

/** A rule over the VPC config a function is left with: judged on configuration changes only. */
abstract sealed class VpcRule implements Rule permits NotInVpcRule, VpcNotAllowedRule {

    @Override
    public final List<RuleResult> evaluate(LambdaChange change, RuleContext context) {
        return switch (change) {
            case LambdaChange.FunctionConfigured configured -> check(configured, context);
            case LambdaChange.PermissionGranted granted -> List.of();
            case LambdaChange.ResourcePolicyReplaced replaced -> List.of();
            case LambdaChange.FunctionUrlConfigured url -> List.of();
            case LambdaChange.TagsChanged tags -> List.of();
        };
    }

    abstract List<RuleResult> check(LambdaChange.FunctionConfigured configured, RuleContext context);
}
