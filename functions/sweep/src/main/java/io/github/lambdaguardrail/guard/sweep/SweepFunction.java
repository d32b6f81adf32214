package io.github.lambdaguardrail.guard.sweep;

import com.amazonaws.services.lambda.runtime.Context;
import io.github.lambdaguardrail.engine.GuardrailEngine;
import io.github.lambdaguardrail.engine.Json;
import io.github.lambdaguardrail.guard.AwsClients;
import io.github.lambdaguardrail.guard.DynamoDbStateStore;
import io.github.lambdaguardrail.guard.Notifier;
import io.github.lambdaguardrail.guard.SnsNotifier;
import io.github.lambdaguardrail.runtime.ClientSettings;
import io.github.lambdaguardrail.runtime.EmfMetrics;
import io.github.lambdaguardrail.runtime.JsonLog;
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
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.sns.SnsClient;

/**
 * What the sweep function's handler does, so the handler only delegates: configuration and
 * clients built once at cold start; per scheduled run one scan of the function's region, the
 * summary in the log, exactly one SNS summary, CloudWatch metrics (Embedded Metric Format) and
 * the counts as the function's result. It never changes a function. A failure to list the
 * functions or to publish the summary fails the invocation (the Errors alarm fires).
 */
public final class SweepFunction {

    /**
     * The IAM actions the sweep calls: what {@link SdkFunctionInventory} reads, the known-good VPC
     * configs it refreshes and the one summary it publishes. Read-only on Lambda: the sweep
     * reports, it never changes a function. The template grants exactly these.
     */
    public static final Set<String> IAM_ACTIONS = Set.of(
            "lambda:ListFunctions", "lambda:GetFunction", "lambda:ListTags", "lambda:ListAliases", "lambda:ListVersionsByFunction",
            "lambda:GetPolicy", "lambda:ListFunctionUrlConfigs",
            "dynamodb:PutItem",
            "sns:Publish");
    /** Time kept back from the function's timeout to publish the summary of a scan cut short. */
    static final Duration RESERVE = Duration.ofSeconds(45);

    private final FunctionScanner scanner;
    private final Notifier notifier;
    private final String region;
    private final String account;
    private final JsonLog log;
    private final Clock clock;

    /**
     * @param account the sweep's own account, for a summary of a region without functions
     */
    public SweepFunction(FunctionScanner scanner, Notifier notifier, String region, String account, JsonLog log) {
        this(scanner, notifier, region, account, log, Clock.systemUTC());
    }

    SweepFunction(FunctionScanner scanner, Notifier notifier, String region, String account, JsonLog log, Clock clock) {
        this.scanner = scanner;
        this.notifier = notifier;
        this.region = region;
        this.account = account;
        this.log = log;
        this.clock = clock;
    }

    /** Reads and validates the environment; a bad value fails the cold start, naming the variable. */
    public static SweepFunction fromEnvironment(Map<String, String> env) {
        JsonLog log = new JsonLog(System.out);
        SweepConfig config = SweepConfig.fromEnvironment(env);
        ScanSettings settings = ScanSettings.DEFAULT.withRateLimit(config.rateLimit());
        RateLimitInterceptor pacer = new RateLimitInterceptor(new RateLimiter(settings.rateLimit()));
        ClientSettings clients = ClientSettings.forEnvironment(env);
        LambdaClient lambda = AwsClients.lambda(settings.lambdaClient(clients, pacer));
        DynamoDbClient dynamo = AwsClients.dynamo(clients);
        SnsClient sns = AwsClients.sns(clients);
        FunctionScanner scanner = new FunctionScanner(new SdkFunctionInventory(lambda), new GuardrailEngine(config.policy(), Set.of()),
                Optional.of(new DynamoDbStateStore(() -> dynamo, config.stateTable())), settings, pacer, log);
        String region = SdkSystemSetting.AWS_REGION.getStringValue().orElse("");
        return new SweepFunction(scanner, new SnsNotifier(() -> sns, config.topicArn()), region, config.account(), log);
    }

    /** One scheduled run; the scheduled event itself carries nothing the sweep needs. */
    public void handle(OutputStream output, Context context) throws IOException {
        Optional<Instant> deadline = context == null ? Optional.empty()
                : Optional.of(clock.instant().plusMillis(context.getRemainingTimeInMillis()).minus(RESERVE));
        ScanResult result = run(deadline);
        publishMetrics(result);
        output.write(Json.write(ScanReport.toJson(result, 0, 0)).getBytes(StandardCharsets.UTF_8));
    }

    /** Scans, logs the summary and publishes it once. */
    public ScanResult run(Optional<Instant> deadline) {
        ScanResult scanned = scanner.scan(region, deadline);
        ScanResult result = scanned.account().isEmpty() ? scanned.withAccount(account) : scanned;
        log.info("sweep done", f -> f.set("summary", ScanReport.toJson(result, 0, 0)));
        notifier.publish(ScanReport.alert(result));
        return result;
    }

    private static void publishMetrics(ScanResult result) {
        Map<String, Number> counts = new LinkedHashMap<>();
        counts.put("SweepFunctionsScanned", result.functionsScanned());
        counts.put("SweepFindings", result.findings().size());
        counts.put("SweepErrors", result.errors().size());
        counts.put("SweepFunctionsNotScanned", result.functionsNotScanned());
        counts.put("SweepThrottledRequests", result.throttled());
        EmfMetrics.fromEnvironment(System.getenv(), System.out).publish(counts);
    }
}
