package io.github.lambdaguardrail.runtime;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.lambdaguardrail.engine.Json;
import java.io.PrintStream;
import java.time.Clock;
import java.util.Map;

/**
 * CloudWatch metrics of an invocation, as one line of CloudWatch's Embedded Metric Format on
 * standard output: Lambda ships it to CloudWatch Logs, which turns each named count into a metric
 * in {@code namespace} with the one dimension {@code Service}, the dimension the template's alarms
 * select. Written with Jackson, which every event has loaded already, rather than Powertools
 * Metrics, whose first flush took about 100 ms of every cold start (README, Function settings).
 * Thread-safe.
 */
public final class EmfMetrics {

    /** The namespace's variable (the Powertools name, which the template and env.json set). */
    static final String NAMESPACE_VARIABLE = "POWERTOOLS_METRICS_NAMESPACE";
    /** The {@code Service} dimension's variable (the Powertools name, set per function by the template). */
    static final String SERVICE_VARIABLE = "POWERTOOLS_SERVICE_NAME";
    static final String DEFAULT_NAMESPACE = "LambdaGuardrail";

    private final PrintStream out;
    private final String namespace;
    private final String service;
    private final Clock clock;

    public EmfMetrics(PrintStream out, String namespace, String service, Clock clock) {
        this.out = out;
        this.namespace = namespace;
        this.service = service;
        this.clock = clock;
    }

    /** Metrics of the function in {@code env}: its namespace (default {@value #DEFAULT_NAMESPACE}) and service. */
    public static EmfMetrics fromEnvironment(Map<String, String> env, PrintStream out) {
        return new EmfMetrics(out, env.getOrDefault(NAMESPACE_VARIABLE, DEFAULT_NAMESPACE),
                env.getOrDefault(SERVICE_VARIABLE, env.getOrDefault("AWS_LAMBDA_FUNCTION_NAME", "unknown")),
                Clock.systemUTC());
    }

    /** Writes one line holding {@code counts}, in their order, as {@code Count} metrics. */
    public void publish(Map<String, ? extends Number> counts) {
        ObjectNode line = Json.object();
        ObjectNode directive = line.putObject("_aws").put("Timestamp", clock.millis())
                .putArray("CloudWatchMetrics").addObject().put("Namespace", namespace);
        directive.putArray("Dimensions").addArray().add("Service");
        ArrayNode metrics = directive.putArray("Metrics");
        line.put("Service", service);
        counts.forEach((name, count) -> {
            metrics.addObject().put("Name", name).put("Unit", "Count");
            line.put(name, count.longValue());
        });
        synchronized (out) {
            out.println(Json.write(line));
        }
    }
}
