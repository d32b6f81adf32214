package io.github.lambdaguardrail.guard.org;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.lambdaguardrail.engine.Action;
import io.github.lambdaguardrail.engine.CloudTrailReader;
import io.github.lambdaguardrail.engine.Decision;
import io.github.lambdaguardrail.engine.FunctionFacts;
import io.github.lambdaguardrail.engine.GuardrailEngine;
import io.github.lambdaguardrail.engine.LambdaEvent;
import io.github.lambdaguardrail.engine.ParsedRecord;
import io.github.lambdaguardrail.engine.RecordHeader;
import io.github.lambdaguardrail.engine.RuleId;
import io.github.lambdaguardrail.engine.UnreadableInputException;
import io.github.lambdaguardrail.engine.Verdict;
import io.github.lambdaguardrail.engine.VerdictJson;
import io.github.lambdaguardrail.guard.ActionOutcome;
import io.github.lambdaguardrail.guard.Alert;
import io.github.lambdaguardrail.guard.GuardConfig;
import io.github.lambdaguardrail.guard.Notifier;
import io.github.lambdaguardrail.runtime.Failures;
import io.github.lambdaguardrail.runtime.JsonLog;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Organisation mode, in the central account: judges each Lambda change a member forwarded from its
 * CloudTrail record alone (it reads and changes nothing in any member), alerts every verdict with
 * findings (with the member's account and region, as the guards do), and hands each rollback, and
 * each compliant VPC config to remember, to the remediator of the function's account and region.
 *
 * <p>Never silent: an event that cannot be handed on is alerted as {@code ROLLBACK_FAILED}, saying
 * why; a failure a retry can cure is then thrown, so Lambda retries the event (the queue drops a
 * second copy within its deduplication interval, and the remediator acts once per event whatever
 * the copies). A duplicate delivery to the evaluator may alert twice: it keeps no state.
 * Exemptions by tag need the function's tags, which the remediator reads: a notify-only finding
 * is alerted here without them.
 */
public final class OrgEvaluator {

    /** EventBridge's largest event is 256 KB; anything far larger is not one. */
    static final int MAX_PAYLOAD_BYTES = 1024 * 1024;

    private final GuardrailEngine engine;
    private final boolean dryRun;
    private final RemediationQueue queue;
    private final Notifier notifier;
    private final JsonLog log;

    public OrgEvaluator(GuardConfig config, RemediationQueue queue, Notifier notifier, JsonLog log) {
        this.engine = config.engine();
        this.dryRun = config.dryRun();
        this.queue = queue;
        this.notifier = notifier;
        this.log = log;
    }

    /**
     * Handles one invocation's payload, an EventBridge event (any CloudTrail form is read; only a
     * single record can be handed on), counting into {@code report}, which stays valid if this throws.
     */
    public void handle(InputStream input, OrgReport report) throws IOException {
        byte[] payload = input.readNBytes(MAX_PAYLOAD_BYTES + 1);
        if (payload.length > MAX_PAYLOAD_BYTES) {
            invalid("payload over " + MAX_PAYLOAD_BYTES + " bytes: not an EventBridge event", Map.of(), report);
            return;
        }
        List<ParsedRecord> records = new ArrayList<>();
        try {
            CloudTrailReader.read(new ByteArrayInputStream(payload), records::add);
        } catch (UnreadableInputException e) {
            invalid(e.getMessage(), Map.of(), report);
            return;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String event = new String(payload, StandardCharsets.UTF_8);
        for (ParsedRecord record : records) {
            handle(record, records.size() == 1 ? event : null, report);
        }
    }

    /** @param event the whole payload when it holds this record alone (what the remediator takes), else null */
    private void handle(ParsedRecord record, String event, OrgReport report) {
        report.records++;
        switch (record) {
            case ParsedRecord.Invalid bad -> invalid(bad.reason(), bad.seen(), report);
            case ParsedRecord.Scheduled beat -> {
                report.heartbeats++;
                log.notJudged(beat);
            }
            case ParsedRecord.OtherService other -> {
                report.skipped++;
                log.notJudged(other);
            }
            case ParsedRecord.Ignored ignored -> {
                report.skipped++;
                log.notJudged(ignored);
            }
            case ParsedRecord.Guarded guarded -> {
                report.evaluated++;
                alertIfFound(engine.evaluate(guarded.call()), List.of(), report);
            }
            case ParsedRecord.Watched watched -> {
                report.evaluated++;
                judge(watched.event(), event, report);
            }
        }
    }

    private void judge(LambdaEvent change, String event, OrgReport report) {
        Verdict verdict = engine.evaluate(change, FunctionFacts.NONE);
        logVerdict(verdict);
        switch (verdict.decision()) {
            case SKIP -> report.skipped++;
            case ALLOW -> {
                if (GuardrailEngine.knownGoodVpc(change.change(), verdict).isPresent() && verdict.header().isActionable()) {
                    handOn(verdict, false, event, report).retry().ifPresent(e -> {
                        throw e;
                    });
                }
            }
            case ROLLBACK -> {
                Handed handed = handOn(verdict, true, event, report);
                alertIfFound(verdict, List.of(handed.outcome()), report);
                handed.retry().ifPresent(e -> {
                    throw e;
                });
            }
            default -> alertIfFound(verdict, List.of(), report);
        }
    }

    /** What became of an event handed on, and the failure to throw (after alerting) when a retry can cure it. */
    private record Handed(ActionOutcome outcome, Optional<RuntimeException> retry) {
    }

    /**
     * Sends the event to its account and region's remediator. A rollback that cannot be sent is
     * alerted before a transient failure is thrown; a known-good config that cannot be sent is
     * logged and counted (alarmed): a later rollback then has none to restore and notifies instead.
     */
    private Handed handOn(Verdict verdict, boolean rollback, String event, OrgReport report) {
        RecordHeader header = verdict.header();
        String type = rollback ? rollbackType(verdict) : Remediation.KNOWN_GOOD_VPC;
        if (event == null) {
            report.queueFailures++;
            return new Handed(ActionOutcome.failed(type, "not handed to the remediator: the payload holds several records,"
                    + " and it takes one event per message; nothing was changed"), Optional.empty());
        }
        try {
            String messageId = queue.send(new Remediation(header.account(), header.region(), header.eventId(), type, event));
            report.queued++;
            log.info("handed to the remediator", f -> f.put("eventId", header.eventId()).put("action", type)
                    .put("group", header.account() + ":" + header.region()).put("messageId", messageId));
            return new Handed(ActionOutcome.of(type, ActionOutcome.Status.QUEUED, "handed to the remediator of account "
                    + header.account() + ", region " + header.region() + (dryRun ? " (dry run: it reads and changes nothing)" : "")
                    + ": it reads the live state, acts only if the change is still there, and alerts what it did"),
                    Optional.empty());
        } catch (RuntimeException e) {
            report.queueFailures++;
            log.error("could not hand the event to the remediator", f -> f.put("eventId", header.eventId())
                    .put("action", type).put("error", e.getClass().getSimpleName()).put("detail", Failures.describe(e)));
            boolean retry = Failures.isTransient(e);
            return new Handed(ActionOutcome.failed(type, "not handed to the remediator (" + Failures.describe(e)
                    + "); nothing was changed" + (retry ? "; Lambda retries the event" : "")),
                    retry ? Optional.of(e) : Optional.empty());
        }
    }

    private static String rollbackType(Verdict verdict) {
        return verdict.actions().stream().filter(a -> a.kind() != Action.Kind.NOTIFY).map(Action::type).findFirst()
                .orElse("ROLLBACK");
    }

    /** Alerts a verdict with findings; a failed publish is thrown, so Lambda retries the event. */
    private void alertIfFound(Verdict verdict, List<ActionOutcome> outcomes, OrgReport report) {
        if (verdict.decision() == Decision.SKIP || verdict.decision() == Decision.ALLOW) {
            report.skipped += verdict.decision() == Decision.SKIP ? 1 : 0;
            return;
        }
        report.findings += verdict.activeFindings().size();
        report.exempted += verdict.findings().size() - verdict.activeFindings().size();
        report.tampers += (int) verdict.findings().stream().filter(f -> f.ruleId() == RuleId.GUARDRAIL_TAMPERED).count();
        publish(Alert.of(verdict, outcomes, dryRun), report);
    }

    private void invalid(String reason, Map<String, String> seen, OrgReport report) {
        report.invalid++;
        log.error("unusable event", f -> {
            f.put("reason", reason);
            seen.forEach(f::put);
        });
        publish(Alert.invalid(reason, seen), report);
    }

    private void publish(Alert alert, OrgReport report) {
        try {
            notifier.publish(alert);
            report.notifications++;
        } catch (RuntimeException e) {
            report.notificationFailures++;
            log.error("notification failed; Lambda retries the event", f -> f.put("decision", alert.decision())
                    .put("ruleIds", String.join(",", alert.ruleIds())).put("account", alert.account())
                    .put("region", alert.region()).put("error", e.getClass().getSimpleName()).put("detail", Failures.describe(e)));
            throw e;
        }
    }

    private void logVerdict(Verdict verdict) {
        log.info("verdict", f -> {
            ids(f, verdict);
            verdict.note().ifPresent(n -> f.put("note", n));
            f.set("findings", VerdictJson.findings(verdict.findings()));
        });
    }

    private static ObjectNode ids(ObjectNode f, Verdict verdict) {
        return f.put("eventId", verdict.header().eventId()).put("eventName", verdict.header().eventName())
                .put("account", verdict.header().account()).put("region", verdict.header().region())
                .put("decision", verdict.decision().name())
                .put("functionArn", verdict.function().map(fn -> fn.qualifiedArn()).orElse(""));
    }
}
