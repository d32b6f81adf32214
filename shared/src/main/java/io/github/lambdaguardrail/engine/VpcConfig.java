package io.github.lambdaguardrail.engine;

import java.util.List;
import java.util.Optional;

/**
 * A function's VPC attachment. CloudTrail gives no VPC id in requests; a detached function may
 * show empty lists and an empty VPC id.
 */
public record VpcConfig(List<String> subnetIds, List<String> securityGroupIds, Optional<String> vpcId) {

    public static final VpcConfig NONE = new VpcConfig(List.of(), List.of(), Optional.empty());

    public VpcConfig {
        subnetIds = List.copyOf(subnetIds);
        securityGroupIds = List.copyOf(securityGroupIds);
        vpcId = vpcId.filter(id -> !id.isEmpty());
    }

    /** A function is in a VPC when it has at least one subnet. */
    public boolean isAttached() {
        return !subnetIds.isEmpty();
    }
}
