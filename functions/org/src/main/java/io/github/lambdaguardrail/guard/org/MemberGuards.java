package io.github.lambdaguardrail.guard.org;

import io.github.lambdaguardrail.engine.WatchedApi;
import io.github.lambdaguardrail.guard.AwsClients;
import io.github.lambdaguardrail.guard.ClientSettings;
import io.github.lambdaguardrail.guard.Guard;
import io.github.lambdaguardrail.guard.JsonLog;
import io.github.lambdaguardrail.guard.sweep.RateLimitInterceptor;
import io.github.lambdaguardrail.guard.sweep.RateLimiter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import software.amazon.awssdk.regions.PartitionMetadata;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.auth.StsAssumeRoleCredentialsProvider;

/**
 * The single-account guard of each member account and region, acting through the member role
 * there: its Lambda client has that account's credentials (assumed once, cached and renewed before
 * they expire by the SDK's provider) and paces its calls to the member's budget; its state and
 * alerts stay central. Built on first use; the least recently used are closed beyond
 * {@link #MAX_KEPT}. Thread-safe.
 */
public final class MemberGuards implements AutoCloseable {

    /** Members kept at once: a client and credentials each, a few hundred KB. */
    static final int MAX_KEPT = 256;
    /** Every session name starts so: the member role's trust policy admits no other. */
    static final String SESSION_NAME = "guardrail-remediator";
    /** The shortest session STS gives: credentials that leak are worth little for long. */
    static final int SESSION_SECONDS = 900;
    /** Both guards' changes: the remediator judges any watched call of a member. */
    static final java.util.List<WatchedApi> APIS = java.util.stream.Stream.concat(
            WatchedApi.functionConfiguration().stream(), WatchedApi.resourcePolicy().stream()).toList();

    private final OrgConfig config;
    private final ClientSettings memberSettings;
    private final Supplier<StsClient> sts;
    private final Supplier<SnsClient> sns;
    private final Supplier<DynamoDbClient> dynamo;
    private final JsonLog log;
    private final Map<String, Member> members = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Member> eldest) {
            if (size() > MAX_KEPT) {
                eldest.getValue().close();
                return true;
            }
            return false;
        }
    };

    /**
     * @param memberSettings how members' Lambda clients are built; their region and credentials are
     *                       set per member
     * @param sts            the function's own STS client, which assumes the member role
     */
    public MemberGuards(OrgConfig config, ClientSettings memberSettings, Supplier<StsClient> sts, Supplier<SnsClient> sns,
                        Supplier<DynamoDbClient> dynamo, JsonLog log) {
        this.config = config;
        this.memberSettings = memberSettings;
        this.sts = sts;
        this.sns = sns;
        this.dynamo = dynamo;
        this.log = log;
    }

    /** The guard of {@code account} in {@code region} (both already validated). */
    public synchronized Guard forMember(String account, String region) {
        return members.computeIfAbsent(account + ":" + region, key -> open(account, region)).guard();
    }

    /** The member role's ARN in {@code account}, in the partition of {@code region}. */
    String roleArn(String account, String region) {
        return "arn:" + PartitionMetadata.of(Region.of(region)).id() + ":iam::" + account + ":role/" + config.memberRoleName();
    }

    private Member open(String account, String region) {
        String role = roleArn(account, region);
        StsAssumeRoleCredentialsProvider credentials = StsAssumeRoleCredentialsProvider.builder()
                .stsClient(sts.get()).asyncCredentialUpdateEnabled(false)
                .refreshRequest(r -> r.roleArn(role).roleSessionName(SESSION_NAME).durationSeconds(SESSION_SECONDS))
                .build();
        LambdaClient lambda = AwsClients.build(LambdaClient.builder(), memberSettings.withRegion(Region.of(region))
                .withCredentials(credentials)
                .withInterceptors(new RateLimitInterceptor(new RateLimiter(config.memberCallsPerSecond()))));
        log.info("member opened", f -> f.put("account", account).put("region", region).put("role", role));
        Guard guard = Guard.create(config.guard(), APIS, () -> lambda, sns, dynamo, Optional.empty(), log);
        return new Member(guard, lambda, credentials);
    }

    private record Member(Guard guard, LambdaClient lambda, StsAssumeRoleCredentialsProvider credentials) {
        void close() {
            lambda.close();
            credentials.close();
        }
    }

    @Override
    public synchronized void close() {
        members.values().forEach(Member::close);
        members.clear();
    }
}
