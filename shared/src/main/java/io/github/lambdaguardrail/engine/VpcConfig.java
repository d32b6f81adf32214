package io.github.lambdaguardrail.engine;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A function's VPC attachment. CloudTrail gives no VPC id in requests; a detached function may
 * show empty lists and an empty VPC id.
 *
 * @param ipv6AllowedForDualStack {@code Ipv6AllowedForDualStack}: part of what a restore writes back,
 *                                so it is kept with every known-good config (CloudTrail records are
 *                                read without it: false)
 */
public record VpcConfig(List<String> subnetIds, List<String> securityGroupIds, Optional<String> vpcId,
                        boolean ipv6AllowedForDualStack) {

    public static final VpcConfig NONE = new VpcConfig(List.of(), List.of(), Optional.empty());

    public VpcConfig {
        subnetIds = List.copyOf(subnetIds);
        securityGroupIds = List.copyOf(securityGroupIds);
        vpcId = vpcId.filter(id -> !id.isEmpty());
    }

    /** A config without {@code Ipv6AllowedForDualStack} (false). */
    public VpcConfig(List<String> subnetIds, List<String> securityGroupIds, Optional<String> vpcId) {
        this(subnetIds, securityGroupIds, vpcId, false);
    }

    /** A function is in a VPC when it has at least one subnet. */
    public boolean isAttached() {
        return !subnetIds.isEmpty();
    }

    /**
     * Whether both name the same subnets and security groups (in any order). The VPC id follows
     * from the subnets, and CloudTrail records show neither it (in requests) nor
     * {@code Ipv6AllowedForDualStack}, so neither is compared.
     */
    public boolean sameAttachment(VpcConfig other) {
        return Set.copyOf(subnetIds).equals(Set.copyOf(other.subnetIds))
                && Set.copyOf(securityGroupIds).equals(Set.copyOf(other.securityGroupIds));
    }

    /** For alerts: {@code subnets [..], security groups [..]}, or {@code no VPC}. */
    public String describe() {
        return isAttached() || !securityGroupIds.isEmpty()
                ? "subnets " + subnetIds + ", security groups " + securityGroupIds
                : "no VPC";
    }
}
