package io.github.lambdaguardrail.guard.securityhub;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.lambdaguardrail.engine.Json;
import io.github.lambdaguardrail.runtime.Failures;
import io.github.lambdaguardrail.runtime.JsonLog;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.List;
import software.amazon.awssdk.services.securityhub.model.AwsSecurityFinding;

/**
 * The exporter: each SNS message of an invocation (Lambda delivers one per invocation) is read as a
 * verdict's alert ({@link VerdictAlert}), turned into ASFF findings ({@link AsffFindings}) and
 * imported with one {@code BatchImportFindings}. The SNS alert has reached operators already; the
 * exporter is never silent about what does not reach Security Hub:
 *
 * <ul>
 *   <li>A message that is not a verdict's alert: one ERROR line naming the SNS message and why,
 *       counted ({@code InvalidAlerts}); nothing is imported, nothing is retried.</li>
 *   <li>Findings Security Hub refuses, or a call that fails the same way every time (access
 *       denied, Security Hub not enabled): ERROR with the finding ids, counted
 *       ({@code SecurityHubFailures}), not retried.</li>
 *   <li>A failure a later attempt can cure (throttling, 5xx, timeouts, after the SDK's own
 *       retries): ERROR, then thrown, so Lambda retries the event; an import is idempotent by
 *       finding id. After Lambda's last retry the event goes to the failure queue, which is alarmed.</li>
 * </ul>
 * Thread-safe if its collaborators are.
 */
final class SecurityHubExport {


    private final SecurityHubFindings securityHub;
    private final JsonLog log;
    private final Clock clock;

    SecurityHubExport(SecurityHubFindings securityHub, JsonLog log, Clock clock) {
        this.securityHub = securityHub;
        this.log = log;
        this.clock = clock;
    }

    /** Handles one invocation's payload, Lambda's SNS event, counting into {@code report} (valid also if this throws). */
    void handle(InputStream payload, ExportReport report) {
        JsonNode records;
        try {
            JsonNode event = Json.read(payload);
            records = event.path("Records");
        } catch (JsonProcessingException e) {
            invalid("", "the payload is not JSON" + VerdictAlert.where(e), report);
            return;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (!records.isArray() || records.isEmpty()) {
            invalid("", "the payload is not an SNS event: no Records", report);
            return;
        }
        for (JsonNode record : records) {
            report.messages++;
            JsonNode sns = record.path("Sns");
            String messageId = sns.path("MessageId").isTextual() ? sns.path("MessageId").asText() : "";
            if (!"aws:sns".equals(record.path("EventSource").asText()) || !sns.path("Message").isTextual()) {
                invalid(messageId, "not an SNS record with a message", report);
                continue;
            }
            try {
                export(VerdictAlert.read(sns.path("Message").asText()), messageId, report);
            } catch (VerdictAlert.NotAVerdictAlert e) {
                invalid(messageId, e.getMessage(), report);
            }
        }
    }

    private void export(VerdictAlert alert, String messageId, ExportReport report) {
        List<String> ids = alert.findings().stream().map(f -> AsffFindings.id(alert.eventId(), f.ruleId())).toList();
        try {
            List<AwsSecurityFinding> findings = AsffFindings.of(alert, clock.instant());
            List<SecurityHubFindings.Refused> refused = securityHub.importFindings(findings);
            report.findingsImported += findings.size() - refused.size();
            report.securityHubFailures += refused.size();
            if (refused.isEmpty()) {
                log.info("findings imported into Security Hub", f -> ids(f, alert, messageId).put("findingIds", String.join(",", ids)));
            } else {
                log.error("Security Hub refused findings; the SNS alert is unaffected", f -> ids(f, alert, messageId)
                        .put("findingIds", String.join(",", refused.stream().map(SecurityHubFindings.Refused::id).toList()))
                        .put("detail", String.join("; ", refused.stream().map(SecurityHubFindings.Refused::reason).toList())));
            }
        } catch (RuntimeException e) {
            boolean retried = Failures.isTransient(e);
            if (!retried) {
                report.securityHubFailures += ids.size();
            }
            log.error(retried ? "Security Hub import failed; Lambda retries the alert"
                    : "Security Hub import failed; the SNS alert is unaffected", f -> ids(f, alert, messageId)
                    .put("findingIds", String.join(",", ids)).put("error", e.getClass().getSimpleName())
                    .put("detail", Failures.describe(e)));
            if (retried) {
                throw e;
            }
        }
    }

    /** A message that is not a verdict's alert: logged with why, counted, never retried. */
    private void invalid(String messageId, String reason, ExportReport report) {
        report.invalidAlerts++;
        log.error("not a verdict's alert; nothing imported", f -> f.put("messageId", messageId).put("reason", reason));
    }

    private static ObjectNode ids(ObjectNode f, VerdictAlert alert, String messageId) {
        return f.put("messageId", messageId).put("eventId", alert.eventId()).put("decision", alert.decision())
                .put("functionArn", alert.function().map(VerdictAlert.FunctionArn::qualifiedArn).orElse(""));
    }
}
