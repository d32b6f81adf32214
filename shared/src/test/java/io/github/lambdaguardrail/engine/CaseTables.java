package io.github.lambdaguardrail.engine;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The named case tables under {@code src/test/resources}, read once. */
final class CaseTables {

    /**
     * One resource-policy statement and what each rule must conclude about it.
     *
     * @param account   the function's own account (default {@code 111122223333})
     * @param statement a statement object, or the statement text exactly as Lambda recorded it
     * @param asObject  the record holds the statement as a JSON object, not as its text
     * @param policy    policy overrides, or {@code null} for the defaults
     */
    record StatementCase(String name, String account, JsonNode statement, boolean asObject, JsonNode policy,
                         Map<RuleId, RuleStatus> expect) {

        boolean compliant() {
            return !expect.containsValue(RuleStatus.FAIL);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /**
     * One resource-policy document (PutResourcePolicy, or a live policy a sweep reads) and what
     * each rule must conclude about each of its statements, in order.
     *
     * @param statements the statements; one without {@code Resource} gets the function's ARN
     * @param policy     policy overrides, or {@code null} for the defaults
     */
    record DocumentCase(String name, JsonNode statements, JsonNode policy, Map<RuleId, List<RuleStatus>> expect) {

        boolean compliant() {
            return expect.values().stream().noneMatch(statuses -> statuses.contains(RuleStatus.FAIL));
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /**
     * One function configuration change and what the VPC rules must conclude.
     *
     * @param requestVpc  {@code requestParameters.vpcConfig}, empty when the key is absent
     * @param responseVpc {@code responseElements.vpcConfig}, empty when the key is absent
     * @param origin      the origin of the failures, when a rule fails
     */
    record VpcCase(String name, WatchedApi api, Optional<JsonNode> requestVpc, Optional<JsonNode> responseVpc,
                   boolean hasResponse, JsonNode policy, Map<RuleId, RuleStatus> expect, Optional<Origin> origin,
                   Decision rollbackDecision) {

        boolean compliant() {
            return !expect.containsValue(RuleStatus.FAIL);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /**
     * One sample event of {@code events/guardrail/} and what the audit rules conclude.
     *
     * @param event    file name under {@code events/guardrail/}
     * @param policy   the table's guardrail resources (unless the case says none) with the case's policy
     * @param self     the guard function the engine runs in
     * @param severity the highest severity of the active findings, when there are any
     */
    record GuardrailCase(String name, String event, Policy policy, Optional<String> self, Map<RuleId, RuleStatus> expect,
                         Decision decision, Optional<Severity> severity) {

        @Override
        public String toString() {
            return name;
        }
    }

    private static final List<StatementCase> STATEMENT_CASES = loadStatementCases();
    private static final List<DocumentCase> DOCUMENT_CASES = loadDocumentCases();
    private static final List<GuardrailCase> GUARDRAIL_CASES = loadGuardrailCases();
    private static final List<VpcCase> VPC_CASES = loadVpcCases();

    private CaseTables() {
    }

    static List<StatementCase> statementCases() {
        return STATEMENT_CASES;
    }

    static List<DocumentCase> documentCases() {
        return DOCUMENT_CASES;
    }

    static List<VpcCase> vpcCases() {
        return VPC_CASES;
    }

    static List<GuardrailCase> guardrailCases() {
        return GUARDRAIL_CASES;
    }

    /** Every expectation of the tables, rule by rule. */
    static List<Map<RuleId, RuleStatus>> allExpectations() {
        List<Map<RuleId, RuleStatus>> out = new ArrayList<>();
        STATEMENT_CASES.forEach(c -> out.add(c.expect()));
        VPC_CASES.forEach(c -> out.add(c.expect()));
        GUARDRAIL_CASES.forEach(c -> out.add(c.expect()));
        return out;
    }

    private static List<GuardrailCase> loadGuardrailCases() {
        JsonNode table = read("/guardrail-cases.json");
        List<GuardrailCase> out = new ArrayList<>();
        for (JsonNode c : table.get("cases")) {
            com.fasterxml.jackson.databind.node.ObjectNode policy = c.has("policy")
                    ? c.get("policy").deepCopy() : TestRecords.JSON.createObjectNode();
            if (!c.path("noResources").asBoolean(false)) {
                policy.putObject("guardrail").set("resources", table.get("resources"));
            }
            out.add(new GuardrailCase(c.get("name").textValue(), c.get("event").textValue(), TestRecords.policy(policy),
                    Optional.ofNullable(c.get("self")).map(JsonNode::textValue), expect(c),
                    Decision.valueOf(c.get("decision").textValue()),
                    Optional.ofNullable(c.get("severity")).map(n -> Severity.valueOf(n.textValue()))));
        }
        return Collections.unmodifiableList(out);
    }

    private static List<StatementCase> loadStatementCases() {
        List<StatementCase> out = new ArrayList<>();
        for (JsonNode c : read("/statement-cases.json")) {
            out.add(new StatementCase(c.get("name").textValue(), c.path("account").asText(TestRecords.OWN),
                    c.get("statement"), c.path("statementAsObject").asBoolean(false), c.get("policy"), expect(c)));
        }
        return Collections.unmodifiableList(out);
    }

    private static List<DocumentCase> loadDocumentCases() {
        List<DocumentCase> out = new ArrayList<>();
        for (JsonNode c : read("/document-cases.json")) {
            Map<RuleId, List<RuleStatus>> expect = new EnumMap<>(RuleId.class);
            c.get("expect").fields().forEachRemaining(e -> {
                List<RuleStatus> statuses = new ArrayList<>();
                e.getValue().forEach(status -> statuses.add(RuleStatus.valueOf(status.textValue())));
                expect.put(RuleId.parse(e.getKey()).orElseThrow(() -> new IllegalArgumentException(c.get("name") + ": no rule " + e.getKey())),
                        List.copyOf(statuses));
            });
            out.add(new DocumentCase(c.get("name").textValue(), c.get("statements"), c.get("policy"),
                    Collections.unmodifiableMap(expect)));
        }
        return Collections.unmodifiableList(out);
    }

    private static List<VpcCase> loadVpcCases() {
        List<VpcCase> out = new ArrayList<>();
        for (JsonNode c : read("/vpc-cases.json")) {
            WatchedApi api = WatchedApi.forEvent("lambda.amazonaws.com", c.get("api").textValue()).orElseThrow();
            out.add(new VpcCase(c.get("name").textValue(), api, Optional.ofNullable(c.get("requestVpcConfig")),
                    Optional.ofNullable(c.get("responseVpcConfig")), !c.has("responseElements"), c.get("policy"),
                    expect(c), Optional.ofNullable(c.get("origin")).map(o -> Origin.valueOf(o.textValue())),
                    Decision.valueOf(c.get("rollbackDecision").textValue())));
        }
        return Collections.unmodifiableList(out);
    }

    private static Map<RuleId, RuleStatus> expect(JsonNode c) {
        Map<RuleId, RuleStatus> expect = new EnumMap<>(RuleId.class);
        c.get("expect").fields().forEachRemaining(e -> expect.put(
                RuleId.parse(e.getKey()).orElseThrow(() -> new IllegalArgumentException(c.get("name") + ": no rule " + e.getKey())),
                RuleStatus.valueOf(e.getValue().textValue())));
        return Collections.unmodifiableMap(expect);
    }

    private static JsonNode read(String resource) {
        try (InputStream in = CaseTables.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + resource);
            }
            return TestRecords.JSON.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
