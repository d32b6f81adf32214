package io.github.lambdaguardrail.engine.rules;

import io.github.lambdaguardrail.engine.LambdaChange;
import io.github.lambdaguardrail.engine.Origin;
import io.github.lambdaguardrail.engine.RuleId;
import io.github.lambdaguardrail.engine.RuleResult;
import java.util.List;

/**
 * {@code LAMBDA_NOT_IN_VPC}: a function created without VPC config (introduced); an update that
 * leaves it without one (pre-existing, unless proven introduced: "introduced means proven").
 *
 * <p>An update that sends an empty VPC config removes one only if the function had one: the same
 * request also merely restates the empty config of a function never in a VPC (with unrelated
 * changes). The change alone proves that only when its response still names the VPC the function
 * was in; otherwise the finding is pre-existing, and the engine makes it introduced when the
 * function's facts hold the proof (a known-good VPC config).
 */
final class NotInVpcRule extends VpcRule {

    static final String SUBJECT = "vpcConfig";

    @Override
    public RuleId id() {
        return RuleId.LAMBDA_NOT_IN_VPC;
    }

    @Override
    List<RuleResult> check(LambdaChange.FunctionConfigured configured, RuleContext context) {
        if (!context.policy().vpc().required()) {
            return List.of(RuleResult.skip(id(), SUBJECT, "policy does not require a VPC"));
        }
        if (configured.resultingVpc().isAttached()) {
            return List.of(RuleResult.pass(id(), SUBJECT, "in subnets " + configured.resultingVpc().subnetIds()));
        }
        if (configured.created()) {
            return List.of(RuleResult.fail(id(), SUBJECT, "function created without VPC config", Origin.INTRODUCED));
        }
        if (configured.touchedVpc() && configured.resultingVpc().vpcId().isPresent()) {
            return List.of(RuleResult.fail(id(), SUBJECT, "update removed the VPC config (no subnets; the response still"
                    + " names " + configured.resultingVpc().vpcId().get() + ")", Origin.INTRODUCED));
        }
        if (configured.touchedVpc()) {
            return List.of(RuleResult.fail(id(), SUBJECT, "the update sent an empty VPC config, but nothing shows the function"
                    + " was in a VPC before (no known-good VPC config)", Origin.PRE_EXISTING));
        }
        return List.of(RuleResult.fail(id(), SUBJECT,
                "function is not in a VPC (pre-existing: the VPC settings were not changed)", Origin.PRE_EXISTING));
    }
}
