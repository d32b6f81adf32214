package io.github.lambdaguardrail.guard.org;

import com.amazonaws.services.lambda.runtime.Context;
import io.github.lambdaguardrail.engine.GuardrailEngine;
import io.github.lambdaguardrail.engine.Json;
import io.github.lambdaguardrail.guard.AwsClients;
import io.github.lambdaguardrail.guard.DynamoDbStateStore;
import io.github.lambdaguardrail.guard.LocalRunCheck;
import io.github.lambdaguardrail.guard.Notifier;
import io.github.lambdaguardrail.guard.SnsNotifier;
import io.github.lambdaguardrail.guard.sweep.ScanSettings;
import io.github.lambdaguardrail.runtime.ClientSettings;
import io.github.lambdaguardrail.runtime.EmfMetrics;
import io.github.lambdaguardrail.runtime.JsonLog;
import io.github.lambdaguardrail.runtime.Lazy;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.core.SdkSystemSetting;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.sts.StsClient;

/**
 * What {@link OrgSweepHandler} does: configuration and clients built once at cold start; per
 * scheduled run the sweep of every member account and governed region ({@link OrgSweep}), the
 * summary in the log, exactly one SNS summary, CloudWatch metrics and the summary as the result. It
 * never changes a function. A failure to list the members or to publish the summary fails the
 * invocation (the Errors alarm fires); a member that cannot be swept is in the summary.
 */
public final class OrgSweepFunction {

    /** Time kept back from the function's timeout to publish the summary of a run cut short. */
    static final Duration RESERVE = Duration.ofSeconds(45);

    private final OrgSweep sweep;
    private final Notifier notifier;
    private final String account;
    private final String region;
    private final JsonLog log;
    private final EmfMetrics metrics;
    private final Clock clock;

    /**
     * @param account the central account, which sends the summary
     * @param region  the function's region
     */
    OrgSweepFunction(OrgSweep sweep, Notifier notifier, String account, String region, JsonLog log, EmfMetrics metrics,
                     Clock clock) {
        this.sweep = sweep;
        this.notifier = notifier;
        this.account = account;
        this.region = region;
        this.log = log;
        this.metrics = metrics;
        this.clock = clock;
    }

    /** Reads and validates the environment; a bad value fails the cold start, naming the variable. */
    public static OrgSweepFunction fromEnvironment(Map<String, String> env) {
        ClientSettings settings = ClientSettings.forEnvironment(env);
        return fromEnvironment(env, settings, settings);
    }

    /**
     * @param own     the function's own clients (CloudFormation, STS, SNS, DynamoDB)
     * @param members how the members' Lambda clients are built (region and credentials are set per member)
     */
    public static OrgSweepFunction fromEnvironment(Map<String, String> env, ClientSettings own, ClientSettings members) {
        JsonLog log = new JsonLog(System.out);
        OrgSweepConfig config = OrgSweepConfig.fromEnvironment(env);
        LocalRunCheck.check(config.org().guard(), env, System.getProperty(LocalRunCheck.ENDPOINT_PROPERTY));
        // SNS and DynamoDB as a guard has them: each built on first use, sharing one HTTP client.
        AwsClients clients = AwsClients.create(own);
        Lazy<StsClient> sts = Lazy.of(() -> AwsClients.build(StsClient.builder(), own));
        Lazy<CloudFormationClient> cloudFormation = Lazy.of(() -> AwsClients.build(CloudFormationClient.builder(), own));
        OrgSweep sweep = new OrgSweep(new StackSetMemberAccounts(cloudFormation, config.rolesStackSet()),
                new MemberClients(config.org().memberRoleName(), members, sts), config.regions(),
                new GuardrailEngine(config.org().guard().policy(), Set.of()),
                Optional.of(new DynamoDbStateStore(clients::dynamo, config.org().guard().stateTable())),
                ScanSettings.DEFAULT.withRateLimit(config.rateLimit()), log, Clock.systemUTC());
        String topic = config.org().guard().topicArn();
        String region = SdkSystemSetting.AWS_REGION.getStringValue().orElse("");
        return new OrgSweepFunction(sweep, new SnsNotifier(clients::sns, topic), topic.split(":")[4], region, log,
                EmfMetrics.fromEnvironment(env, System.out), Clock.systemUTC());
    }

    /** One scheduled run; the scheduled event itself carries nothing the sweep needs. */
    public void handle(OutputStream output, Context context) throws IOException {
        Optional<Instant> deadline = context == null ? Optional.empty()
                : Optional.of(clock.instant().plusMillis(context.getRemainingTimeInMillis()).minus(RESERVE));
        OrgSweepResult result = run(deadline);
        output.write(Json.write(OrgSweepReport.toJson(result, account, region, OrgSweepReport.JSON_BUDGET))
                .getBytes(StandardCharsets.UTF_8));
    }

    /** Sweeps, logs the summary, publishes it once and the metrics. */
    public OrgSweepResult run(Optional<Instant> deadline) {
        OrgSweepResult result = sweep.run(deadline);
        log.info("organisation sweep done", f -> f.set("summary", OrgSweepReport.toJson(result, account, region,
                OrgSweepReport.JSON_BUDGET)));
        metrics.publish(metrics(result));
        notifier.publish(OrgSweepReport.alert(result, account, region));
        return result;
    }

    static Map<String, Number> metrics(OrgSweepResult result) {
        Map<String, Number> counts = new LinkedHashMap<>();
        counts.put("OrgSweepAccountRegionsSwept", result.swept().size());
        counts.put("OrgSweepAccountRegionsNotSwept", result.notSwept().size());
        counts.put("SweepFunctionsScanned", result.functionsScanned());
        counts.put("SweepFindings", result.findings().size());
        counts.put("SweepErrors", result.errors());
        counts.put("SweepFunctionsNotScanned", result.functionsNotScanned());
        counts.put("SweepThrottledRequests", result.throttled());
        return counts;
    }
}
