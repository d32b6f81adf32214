package io.github.lambdaguardrail.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The audit rules over the sample events of {@code events/guardrail/}, case by case
 * ({@code guardrail-cases.json}): each rule's status, the decision, and the severity.
 */
class GuardrailRuleTableTest {

    static Stream<CaseTables.GuardrailCase> cases() {
        return CaseTables.guardrailCases().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void auditRuleConcludesAsTheTableSays(CaseTables.GuardrailCase c) throws Exception {
        List<ParsedRecord> records = TestRecords.readAll(TestRecords.projectRoot().resolve("events/guardrail").resolve(c.event()));
        assertEquals(1, records.size(), c.event());
        GuardrailEngine engine = new GuardrailEngine(c.policy(), Set.of(), c.self());
        Verdict verdict = engine.evaluate(records.get(0), FunctionFacts.NONE).orElseThrow();

        assertEquals(c.decision(), verdict.decision(), verdict.toString());
        for (Map.Entry<RuleId, RuleStatus> expected : c.expect().entrySet()) {
            assertTrue(TestRecords.statuses(verdict, expected.getKey()).contains(expected.getValue()),
                    expected.getKey() + " " + expected.getValue() + " in " + verdict.results());
        }
        c.severity().ifPresent(severity -> assertEquals(severity, verdict.activeFindings().stream()
                .map(Finding::severity).max(Enum::compareTo).orElseThrow(), verdict.toString()));
        for (Finding audit : verdict.findings().stream().filter(f -> f.ruleId().isAudit()).toList()) {
            assertEquals(Optional.empty(), audit.exemption(), "an audit finding is never exempted");
            assertEquals(Mode.NOTIFY, audit.mode(), "an audit finding always notifies");
        }
        assertTrue(verdict.actions().stream().allMatch(a -> a.kind() == Action.Kind.NOTIFY),
                "nothing about the guardrail itself is rolled back: " + verdict.actions());
    }
}
