package io.github.lambdaguardrail.guard;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.lambdaguardrail.engine.Action;
import io.github.lambdaguardrail.engine.CloudTrailReader;
import io.github.lambdaguardrail.engine.Decision;
import io.github.lambdaguardrail.engine.Finding;
import io.github.lambdaguardrail.engine.FunctionFacts;
import io.github.lambdaguardrail.engine.GuardrailEngine;
import io.github.lambdaguardrail.engine.LambdaChange;
import io.github.lambdaguardrail.engine.LambdaEvent;
import io.github.lambdaguardrail.engine.ParsedRecord;
import io.github.lambdaguardrail.engine.RuleId;
import io.github.lambdaguardrail.engine.RuleStatus;
import io.github.lambdaguardrail.engine.UnreadableInputException;
import io.github.lambdaguardrail.engine.Verdict;
import io.github.lambdaguardrail.engine.WatchedApi;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * The guard loop shared by both functions: parse → evaluate → act, idempotently.
 *
 * <ul>
 *   <li>An unusable event is logged and dropped: retrying it cannot help.</li>
 *   <li>A transient AWS failure (after the SDK's retries) releases the event's claim and is
 *       thrown, so Lambda's async retry and the on-failure destination take over.</li>
 *   <li>A failed notification never undoes a rollback; it is logged and counted.</li>
 * </ul>
 * Thread-safe if its collaborators are.
 */
public final class Guard {

    private final GuardConfig config;
    private final Set<WatchedApi> apis;
    private final GuardrailEngine engine;
    private final Remediator remediator;
    private final Notifier notifier;
    private final StateStore state;
    private final FunctionFactsSource facts;
    private final JsonLog log;

    public Guard(GuardConfig config, List<WatchedApi> apis, Remediator remediator, Notifier notifier,
                 StateStore state, FunctionFactsSource facts, JsonLog log) {
        this.config = config;
        this.apis = Set.copyOf(apis);
        this.engine = new GuardrailEngine(config.policy(), new HashSet<>(config.selfRoleArns()));
        this.remediator = remediator;
        this.notifier = notifier;
        this.state = state;
        this.facts = facts;
        this.log = log;
    }

    /** Wires a guard to the real AWS clients. */
    public static Guard create(GuardConfig config, List<WatchedApi> apis, AwsClients aws, JsonLog log) {
        StateStore state = new DynamoDbStateStore(aws.dynamo(), config.stateTable());
        return new Guard(config, apis, new LambdaRemediator(aws.lambda()), new SnsNotifier(aws.sns(), config.topicArn()),
                state, new LambdaFunctionFacts(aws.lambda(), state), log);
    }

    /** Handles one invocation's payload (an EventBridge event; any CloudTrail form is accepted). */
    public GuardReport handle(InputStream payload) {
        GuardReport report = new GuardReport();
        try {
            CloudTrailReader.read(payload, record -> handle(record, report));
        } catch (UnreadableInputException e) {
            report.invalid++;
            log.error("unusable event dropped", f -> f.put("reason", e.getMessage()).put("recordIndex", e.recordIndex()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return report;
    }

    private void handle(ParsedRecord record, GuardReport report) {
        report.records++;
        if (record instanceof ParsedRecord.Invalid invalid) {
            report.invalid++;
            log.error("unusable event dropped", f -> f.put("reason", invalid.reason()).put("recordIndex", invalid.index()));
        } else if (record instanceof ParsedRecord.OtherService other) {
            report.skipped++;
            log.warn("event from another service skipped", f -> f.put("eventSource", other.eventSource()));
        } else if (record instanceof ParsedRecord.Ignored ignored) {
            report.skipped++;
            log.info("event skipped", f -> f.put("eventId", ignored.header().eventId())
                    .put("eventName", ignored.header().eventName()).put("reason", ignored.reason()));
        } else {
            LambdaEvent event = ((ParsedRecord.Watched) record).event();
            if (apis.contains(event.api())) {
                handle(event, report);
            } else {
                report.skipped++;
                log.warn("event for the other guard skipped", f -> f.put("eventId", event.header().eventId())
                        .put("eventName", event.header().eventName()));
            }
        }
    }

    private void handle(LambdaEvent event, GuardReport report) {
        report.evaluated++;
        // Facts only ever exempt findings or refine a rollback, so a verdict without them that
        // finds nothing stands, and compliant events cost no extra calls.
        Verdict verdict = engine.evaluate(event, FunctionFacts.NONE);
        if (verdict.decision() == Decision.SKIP || verdict.decision() == Decision.ALLOW) {
            logVerdict(verdict);
            if (verdict.decision() == Decision.ALLOW) {
                rememberIfKnownGood(event, verdict);
            } else {
                report.skipped++;
            }
            return;
        }
        String eventId = event.header().eventId();
        Verdict unclaimed = verdict;
        boolean claimed;
        try {
            claimed = state.claim(eventId);
        } catch (RuntimeException e) {
            log.error("could not claim the event; it will be retried", f -> ids(f, unclaimed)
                    .put("error", e.getClass().getSimpleName()).put("detail", String.valueOf(e.getMessage())));
            throw e;
        }
        if (!claimed) {
            report.duplicates++;
            log.info("duplicate delivery skipped", f -> f.put("eventId", eventId));
            return;
        }
        try {
            verdict = engine.evaluate(event, facts.factsFor(event.change().function()));
            logVerdict(verdict);
            report.findings += verdict.activeFindings().size();
            if (verdict.decision() == Decision.ALLOW) {
                rememberIfKnownGood(event, verdict);
            } else {
                List<ActionOutcome> outcomes = act(verdict, eventId, report);
                notify(verdict, outcomes, report);
            }
            state.complete(eventId);
        } catch (RuntimeException e) {
            Verdict failed = verdict;
            log.error("handling failed; the event will be retried", f -> ids(f, failed)
                    .put("error", e.getClass().getSimpleName()).put("detail", String.valueOf(e.getMessage())));
            try {
                state.release(eventId);
            } catch (RuntimeException releaseFailure) {
                // The claim then runs out after its lease; the original failure is what matters.
                e.addSuppressed(releaseFailure);
            }
            throw e;
        }
    }

    private List<ActionOutcome> act(Verdict verdict, String eventId, GuardReport report) {
        List<ActionOutcome> outcomes = new ArrayList<>();
        if (verdict.decision() != Decision.ROLLBACK) {
            return outcomes;
        }
        for (Action action : verdict.actions()) {
            if (action instanceof Action.Notify) {
                continue;
            }
            ActionOutcome outcome = config.dryRun() ? wouldDo(action) : carryOut(action, eventId);
            outcomes.add(outcome);
            if (outcome.status() == ActionOutcome.Status.DONE) {
                report.rollbacks++;
            }
            log.info("action", f -> ids(f, verdict).put("action", outcome.type()).put("status", outcome.status().name())
                    .put("detail", outcome.detail()));
        }
        return outcomes;
    }

    private ActionOutcome carryOut(Action action, String eventId) {
        if (action instanceof Action.RemovePermission remove) {
            return remediator.removePermission(remove);
        }
        if (action instanceof Action.Quarantine quarantine) {
            return remediator.quarantine(quarantine, eventId);
        }
        return remediator.restoreVpcConfig((Action.RestoreVpcConfig) action);
    }

    private static ActionOutcome wouldDo(Action action) {
        return ActionOutcome.of(action.type(), ActionOutcome.Status.DRY_RUN,
                "dry run: would " + action.type().toLowerCase(java.util.Locale.ROOT).replace('_', ' ')
                        + " " + io.github.lambdaguardrail.engine.VerdictJson.toJson(action));
    }

    private void notify(Verdict verdict, List<ActionOutcome> outcomes, GuardReport report) {
        try {
            notifier.publish(Alert.of(verdict, outcomes, config.dryRun()));
            report.notifications++;
        } catch (SdkException e) {
            report.notificationFailures++;
            log.error("notification failed; the rollback stands", f -> ids(f, verdict)
                    .put("error", e.getClass().getSimpleName()).put("detail", String.valueOf(e.getMessage())));
        }
    }

    /** A compliant VPC config becomes the one to restore if a later update removes or breaks it. */
    private void rememberIfKnownGood(LambdaEvent event, Verdict verdict) {
        if (!(event.change() instanceof LambdaChange.FunctionConfigured configured) || !configured.resultingVpc().isAttached()) {
            return;
        }
        boolean compliant = verdict.results().stream()
                .filter(r -> r.rule() == RuleId.LAMBDA_NOT_IN_VPC || r.rule() == RuleId.LAMBDA_VPC_NOT_ALLOWED)
                .allMatch(r -> r.status() == RuleStatus.PASS);
        if (compliant && verdict.findings().isEmpty()) {
            state.rememberKnownGoodVpc(configured.function().arn(), configured.resultingVpc());
        }
    }

    private void logVerdict(Verdict verdict) {
        log.info("verdict", f -> {
            ids(f, verdict);
            verdict.note().ifPresent(n -> f.put("note", n));
            var findings = f.putArray("findings");
            for (Finding finding : verdict.findings()) {
                ObjectNode node = findings.addObject();
                node.put("ruleId", finding.ruleId().name()).put("severity", finding.severity().name())
                        .put("origin", finding.origin().name()).put("message", finding.message());
                finding.exemption().ifPresent(e -> node.put("exemption", e));
            }
        });
    }

    private static ObjectNode ids(ObjectNode f, Verdict verdict) {
        return f.put("eventId", verdict.header().eventId()).put("eventName", verdict.header().eventName())
                .put("decision", verdict.decision().name())
                .put("functionArn", verdict.function().map(fn -> fn.qualifiedArn()).orElse(""))
                .put("ruleIds", String.join(",", verdict.activeFindings().stream().map(x -> x.ruleId().name()).toList()));
    }
}
