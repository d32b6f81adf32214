package io.github.lambdaguardrail.guard.org;

import com.amazonaws.services.lambda.runtime.Context;
import io.github.lambdaguardrail.guard.AwsClients;
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
import java.util.Map;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * What {@link OrgEvaluatorHandler} does: configuration read once at cold start (clients built when
 * an event first needs one), then per invocation the evaluator, its report in the log, its metrics
 * and the report as the result.
 */
public final class OrgEvaluatorFunction {

    private final OrgEvaluator evaluator;
    private final JsonLog log;
    private final EmfMetrics metrics;

    OrgEvaluatorFunction(OrgEvaluator evaluator, JsonLog log, EmfMetrics metrics) {
        this.evaluator = evaluator;
        this.log = log;
        this.metrics = metrics;
    }

    /** Reads and validates the environment; a bad value fails the cold start, naming the variable. */
    public static OrgEvaluatorFunction fromEnvironment(Map<String, String> env) {
        JsonLog log = new JsonLog(System.out);
        OrgConfig config = OrgConfig.evaluator(env);
        LocalRunCheck.check(config.guard(), env, System.getProperty(LocalRunCheck.ENDPOINT_PROPERTY));
        ClientSettings settings = ClientSettings.forEnvironment(env);
        AwsClients own = AwsClients.create(settings);
        Lazy<SqsClient> sqs = Lazy.of(() -> AwsClients.build(SqsClient.builder(), settings));
        OrgEvaluator evaluator = new OrgEvaluator(config.guard(), new SqsRemediationQueue(sqs, config.queueUrl().orElseThrow()),
                new SnsNotifier(own::sns, config.guard().topicArn()), log);
        return new OrgEvaluatorFunction(evaluator, log, EmfMetrics.fromEnvironment(env, System.out));
    }

    public void handle(InputStream input, OutputStream output, Context context) throws IOException {
        OrgReport report = new OrgReport();
        try {
            evaluator.handle(input, report);
        } finally {
            log.invocationDone(context, report.toJson());
            metrics.publish(report.metrics());
        }
        output.write(report.toString().getBytes(StandardCharsets.UTF_8));
    }
}
