package io.github.lambdaguardrail.guard.sweep;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.lambdaguardrail.engine.Json;
import io.github.lambdaguardrail.engine.RuleId;
import io.github.lambdaguardrail.engine.Severity;
import io.github.lambdaguardrail.engine.VerdictJson;
import io.github.lambdaguardrail.guard.Alert;
import io.github.lambdaguardrail.guard.sweep.ScanResult.ScanError;
import io.github.lambdaguardrail.guard.sweep.ScanResult.ScanFinding;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A scan result for people (text) and machines (JSON), and the one SNS summary a sweep sends per
 * run: counts by rule and the worst findings with their function ARNs, never one message per
 * finding. Stateless and thread-safe.
 */
public final class ScanReport {

    /** The alert's decision: a sweep reports, it never rolls back. */
    public static final String DECISION = "SWEEP";
    /** Findings shown in an SNS summary (one message holds at most 256 KB, in seven renderings). */
    public static final int SUMMARY_FINDINGS = 25;
    /** Errors shown in an SNS summary. */
    public static final int SUMMARY_ERRORS = 20;


    private ScanReport() {
    }

    /** The sweep's summary alert: subject under 100 characters, text for email, JSON for SQS, Lambda, HTTPS. */
    public static Alert alert(ScanResult result) {
        Severity severity = result.severity().orElse(Severity.LOW);
        List<String> ruleIds = result.findingsByRule().keySet().stream().map(RuleId::name).toList();
        ObjectNode document = toJson(result, SUMMARY_FINDINGS, SUMMARY_ERRORS);
        return new Alert(subject(result), text(result, SUMMARY_FINDINGS, SUMMARY_ERRORS), document, severity, ruleIds,
                DECISION, result.account(), result.region());
    }

    static String subject(ScanResult r) {
        String outcome = r.findings().isEmpty() ? "no findings"
                : r.findings().size() + " finding" + (r.findings().size() == 1 ? "" : "s") + ", worst "
                + r.severity().orElseThrow();
        String problems = (r.errors().isEmpty() ? "" : ", " + r.errors().size() + " error" + (r.errors().size() == 1 ? "" : "s"))
                + (r.complete() ? "" : ", incomplete");
        String subject = "[Lambda Guardrail] Sweep " + r.account() + " " + r.region() + ": " + outcome + problems;
        return Alert.subject(subject);
    }

    /** The result for people; at most {@code maxFindings} findings and {@code maxErrors} errors are listed. */
    public static String text(ScanResult r, int maxFindings, int maxErrors) {
        StringBuilder t = new StringBuilder();
        t.append("Lambda Guardrail sweep: ").append(r.findings().size()).append(" finding(s) on ")
                .append(r.functionsWithFindings()).append(" of ").append(r.functionsListed()).append(" function(s)")
                .append(" (account ").append(r.account()).append(", region ").append(r.region()).append(")\n\n");
        // Every listed function is accounted for: a function read in part still has its findings above.
        long readInPart = r.errors().stream().map(ScanError::functionArn).distinct().count();
        t.append("Functions: ").append(r.functionsListed()).append(" listed, ").append(r.functionsScanned())
                .append(" read completely");
        if (readInPart > 0) {
            t.append(", ").append(readInPart).append(" read in part (errors below)");
        }
        if (r.functionsVanished() > 0) {
            t.append(", ").append(r.functionsVanished()).append(" deleted during the sweep");
        }
        t.append('\n');
        t.append("Read:      ").append(r.policiesRead())
                .append(" resource polic").append(r.policiesRead() == 1 ? "y" : "ies")
                .append(" (functions, aliases, versions), ").append(r.urlConfigsRead()).append(" function URL config(s)\n");
        if (!r.complete()) {
            t.append("NOT SCANNED (time ran out): ").append(r.functionsNotScanned())
                    .append(" function(s); raise the rate limit or shorten the schedule's scope\n");
        }
        t.append("Started:   ").append(r.startedAt()).append(", took ").append(r.duration().toMillis() / 1000.0)
                .append(" s, ").append(r.requests()).append(" request(s) at most ").append(rate(r.rateLimit()))
                .append("/s, ").append(r.throttled()).append(" throttled and retried\n\n");
        findingsByRule(t, r.findingsByRule());
        if (!r.exempted().isEmpty()) {
            t.append("Exempted (not counted): ").append(r.exempted().size()).append('\n');
        }
        if (!r.tagsUnreadable().isEmpty()) {
            t.append("Tags unreadable (exemptions by tag unknown; their findings are counted): ")
                    .append(r.tagsUnreadable().size()).append(" function(s)\n");
        }
        List<ScanFinding> worst = r.worst(maxFindings);
        if (!worst.isEmpty()) {
            t.append("\nWorst findings").append(worst.size() < r.findings().size()
                    ? " (" + worst.size() + " of " + r.findings().size() + ")" : "").append(":\n");
            for (ScanFinding f : worst) {
                t.append("  - ").append(f.severity()).append(' ').append(f.ruleId()).append(' ').append(f.functionArn())
                        .append("\n      ").append(f.message()).append('\n');
            }
        }
        if (!r.errors().isEmpty()) {
            t.append("\nFunctions that could not be read (").append(r.errors().size()).append("):\n");
            for (ScanError e : r.errors().subList(0, Math.min(maxErrors, r.errors().size()))) {
                t.append("  - ").append(e.functionArn()).append(": ").append(e.operation()).append(" failed with ")
                        .append(e.error()).append('\n');
            }
        }
        t.append("\nThese violations pre-exist: the sweep reports them and never changes a function.\n");
        return t.toString();
    }

    /** The result as JSON; at most {@code maxFindings} findings and {@code maxErrors} errors are listed. */
    public static ObjectNode toJson(ScanResult r, int maxFindings, int maxErrors) {
        ObjectNode out = Json.object();
        out.put("decision", DECISION);
        out.put("account", r.account());
        out.put("region", r.region());
        out.put("startedAt", r.startedAt().toString());
        out.put("durationMs", r.duration().toMillis());
        out.put("complete", r.complete());
        ObjectNode functions = out.putObject("functions");
        functions.put("listed", r.functionsListed());
        functions.put("scanned", r.functionsScanned());
        functions.put("failed", r.errors().stream().map(e -> ScanResult.unqualified(e.functionArn())).distinct().count());
        functions.put("vanished", r.functionsVanished());
        functions.put("notScanned", r.functionsNotScanned());
        functions.put("withFindings", r.functionsWithFindings());
        functions.put("tagsUnreadable", r.tagsUnreadable().size());
        out.put("policiesRead", r.policiesRead());
        out.put("urlConfigsRead", r.urlConfigsRead());
        out.put("vpcConfigsRemembered", r.vpcConfigsRemembered());
        ObjectNode requests = out.putObject("requests");
        requests.put("sent", r.requests());
        requests.put("throttled", r.throttled());
        requests.put("rateLimit", r.rateLimit());
        out.put("severity", r.severity().map(Severity::name).orElse("NONE"));
        out.put("findingCount", r.findings().size());
        ObjectNode byRule = out.putObject("findingsByRule");
        r.findingsByRule().forEach((rule, count) -> byRule.put(rule.name(), count));
        out.put("exemptedCount", r.exempted().size());
        ArrayNode findings = out.putArray("findings");
        r.worst(maxFindings).forEach(f -> finding(findings.addObject(), f));
        out.put("errorCount", r.errors().size());
        ArrayNode errors = out.putArray("errors");
        for (ScanError e : r.errors().subList(0, Math.min(maxErrors, r.errors().size()))) {
            errors.addObject().put("function", e.functionArn()).put("operation", e.operation()).put("error", e.error())
                    .put("message", e.message());
        }
        ArrayNode tagsUnreadable = out.putArray("tagsUnreadable");
        r.tagsUnreadable().subList(0, Math.min(maxErrors, r.tagsUnreadable().size())).forEach(tagsUnreadable::add);
        return out;
    }

    /** Every finding and error as JSON (the command line's {@code --format json}). */
    public static ObjectNode toJson(ScanResult r) {
        ObjectNode out = toJson(r, Integer.MAX_VALUE, Integer.MAX_VALUE);
        ArrayNode exempted = out.putArray("exempted");
        r.exempted().forEach(f -> finding(exempted.addObject(), f));
        return out;
    }

    /** The function, then the finding as every verdict shows it ({@link VerdictJson#finding}). */
    private static void finding(ObjectNode node, ScanFinding f) {
        VerdictJson.finding(node.put("function", f.functionArn()), f.finding());
    }

    /** A finding of a sweep summary: the function, then the finding as every verdict shows it. */
    public static ObjectNode finding(ScanFinding f) {
        ObjectNode node = Json.object();
        finding(node, f);
        return node;
    }

    /** A summary's table of findings by rule (rule, severity, count), or that there are none. */
    public static void findingsByRule(StringBuilder t, Map<RuleId, Integer> byRule) {
        if (byRule.isEmpty()) {
            t.append("No findings.\n");
        } else {
            t.append("Findings by rule:\n");
            byRule.forEach((rule, count) -> t.append(String.format(Locale.ROOT, "  %-34s %-8s %6d%n", rule,
                    rule.severity(), count)));
        }
    }

    /** A rate limit as a summary shows it: {@code 8}, {@code 2.5}. */
    public static String rate(double rate) {
        return rate == Math.rint(rate) ? Long.toString((long) rate) : Double.toString(rate);
    }
}
