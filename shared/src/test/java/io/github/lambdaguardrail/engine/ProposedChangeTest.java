package io.github.lambdaguardrail.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * {@link GuardrailEngine#evaluateProposed}: a change before it is made (a template's resource) is
 * judged as the change, introduced; nobody acted, so no actor exemption, no rollback, no tamper audit.
 */
class ProposedChangeTest {

    private static final String ACCOUNT = "111122223333";
    private static final String ARN = "arn:aws:lambda:eu-west-1:111122223333:function:orders-api";
    private static final FunctionRef FUNCTION = new FunctionRef("orders-api", Optional.empty(), ARN);
    private static final LambdaChange.FunctionConfigured CREATED_OUTSIDE_VPC =
            new LambdaChange.FunctionConfigured(FUNCTION, true, Optional.of(VpcConfig.NONE), VpcConfig.NONE, Map.of());
    /** A header whose actor any actor pattern would match: it must not exempt anything. */
    private static final RecordHeader CHECK = new RecordHeader("check", "CreateFunction", "", ACCOUNT, "eu-west-1",
            new Actor("arn:aws:iam::111122223333:role/break-glass", "Template", Optional.empty(), Optional.empty()));

    private static Verdict propose(Policy policy, LambdaChange change, Map<String, String> tags) {
        return new GuardrailEngine(policy, Set.of()).evaluateProposed(change, CHECK, new FunctionFacts(tags, Optional.empty()));
    }

    @Test
    void functionCreatedOutsideVpcIsAnIntroducedFindingNotifiedNeverRolledBack() {
        Verdict verdict = propose(Policy.defaults().withMode(Mode.ROLLBACK), CREATED_OUTSIDE_VPC, Map.of());

        assertEquals(Decision.NOTIFY, verdict.decision());
        assertEquals(List.of(RuleId.LAMBDA_NOT_IN_VPC), verdict.activeFindings().stream().map(Finding::ruleId).toList());
        assertEquals(Origin.INTRODUCED, verdict.findings().get(0).origin());
        assertEquals("function created without VPC config", verdict.findings().get(0).evidence());
        assertEquals(List.of(new Action.Notify()), verdict.actions());
    }

    @Test
    void actorPatternsDoNotExemptTagsAndNamesDo() {
        Policy byActor = TestRecords.policy("{\"exemptions\": {\"actorArnPatterns\": [\"*\"]}}");
        assertEquals(Decision.NOTIFY, propose(byActor, CREATED_OUTSIDE_VPC, Map.of()).decision());

        assertEquals(Decision.EXEMPTED, propose(Policy.defaults(), CREATED_OUTSIDE_VPC,
                Map.of("guardrail:exempt", "LAMBDA_NOT_IN_VPC")).decision());
        Policy byName = TestRecords.policy("{\"exemptions\": {\"functionNamePatterns\": [\"orders-*\"]}}");
        assertEquals(Decision.EXEMPTED, propose(byName, CREATED_OUTSIDE_VPC, Map.of()).decision());
    }

    @Test
    void guardrailsOwnFunctionIsExemptFromTheVpcRulesAndNotReportedAsTampered() {
        Policy own = TestRecords.policy("{\"guardrail\": {\"resources\": [\"" + ARN + "\"]}}");
        Verdict verdict = propose(own, CREATED_OUTSIDE_VPC, Map.of());

        assertEquals(Decision.EXEMPTED, verdict.decision());
        assertTrue(verdict.results().stream().noneMatch(r -> r.rule() == RuleId.GUARDRAIL_TAMPERED), verdict.results()::toString);
    }
}
