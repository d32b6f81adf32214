package io.github.lambdaguardrail.guard;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.lambdaguardrail.engine.Action;
import io.github.lambdaguardrail.engine.FunctionRef;
import io.github.lambdaguardrail.engine.PolicyStatement;
import io.github.lambdaguardrail.engine.ResourcePolicy;
import io.github.lambdaguardrail.engine.RuleId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.GetFunctionResponse;
import software.amazon.awssdk.services.lambda.model.GetPolicyResponse;
import software.amazon.awssdk.services.lambda.model.PreconditionFailedException;
import software.amazon.awssdk.services.lambda.model.ResourceNotFoundException;
import software.amazon.awssdk.services.lambda.model.VpcConfig;

/** {@link Remediator} on the Lambda API. Thread-safe; reuses one client. */
public final class LambdaRemediator implements Remediator {

    static final String TAG_QUARANTINE = "guardrail:quarantine";
    static final String TAG_PREVIOUS_CONCURRENCY = "guardrail:previous-concurrency";
    static final List<String> QUARANTINE_TAGS = List.of(TAG_QUARANTINE, TAG_PREVIOUS_CONCURRENCY);
    /** Re-read and re-decide this often when the policy changes under us, then notify only. */
    static final int MAX_ATTEMPTS = 3;
    private static final String UNRESERVED = "unreserved";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final LambdaClient lambda;

    public LambdaRemediator(LambdaClient lambda) {
        this.lambda = lambda;
    }

    @Override
    public ActionOutcome removePermission(Action.RemovePermission action) {
        FunctionRef function = action.function();
        Removal removal = removeStatement(function, action.statementId(),
                live -> ResourcePolicy.sameStatement(live.raw(), action.expectedStatement()));
        String detail = removal.detail(action.statementId());
        return switch (removal) {
            case REMOVED -> removed(action, detail);
            case ALREADY_GONE -> ActionOutcome.of(action.type(), ActionOutcome.Status.ALREADY_DONE, detail);
            case CHANGED, CONTENDED, UNREADABLE -> ActionOutcome.of(action.type(), ActionOutcome.Status.LEFT_ALONE, detail);
        };
    }

    /** The removed statement is exactly the expected one (the same JSON): its undo is built from that. */
    private static ActionOutcome removed(Action.RemovePermission action, String detail) {
        UndoCommands.Undo undo = UndoCommands.addPermission(action.function(), action.expectedStatement());
        if (undo instanceof UndoCommands.Undo.Command command) {
            return new ActionOutcome(action.type(), ActionOutcome.Status.DONE, detail, List.of(command.text()));
        }
        return ActionOutcome.of(action.type(), ActionOutcome.Status.DONE, detail + "; no exact undo command exists ("
                + ((UndoCommands.Undo.None) undo).why() + "): if the statement was approved, re-create it by hand from"
                + " the event's responseElements.statement");
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
     * Reads the live policy, checks the statement is still the one to remove, and removes it
     * guarded by the revision id; re-reads and re-decides when the policy changed in between.
     */
    private Removal removeStatement(FunctionRef function, String sid,
                                    java.util.function.Predicate<PolicyStatement> stillTheOne) {
        for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
            Optional<GetPolicyResponse> policy = policy(function);
            if (policy.isPresent() && !readable(policy.get().policy())) {
                // A document that is not a policy cannot show the statement is gone.
                return Removal.UNREADABLE;
            }
            Optional<PolicyStatement> live = policy.flatMap(p -> ResourcePolicy.statements(p.policy()).stream()
                    .filter(s -> s.sid().equals(sid)).findFirst());
            if (live.isEmpty()) {
                return Removal.ALREADY_GONE;
            }
            if (!stillTheOne.test(live.get())) {
                return Removal.CHANGED;
            }
            try {
                lambda.removePermission(b -> b.functionName(function.arn()).statementId(sid)
                        .qualifier(function.qualifier().orElse(null)).revisionId(policy.get().revisionId()));
                return Removal.REMOVED;
            } catch (PreconditionFailedException e) {
                // The policy changed since we read it: read it again and decide again.
            } catch (ResourceNotFoundException e) {
                return Removal.ALREADY_GONE;
            }
        }
        return Removal.CONTENDED;
    }

    private static boolean readable(String document) {
        if (document == null) {
            return false;
        }
        try {
            JsonNode node = JSON.readTree(document);
            return node != null && node.isObject() && node.has("Statement");
        } catch (JsonProcessingException e) {
            return false;
        }
    }

    private Optional<GetPolicyResponse> policy(FunctionRef function) {
        try {
            return Optional.of(lambda.getPolicy(b -> b.functionName(function.arn()).qualifier(function.qualifier().orElse(null))));
        } catch (ResourceNotFoundException e) {
            return Optional.empty();
        }
    }

    @Override
    public ActionOutcome quarantine(Action.Quarantine action, String eventId) {
        FunctionRef function = action.function();
        GetFunctionResponse current;
        try {
            current = lambda.getFunction(b -> b.functionName(function.arn()));
        } catch (ResourceNotFoundException e) {
            return ActionOutcome.of(action.type(), ActionOutcome.Status.ALREADY_DONE, "function no longer exists");
        }
        if (current.tagsError() != null) {
            // Without its tags the guard cannot see a previous quarantine and would record its own 0.
            throw new IllegalStateException("cannot read the tags of " + function.arn() + ": "
                    + current.tagsError().errorCode() + " (the role needs lambda:ListTags)");
        }
        Map<String, String> tags = current.tags() == null ? Map.of() : current.tags();
        // A retry or duplicate must not record the guard's own 0 as the previous concurrency.
        String previous = tags.getOrDefault(TAG_PREVIOUS_CONCURRENCY,
                Optional.ofNullable(current.concurrency()).map(c -> c.reservedConcurrentExecutions())
                        .map(String::valueOf).orElse(UNRESERVED));
        Integer reserved = current.concurrency() == null ? null : current.concurrency().reservedConcurrentExecutions();
        boolean alreadyQuarantined = tags.containsKey(TAG_QUARANTINE) && reserved != null && reserved == 0;
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
        lambda.tagResource(b -> b.resource(function.arn()).tags(guardTags));
        try {
            lambda.putFunctionConcurrency(b -> b.functionName(function.arn()).reservedConcurrentExecutions(0));
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
        io.github.lambdaguardrail.engine.VpcConfig good = action.knownGood();
        try {
            lambda.updateFunctionConfiguration(b -> b.functionName(function.arn())
                    .vpcConfig(VpcConfig.builder().subnetIds(good.subnetIds()).securityGroupIds(good.securityGroupIds()).build()));
        } catch (ResourceNotFoundException e) {
            return ActionOutcome.of(action.type(), ActionOutcome.Status.ALREADY_DONE, "function no longer exists");
        }
        return new ActionOutcome(action.type(), ActionOutcome.Status.DONE,
                "restored subnets " + good.subnetIds() + " and security groups " + good.securityGroupIds(),
                List.of(UndoCommands.setVpcConfig(function, action.replaced())));
    }

    private static String truncate(String tagValue) {
        String allowed = tagValue.replaceAll("[^\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]", " ");
        return allowed.length() <= 256 ? allowed : allowed.substring(0, 256);
    }
}
