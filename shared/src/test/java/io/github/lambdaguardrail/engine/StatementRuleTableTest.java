package io.github.lambdaguardrail.engine;

import static io.github.lambdaguardrail.engine.TestRecords.JSON;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.lambdaguardrail.engine.CaseTables.StatementCase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The permission rules over the named statements of {@code statement-cases.json}. Each statement
 * goes through a real AddPermission record shape and the parser, as the guard sees it.
 */
class StatementRuleTableTest {

    static List<StatementCase> cases() {
        return CaseTables.statementCases();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void statementGivesTheExpectedStatusForEachListedRuleAndNoOtherFailure(StatementCase c) {
        Verdict verdict = evaluate(c, TestRecords.policy(c.policy()));

        for (var e : c.expect().entrySet()) {
            assertEquals(List.of(e.getValue()), TestRecords.statuses(verdict, e.getKey()),
                    () -> e.getKey() + " in " + verdict.results());
        }
        for (RuleId rule : RuleId.values()) {
            if (!c.expect().containsKey(rule)) {
                assertFalse(TestRecords.statuses(verdict, rule).contains(RuleStatus.FAIL),
                        () -> rule + " fails but the case does not expect it: " + verdict.results());
            }
        }
        assertEquals(c.compliant() ? Decision.ALLOW : Decision.NOTIFY, verdict.decision(), verdict::toString);
    }

    @Test
    void compliantCasesHaveNoFailureAndAreAllowedEvenInRollbackMode() {
        List<StatementCase> compliant = cases().stream().filter(StatementCase::compliant).toList();
        List<String> falsePositives = new ArrayList<>();
        for (StatementCase c : compliant) {
            Verdict verdict = evaluate(c, TestRecords.policy(c.policy()).withMode(Mode.ROLLBACK));
            boolean anyFail = verdict.results().stream().anyMatch(r -> r.status() == RuleStatus.FAIL);
            if (anyFail || !verdict.findings().isEmpty() || verdict.decision() != Decision.ALLOW || !verdict.actions().isEmpty()) {
                falsePositives.add(c.name() + " -> " + verdict.decision() + " " + verdict.findings());
            }
        }
        assertEquals(List.of(), falsePositives);
        assertTrue(compliant.size() * 10 >= cases().size() * 4, "compliant cases should be roughly half: " + compliant.size());
    }

    @Test
    void violatingCasesAreRolledBackOrWithheldInRollbackMode() {
        for (StatementCase c : cases().stream().filter(c -> !c.compliant()).toList()) {
            Verdict verdict = evaluate(c, TestRecords.policy(c.policy()).withMode(Mode.ROLLBACK));
            LambdaEvent event = TestRecords.watched(record(c));
            LambdaChange.PermissionGranted granted = assertInstanceOf(LambdaChange.PermissionGranted.class, event.change());
            boolean parsed = granted.statement() instanceof PolicyStatement.Parsed;
            if (parsed) {
                assertEquals(Decision.ROLLBACK, verdict.decision(), c::name);
                assertEquals(Action.Kind.REMOVE_PERMISSION, verdict.actions().get(0).kind(), c::name);
            } else {
                assertEquals(Decision.NOTIFY, verdict.decision(), c::name);
                assertTrue(verdict.note().orElse("").contains("withheld"), c::name);
            }
        }
    }

    @Test
    void tableHasAtLeastSixtyUniquelyNamedCasesAndRoughlyHalfViolate() {
        assertTrue(cases().size() >= 60, "cases: " + cases().size());
        Set<String> names = new HashSet<>();
        cases().forEach(c -> assertTrue(names.add(c.name()), "duplicate case name " + c.name()));
        long violating = cases().stream().filter(c -> !c.compliant()).count();
        assertTrue(violating * 10 >= cases().size() * 4, "violating cases should be roughly half: " + violating);
    }

    @Test
    void everyRealStatementFromTheLambdaSamplesIsInTheTableVerbatim() throws IOException {
        Path responses = TestRecords.awsSamples().resolve("lambda-api-responses");
        assertTrue(Files.isDirectory(responses), "aws-samples missing: " + responses);
        List<String> missing = new ArrayList<>();
        try (Stream<Path> files = Files.list(responses)) {
            for (Path file : files.sorted().toList()) {
                String name = file.getFileName().toString();
                String base = name.substring(0, name.length() - ".json".length());
                JsonNode data = JSON.readTree(file.toFile()).path("data");
                if (name.startsWith("c7n_addpermission_resp_") && data.has("Statement")) {
                    String statement = data.get("Statement").textValue();
                    if (cases().stream().noneMatch(c -> c.name().startsWith(base) && c.statement().isTextual()
                            && c.statement().textValue().equals(statement))) {
                        missing.add(name);
                    }
                }
                if (name.startsWith("c7n_getpolicy_resp_") && data.has("Policy")) {
                    for (JsonNode s : JSON.readTree(data.get("Policy").textValue()).get("Statement")) {
                        if (cases().stream().noneMatch(c -> c.name().startsWith(base) && c.statement().equals(s))) {
                            missing.add(name + " " + s.get("Sid"));
                        }
                    }
                }
            }
        }
        assertEquals(List.of(), missing);
    }

    static Verdict evaluate(StatementCase c, Policy policy) {
        return TestRecords.evaluate(record(c), policy);
    }

    static JsonNode record(StatementCase c) {
        String function = "case-fn";
        String text;
        String sid;
        if (c.statement().isTextual()) {
            text = c.statement().textValue();
            JsonNode parsed = tryParse(text);
            sid = parsed != null && parsed.path("Sid").isTextual() ? parsed.get("Sid").textValue() : slug(c.name());
        } else {
            sid = c.statement().path("Sid").isTextual() ? c.statement().get("Sid").textValue() : slug(c.name());
            ObjectNode rendered = TestRecords.renderStatement(c.statement(), sid, c.account(), function);
            if (c.asObject()) {
                ObjectNode record = TestRecords.addPermission(c.account(), function, sid, "");
                ((ObjectNode) record.get("responseElements")).set("statement", rendered);
                return record;
            }
            text = TestRecords.text(rendered);
        }
        return TestRecords.addPermission(c.account(), function, sid, text);
    }

    private static JsonNode tryParse(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            return null;
        }
    }

    private static String slug(String name) {
        String s = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("(^-|-$)", "");
        return s.length() > 100 ? s.substring(0, 100) : s;
    }
}
