package io.github.lambdaguardrail.guard;

import io.github.lambdaguardrail.engine.Action;
import io.github.lambdaguardrail.engine.FunctionRef;
import io.github.lambdaguardrail.engine.FunctionTags;
import io.github.lambdaguardrail.engine.LiveFunction;
import io.github.lambdaguardrail.engine.LivePolicy;
import io.github.lambdaguardrail.engine.PolicyStatement;
import io.github.lambdaguardrail.engine.ResourcePolicy;
import io.github.lambdaguardrail.engine.RuleId;
import io.github.lambdaguardrail.engine.VpcConfig;
import io.github.lambdaguardrail.runtime.Failures;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.PreconditionFailedException;
import software.amazon.awssdk.services.lambda.model.ResourceNotFoundException;

/**
 * {@link Remediator} on the Lambda API: verifies that the live state is still what the planned
 * action expects, writes guarded by revision ids, and reports {@code LEFT_ALONE} when the live
 * state differs. It never decides what to roll back. Thread-safe; reuses one client.
 */
public final class LambdaRemediator implements Remediator {

    static final String TAG_QUARANTINE = "guardrail:quarantine";
    static final String TAG_PREVIOUS_CONCURRENCY = "guardrail:previous-concurrency";
    static final List<String> QUARANTINE_TAGS = List.of(TAG_QUARANTINE, TAG_PREVIOUS_CONCURRENCY);
    /** Re-read and re-verify this often when a revision id is stale, then leave the function alone. */
    static final int MAX_ATTEMPTS = 3;
    /** How long a restore waits for Lambda to finish the update ({@code LastUpdateStatus}), and how often it looks. */
    public static final Duration UPDATE_WAIT = Duration.ofSeconds(20);
    public static final Duration UPDATE_POLL = Duration.ofSeconds(1);
    private static final String UNRESERVED = "unreserved";
    private static final String SUCCESSFUL = "Successful";
    private static final String FAILED = "Failed";

    private final Supplier<LambdaClient> lambda;
    private final FunctionReader reader;
    private final Duration updateWait;
    private final Duration updatePoll;

    /** @param lambda called on the first rollback: a guard builds its Lambda client then */
    public LambdaRemediator(Supplier<LambdaClient> lambda) {
        this(lambda, UPDATE_WAIT, UPDATE_POLL);
    }

    /** With another wait for a restore to finish (tests). */
    public LambdaRemediator(Supplier<LambdaClient> lambda, Duration updateWait, Duration updatePoll) {
        this.lambda = lambda;
        this.reader = new FunctionReader(lambda);
        this.updateWait = updateWait;
        this.updatePoll = updatePoll;
    }

    @Override
    public ActionOutcome removePermission(Action.RemovePermission action) {
        Removal removal = removeStatement(action);
        String detail = removal.detail(action.statementId());
        return switch (removal) {
            case REMOVED -> removed(action, detail);
            case ALREADY_GONE -> ActionOutcome.of(action.type(), ActionOutcome.Status.ALREADY_DONE, detail);
            case CHANGED, CONTENDED, UNREADABLE -> ActionOutcome.of(action.type(), ActionOutcome.Status.LEFT_ALONE, detail);
        };
    }

    /** The removed statement is exactly the expected one (the same JSON): its undo is built from that. */
    private static ActionOutcome removed(Action.RemovePermission action, String detail) {
        return switch (UndoCommands.addPermission(action.function(), action.expectedStatement())) {
            case UndoCommands.Undo.Command command ->
                    new ActionOutcome(action.type(), ActionOutcome.Status.DONE, detail, List.of(command.text()));
            case UndoCommands.Undo.None none -> ActionOutcome.of(action.type(), ActionOutcome.Status.DONE, detail
                    + "; no exact undo command exists (" + none.why() + "): if the statement was approved, re-create it by"
                    + " hand from the event's responseElements.statement");
        };
    }

    /** How one removal ended. */
    private enum Removal {
        REMOVED, ALREADY_GONE, CHANGED, CONTENDED, UNREADABLE;

        String detail(String sid) {
            return switch (this) {
                case REMOVED -> "removed statement '" + sid + "'";
                case ALREADY_GONE -> "statement '" + sid + "' was already gone";
                case CHANGED -> "statement '" + sid + "' differs from what the event added; left alone";
                case CONTENDED -> "policy kept changing (" + MAX_ATTEMPTS + " attempts); statement '" + sid + "' left alone";
                case UNREADABLE -> "the live policy could not be read; statement '" + sid + "' left alone";
            };
        }
    }

    /**
     * Removes the statement guarded by a policy revision id in which it is exactly the expected
     * statement: the engine's, or else one read here. When the revision is stale, reads the policy
     * again and removes the statement only if it is still exactly the expected one.
     */
    private Removal removeStatement(Action.RemovePermission action) {
        FunctionRef function = action.function();
        String sid = action.statementId();
        Optional<String> revision = action.policyRevisionId();
        for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
            if (revision.isEmpty()) {
                LivePolicy.Found live;
                switch (reader.policy(function)) {
                    case LivePolicy.Missing missing -> {
                        return Removal.ALREADY_GONE;
                    }
                    case LivePolicy.Found found -> live = found;
                }
                if (!live.readable()) {
                    // A document that is not a policy cannot show the statement is gone.
                    return Removal.UNREADABLE;
                }
                List<PolicyStatement> same = live.statements(sid);
                if (same.isEmpty()) {
                    return Removal.ALREADY_GONE;
                }
                if (same.size() > 1 || !ResourcePolicy.sameStatement(same.get(0).raw(), action.expectedStatement())) {
                    return Removal.CHANGED;
                }
                revision = Optional.of(live.revisionId());
            }
            String guard = revision.get();
            try {
                lambda.get().removePermission(b -> b.functionName(function.arn()).statementId(sid)
                        .qualifier(function.qualifier().orElse(null)).revisionId(guard));
                return Removal.REMOVED;
            } catch (PreconditionFailedException e) {
                // The policy changed since that revision: read it again and verify again.
                revision = Optional.empty();
            } catch (ResourceNotFoundException e) {
                return Removal.ALREADY_GONE;
            }
        }
        return Removal.CONTENDED;
    }

    @Override
    public ActionOutcome quarantine(Action.Quarantine action, String eventId) {
        FunctionRef function = action.function();
        Optional<FunctionReader.Snapshot> found = reader.function(function.arn());
        if (found.isEmpty()) {
            return ActionOutcome.of(action.type(), ActionOutcome.Status.ALREADY_DONE, "function no longer exists");
        }
        FunctionReader.Snapshot current = found.get();
        VpcConfig live = current.live().vpc();
        if (!live.sameAttachment(action.expectedVpc())) {
            return ActionOutcome.of(action.type(), ActionOutcome.Status.LEFT_ALONE, "the live VPC config (" + live.describe()
                    + ") is no longer what the event set (" + action.expectedVpc().describe() + "): the function changed"
                    + " after the event; left alone");
        }
        Map<String, String> tags;
        switch (current.tags()) {
            case FunctionTags.Read read -> tags = read.tags();
            case FunctionTags.Unreadable unreadable -> {
                // Without its tags the guard cannot see a previous quarantine and would record its own 0.
                return ActionOutcome.failed(action.type(), "the function's tags could not be read (" + unreadable.reason()
                        + "): the function was left alone");
            }
        }
        // A retry or duplicate must not record the guard's own 0 as the previous concurrency.
        String previous = tags.getOrDefault(TAG_PREVIOUS_CONCURRENCY,
                current.reservedConcurrency().map(String::valueOf).orElse(UNRESERVED));
        boolean alreadyQuarantined = tags.containsKey(TAG_QUARANTINE) && current.reservedConcurrency().orElse(-1) == 0;
        if (!UNRESERVED.equals(previous) && !previous.matches("\\d{1,9}")) {
            // Someone else wrote this tag: quarantining now would lose the concurrency to restore.
            return ActionOutcome.failed(action.type(), "tag " + TAG_PREVIOUS_CONCURRENCY + " holds '" + truncate(previous)
                    + "', not a number or '" + UNRESERVED + "': the function was left alone");
        }
        Optional<Integer> previousConcurrency = UNRESERVED.equals(previous) ? Optional.empty() : Optional.of(Integer.valueOf(previous));
        List<String> undo = List.of(UndoCommands.liftQuarantine(function, previousConcurrency));
        if (alreadyQuarantined) {
            return new ActionOutcome(action.type(), ActionOutcome.Status.ALREADY_DONE, "function was already quarantined", undo);
        }
        Map<String, String> guardTags = new LinkedHashMap<>();
        guardTags.put(TAG_QUARANTINE, truncate(action.reasons().stream().map(RuleId::name).collect(Collectors.joining(" "))
                + " event " + eventId + " undo: restore concurrency and remove these tags"));
        guardTags.put(TAG_PREVIOUS_CONCURRENCY, previous);
        // Tag first: the record of the previous concurrency must exist before it is overwritten.
        lambda.get().tagResource(b -> b.resource(function.arn()).tags(guardTags));
        try {
            lambda.get().putFunctionConcurrency(b -> b.functionName(function.arn()).reservedConcurrentExecutions(0));
        } catch (RuntimeException e) {
            if (Failures.isTransient(e)) {
                throw e; // a retry finds the tags and records the same previous concurrency
            }
            return new ActionOutcome(action.type(), ActionOutcome.Status.FAILED, "reserved concurrency could not be set"
                    + " to 0 (" + Failures.describe(e) + "): the function still runs, tagged " + TAG_QUARANTINE,
                    List.of(UndoCommands.untagQuarantine(function)));
        }
        return new ActionOutcome(action.type(), ActionOutcome.Status.DONE,
                "reserved concurrency set to 0 (was " + previous + "); tagged " + TAG_QUARANTINE, undo);
    }

    @Override
    public ActionOutcome restoreVpcConfig(Action.RestoreVpcConfig action) {
        FunctionRef function = action.function();
        VpcConfig good = action.knownGood();
        Optional<String> revision = action.revisionId();
        boolean written = false;
        for (int attempt = 1; attempt <= MAX_ATTEMPTS && !written; attempt++) {
            if (revision.isEmpty()) {
                Optional<LiveFunction.Found> current = reader.function(function.arn()).map(FunctionReader.Snapshot::live);
                if (current.isEmpty()) {
                    return ActionOutcome.of(action.type(), ActionOutcome.Status.ALREADY_DONE, "function no longer exists");
                }
                VpcConfig live = current.get().vpc();
                if (!live.sameAttachment(action.replaced())) {
                    return ActionOutcome.of(action.type(), ActionOutcome.Status.LEFT_ALONE, "the live VPC config ("
                            + live.describe() + ") is no longer what the event set (" + action.replaced().describe()
                            + "): the function changed after the event; left alone");
                }
                if (current.get().revisionId().isEmpty()) {
                    return ActionOutcome.of(action.type(), ActionOutcome.Status.LEFT_ALONE,
                            "GetFunction shows no RevisionId, so the restore cannot be guarded; left alone");
                }
                revision = current.get().revisionId();
            }
            String guard = revision.get();
            try {
                lambda.get().updateFunctionConfiguration(b -> b.functionName(function.arn()).revisionId(guard)
                        .vpcConfig(software.amazon.awssdk.services.lambda.model.VpcConfig.builder().subnetIds(good.subnetIds())
                                .securityGroupIds(good.securityGroupIds())
                                .ipv6AllowedForDualStack(good.ipv6AllowedForDualStack()).build()));
                written = true;
            } catch (PreconditionFailedException e) {
                // The function changed since that revision: read it again and verify again.
                revision = Optional.empty();
            } catch (ResourceNotFoundException e) {
                return ActionOutcome.of(action.type(), ActionOutcome.Status.ALREADY_DONE, "function no longer exists");
            }
        }
        if (!written) {
            return ActionOutcome.of(action.type(), ActionOutcome.Status.LEFT_ALONE,
                    "the function kept changing (" + MAX_ATTEMPTS + " attempts); left alone");
        }
        return confirmed(action);
    }

    /**
     * The outcome of a written restore, once Lambda has finished it: DONE only when GetFunction
     * shows {@code LastUpdateStatus} {@code Successful}.
     */
    private ActionOutcome confirmed(Action.RestoreVpcConfig action) {
        VpcConfig good = action.knownGood();
        List<String> undo = List.of(UndoCommands.setVpcConfig(action.function(), action.replaced()));
        String restored = "restored " + good.describe() + ", Ipv6AllowedForDualStack " + good.ipv6AllowedForDualStack();
        long deadline = System.nanoTime() + updateWait.toNanos();
        while (true) {
            Optional<FunctionReader.Snapshot> current = reader.function(action.function().arn());
            if (current.isEmpty()) {
                return ActionOutcome.of(action.type(), ActionOutcome.Status.ALREADY_DONE, "function no longer exists");
            }
            String status = current.get().live().lastUpdateStatus();
            if (SUCCESSFUL.equals(status)) {
                return new ActionOutcome(action.type(), ActionOutcome.Status.DONE, restored + "; LastUpdateStatus Successful",
                        undo);
            }
            if (FAILED.equals(status)) {
                return ActionOutcome.failed(action.type(), "the restore was written, but Lambda reports LastUpdateStatus Failed ("
                        + current.get().lastUpdateFailure() + "): the function keeps " + action.replaced().describe());
            }
            if (System.nanoTime() >= deadline) {
                return new ActionOutcome(action.type(), ActionOutcome.Status.FAILED, "the restore was written, but Lambda had not"
                        + " finished it after " + updateWait.toSeconds() + " s (LastUpdateStatus " + status + "): check the"
                        + " function", undo);
            }
            sleep(updatePoll);
        }
    }

    private static void sleep(Duration pause) {
        try {
            Thread.sleep(pause.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for Lambda to finish the restore", e);
        }
    }

    private static String truncate(String tagValue) {
        String allowed = tagValue.replaceAll("[^\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]", " ");
        return allowed.length() <= 256 ? allowed : allowed.substring(0, 256);
    }
}
