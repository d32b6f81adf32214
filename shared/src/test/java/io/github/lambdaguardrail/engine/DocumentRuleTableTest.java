package io.github.lambdaguardrail.engine;

import static io.github.lambdaguardrail.engine.TestRecords.JSON;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.lambdaguardrail.engine.CaseTables.DocumentCase;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The permission rules over the whole policy documents of {@code document-cases.json}, where a
 * Deny statement can confine an Allow for {@code *}: each goes through a PutResourcePolicy record,
 * and as live state through the sweep's entry point, with the same statuses.
 */
class DocumentRuleTableTest {

    private static final String FUNCTION = "shared-fn";
    private static final String ARN = "arn:aws:lambda:" + TestRecords.REGION + ":" + TestRecords.OWN + ":function:" + FUNCTION;

    static List<DocumentCase> cases() {
        return CaseTables.documentCases();
    }

    private static String document(DocumentCase c) {
        ObjectNode doc = JSON.createObjectNode().put("Version", "2012-10-17");
        ArrayNode statements = doc.putArray("Statement");
        for (JsonNode s : c.statements()) {
            ObjectNode statement = s.deepCopy();
            if (!statement.has("Resource")) {
                statement.put("Resource", ARN);
            }
            statements.add(statement);
        }
        return TestRecords.text(doc);
    }

    private static Policy policy(DocumentCase c) {
        return TestRecords.policy(c.policy()).withMode(Mode.ROLLBACK);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void putResourcePolicyGivesEachStatementTheExpectedStatusAndIsNeverRolledBack(DocumentCase c) {
        Verdict verdict = TestRecords.evaluate(TestRecords.putResourcePolicy(FUNCTION, document(c)), policy(c));

        for (var e : c.expect().entrySet()) {
            assertEquals(e.getValue(), TestRecords.statuses(verdict, e.getKey()), () -> e.getKey() + " in " + verdict.results());
        }
        for (RuleId rule : RuleId.values()) {
            if (!c.expect().containsKey(rule)) {
                assertFalse(TestRecords.statuses(verdict, rule).contains(RuleStatus.FAIL), () -> rule + " fails: " + verdict.results());
            }
        }
        assertEquals(c.compliant() ? Decision.ALLOW : Decision.NOTIFY, verdict.decision(), verdict::toString);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void liveDocumentGivesTheSameStatusesToTheSweep(DocumentCase c) {
        LambdaChange.ResourcePolicyReplaced live = new LambdaChange.ResourcePolicyReplaced(
                new FunctionRef(FUNCTION, Optional.empty(), ARN), ResourcePolicy.statements(document(c)));
        Verdict verdict = new GuardrailEngine(policy(c), Set.of())
                .evaluateExisting(live, TestRecords.look(TestRecords.OWN, TestRecords.REGION), FunctionFacts.NONE);

        for (var e : c.expect().entrySet()) {
            assertEquals(e.getValue(), TestRecords.statuses(verdict, e.getKey()), () -> e.getKey() + " in " + verdict.results());
        }
        assertEquals(c.compliant() ? Decision.ALLOW : Decision.NOTIFY, verdict.decision(), verdict::toString);
    }

    @Test
    void confinedAllowNamesTheDenyThatConfinesIt() {
        DocumentCase c = cases().get(0);
        Verdict verdict = TestRecords.evaluate(TestRecords.putResourcePolicy(FUNCTION, document(c)), policy(c));
        RuleResult pass = verdict.results().stream().filter(r -> r.rule() == RuleId.PERMISSION_PUBLIC).findFirst().orElseThrow();
        assertTrue(pass.evidence().contains("organisation [o-exampleorg1] (outsiders denied by Deny 'DenyOutsideOrg')"),
                pass.evidence());
    }

    @Test
    void tableHoldsConfinedAndUnconfinedDocumentsWithUniqueNames() {
        assertEquals(cases().size(), cases().stream().map(DocumentCase::name).distinct().count());
        assertTrue(cases().stream().filter(DocumentCase::compliant).count() >= 5);
        assertTrue(cases().stream().filter(c -> !c.compliant()).count() >= 10);
    }
}
