package io.github.lambdaguardrail.guard;

import com.amazonaws.services.lambda.runtime.Context;
import io.github.lambdaguardrail.engine.WatchedApi;
import io.github.lambdaguardrail.runtime.ClientSettings;
import io.github.lambdaguardrail.runtime.EmfMetrics;
import io.github.lambdaguardrail.runtime.Failures;
import io.github.lambdaguardrail.runtime.JsonLog;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.crac.Core;
import org.crac.Resource;
import software.amazon.awssdk.core.warmup.SdkWarmUp;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.sns.SnsClient;

/**
 * What a guard function's handler does, so handlers only name their APIs: configuration read once
 * at cold start (SDK clients are built when an event first needs one), then per invocation the
 * guard loop, a report in the log, CloudWatch metrics (Embedded Metric Format) and the report as
 * the function's result.
 *
 * <p>With SnapStart, Lambda's Java runtime calls the two {@link Resource} hooks: before its
 * snapshot this function primes itself (builds its clients, judges two sample events, reads once
 * through each reader), and after each restore it drops the credentials the snapshot holds.
 */
public final class GuardFunction implements Resource {

    /** The sample events judged before a snapshot: one per guard, each with findings. */
    static final List<String> PRIMING_EVENTS = List.of("priming/addpermission-public-principal.json",
            "priming/createfunction-no-vpc.json");

    private final Guard guard;
    private final AwsClients aws;
    private final JsonLog log;
    private final EmfMetrics metrics;

    public GuardFunction(Guard guard, AwsClients aws, JsonLog log, EmfMetrics metrics) {
        this.guard = guard;
        this.aws = aws;
        this.log = log;
        this.metrics = metrics;
    }

    /**
     * Reads and validates the environment; a bad value fails the cold start, naming the variable.
     * Registers the function's SnapStart hooks (a no-op outside a runtime that snapshots).
     */
    public static GuardFunction fromEnvironment(Map<String, String> env, List<WatchedApi> apis) {
        JsonLog log = new JsonLog(System.out);
        GuardConfig config = GuardConfig.fromEnvironment(env);
        LocalRunCheck.check(config, env, System.getProperty(LocalRunCheck.ENDPOINT_PROPERTY));
        AwsClients aws = AwsClients.create(ClientSettings.forEnvironment(env));
        GuardFunction function = new GuardFunction(Guard.create(config, apis, aws, log), aws, log,
                EmfMetrics.fromEnvironment(env, System.out));
        // The global context keeps a weak reference: the handler holding this function keeps it registered.
        Core.getGlobalContext().register(function);
        return function;
    }

    public void handle(InputStream input, OutputStream output, Context context) throws IOException {
        GuardReport report = new GuardReport();
        try {
            // Each claim is held for the invocation's remaining time (plus a margin), and no longer.
            guard.handle(input, report, context == null ? Guard.NO_CONTEXT_TIME_LEFT
                    : Duration.ofMillis(Math.max(0, context.getRemainingTimeInMillis())));
        } finally {
            // Also for a failed invocation: the alarms tell a deferred duplicate from a real failure.
            log.invocationDone(context, report.toJson());
            publishMetrics(report);
        }
        output.write(report.toString().getBytes(StandardCharsets.UTF_8));
    }

    /**
     * SnapStart, before the snapshot: {@link #prime}. Never throws: a snapshot without priming is
     * only slower on its first event, while a throwing hook fails the version's publication.
     */
    @Override
    public void beforeCheckpoint(org.crac.Context<? extends Resource> context) {
        prime();
    }

    /**
     * SnapStart, after a restore: the next AWS call resolves the function's credentials afresh.
     * Nothing else unique is made at init: claim owner tokens are drawn per claim from
     * {@code SecureRandom} (Lambda's uniqueness guide: a CSPRNG, not a seed kept from init), and a
     * connection the snapshot held is found closed and opened again.
     */
    @Override
    public void afterRestore(org.crac.Context<? extends Resource> context) {
        aws.renewCredentials();
        log.info("restored from a snapshot: credentials renewed", f -> { });
    }

    /**
     * Runs the SDK's own warm-up of the three clients (each operation path once against a canned
     * response, no network), builds this function's clients, judges {@link #PRIMING_EVENTS} without
     * acting, and reads once through each reader ({@link Guard#rehearseReads}: TLS, signing and the
     * credentials on the real path): what the first event would otherwise load, at init instead.
     * Writes nothing and sends nothing; a failure is logged, never thrown.
     */
    void prime() {
        long start = System.nanoTime();
        try {
            SdkWarmUp.warmUp(LambdaClient.class, SnsClient.class, DynamoDbClient.class);
            aws.buildAll();
            int verdicts = 0;
            for (String name : PRIMING_EVENTS) {
                try (InputStream event = GuardFunction.class.getResourceAsStream(name)) {
                    if (event == null) {
                        throw new IllegalStateException("priming event " + name + " is not in the package");
                    }
                    verdicts += guard.rehearse(event);
                }
            }
            guard.rehearseReads();
            int judged = verdicts;
            log.info("primed for a snapshot", f -> f.put("verdicts", judged).put("ms", (System.nanoTime() - start) / 1_000_000));
        } catch (IOException | RuntimeException e) {
            log.warn("priming failed; the snapshot is taken unprimed", f -> f.put("error", e.getClass().getSimpleName())
                    .put("detail", Failures.describe(e)));
        }
    }

    private void publishMetrics(GuardReport report) {
        metrics.publish(report.metrics());
    }
}
