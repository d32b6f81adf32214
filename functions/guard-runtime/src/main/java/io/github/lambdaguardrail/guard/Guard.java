package io.github.lambdaguardrail.guard;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.lambdaguardrail.engine.Action;
import io.github.lambdaguardrail.engine.CloudTrailReader;
import io.github.lambdaguardrail.engine.Decision;
import io.github.lambdaguardrail.engine.FunctionFacts;
import io.github.lambdaguardrail.engine.FunctionRef;
import io.github.lambdaguardrail.engine.GuardrailEngine;
import io.github.lambdaguardrail.engine.Json;
import io.github.lambdaguardrail.engine.LambdaChange;
import io.github.lambdaguardrail.engine.LambdaEvent;
import io.github.lambdaguardrail.engine.LiveFunction;
import io.github.lambdaguardrail.engine.ParsedRecord;
import io.github.lambdaguardrail.engine.RuleId;
import io.github.lambdaguardrail.engine.UnreadableInputException;
import io.github.lambdaguardrail.engine.Verdict;
import io.github.lambdaguardrail.engine.VerdictJson;
import io.github.lambdaguardrail.engine.VpcConfig;
import io.github.lambdaguardrail.engine.WatchedApi;
import io.github.lambdaguardrail.runtime.Failures;
import io.github.lambdaguardrail.runtime.JsonLog;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.sns.SnsClient;

/**
 * The guard loop shared by both functions: parse → evaluate → act → alert, once per CloudTrail
 * event. Never silent: every verdict with findings (exempted ones too) and every event it cannot
 * read sends an alert, whatever happens while acting.
 *
 * <ul>
 *   <li>An unusable event is alerted (what could be read of it) and dropped: retrying cannot help.</li>
 *   <li>A failure that a retry can cure (throttling, 5xx, timeouts) releases the event's claim and
 *       is thrown, so Lambda retries; on the last attempt it becomes a {@code FAILED} outcome.</li>
 *   <li>Any other failure while acting (access denied, invalid parameter, a bad tag value) is a
 *       {@code FAILED} outcome in the alert, never a retry.</li>
 *   <li>If sending the alert of an event fails, the alert is kept with the event's claim, and a
 *       later delivery sends it without acting again. (An invocation that dies between acting
 *       and alerting keeps nothing: the retry reads the live state again, finds the change
 *       undone and alerts that.)</li>
 * </ul>
 * The alert's subscribers take it from there (with {@code SecurityHub=true}, the Security Hub exporter).
 * Thread-safe if its collaborators are.
 */
public final class Guard {

    /** Deliveries of one event: Lambda's first attempt and its two asynchronous retries. */
    public static final int MAX_ATTEMPTS = 3;
    /** The time an invocation has without a Lambda context (local runs, tests): the guard functions' timeout. */
    public static final Duration NO_CONTEXT_TIME_LEFT = Duration.ofSeconds(60);
    /**
     * Added to an invocation's time left for the hold of its claims: the runtime's shutdown and the
     * clock skew between Lambda hosts. A claim is held until its invocation has surely ended, and
     * no longer, so that a retry of a crashed or timed-out invocation can take the event over.
     */
    static final Duration LEASE_MARGIN = Duration.ofSeconds(30);
    /** The function ARN whose known-good VPC config {@link #rehearseReads} reads: no function has it. */
    static final String REHEARSAL_KEY = "arn:aws:lambda:none:000000000000:function:guardrail-snapshot-rehearsal";

    private final GuardConfig config;
    private final Set<WatchedApi> own;
    private final GuardrailEngine engine;
    private final Remediator remediator;
    private final Notifier notifier;
    private final StateStore state;
    private final FunctionFactsSource facts;
    private final JsonLog log;

    /**
     * @param apis the changes this guard judges on every function; it also judges every
     *             {@link WatchedApi#tamper()} call that touches the guardrail itself
     */
    public Guard(GuardConfig config, List<WatchedApi> apis, Remediator remediator, Notifier notifier,
                 StateStore state, FunctionFactsSource facts, JsonLog log) {
        this.config = config;
        this.own = Set.copyOf(apis);
        this.engine = config.engine();
        this.remediator = remediator;
        this.notifier = notifier;
        this.state = state;
        this.facts = facts;
        this.log = log;
    }

    /** Wires a guard to the real AWS clients, each built when an event first needs it. */
    public static Guard create(GuardConfig config, List<WatchedApi> apis, AwsClients aws, JsonLog log) {
        return create(config, apis, aws::lambda, aws::sns, aws::dynamo, log);
    }

    /**
     * Wires a guard that reads and changes functions through {@code lambda} (in organisation mode,
     * a member account's client) and keeps its state and sends its alerts through its own clients.
     */
    public static Guard create(GuardConfig config, List<WatchedApi> apis, Supplier<LambdaClient> lambda,
                               Supplier<SnsClient> sns, Supplier<DynamoDbClient> dynamo, JsonLog log) {
        StateStore state = new DynamoDbStateStore(dynamo, config.stateTable());
        return new Guard(config, apis, new LambdaRemediator(lambda), new SnsNotifier(sns, config.topicArn()),
                state, new LambdaFunctionFacts(new FunctionReader(lambda), state), log);
    }

    /** Handles one invocation's payload (an EventBridge event; any CloudTrail form is accepted). */
    public GuardReport handle(InputStream payload) {
        GuardReport report = new GuardReport();
        handle(payload, report);
        return report;
    }

    /** Handles one invocation's payload, counting into {@code report}, with {@link #NO_CONTEXT_TIME_LEFT}. */
    public void handle(InputStream payload, GuardReport report) {
        handle(payload, report, NO_CONTEXT_TIME_LEFT);
    }

    /**
     * Handles one invocation's payload, counting into {@code report} (which stays valid if this
     * throws).
     *
     * @param timeLeft the invocation's remaining time (Lambda's {@code Context.getRemainingTimeInMillis}):
     *                 its claims are held that long plus {@link #LEASE_MARGIN}
     */
    public void handle(InputStream payload, GuardReport report, Duration timeLeft) {
        Instant holdUntil = Instant.now().plus(timeLeft).plus(LEASE_MARGIN);
        try {
            CloudTrailReader.read(payload, record -> handle(record, report, holdUntil));
        } catch (UnreadableInputException e) {
            invalid(e.getMessage(), Map.of(), report, holdUntil);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void handle(ParsedRecord record, GuardReport report, Instant holdUntil) {
        report.records++;
        switch (record) {
            case ParsedRecord.Invalid bad -> invalid(bad.reason(), bad.seen(), report, holdUntil);
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
                judged(engine.evaluate(guarded.call()), () -> engine.evaluate(guarded.call()), report, holdUntil);
            }
            case ParsedRecord.Watched watched when own.contains(watched.event().api()) || engine.concernsGuardrail(watched.event()) ->
                    handle(watched.event(), report, holdUntil);
            case ParsedRecord.Watched watched -> {
                report.skipped++;
                log.info("event for the other guard skipped", f -> f.put("eventId", watched.event().header().eventId())
                        .put("eventName", watched.event().header().eventName()));
            }
        }
    }

    private void handle(LambdaEvent event, GuardReport report, Instant holdUntil) {
        report.evaluated++;
        // Facts only ever exempt findings or refine a rollback (proof of an introduced violation,
        // the live state to plan against), so a verdict without them that finds nothing stands.
        Verdict first = engine.evaluate(event, FunctionFacts.NONE);
        if (first.decision() == Decision.ALLOW) {
            logVerdict(first);
            rememberIfKnownGood(event, first);
            return;
        }
        judged(first, () -> engine.evaluate(event, facts.factsFor(event.change())), report, holdUntil);
    }

    /**
     * Claims the event, judges it with the function's facts, acts and alerts. The first verdict
     * (without facts) stands in the alert when the facts cannot be read for good.
     */
    private void judged(Verdict first, Supplier<Verdict> withFacts, GuardReport report, Instant holdUntil) {
        if (first.decision() == Decision.SKIP || first.decision() == Decision.ALLOW) {
            logVerdict(first);
            report.skipped += first.decision() == Decision.SKIP ? 1 : 0;
            return;
        }
        // Counted before anything can fail: a disabled key breaks the claim, and this metric's alarm
        // takes the alarm topic, which that key does not encrypt.
        report.tampers += (int) first.findings().stream().filter(f -> f.ruleId() == RuleId.GUARDRAIL_TAMPERED).count();
        String eventId = first.header().eventId();
        switch (claim(eventId, holdUntil, report)) {
            case StateStore.Claim.Done done -> {
                report.duplicates++;
                log.info("duplicate delivery skipped", f -> f.put("eventId", eventId));
            }
            case StateStore.Claim.AlertPending pending -> {
                log.info("sending the alert a failed delivery left", f -> f.put("eventId", eventId));
                send(new Held(eventId, pending.owner()), pending.alert(), report);
            }
            case StateStore.Claim.Fresh fresh -> handleClaimed(first, withFacts, fresh, report);
        }
    }

    /** Judges, acts and alerts on an event this invocation just claimed. */
    private void handleClaimed(Verdict first, Supplier<Verdict> withFacts, StateStore.Claim.Fresh fresh, GuardReport report) {
        String eventId = first.header().eventId();
        Held held = new Held(eventId, fresh.owner());
        boolean lastAttempt = fresh.attempt() >= MAX_ATTEMPTS;
        List<ActionOutcome> outcomes = new ArrayList<>();
        Alert alert;
        try {
            Verdict verdict = withFacts(first, withFacts, lastAttempt, outcomes);
            logVerdict(verdict);
            count(verdict, report);
            if (verdict.decision() == Decision.ALLOW) {
                complete(held);
                return;
            }
            outcomes.addAll(act(verdict, eventId, lastAttempt, report));
            alert = Alert.of(verdict, outcomes, config.dryRun());
        } catch (RuntimeException e) {
            log.error("handling failed; the event will be retried", f -> ids(f, first)
                    .put("error", e.getClass().getSimpleName()).put("detail", String.valueOf(e.getMessage())));
            release(held, e);
            throw e;
        }
        send(held, alert, report);
    }

    /** An event this invocation claimed, and the owner token of its claim. */
    private record Held(String eventId, String owner) {
    }

    /** The verdict with the function's facts; without them (as a FAILED outcome) when they cannot be read for good. */
    private Verdict withFacts(Verdict first, Supplier<Verdict> withFacts, boolean lastAttempt,
                              List<ActionOutcome> outcomes) {
        try {
            return withFacts.get();
        } catch (RuntimeException e) {
            if (Failures.isTransient(e) && !lastAttempt) {
                throw e;
            }
            outcomes.add(ActionOutcome.failed("READ_FUNCTION", "the function's live state, tags and known-good VPC config"
                    + " could not be read (" + Failures.describe(e) + "): nothing was changed, exemptions by tag were not checked"));
            return new Verdict(first.header(), first.decision() == Decision.ROLLBACK ? Decision.NOTIFY : first.decision(),
                    first.note(), first.function(), first.findings(), first.results(),
                    first.actions().stream().filter(a -> a.kind() == Action.Kind.NOTIFY).toList());
        }
    }

    private StateStore.Claim claim(String eventId, Instant holdUntil, GuardReport report) {
        try {
            return state.claim(eventId, holdUntil);
        } catch (EventInProgressException e) {
            // Another invocation holds the event (a concurrent duplicate, or it crashed): retry later.
            report.deferred++;
            log.info("event held by another invocation; Lambda retries it later", f -> f.put("eventId", eventId));
            throw e;
        } catch (RuntimeException e) {
            log.error("could not claim the event; it will be retried", f -> f.put("eventId", eventId)
                    .put("error", e.getClass().getSimpleName()).put("detail", String.valueOf(e.getMessage())));
            throw e;
        }
    }

    private void count(Verdict verdict, GuardReport report) {
        report.findings += verdict.activeFindings().size();
        report.exempted += verdict.findings().size() - verdict.activeFindings().size();
    }

    private List<ActionOutcome> act(Verdict verdict, String eventId, boolean lastAttempt, GuardReport report) {
        List<ActionOutcome> outcomes = new ArrayList<>();
        if (verdict.decision() != Decision.ROLLBACK) {
            return outcomes;
        }
        for (Action action : verdict.actions()) {
            ActionOutcome outcome;
            switch (action) {
                case Action.RemovePermission remove -> outcome = carryOut(remove, () -> remediator.removePermission(remove), lastAttempt);
                case Action.Quarantine quarantine ->
                        outcome = carryOut(quarantine, () -> remediator.quarantine(quarantine, eventId), lastAttempt);
                case Action.RestoreVpcConfig restore ->
                        outcome = carryOut(restore, () -> remediator.restoreVpcConfig(restore), lastAttempt);
                case Action.LeaveAlone leave -> outcome = leftAlone(leave);
                case Action.Notify notify -> {
                    continue; // the alert, sent once the actions are done
                }
            }
            outcomes.add(outcome);
            report.rollbacks += outcome.status() == ActionOutcome.Status.DONE ? 1 : 0;
            report.actionFailures += outcome.status() == ActionOutcome.Status.FAILED ? 1 : 0;
            log.info("action", f -> ids(f, verdict).put("action", outcome.type()).put("status", outcome.status().name())
                    .put("detail", outcome.detail()));
        }
        return outcomes;
    }

    /** A rollback: what the remediator did, or in a dry run what it would do. */
    private ActionOutcome carryOut(Action action, Supplier<ActionOutcome> remediation, boolean lastAttempt) {
        if (config.dryRun()) {
            return wouldDo(action);
        }
        try {
            return remediation.get();
        } catch (RuntimeException e) {
            if (Failures.isTransient(e) && !lastAttempt) {
                throw e;
            }
            return ActionOutcome.failed(action.type(), (Failures.isTransient(e) ? "still failing after "
                    + MAX_ATTEMPTS + " attempts: " : "") + Failures.describe(e) + "; nothing was changed by this action");
        }
    }

    /** A rollback the engine found must not be done: nothing is written, the outcome says why. */
    private static ActionOutcome leftAlone(Action.LeaveAlone leave) {
        return ActionOutcome.of(leave.instead().name(), leave.alreadyUndone() ? ActionOutcome.Status.ALREADY_DONE
                : ActionOutcome.Status.LEFT_ALONE, leave.reason());
    }

    private static ActionOutcome wouldDo(Action action) {
        return ActionOutcome.of(action.type(), ActionOutcome.Status.DRY_RUN,
                "dry run: would " + action.type().toLowerCase(Locale.ROOT).replace('_', ' ')
                        + " " + Json.write(VerdictJson.toJson(action)));
    }

    /**
     * Publishes an alert and completes the event. A failure keeps the alert with the claim for a
     * later delivery (and is thrown, so Lambda retries; after the last retry the failure queue's
     * alarm and the notification-failure alarm go to the alarm topic).
     */
    private void send(Held held, Alert alert, GuardReport report) {
        String eventId = held.eventId();
        try {
            notifier.publish(alert);
            report.notifications++;
        } catch (RuntimeException e) {
            report.notificationFailures++;
            log.error("notification failed; a retry sends it without acting again", f -> f.put("eventId", eventId)
                    .put("decision", alert.decision()).put("ruleIds", String.join(",", alert.ruleIds()))
                    .put("functionArn", alert.document().path("function").asText(""))
                    .put("error", e.getClass().getSimpleName()).put("detail", String.valueOf(e.getMessage())));
            keepAlert(held, alert, e);
            throw e;
        }
        complete(held);
    }

    /** Completes the event if this invocation still holds its claim; the one that took it over completes it otherwise. */
    private void complete(Held held) {
        if (!state.complete(held.eventId(), held.owner())) {
            log.warn("claim taken over by another invocation; left for it to complete", f -> f.put("eventId", held.eventId()));
        }
    }

    /** An event the guard cannot read: alerted once (by event id when it has one) with what could be read. */
    private void invalid(String reason, Map<String, String> seen, GuardReport report, Instant holdUntil) {
        report.invalid++;
        log.error("unusable event", f -> {
            f.put("reason", reason);
            seen.forEach(f::put);
        });
        Alert alert = Alert.invalid(reason, seen);
        String eventId = seen.get("eventID");
        if (eventId == null) {
            notifyOnce(alert, report);
            return;
        }
        switch (claim(eventId, holdUntil, report)) {
            case StateStore.Claim.Done done -> report.duplicates++;
            case StateStore.Claim.AlertPending pending -> send(new Held(eventId, pending.owner()), pending.alert(), report);
            case StateStore.Claim.Fresh fresh -> send(new Held(eventId, fresh.owner()), alert, report);
        }
    }

    /** An alert with no event id to keep it by: a failure is thrown so that Lambda retries the whole payload. */
    private void notifyOnce(Alert alert, GuardReport report) {
        try {
            notifier.publish(alert);
            report.notifications++;
        } catch (RuntimeException e) {
            report.notificationFailures++;
            log.error("notification failed", f -> f.put("decision", alert.decision())
                    .put("error", e.getClass().getSimpleName()).put("detail", String.valueOf(e.getMessage())));
            throw e;
        }
    }

    /** Gives up this invocation's claim after its alert failed, keeping the alert for the retry that takes the event. */
    private void keepAlert(Held held, Alert alert, RuntimeException cause) {
        try {
            if (!state.keepAlert(held.eventId(), held.owner(), alert)) {
                log.warn("claim taken over by another invocation; the unsent alert is left to it", f -> f.put("eventId", held.eventId()));
            }
        } catch (RuntimeException keepFailure) {
            // The claim then runs out after its lease; the retry reads the live state and alerts again.
            cause.addSuppressed(keepFailure);
        }
    }

    /** Gives up this invocation's claim after a failure, so a retry can take the event at once. */
    private void release(Held held, RuntimeException cause) {
        try {
            state.release(held.eventId(), held.owner());
        } catch (RuntimeException releaseFailure) {
            // The claim then runs out after its lease; the original failure is what matters.
            cause.addSuppressed(releaseFailure);
        }
    }

    /**
     * A compliant VPC config becomes the one to restore if a later update removes or breaks it. It
     * is read from the live function, every field (CloudTrail's record shows not all), and only
     * while the function still has the config the event set: a late event never overwrites a newer
     * one.
     */
    private void rememberIfKnownGood(LambdaEvent event, Verdict verdict) {
        Optional<VpcConfig> set = GuardrailEngine.knownGoodVpc(event.change(), verdict);
        if (set.isEmpty()) {
            return;
        }
        FunctionRef function = event.change().function();
        Optional<VpcConfig> live = switch (facts.live(function)) {
            case LiveFunction.Found found -> Optional.of(found.vpc());
            case LiveFunction.Missing missing -> Optional.empty();
        };
        if (live.filter(vpc -> vpc.sameAttachment(set.get())).isPresent()) {
            state.rememberKnownGoodVpc(function.arn(), live.get());
        } else {
            log.info("known-good VPC config not remembered: the function no longer has the config the event set",
                    f -> f.put("eventId", event.header().eventId()).put("functionArn", function.arn()));
        }
    }

    /**
     * Judges the Lambda changes in {@code payload} as an event would be judged, without reading,
     * acting, alerting or logging: the engine's and the alert's code is loaded and run once (for
     * a SnapStart snapshot). Returns the number of verdicts rendered.
     */
    int rehearse(InputStream payload) {
        List<Verdict> verdicts = new ArrayList<>();
        try {
            CloudTrailReader.read(payload, record -> {
                if (record instanceof ParsedRecord.Watched watched) {
                    verdicts.add(engine.evaluate(watched.event(), FunctionFacts.NONE));
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        verdicts.forEach(v -> Alert.of(v, List.of(), config.dryRun()).toJson());
        return verdicts.size();
    }

    /**
     * Reads once through each adapter that reads, writing nothing: this guard's own function
     * ({@code GetFunction}, when it knows its name) and a state item that never exists ({@code GetItem}),
     * so the SDK's request path is loaded and run before a SnapStart snapshot.
     */
    void rehearseReads() {
        config.functionName().ifPresent(name -> facts.live(new FunctionRef(name, Optional.empty(), name)));
        state.lastKnownGoodVpc(REHEARSAL_KEY);
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
                .put("decision", verdict.decision().name())
                .put("functionArn", verdict.function().map(fn -> fn.qualifiedArn()).orElse(""))
                .put("ruleIds", String.join(",", verdict.findings().stream().map(x -> x.ruleId().name()).toList()));
    }
}
