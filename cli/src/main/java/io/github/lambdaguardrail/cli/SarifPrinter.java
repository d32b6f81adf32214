package io.github.lambdaguardrail.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.lambdaguardrail.engine.RuleId;
import io.github.lambdaguardrail.engine.Severity;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * SARIF 2.1.0, for GitHub code scanning: one run whose driver lists every rule (and
 * {@link CheckFinding#UNRESOLVED}), one result per finding at its template line; an exempted
 * finding is a result with an external suppression, which code scanning shows as dismissed.
 */
final class SarifPrinter implements CheckPrinter {

    static final String SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json";
    static final String INFORMATION_URI = "https://github.com/lambdaguardrail";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String version;

    SarifPrinter(String version) {
        this.version = version;
    }

    @Override
    public void print(List<CheckFinding> findings, PrintWriter out) {
        ObjectNode sarif = JSON.createObjectNode().put("$schema", SCHEMA).put("version", "2.1.0");
        ObjectNode run = sarif.putArray("runs").addObject();
        ObjectNode driver = run.putObject("tool").putObject("driver")
                .put("name", "Lambda Guardrail").put("version", version).put("informationUri", INFORMATION_URI);
        List<String> ruleIds = new ArrayList<>();
        ArrayNode rules = driver.putArray("rules");
        for (RuleId rule : RuleId.values()) {
            if (!rule.isAudit()) {
                rule(rules, rule.name(), rule.description(), rule.severity());
                ruleIds.add(rule.name());
            }
        }
        rule(rules, CheckFinding.UNRESOLVED, CheckFinding.UNRESOLVED_DESCRIPTION, Severity.MEDIUM);
        ruleIds.add(CheckFinding.UNRESOLVED);
        ArrayNode results = run.putArray("results");
        for (CheckFinding f : findings) {
            ObjectNode result = results.addObject().put("ruleId", f.rule()).put("ruleIndex", ruleIds.indexOf(f.rule()))
                    .put("level", level(f.severity()));
            result.putObject("message").put("text", f.resource() + " (" + f.resourceType() + "): " + f.message());
            ObjectNode location = result.putArray("locations").addObject().putObject("physicalLocation");
            location.putObject("artifactLocation").put("uri", f.uri());
            location.putObject("region").put("startLine", f.line());
            f.exemption().ifPresent(e -> result.putArray("suppressions").addObject().put("kind", "external").put("justification", e));
        }
        out.print(sarif.toPrettyString());
        out.print('\n');
    }

    private static void rule(ArrayNode rules, String id, String description, Severity severity) {
        ObjectNode rule = rules.addObject().put("id", id);
        rule.putObject("shortDescription").put("text", description);
        rule.putObject("help").put("text", id + ": " + description + ". Fix the template, or exempt the function with the"
                + " policy's exemption tag or function name patterns.");
        rule.putObject("defaultConfiguration").put("level", level(severity));
        // GitHub ranks security alerts by this score (critical >= 9.0, high >= 7.0, medium >= 4.0).
        rule.putObject("properties").put("security-severity", switch (severity) {
            case CRITICAL -> "9.5";
            case HIGH -> "8.0";
            case MEDIUM -> "5.5";
            case LOW -> "3.0";
        });
    }

    private static String level(Severity severity) {
        return switch (severity) {
            case CRITICAL, HIGH -> "error";
            case MEDIUM -> "warning";
            case LOW -> "note";
        };
    }
}
