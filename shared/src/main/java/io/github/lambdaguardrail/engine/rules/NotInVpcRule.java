package io.github.lambdaguardrail.engine.rules;

import io.github.lambdaguardrail.engine.LambdaChange;
import io.github.lambdaguardrail.engine.Origin;
import io.github.lambdaguardrail.engine.RuleId;
import io.github.lambdaguardrail.engine.RuleResult;
import java.util.List;

/**
 * {@code LAMBDA_NOT_IN_VPC}: a function created without VPC config or an update that removed it
 * (introduced); an unrelated update to a function that was never in a VPC (pre-existing).
 */
final class NotInVpcRule implements Rule {

    static final String SUBJECT = "vpcConfig";

    @Override
    public RuleId id() {
        return RuleId.LAMBDA_NOT_IN_VPC;
    }

    @Override
    public List<RuleResult> evaluate(LambdaChange change, RuleContext context) {
        if (!(change instanceof LambdaChange.FunctionConfigured configured)) {
            return List.of();
        }
        if (!context.policy().vpc().required()) {
            return List.of(RuleResult.skip(id(), SUBJECT, "policy does not require a VPC"));
        }
        if (configured.resultingVpc().isAttached()) {
            return List.of(RuleResult.pass(id(), SUBJECT, "in subnets " + configured.resultingVpc().subnetIds()));
        }
        if (configured.created()) {
            return List.of(RuleResult.fail(id(), SUBJECT, "function created without VPC config", Origin.INTRODUCED));
        }
        if (configured.touchedVpc()) {
            return List.of(RuleResult.fail(id(), SUBJECT, "update removed the VPC config (no subnets)", Origin.INTRODUCED));
        }
        return List.of(RuleResult.fail(id(), SUBJECT,
                "function is not in a VPC (pre-existing: the VPC settings were not changed)", Origin.PRE_EXISTING));
    }
}
