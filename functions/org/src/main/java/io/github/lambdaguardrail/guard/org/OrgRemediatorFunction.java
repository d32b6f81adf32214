package io.github.lambdaguardrail.guard.org;

import com.amazonaws.services.lambda.runtime.Context;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.lambdaguardrail.engine.Json;
import io.github.lambdaguardrail.guard.AwsClients;
import io.github.lambdaguardrail.guard.Guard;
import io.github.lambdaguardrail.guard.GuardReport;
import io.github.lambdaguardrail.guard.LocalRunCheck;
import io.github.lambdaguardrail.guard.SnsNotifier;
import io.github.lambdaguardrail.runtime.ClientSettings;
import io.github.lambdaguardrail.runtime.EmfMetrics;
import io.github.lambdaguardrail.runtime.JsonLog;
import io.github.lambdaguardrail.runtime.Lazy;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.sts.StsClient;

/**
 * What {@link OrgRemediatorHandler} does: configuration read once at cold start, then per batch
 * the remediator, the report in the log, the metrics, and as the result the messages to deliver
 * again (Lambda's partial batch response: the event source needs {@code ReportBatchItemFailures}).
 */
public final class OrgRemediatorFunction {

    private final OrgRemediator remediator;
    private final JsonLog log;
    private final EmfMetrics metrics;

    OrgRemediatorFunction(OrgRemediator remediator, JsonLog log, EmfMetrics metrics) {
        this.remediator = remediator;
        this.log = log;
        this.metrics = metrics;
    }

    /** Reads and validates the environment; a bad value fails the cold start, naming the variable. */
    public static OrgRemediatorFunction fromEnvironment(Map<String, String> env) {
        ClientSettings settings = ClientSettings.forEnvironment(env);
        return fromEnvironment(env, settings, settings);
    }

    /**
     * @param own     the function's own clients (STS, SNS, DynamoDB)
     * @param members how the members' Lambda clients are built (region and credentials are set per member)
     */
    public static OrgRemediatorFunction fromEnvironment(Map<String, String> env, ClientSettings own, ClientSettings members) {
        JsonLog log = new JsonLog(System.out);
        OrgConfig config = OrgConfig.remediator(env);
        LocalRunCheck.check(config.guard(), env, System.getProperty(LocalRunCheck.ENDPOINT_PROPERTY));
        // SNS and DynamoDB as a guard has them: each built on first use, sharing one HTTP client.
        AwsClients clients = AwsClients.create(own);
        Lazy<StsClient> sts = Lazy.of(() -> AwsClients.build(StsClient.builder(), own));
        SnsNotifier notifier = new SnsNotifier(clients::sns, config.guard().topicArn());
        MemberGuards guards = new MemberGuards(config, members, sts, clients::sns, clients::dynamo, log);
        return new OrgRemediatorFunction(new OrgRemediator(guards, notifier, log), log, EmfMetrics.fromEnvironment(env, System.out));
    }

    public void handle(InputStream input, OutputStream output, Context context) throws IOException {
        GuardReport report = new GuardReport();
        List<String> retry;
        try {
            retry = remediator.handle(QueuedEvent.readBatch(input), () -> context == null ? Guard.NO_CONTEXT_TIME_LEFT
                    : Duration.ofMillis(Math.max(0, context.getRemainingTimeInMillis())), report);
        } finally {
            log.invocationDone(context, report.toJson());
            metrics.publish(report.metrics());
        }
        ObjectNode result = Json.object();
        var failures = result.putArray("batchItemFailures");
        retry.forEach(id -> failures.addObject().put("itemIdentifier", id));
        output.write(Json.write(result).getBytes(StandardCharsets.UTF_8));
    }
}
