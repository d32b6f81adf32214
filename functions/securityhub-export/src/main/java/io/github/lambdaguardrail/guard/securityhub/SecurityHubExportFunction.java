package io.github.lambdaguardrail.guard.securityhub;

import com.amazonaws.services.lambda.runtime.Context;
import io.github.lambdaguardrail.runtime.ClientSettings;
import io.github.lambdaguardrail.runtime.EmfMetrics;
import io.github.lambdaguardrail.runtime.JsonLog;
import io.github.lambdaguardrail.runtime.Lazy;
import io.github.lambdaguardrail.runtime.SdkClients;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.services.securityhub.SecurityHubClient;

/**
 * What the exporter's handler does: its Security Hub client set up once at cold start (built when
 * the first verdict's alert needs it), then per invocation the export ({@link SecurityHubExport}),
 * a report in the log, CloudWatch metrics (Embedded Metric Format) and the report as the
 * function's result. It reads no {@code GUARDRAIL_*} variable: the alert says everything.
 */
public final class SecurityHubExportFunction {

    /** Every IAM action the exporter calls: its role grants exactly these. */
    public static final Set<String> IAM_ACTIONS = Set.of("securityhub:BatchImportFindings");
    /** The decisions of the alerts it imports: the alert subscription's filter policy passes exactly these. */
    public static final List<String> EXPORTED_DECISIONS = VerdictAlert.DECISIONS;

    private final SecurityHubExport export;
    private final JsonLog log;
    private final EmfMetrics metrics;

    SecurityHubExportFunction(SecurityHubExport export, JsonLog log, EmfMetrics metrics) {
        this.export = export;
        this.log = log;
        this.metrics = metrics;
    }

    /** The function in {@code env}: its region and credentials (as every function's, {@link ClientSettings#forEnvironment}). */
    public static SecurityHubExportFunction fromEnvironment(Map<String, String> env) {
        ClientSettings settings = ClientSettings.forEnvironment(env);
        JsonLog log = new JsonLog(System.out);
        Lazy<SecurityHubClient> securityHub = Lazy.of(() -> SdkClients.build(SecurityHubClient.builder(), settings));
        return new SecurityHubExportFunction(new SecurityHubExport(new SecurityHubImporter(securityHub), log, Clock.systemUTC()),
                log, EmfMetrics.fromEnvironment(env, System.out));
    }

    public void handle(InputStream input, OutputStream output, Context context) throws IOException {
        ExportReport report = new ExportReport();
        try {
            export.handle(input, report);
        } finally {
            log.invocationDone(context, report.toJson());
            metrics.publish(report.metrics());
        }
        output.write(report.toString().getBytes(StandardCharsets.UTF_8));
    }
}
