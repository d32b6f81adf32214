package io.github.lambdaguardrail.guard;

import com.amazonaws.services.lambda.runtime.Context;
import io.github.lambdaguardrail.engine.WatchedApi;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import software.amazon.lambda.powertools.metrics.Metrics;
import software.amazon.lambda.powertools.metrics.MetricsFactory;
import software.amazon.lambda.powertools.metrics.model.MetricUnit;

/**
 * What a guard function's handler does, so handlers only name their APIs: configuration and
 * clients built once at cold start, then per invocation the guard loop, a report in the log,
 * CloudWatch metrics (Embedded Metric Format) and the report as the function's result.
 */
public final class GuardFunction {

    static final String NAMESPACE = "LambdaGuardrail";

    private final Guard guard;
    private final JsonLog log;
    private final String metricsNamespace;

    public GuardFunction(Guard guard, JsonLog log, String metricsNamespace) {
        this.guard = guard;
        this.log = log;
        this.metricsNamespace = metricsNamespace;
    }

    /** Reads and validates the environment; a bad value fails the cold start, naming the variable. */
    public static GuardFunction fromEnvironment(Map<String, String> env, List<WatchedApi> apis) {
        JsonLog log = new JsonLog(System.out);
        GuardConfig config = GuardConfig.fromEnvironment(env);
        LocalRunCheck.check(config, env, System.getProperty(LocalRunCheck.ENDPOINT_PROPERTY));
        return new GuardFunction(Guard.create(config, apis, AwsClients.fromEnvironment(config.securityHub()), log), log,
                env.getOrDefault("POWERTOOLS_METRICS_NAMESPACE", NAMESPACE));
    }

    public void handle(InputStream input, OutputStream output, Context context) throws IOException {
        GuardReport report = new GuardReport();
        try {
            // Each claim is held for the invocation's remaining time (plus a margin), and no longer.
            guard.handle(input, report, context == null ? Guard.NO_CONTEXT_TIME_LEFT
                    : Duration.ofMillis(Math.max(0, context.getRemainingTimeInMillis())));
        } finally {
            // Also for a failed invocation: the alarms tell a deferred duplicate from a real failure.
            log.info("invocation done", f -> f.put("requestId", context == null ? "" : context.getAwsRequestId())
                    .set("report", report.toJson()));
            publishMetrics(report);
        }
        output.write(report.toString().getBytes(StandardCharsets.UTF_8));
    }

    private void publishMetrics(GuardReport report) {
        Metrics metrics = MetricsFactory.getMetricsInstance();
        metrics.setNamespace(metricsNamespace);
        metrics.addMetric("Findings", report.findings(), MetricUnit.COUNT);
        metrics.addMetric("Rollbacks", report.rollbacks(), MetricUnit.COUNT);
        metrics.addMetric("Skips", report.skipped() + report.duplicates(), MetricUnit.COUNT);
        metrics.addMetric("InvalidEvents", report.invalid(), MetricUnit.COUNT);
        metrics.addMetric("NotificationFailures", report.notificationFailures(), MetricUnit.COUNT);
        metrics.addMetric("SecurityHubFailures", report.securityHubFailures(), MetricUnit.COUNT);
        metrics.addMetric("Exempted", report.exempted(), MetricUnit.COUNT);
        metrics.addMetric("Tampers", report.tampers(), MetricUnit.COUNT);
        metrics.addMetric("ActionFailures", report.actionFailures(), MetricUnit.COUNT);
        metrics.addMetric("DeferredDuplicates", report.deferred(), MetricUnit.COUNT);
        metrics.addMetric("Heartbeats", report.heartbeats(), MetricUnit.COUNT);
        metrics.flush();
    }
}
