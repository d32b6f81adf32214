package io.github.lambdaguardrail.engine;

import java.util.Optional;

/**
 * Who made the call, from CloudTrail's {@code userIdentity}.
 *
 * @param arn       the caller's ARN (for an assumed role, the STS session ARN), or the principal id
 *                  when CloudTrail gives no ARN
 * @param type      {@code IAMUser}, {@code AssumedRole}, {@code Root}, {@code AWSService}, ...
 * @param roleArn   the IAM role behind an assumed-role session ({@code sessionIssuer.arn})
 * @param invokedBy the AWS service that called on the caller's behalf, e.g. CloudFormation
 */
public record Actor(String arn, String type, Optional<String> roleArn, Optional<String> invokedBy) {

    /** The ARNs that identify this actor: the caller ARN and, for a role session, the role ARN. */
    public java.util.List<String> identities() {
        return roleArn.map(role -> java.util.List.of(arn, role)).orElseGet(() -> java.util.List.of(arn));
    }
}
