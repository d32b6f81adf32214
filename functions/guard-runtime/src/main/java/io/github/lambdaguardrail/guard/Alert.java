package io.github.lambdaguardrail.guard;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.lambdaguardrail.engine.Decision;
import io.github.lambdaguardrail.engine.Finding;
import io.github.lambdaguardrail.engine.Json;
import io.github.lambdaguardrail.engine.Origin;
import io.github.lambdaguardrail.engine.Severity;
import io.github.lambdaguardrail.engine.Verdict;
import io.github.lambdaguardrail.engine.VerdictJson;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * One alert: a subject under 100 characters, a text for people (email) and a JSON document for
 * machines (SQS, Lambda, HTTPS; the Security Hub exporter reads nothing else), plus the values SNS
 * subscriptions can filter on.
 *
 * <p>The {@code decision} says what the guard did, not what it planned: {@code ROLLBACK} only when
 * it changed something; {@code LEFT_ALONE} when a rollback was due and it changed nothing (the live
 * state differed from what the event set, or the change was already undone); {@code ROLLBACK_FAILED} when an action failed;
 * {@code WOULD_ROLLBACK} in a dry run; {@code ROLLBACK_QUEUED} when the organisation's evaluator handed
 * the rollback to the member's remediator (whose own alert says what it did); {@code NOTIFY}; {@code EXEMPTED} for findings that were all
 * exempted; {@code INVALID} for an event the guard could not read.
 */
public record Alert(String subject, String text, ObjectNode document, Severity severity, List<String> ruleIds,
                    String decision, String account, String region) {

    static final int MAX_SUBJECT = 99;

    public Alert {
        ruleIds = List.copyOf(ruleIds);
    }

    /** Builds the alert for a verdict and what the guard did about it. */
    public static Alert of(Verdict verdict, List<ActionOutcome> outcomes, boolean dryRun) {
        boolean exempted = verdict.decision() == Decision.EXEMPTED;
        List<Finding> reported = exempted ? verdict.findings() : verdict.activeFindings();
        Severity severity = reported.stream().map(Finding::severity).max(Comparator.naturalOrder()).orElse(Severity.LOW);
        List<String> ruleIds = reported.stream().map(f -> f.ruleId().name()).distinct().toList();
        String decision = decision(verdict, outcomes, dryRun);
        String target = verdict.function().map(f -> f.name() + f.qualifier().map(q -> ":" + q).orElse(""))
                .orElseGet(() -> reported.stream().findFirst().map(Finding::subject).orElse("?"));
        String subject = subject("[Lambda Guardrail] " + severity + " " + decision + " " + String.join(",", ruleIds)
                + " on " + target);

        ObjectNode document = VerdictJson.toJson(verdict);
        document.put("decision", decision);
        document.put("severity", severity.name());
        document.put("dryRun", dryRun);
        ArrayNode done = document.putArray("outcomes");
        for (ActionOutcome o : outcomes) {
            ObjectNode node = done.addObject();
            node.put("type", o.type());
            node.put("status", o.status().name());
            node.put("detail", o.detail());
            ArrayNode undo = node.putArray("undo");
            o.undoCommands().forEach(undo::add);
        }
        return new Alert(subject, text(verdict, reported, outcomes, decision, severity), document, severity, ruleIds,
                decision, verdict.header().account(), verdict.header().region());
    }

    /**
     * The alert for an event the guard could not read: what could be read of it, and why not.
     *
     * @param seen field name to text, as far as the event could be read
     */
    public static Alert invalid(String reason, Map<String, String> seen) {
        String name = seen.getOrDefault("eventName", "?");
        String target = firstOf(seen, "functionName", "resource", "resourceArn", "name", "rule", "keyId", "topicArn");
        ObjectNode document = Json.object();
        document.put("decision", "INVALID");
        document.put("severity", Severity.HIGH.name());
        document.put("reason", reason);
        ObjectNode read = document.putObject("seen");
        seen.forEach(read::put);
        StringBuilder t = new StringBuilder();
        t.append("Lambda Guardrail: INVALID (HIGH)\n\n");
        t.append("The guard received an event it could not read, so it could not judge it. Nothing was changed.\n");
        t.append("Check the change by hand: it may be a violation.\n\n");
        t.append("Why:        ").append(reason).append('\n');
        seen.forEach((field, value) -> t.append(String.format("%-11s %s%n", field + ":", value)));
        return new Alert(subject("[Lambda Guardrail] HIGH INVALID event " + name + " on " + target), t.toString(),
                document, Severity.HIGH, List.of(), "INVALID", seen.getOrDefault("recipientAccountId", "?"),
                seen.getOrDefault("awsRegion", "?"));
    }

    private static String firstOf(Map<String, String> seen, String... fields) {
        for (String field : fields) {
            if (seen.containsKey(field)) {
                return seen.get(field);
            }
        }
        return "?";
    }

    /** What the guard did, from the outcomes: never ROLLBACK unless something was changed. */
    static String decision(Verdict verdict, List<ActionOutcome> outcomes, boolean dryRun) {
        if (verdict.decision() != Decision.ROLLBACK) {
            return verdict.decision().name();
        }
        if (dryRun && outcomes.stream().anyMatch(o -> o.status() == ActionOutcome.Status.DRY_RUN)) {
            return "WOULD_ROLLBACK";
        }
        if (outcomes.stream().anyMatch(o -> o.status() == ActionOutcome.Status.FAILED)) {
            return "ROLLBACK_FAILED";
        }
        if (outcomes.stream().anyMatch(o -> o.status() == ActionOutcome.Status.QUEUED)) {
            return "ROLLBACK_QUEUED";
        }
        return outcomes.stream().anyMatch(o -> o.status() == ActionOutcome.Status.DONE) ? "ROLLBACK" : "LEFT_ALONE";
    }

    private static String text(Verdict verdict, List<Finding> reported, List<ActionOutcome> outcomes, String decision,
                               Severity severity) {
        StringBuilder t = new StringBuilder();
        t.append("Lambda Guardrail: ").append(decision).append(" (").append(severity).append(")\n\n");
        t.append("What happened: ").append(verdict.header().eventName()).append(" on ")
                .append(verdict.function().map(f -> f.qualifiedArn())
                        .orElseGet(() -> reported.stream().findFirst().map(Finding::subject).orElse("?"))).append('\n');
        t.append("Who:           ").append(verdict.header().actor().arn());
        verdict.header().actor().invokedBy().ifPresent(by -> t.append(" (via ").append(by).append(')'));
        t.append('\n');
        t.append("Where:         account ").append(verdict.header().account()).append(", region ")
                .append(verdict.header().region()).append('\n');
        t.append("When:          ").append(verdict.header().eventTime()).append(" (CloudTrail event ")
                .append(verdict.header().eventId()).append(")\n\n");
        t.append("Findings:\n");
        for (Finding f : verdict.findings()) {
            t.append("  - ").append(f.ruleId()).append(" [").append(f.severity()).append("] ").append(f.message());
            if (f.origin() == Origin.PRE_EXISTING) {
                t.append(" (pre-existing: reported, never rolled back)");
            }
            f.exemption().ifPresent(e -> t.append(" (EXEMPTED: ").append(e).append(')'));
            t.append('\n');
        }
        t.append("\nWhat the guard did:\n");
        if (outcomes.isEmpty()) {
            t.append(switch (decision) {
                case "EXEMPTED" -> "  Nothing was changed: every finding is exempted.";
                default -> "  Nothing was changed (notify only).";
            });
            verdict.note().ifPresent(n -> t.append(' ').append(n));
            t.append('\n');
        }
        for (ActionOutcome o : outcomes) {
            t.append("  - ").append(o.type()).append(": ").append(o.status()).append(" - ").append(o.detail()).append('\n');
        }
        if ("LEFT_ALONE".equals(decision)) {
            t.append("  The guard changed nothing: check the function by hand.\n");
        } else if ("ROLLBACK_FAILED".equals(decision)) {
            t.append("  The guard could not undo the change: it is still in place. Undo it by hand.\n");
        } else if ("ROLLBACK_QUEUED".equals(decision)) {
            t.append("  The change is still in place until the remediator of that account and region acts;"
                    + " its own alert says what it did.\n");
        }
        List<String> undo = outcomes.stream().flatMap(o -> o.undoCommands().stream()).toList();
        if (!undo.isEmpty()) {
            t.append("\nTo undo the guard's action (only if the change was intended and approved):\n");
            undo.forEach(u -> t.append("  ").append(u).append('\n'));
        }
        return t.toString();
    }

    /**
     * An SNS subject: SNS takes only ASCII without control characters, under 100 characters, so
     * anything else is replaced and a long subject is cut with "...".
     */
    public static String subject(String text) {
        String ascii = text.replaceAll("[^\\x20-\\x7E]", "?");
        return ascii.length() <= MAX_SUBJECT ? ascii : ascii.substring(0, MAX_SUBJECT - 3) + "...";
    }

    /** The alert as one JSON document, to keep it until it is sent. */
    public String toJson() {
        ObjectNode json = Json.object();
        json.put("subject", subject).put("text", text).put("severity", severity.name()).put("decision", decision)
                .put("account", account).put("region", region);
        json.set("document", document);
        ArrayNode ids = json.putArray("ruleIds");
        ruleIds.forEach(ids::add);
        return Json.write(json);
    }

    /** The alert kept by {@link #toJson()}. */
    public static Alert fromJson(String json) {
        try {
            JsonNode node = Json.read(json);
            List<String> ids = new ArrayList<>();
            node.path("ruleIds").forEach(id -> ids.add(id.asText()));
            return new Alert(node.path("subject").asText(), node.path("text").asText(),
                    (ObjectNode) node.path("document"), Severity.valueOf(node.path("severity").asText()), ids,
                    node.path("decision").asText(), node.path("account").asText(), node.path("region").asText());
        } catch (JsonProcessingException | ClassCastException | IllegalArgumentException e) {
            throw new IllegalStateException("the kept alert cannot be read: " + e.getMessage(), e);
        }
    }
}
