package io.github.lambdaguardrail.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link GuardrailEngine#evaluateExisting}: the sweep's entry point judges live state with the
 * same rules as events, reports every violation as pre-existing and never plans a rollback.
 */
class ExistingStateTest {

    private static final String ACCOUNT = "111122223333";
    private static final String REGION = "eu-west-1";
    private static final String ARN = "arn:aws:lambda:eu-west-1:111122223333:function:orders-api";
    private static final FunctionRef FUNCTION = new FunctionRef("orders-api", Optional.empty(), ARN);
    private static final FunctionRef ALIAS_LIVE = new FunctionRef("orders-api", Optional.of("live"), ARN);
    private static final FunctionRef VERSION_3 = new FunctionRef("orders-api", Optional.of("3"), ARN);
    private static final VpcConfig IN_VPC = new VpcConfig(List.of("subnet-0a1b2c3d"), List.of("sg-0a1b2c3d"),
            Optional.of("vpc-0a1b2c3d"));
    /** Rollback mode everywhere: even so, a sweep only ever notifies. */
    private static final Policy ROLLBACK = Policy.defaults().withMode(Mode.ROLLBACK);

    private static LambdaChange.FunctionConfigured live(VpcConfig vpc) {
        return new LambdaChange.FunctionConfigured(FUNCTION, false, Optional.empty(), vpc, Map.of());
    }

    private static LambdaChange.ResourcePolicyReplaced policyOf(FunctionRef function, String... statements) {
        String document = "{\"Version\":\"2012-10-17\",\"Id\":\"default\",\"Statement\":[" + String.join(",", statements) + "]}";
        return new LambdaChange.ResourcePolicyReplaced(function, ResourcePolicy.statements(document));
    }

    private static String statement(String sid, String principal, String action, String condition) {
        return "{\"Sid\":\"" + sid + "\",\"Effect\":\"Allow\",\"Principal\":" + principal + ",\"Action\":\"" + action
                + "\",\"Resource\":\"" + ARN + "\"" + (condition.isEmpty() ? "" : ",\"Condition\":" + condition) + "}";
    }

    private static Verdict sweep(LambdaChange change, Policy policy) {
        return sweep(change, policy, FunctionFacts.NONE);
    }

    private static Verdict sweep(LambdaChange change, Policy policy, FunctionFacts facts) {
        return new GuardrailEngine(policy, java.util.Set.of()).evaluateExisting(change, TestRecords.look(ACCOUNT, REGION), facts);
    }

    private static List<RuleId> ruleIds(Verdict verdict) {
        return verdict.activeFindings().stream().map(Finding::ruleId).toList();
    }

    /** Named cases: live state, the rule ids it must be reported under (in rule order). */
    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("function outside any VPC", live(VpcConfig.NONE), List.of(RuleId.LAMBDA_NOT_IN_VPC)),
                Arguments.of("function detached: empty lists and empty VPC id",
                        live(new VpcConfig(List.of(), List.of(), Optional.of(""))), List.of(RuleId.LAMBDA_NOT_IN_VPC)),
                Arguments.of("function in a VPC", live(IN_VPC), List.of()),
                Arguments.of("public statement on an alias policy",
                        policyOf(ALIAS_LIVE, statement("anyone", "\"*\"", "lambda:InvokeFunction", "")),
                        List.of(RuleId.PERMISSION_PUBLIC)),
                Arguments.of("public statement on a version policy",
                        policyOf(VERSION_3, statement("anyone", "{\"AWS\":\"*\"}", "lambda:InvokeFunction", "")),
                        List.of(RuleId.PERMISSION_PUBLIC)),
                Arguments.of("service principal without source",
                        policyOf(FUNCTION, statement("s3", "{\"Service\":\"s3.amazonaws.com\"}", "lambda:InvokeFunction", "")),
                        List.of(RuleId.PERMISSION_SERVICE_WITHOUT_SOURCE)),
                Arguments.of("service principal pinned by source account and ARN",
                        policyOf(FUNCTION, statement("s3", "{\"Service\":\"s3.amazonaws.com\"}", "lambda:InvokeFunction",
                                "{\"StringEquals\":{\"AWS:SourceAccount\":\"111122223333\"},"
                                        + "\"ArnLike\":{\"AWS:SourceArn\":\"arn:aws:s3:::orders-inbox\"}}")),
                        List.of()),
                Arguments.of("cross-account principal",
                        policyOf(FUNCTION, statement("partner", "{\"AWS\":\"arn:aws:iam::444455556666:root\"}",
                                "lambda:InvokeFunction", "")),
                        List.of(RuleId.PERMISSION_UNTRUSTED_ACCOUNT)),
                Arguments.of("own account principal (the account passed in is trusted)",
                        policyOf(FUNCTION, statement("own", "{\"AWS\":\"arn:aws:iam::111122223333:root\"}",
                                "lambda:InvokeFunction", "")),
                        List.of()),
                Arguments.of("wildcard action",
                        policyOf(FUNCTION, statement("ops", "{\"AWS\":\"arn:aws:iam::111122223333:root\"}", "lambda:*", "")),
                        List.of(RuleId.PERMISSION_WILDCARD_ACTION)),
                Arguments.of("both halves of a public function URL, each once as FUNCTION_URL_PUBLIC",
                        policyOf(ALIAS_LIVE,
                                statement("url", "\"*\"", "lambda:InvokeFunctionUrl",
                                        "{\"StringEquals\":{\"lambda:FunctionUrlAuthType\":\"NONE\"}}"),
                                statement("url-invoke", "\"*\"", "lambda:InvokeFunction",
                                        "{\"Bool\":{\"lambda:InvokedViaFunctionUrl\":\"true\"}}")),
                        List.of(RuleId.FUNCTION_URL_PUBLIC, RuleId.FUNCTION_URL_PUBLIC)),
                Arguments.of("several statements, each judged on its own",
                        policyOf(FUNCTION,
                                statement("own", "{\"AWS\":\"arn:aws:iam::111122223333:root\"}", "lambda:InvokeFunction", ""),
                                statement("sns", "{\"Service\":\"sns.amazonaws.com\"}", "lambda:InvokeFunction", ""),
                                statement("partner", "{\"AWS\":\"444455556666\"}", "lambda:InvokeFunction", "")),
                        List.of(RuleId.PERMISSION_UNTRUSTED_ACCOUNT, RuleId.PERMISSION_SERVICE_WITHOUT_SOURCE)),
                Arguments.of("a statement that cannot be parsed fails closed",
                        policyOf(FUNCTION, "{\"Sid\":\"broken\",\"Effect\":\"Allow\",\"Principal\":\"*\"}"),
                        List.of(RuleId.PERMISSION_PUBLIC)),
                Arguments.of("function URL with auth type NONE",
                        new LambdaChange.FunctionUrlConfigured(ALIAS_LIVE, "NONE"), List.of(RuleId.FUNCTION_URL_PUBLIC)),
                Arguments.of("function URL with IAM auth",
                        new LambdaChange.FunctionUrlConfigured(FUNCTION, "AWS_IAM"), List.of()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void liveStateIsReportedUnderTheSameRulesAsEventsAndOnlyEverNotified(String name, LambdaChange change,
                                                                         List<RuleId> expected) {
        Verdict v = sweep(change, ROLLBACK);
        List<RuleId> found = ruleIds(v);
        assertEquals(expected.stream().sorted().toList(), found.stream().sorted().toList(), name);
        assertEquals(expected.isEmpty() ? Decision.ALLOW : Decision.NOTIFY, v.decision(), name);
        assertEquals(expected.isEmpty() ? List.of() : List.of("NOTIFY"), v.actions().stream().map(Action::type).toList());
        assertTrue(v.findings().stream().allMatch(f -> f.origin() == Origin.PRE_EXISTING), name + ": " + v.findings());
        assertTrue(v.results().stream().filter(r -> r.status() == RuleStatus.FAIL)
                .allMatch(r -> r.origin() == Origin.PRE_EXISTING), name);
        assertEquals(change.function(), v.function().orElseThrow());
    }

    @Test
    void verdictCarriesTheCallersHeader() {
        assertEquals(TestRecords.look(ACCOUNT, REGION), sweep(live(VpcConfig.NONE), ROLLBACK).header());
    }

    @Test
    void findingOnAnAliasNamesTheQualifiedArn() {
        Verdict v = sweep(policyOf(ALIAS_LIVE, statement("anyone", "\"*\"", "lambda:InvokeFunction", "")), ROLLBACK);
        assertEquals(ARN + ":live", v.function().orElseThrow().qualifiedArn());
        assertEquals("statement 'anyone'", v.findings().get(0).subject());
    }

    @Test
    void configurationReportedAsCreatedIsStillJudgedAsExistingState() {
        var created = new LambdaChange.FunctionConfigured(FUNCTION, true, Optional.of(VpcConfig.NONE), VpcConfig.NONE, Map.of());
        Verdict v = sweep(created, ROLLBACK);
        assertEquals(Decision.NOTIFY, v.decision());
        assertEquals(Origin.PRE_EXISTING, v.findings().get(0).origin());
        assertTrue(v.findings().get(0).message().contains("not in a VPC"), v.findings().get(0).message());
    }

    @Test
    void vpcOutsideTheAllowListIsPreExisting() {
        Policy policy = new Policy(Mode.ROLLBACK, new Policy.Vpc(true, List.of("vpc-0fff0000"), List.of(), List.of(),
                List.of("sg-0bad0bad")), Policy.Permissions.DEFAULT, Policy.Exemptions.DEFAULT, Policy.Guardrail.NONE, Map.of());
        VpcConfig denied = new VpcConfig(List.of("subnet-0a1b2c3d"), List.of("sg-0bad0bad"), Optional.of("vpc-0a1b2c3d"));
        Verdict v = sweep(live(denied), policy);
        assertEquals(List.of(RuleId.LAMBDA_VPC_NOT_ALLOWED), ruleIds(v));
        assertEquals(Decision.NOTIFY, v.decision());
        assertTrue(v.findings().get(0).evidence().contains("vpc-0a1b2c3d"), v.findings().get(0).evidence());
        assertTrue(v.findings().get(0).evidence().contains("sg-0bad0bad"), v.findings().get(0).evidence());
    }

    @Test
    void exemptionTagFromTheLiveTagsExemptsButKeepsTheFinding() {
        Verdict v = sweep(live(VpcConfig.NONE), ROLLBACK,
                new FunctionFacts(Map.of("guardrail:exempt", "LAMBDA_NOT_IN_VPC"), Optional.empty()));
        assertEquals(Decision.EXEMPTED, v.decision());
        assertEquals(1, v.findings().size());
        assertEquals(Optional.of("tag guardrail:exempt=LAMBDA_NOT_IN_VPC"), v.findings().get(0).exemption());
    }

    @Test
    void functionNamePatternExemptsButActorPatternsDoNotApplyToExistingState() {
        Policy byName = new Policy(Mode.NOTIFY, Policy.Vpc.DEFAULT, Policy.Permissions.DEFAULT,
                new Policy.Exemptions("guardrail:exempt", List.of("orders-*"), List.of()), Policy.Guardrail.NONE, Map.of());
        assertEquals(Decision.EXEMPTED, sweep(live(VpcConfig.NONE), byName).decision());

        Policy byActor = new Policy(Mode.NOTIFY, Policy.Vpc.DEFAULT, Policy.Permissions.DEFAULT,
                new Policy.Exemptions("guardrail:exempt", List.of(), List.of("*")), Policy.Guardrail.NONE, Map.of());
        Verdict v = sweep(live(VpcConfig.NONE), byActor);
        assertEquals(Decision.NOTIFY, v.decision(), "nobody acted, so no actor can be exempt");
        assertEquals(Optional.empty(), v.findings().get(0).exemption());
    }

    @Test
    void ruleSwitchedOffReportsNothing() {
        Policy off = new Policy(Mode.ROLLBACK, Policy.Vpc.DEFAULT, Policy.Permissions.DEFAULT, Policy.Exemptions.DEFAULT,
                Policy.Guardrail.NONE, Map.of(RuleId.LAMBDA_NOT_IN_VPC, Mode.OFF));
        Verdict v = sweep(live(VpcConfig.NONE), off);
        assertEquals(Decision.ALLOW, v.decision());
        assertEquals(List.of(), v.findings());
    }

    @Test
    void publicUrlsAllowedByPolicyPass() {
        Policy allowed = new Policy(Mode.ROLLBACK, Policy.Vpc.DEFAULT,
                new Policy.Permissions(List.of(), List.of(), List.of("lambda:InvokeFunction", "lambda:InvokeFunctionUrl"),
                        true, true),
                Policy.Exemptions.DEFAULT, Policy.Guardrail.NONE, Map.of());
        assertEquals(Decision.ALLOW, sweep(new LambdaChange.FunctionUrlConfigured(FUNCTION, "NONE"), allowed).decision());
    }
}
