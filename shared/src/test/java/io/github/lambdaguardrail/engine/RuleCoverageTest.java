package io.github.lambdaguardrail.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The case tables together exercise every rule both ways. */
class RuleCoverageTest {

    @Test
    void everyRuleIdHasAFailingAndAPassingCaseInTheTables() {
        List<String> gaps = new ArrayList<>();
        List<Map<RuleId, RuleStatus>> all = CaseTables.allExpectations();
        for (RuleId rule : RuleId.values()) {
            for (RuleStatus status : List.of(RuleStatus.FAIL, RuleStatus.PASS)) {
                if (all.stream().noneMatch(e -> e.get(rule) == status)) {
                    gaps.add(rule + " has no " + status + " case");
                }
            }
        }
        assertEquals(List.of(), gaps);
    }
}
