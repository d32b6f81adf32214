package io.github.lambdaguardrail.engine.rules;

import io.github.lambdaguardrail.engine.LambdaChange;
import io.github.lambdaguardrail.engine.Origin;
import io.github.lambdaguardrail.engine.Policy;
import io.github.lambdaguardrail.engine.RuleId;
import io.github.lambdaguardrail.engine.RuleResult;
import io.github.lambdaguardrail.engine.VpcConfig;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code LAMBDA_VPC_NOT_ALLOWED}: VPC, subnet or security group outside a non-empty allow-list,
 * or a denied security group.
 */
final class VpcNotAllowedRule extends VpcRule {

    @Override
    public RuleId id() {
        return RuleId.LAMBDA_VPC_NOT_ALLOWED;
    }

    @Override
    List<RuleResult> check(LambdaChange.FunctionConfigured configured, RuleContext context) {
        VpcConfig vpc = configured.resultingVpc();
        if (!vpc.isAttached()) {
            return List.of(RuleResult.skip(id(), NotInVpcRule.SUBJECT, "not in a VPC (see LAMBDA_NOT_IN_VPC)"));
        }
        Policy.Vpc rules = context.policy().vpc();
        List<String> problems = new ArrayList<>();
        if (!rules.allowedVpcIds().isEmpty()) {
            // Requests carry no VPC id; without the response's, the allow-list cannot be checked.
            vpc.vpcId().ifPresentOrElse(
                    id -> {
                        if (!rules.allowedVpcIds().contains(id)) {
                            problems.add("VPC " + id + " not allowed");
                        }
                    },
                    () -> problems.add("VPC id unknown, so the VPC allow-list cannot be checked (fail closed)"));
        }
        outside("subnet(s)", vpc.subnetIds(), rules.allowedSubnetIds(), problems);
        outside("security group(s)", vpc.securityGroupIds(), rules.allowedSecurityGroupIds(), problems);
        List<String> denied = vpc.securityGroupIds().stream().filter(rules.deniedSecurityGroupIds()::contains).toList();
        if (!denied.isEmpty()) {
            problems.add("denied security group(s) " + denied);
        }
        if (problems.isEmpty()) {
            return List.of(RuleResult.pass(id(), NotInVpcRule.SUBJECT,
                    "subnets " + vpc.subnetIds() + " and security groups " + vpc.securityGroupIds() + " allowed"));
        }
        Origin origin = configured.touchedVpc() ? Origin.INTRODUCED : Origin.PRE_EXISTING;
        return List.of(RuleResult.fail(id(), NotInVpcRule.SUBJECT, String.join("; ", problems), origin));
    }

    private static void outside(String what, List<String> actual, List<String> allowed, List<String> problems) {
        if (allowed.isEmpty()) {
            return;
        }
        List<String> outside = actual.stream().filter(v -> !allowed.contains(v)).toList();
        if (!outside.isEmpty()) {
            problems.add(what + " " + outside + " not allowed");
        }
    }
}
