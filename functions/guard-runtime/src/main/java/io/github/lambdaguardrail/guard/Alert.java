package io.github.lambdaguardrail.guard;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.lambdaguardrail.engine.Decision;
import io.github.lambdaguardrail.engine.Finding;
import io.github.lambdaguardrail.engine.Severity;
import io.github.lambdaguardrail.engine.Verdict;
import io.github.lambdaguardrail.engine.VerdictJson;
import java.util.Comparator;
import java.util.List;

/**
 * One alert: a subject under 100 characters, a text for people (email) and a JSON document for
 * machines (SQS, Lambda, HTTPS), plus the values SNS subscriptions can filter on.
 */
public record Alert(String subject, String text, ObjectNode document, Severity severity, List<String> ruleIds,
                    String decision, String account, String region) {

    static final int MAX_SUBJECT = 99;

    public Alert {
        ruleIds = List.copyOf(ruleIds);
    }

    /** Builds the alert for a verdict and what the guard did about it. */
    public static Alert of(Verdict verdict, List<ActionOutcome> outcomes, boolean dryRun) {
        List<Finding> active = verdict.activeFindings();
        Severity severity = active.stream().map(Finding::severity).max(Comparator.naturalOrder()).orElse(Severity.LOW);
        List<String> ruleIds = active.stream().map(f -> f.ruleId().name()).distinct().toList();
        String decision = dryRun && verdict.decision() == Decision.ROLLBACK ? "WOULD_ROLLBACK" : verdict.decision().name();
        String function = verdict.function().map(f -> f.name() + f.qualifier().map(q -> ":" + q).orElse("")).orElse("?");
        String subject = subject("[Lambda Guardrail] " + severity + " " + decision + " " + String.join(",", ruleIds)
                + " on " + function);

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
        return new Alert(subject, text(verdict, active, outcomes, decision, severity), document, severity, ruleIds,
                decision, verdict.header().account(), verdict.header().region());
    }

    private static String text(Verdict verdict, List<Finding> active, List<ActionOutcome> outcomes, String decision,
                               Severity severity) {
        StringBuilder t = new StringBuilder();
        t.append("Lambda Guardrail: ").append(decision).append(" (").append(severity).append(")\n\n");
        t.append("What happened: ").append(verdict.header().eventName()).append(" on ")
                .append(verdict.function().map(f -> f.qualifiedArn()).orElse("?")).append('\n');
        t.append("Who:           ").append(verdict.header().actor().arn());
        verdict.header().actor().invokedBy().ifPresent(by -> t.append(" (via ").append(by).append(')'));
        t.append('\n');
        t.append("Where:         account ").append(verdict.header().account()).append(", region ")
                .append(verdict.header().region()).append('\n');
        t.append("When:          ").append(verdict.header().eventTime()).append(" (CloudTrail event ")
                .append(verdict.header().eventId()).append(")\n\n");
        t.append("Findings:\n");
        for (Finding f : active) {
            t.append("  - ").append(f.ruleId()).append(" [").append(f.severity()).append("] ").append(f.message());
            if (f.origin() == io.github.lambdaguardrail.engine.Origin.PRE_EXISTING) {
                t.append(" (pre-existing: reported, never rolled back)");
            }
            t.append('\n');
        }
        for (Finding f : verdict.findings()) {
            f.exemption().ifPresent(e -> t.append("  - ").append(f.ruleId()).append(" exempted: ").append(e).append('\n'));
        }
        t.append("\nWhat the guard did:\n");
        if (outcomes.isEmpty()) {
            t.append("  Nothing was changed (notify only).");
            verdict.note().ifPresent(n -> t.append(' ').append(n));
            t.append('\n');
        }
        for (ActionOutcome o : outcomes) {
            t.append("  - ").append(o.type()).append(": ").append(o.status()).append(" - ").append(o.detail()).append('\n');
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
}
