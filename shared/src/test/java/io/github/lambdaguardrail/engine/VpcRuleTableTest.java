package io.github.lambdaguardrail.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.lambdaguardrail.engine.CaseTables.VpcCase;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The VPC rules over the named function configuration changes of {@code vpc-cases.json}. */
class VpcRuleTableTest {

    static List<VpcCase> cases() {
        return CaseTables.vpcCases();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void changeGivesTheExpectedVpcRuleStatusesAndNoOtherFailure(VpcCase c) {
        Verdict verdict = TestRecords.evaluate(record(c), TestRecords.policy(c.policy()));

        for (var e : c.expect().entrySet()) {
            assertEquals(List.of(e.getValue()), TestRecords.statuses(verdict, e.getKey()),
                    () -> e.getKey() + " in " + verdict.results());
        }
        for (RuleId rule : RuleId.values()) {
            if (!c.expect().containsKey(rule)) {
                assertFalse(TestRecords.statuses(verdict, rule).contains(RuleStatus.FAIL), () -> rule + " fails");
            }
        }
        verdict.results().stream().filter(r -> r.status() == RuleStatus.FAIL)
                .forEach(r -> assertEquals(c.origin().orElseThrow(), r.origin(), r::toString));
        assertEquals(c.compliant() ? Decision.ALLOW : Decision.NOTIFY, verdict.decision());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void rollbackModeRollsBackOnlyIntroducedViolations(VpcCase c) {
        Verdict verdict = TestRecords.evaluate(record(c), TestRecords.policy(c.policy()).withMode(Mode.ROLLBACK));

        assertEquals(c.rollbackDecision(), verdict.decision(), verdict::toString);
        String expectedFirstAction = switch (c.rollbackDecision()) {
            case ROLLBACK -> "QUARANTINE";
            case NOTIFY -> "NOTIFY";
            default -> "";
        };
        assertEquals(expectedFirstAction, verdict.actions().isEmpty() ? "" : verdict.actions().get(0).type());
        if (c.rollbackDecision() == Decision.ROLLBACK) {
            assertEquals(Origin.INTRODUCED, c.origin().orElseThrow());
        }
    }

    @Test
    void tableCoversEveryVpcShapeWithUniqueNames() {
        Set<String> names = new HashSet<>();
        cases().forEach(c -> assertTrue(names.add(c.name()), "duplicate case name " + c.name()));
        assertTrue(cases().stream().anyMatch(c -> c.origin().equals(java.util.Optional.of(Origin.PRE_EXISTING))));
        assertTrue(cases().stream().anyMatch(c -> c.rollbackDecision() == Decision.ROLLBACK));
        assertTrue(cases().stream().anyMatch(c -> c.api() == WatchedApi.UPDATE_FUNCTION_CONFIGURATION && c.requestVpc().isEmpty()));
        assertTrue(cases().stream().filter(VpcCase::compliant).count() >= 8);
    }

    static ObjectNode record(VpcCase c) {
        String function = "vpc-case-fn";
        ObjectNode record = c.api() == WatchedApi.CREATE_FUNCTION
                ? TestRecords.createFunction(function, c.requestVpc().orElse(null), c.responseVpc().orElse(null), Map.of())
                : TestRecords.updateFunctionConfiguration(function, c.requestVpc().orElse(null), c.responseVpc().orElse(null));
        if (!c.hasResponse()) {
            record.set("responseElements", NullNode.getInstance());
        }
        return record;
    }
}
