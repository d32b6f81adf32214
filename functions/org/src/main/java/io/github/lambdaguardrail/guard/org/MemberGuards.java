package io.github.lambdaguardrail.guard.org;

import io.github.lambdaguardrail.engine.WatchedApi;
import io.github.lambdaguardrail.guard.Guard;
import io.github.lambdaguardrail.guard.sweep.RateLimitInterceptor;
import io.github.lambdaguardrail.guard.sweep.RateLimiter;
import io.github.lambdaguardrail.runtime.ClientSettings;
import io.github.lambdaguardrail.runtime.JsonLog;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sts.StsClient;

/**
 * The single-account guard of each member account and region, acting through the member role
 * there ({@link MemberClients}): its Lambda client has that account's credentials and paces its
 * calls to the member's budget; its state and alerts stay central. Built on first use; the least
 * recently used are closed beyond {@link #MAX_KEPT}. Thread-safe.
 */
public final class MemberGuards implements AutoCloseable {

    /** Members kept at once: a client and credentials each, a few hundred KB. */
    static final int MAX_KEPT = 256;
    /** As the member's CloudTrail names the remediator's calls. */
    static final String SESSION_NAME = "guardrail-remediator";
    /** Both guards' changes: the remediator judges any watched call of a member. */
    static final List<WatchedApi> APIS = Stream.concat(WatchedApi.functionConfiguration().stream(),
            WatchedApi.resourcePolicy().stream()).toList();

    private final OrgConfig config;
    private final MemberClients clients;
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
        this.clients = new MemberClients(config.memberRoleName(), memberSettings, sts);
        this.sns = sns;
        this.dynamo = dynamo;
        this.log = log;
    }

    /** The guard of {@code account} in {@code region} (both already validated). */
    public synchronized Guard forMember(String account, String region) {
        return members.computeIfAbsent(account + ":" + region, key -> open(account, region)).guard();
    }

    private Member open(String account, String region) {
        MemberClients.MemberLambda lambda = clients.open(account, region, SESSION_NAME, UnaryOperator.identity(),
                new RateLimitInterceptor(new RateLimiter(config.memberCallsPerSecond())));
        log.info("member opened", f -> f.put("account", account).put("region", region).put("role", lambda.roleArn()));
        Guard guard = Guard.create(config.guard(), APIS, lambda::lambda, sns, dynamo, log);
        return new Member(guard, lambda);
    }

    private record Member(Guard guard, MemberClients.MemberLambda lambda) {
        void close() {
            lambda.close();
        }
    }

    @Override
    public synchronized void close() {
        members.values().forEach(Member::close);
        members.clear();
    }
}
