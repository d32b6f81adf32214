package io.github.lambdaguardrail.guard.org;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.lambdaguardrail.engine.Json;
import io.github.lambdaguardrail.engine.RuleId;
import io.github.lambdaguardrail.engine.Severity;
import io.github.lambdaguardrail.guard.Alert;
import io.github.lambdaguardrail.guard.org.OrgSweepResult.NotSwept;
import io.github.lambdaguardrail.guard.org.OrgSweepResult.Swept;
import io.github.lambdaguardrail.guard.sweep.ScanReport;
import io.github.lambdaguardrail.guard.sweep.ScanResult;
import io.github.lambdaguardrail.guard.sweep.ScanResult.ScanFinding;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * The organisation sweep's one SNS summary per run, and its result as JSON. The totals always cover
 * every account and region; the lists (every account-region not swept first, then the swept ones
 * with findings, errors or unscanned functions first, then the worst findings) stop at a budget, and
 * what they leave out is counted, never dropped silently: SNS takes at most 256 KB per message,
 * which holds the text twice and the JSON five times ({@code SnsNotifier}). The log has every
 * account-region ({@code "member swept"}, {@code "member not swept"}). Stateless and thread-safe.
 */
public final class OrgSweepReport {

    /** Characters of the text; with {@link #JSON_BUDGET}, 2 x 20,000 + 5 x ~24,000 (escaped) stays well under 256 KB. */
    static final int TEXT_BUDGET = 20_000;
    /** Characters of the JSON document. */
    static final int JSON_BUDGET = 20_000;
    /** Worst findings across the organisation, after the account-regions. */
    static final int WORST_FINDINGS = 10;

    /** Swept account-regions most worth reading first: findings, then errors, then functions left unscanned. */
    private static final Comparator<Swept> NOTEWORTHY_FIRST = Comparator
            .comparing((Swept s) -> s.result().findings().size(), Comparator.reverseOrder())
            .thenComparing(s -> s.result().errors().size(), Comparator.reverseOrder())
            .thenComparing(s -> s.result().functionsNotScanned(), Comparator.reverseOrder())
            .thenComparing(Swept::account).thenComparing(Swept::region);

    private OrgSweepReport() {
    }

    /**
     * The summary alert, sent from the central account ({@code account}, {@code region}: the
     * function's) with the single-account sweep's decision {@value ScanReport#DECISION}.
     */
    public static Alert alert(OrgSweepResult result, String account, String region) {
        Severity severity = result.severity().orElse(Severity.LOW);
        List<String> ruleIds = result.findingsByRule().keySet().stream().map(RuleId::name).toList();
        return new Alert(subject(result), text(result, account, TEXT_BUDGET), toJson(result, account, region, JSON_BUDGET),
                severity, ruleIds, ScanReport.DECISION, account, region);
    }

    static String subject(OrgSweepResult r) {
        int findings = r.findings().size();
        String outcome = findings == 0 ? "no findings" : findings + " finding" + (findings == 1 ? "" : "s") + ", worst "
                + r.severity().orElseThrow();
        String missed = r.notSwept().isEmpty() ? "" : ", " + r.notSwept().size() + " not swept";
        return Alert.subject("[Lambda Guardrail] Sweep of " + r.accounts() + " accounts x " + r.regions().size() + " regions: "
                + outcome + missed + (r.complete() || !r.notSwept().isEmpty() ? "" : ", incomplete"));
    }

    /** The summary for people, at most about {@code budget} characters. */
    static String text(OrgSweepResult r, String centralAccount, int budget) {
        StringBuilder t = new StringBuilder();
        List<Swept> swept = r.swept();
        List<NotSwept> notSwept = r.notSwept();
        long withFindings = swept.stream().filter(s -> !s.result().findings().isEmpty()).count();
        t.append("Lambda Guardrail organisation sweep: ").append(r.findings().size()).append(" finding(s) in ")
                .append(withFindings).append(" of ").append(swept.size()).append(" account-region(s) swept; ")
                .append(notSwept.size()).append(" not swept\n");
        t.append("Members: ").append(r.accounts()).append(" account(s) with the member roles; regions: ")
                .append(String.join(", ", r.regions())).append("; sent from ").append(centralAccount).append("\n\n");
        t.append("Functions: ").append(r.functionsListed()).append(" listed, ").append(r.functionsScanned())
                .append(" read completely, ").append(r.errors()).append(" read error(s)");
        if (r.functionsNotScanned() > 0) {
            t.append(", ").append(r.functionsNotScanned()).append(" NOT SCANNED (time ran out)");
        }
        t.append('\n');
        t.append("Started:   ").append(r.startedAt()).append(", took ").append(r.duration().toMillis() / 1000.0).append(" s, ")
                .append(r.requests()).append(" request(s) at most ").append(ScanReport.rate(r.rateLimit()))
                .append("/s per account and region, ").append(r.throttled()).append(" throttled and retried\n\n");
        ScanReport.findingsByRule(t, r.findingsByRule());
        if (r.exempted() > 0) {
            t.append("Exempted (not counted): ").append(r.exempted()).append('\n');
        }
        if (!notSwept.isEmpty()) {
            t.append("\nNOT SWEPT (").append(notSwept.size()).append("):");
            r.notSweptByReason().forEach((reason, n) -> t.append(' ').append(reason).append('=').append(n));
            t.append('\n');
            int shown = 0;
            for (NotSwept n : notSwept) {
                String line = "  " + n.account() + " " + n.region() + "  " + n.reason() + "  " + n.detail() + "\n";
                if (t.length() + line.length() > budget / 2) {
                    break;
                }
                t.append(line);
                shown++;
            }
            omitted(t, notSwept.size() - shown, "account-region(s) not swept");
        }
        t.append("\nSwept (").append(swept.size()).append("), findings first:\n");
        int shown = 0;
        for (Swept s : swept.stream().sorted(NOTEWORTHY_FIRST).toList()) {
            ScanResult x = s.result();
            String line = String.format(Locale.ROOT, "  %s %-15s %4d finding(s)%s, %d function(s)%s%s%n", s.account(), s.region(),
                    x.findings().size(), x.severity().map(v -> " (worst " + v + ")").orElse(""), x.functionsListed(),
                    x.errors().isEmpty() ? "" : ", " + x.errors().size() + " error(s)",
                    x.complete() ? "" : ", " + x.functionsNotScanned() + " not scanned");
            if (t.length() + line.length() > budget * 4 / 5) {
                break;
            }
            t.append(line);
            shown++;
        }
        omitted(t, swept.size() - shown, "more account-region(s) swept, with fewer findings");
        List<ScanFinding> worst = r.worst(WORST_FINDINGS);
        if (!worst.isEmpty()) {
            t.append("\nWorst findings (").append(worst.size()).append(" of ").append(r.findings().size()).append("):\n");
            for (ScanFinding f : worst) {
                String entry = "  - " + f.severity() + " " + f.ruleId() + " " + f.functionArn() + "\n      " + f.message() + "\n";
                if (t.length() + entry.length() > budget) {
                    break;
                }
                t.append(entry);
            }
        }
        t.append("\nThese violations pre-exist: the sweep reports them and never changes a function.\n");
        return t.toString();
    }

    private static void omitted(StringBuilder t, int count, String what) {
        if (count > 0) {
            t.append("  ... and ").append(count).append(' ').append(what).append(": see the sweep's log\n");
        }
    }

    /** The summary for machines, at most about {@code budget} characters (serialised). */
    public static ObjectNode toJson(OrgSweepResult r, String account, String region, int budget) {
        ObjectNode out = Json.object();
        out.put("decision", ScanReport.DECISION);
        out.put("scope", "ORGANIZATION");
        out.put("account", account);
        out.put("region", region);
        out.put("startedAt", r.startedAt().toString());
        out.put("durationMs", r.duration().toMillis());
        out.put("complete", r.complete());
        ArrayNode regions = out.putArray("regions");
        r.regions().forEach(regions::add);
        out.put("accounts", r.accounts());
        ObjectNode targets = out.putObject("accountRegions");
        targets.put("total", r.targets().size());
        targets.put("swept", r.swept().size());
        targets.put("notSwept", r.notSwept().size());
        targets.put("withFindings", r.swept().stream().filter(s -> !s.result().findings().isEmpty()).count());
        ObjectNode reasons = out.putObject("notSweptByReason");
        r.notSweptByReason().forEach((reason, n) -> reasons.put(reason.name(), n));
        ObjectNode functions = out.putObject("functions");
        functions.put("listed", r.functionsListed());
        functions.put("scanned", r.functionsScanned());
        functions.put("notScanned", r.functionsNotScanned());
        ObjectNode requests = out.putObject("requests");
        requests.put("sent", r.requests());
        requests.put("throttled", r.throttled());
        requests.put("rateLimitPerAccountRegion", r.rateLimit());
        out.put("severity", r.severity().map(Severity::name).orElse("NONE"));
        out.put("findingCount", r.findings().size());
        ObjectNode byRule = out.putObject("findingsByRule");
        r.findingsByRule().forEach((rule, n) -> byRule.put(rule.name(), n));
        out.put("exemptedCount", r.exempted());
        out.put("errorCount", r.errors());

        Size size = new Size(Json.write(out).length());
        ArrayNode notSwept = out.putArray("notSwept");
        int notSweptShown = 0;
        for (NotSwept n : r.notSwept()) {
            ObjectNode entry = Json.object().put("account", n.account()).put("region", n.region())
                    .put("reason", n.reason().name()).put("detail", n.detail());
            if (!size.add(notSwept, entry, budget / 2)) {
                break;
            }
            notSweptShown++;
        }
        ArrayNode swept = out.putArray("swept");
        int sweptShown = 0;
        for (Swept s : r.swept().stream().sorted(NOTEWORTHY_FIRST).toList()) {
            ScanResult x = s.result();
            ObjectNode entry = Json.object().put("account", s.account()).put("region", s.region())
                    .put("functions", x.functionsListed()).put("findings", x.findings().size())
                    .put("severity", x.severity().map(Severity::name).orElse("NONE")).put("errors", x.errors().size())
                    .put("complete", x.complete());
            if (!x.findings().isEmpty()) {
                ObjectNode rules = entry.putObject("findingsByRule");
                x.findingsByRule().forEach((rule, n) -> rules.put(rule.name(), n));
            }
            if (!size.add(swept, entry, budget * 4 / 5)) {
                break;
            }
            sweptShown++;
        }
        ObjectNode omitted = out.putObject("omitted");
        omitted.put("notSwept", r.notSwept().size() - notSweptShown);
        omitted.put("swept", r.swept().size() - sweptShown);
        ArrayNode findings = out.putArray("findings");
        for (ScanFinding f : r.worst(WORST_FINDINGS)) {
            ObjectNode entry = ScanReport.finding(f);
            if (!size.add(findings, entry, budget)) {
                break;
            }
        }
        return out;
    }

    /** The serialised document's size as lists grow. */
    private static final class Size {
        private int chars;

        Size(int chars) {
            this.chars = chars;
        }

        /** Adds {@code entry} to {@code list} if the document stays within {@code limit} characters. */
        boolean add(ArrayNode list, JsonNode entry, int limit) {
            int grown = chars + Json.write(entry).length() + 1;
            if (grown > limit) {
                return false;
            }
            list.add(entry);
            chars = grown;
            return true;
        }
    }
}
