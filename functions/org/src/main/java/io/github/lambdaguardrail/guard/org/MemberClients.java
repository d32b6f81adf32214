package io.github.lambdaguardrail.guard.org;

import io.github.lambdaguardrail.guard.AwsClients;
import io.github.lambdaguardrail.guard.sweep.RateLimitInterceptor;
import io.github.lambdaguardrail.runtime.ClientSettings;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import software.amazon.awssdk.regions.PartitionMetadata;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.auth.StsAssumeRoleCredentialsProvider;

/**
 * The one way into a member account, for the remediator and the sweep alike: a Lambda client in the
 * member's account and region whose credentials are the member role's, assumed with the function's
 * own STS client (short sessions, renewed by the SDK's provider before they expire), and whose every
 * attempt, retries included, is paced by the caller's limiter for that account and region.
 * Thread-safe.
 */
public final class MemberClients {

    /** The shortest session STS gives: credentials that leak are worth little for long. */
    static final int SESSION_SECONDS = 900;
    /** The member role's trust policy admits only session names that start so. */
    static final String SESSION_PREFIX = "guardrail-";

    private final String roleName;
    private final ClientSettings memberSettings;
    private final Supplier<StsClient> sts;

    /**
     * @param roleName       the member role, the same name in every member
     * @param memberSettings how members' Lambda clients are built; region and credentials are set per member
     * @param sts            the function's own STS client, which assumes the member role
     */
    public MemberClients(String roleName, ClientSettings memberSettings, Supplier<StsClient> sts) {
        this.roleName = roleName;
        this.memberSettings = memberSettings;
        this.sts = sts;
    }

    /** The member role's ARN in {@code account}, in the partition of {@code region}. */
    String roleArn(String account, String region) {
        return "arn:" + PartitionMetadata.of(Region.of(region)).id() + ":iam::" + account + ":role/" + roleName;
    }

    /**
     * A Lambda client of {@code account} in {@code region} (both already validated) through the member role.
     *
     * @param sessionName starts with {@value #SESSION_PREFIX}: it says in the member's CloudTrail which function acted
     * @param tuning      the caller's retries and timeouts, if not the settings' own
     * @param pacer       the member's budget in that region
     */
    MemberLambda open(String account, String region, String sessionName, UnaryOperator<ClientSettings> tuning,
                      RateLimitInterceptor pacer) {
        if (!sessionName.startsWith(SESSION_PREFIX)) {
            throw new IllegalArgumentException("the member role admits only sessions named " + SESSION_PREFIX + "*, got " + sessionName);
        }
        String role = roleArn(account, region);
        StsAssumeRoleCredentialsProvider credentials = StsAssumeRoleCredentialsProvider.builder()
                .stsClient(sts.get()).asyncCredentialUpdateEnabled(false)
                .refreshRequest(r -> r.roleArn(role).roleSessionName(sessionName).durationSeconds(SESSION_SECONDS))
                .build();
        LambdaClient lambda = AwsClients.build(LambdaClient.builder(), tuning.apply(memberSettings.withRegion(Region.of(region))
                .withCredentials(credentials)).withInterceptors(pacer));
        return new MemberLambda(role, lambda, credentials);
    }

    /** A member's Lambda client and the credentials it signs with; closing it closes both. */
    record MemberLambda(String roleArn, LambdaClient lambda, StsAssumeRoleCredentialsProvider credentials)
            implements AutoCloseable {

        /** Assumes the role now, so that a refusal is told apart from a failed Lambda call. */
        void assumeRole() {
            credentials.resolveCredentials();
        }

        @Override
        public void close() {
            lambda.close();
            credentials.close();
        }
    }
}
