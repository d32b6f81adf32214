package io.github.lambdaguardrail.engine;

import static io.github.lambdaguardrail.engine.TestRecords.OWN;
import static io.github.lambdaguardrail.engine.TestRecords.SG;
import static io.github.lambdaguardrail.engine.TestRecords.SUBNET_A;
import static io.github.lambdaguardrail.engine.TestRecords.SUBNET_B;
import static io.github.lambdaguardrail.engine.TestRecords.VPC;
import static io.github.lambdaguardrail.engine.TestRecords.describe;
import static io.github.lambdaguardrail.engine.TestRecords.evaluate;
import static io.github.lambdaguardrail.engine.TestRecords.policy;
import static io.github.lambdaguardrail.engine.TestRecords.vpcConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.lambdaguardrail.engine.rules.TamperRule;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Decisions, modes, exemptions and planned actions. */
class GuardrailEngineTest {

    private static final String PUBLIC = "{\"Sid\":\"allow-anyone\",\"Effect\":\"Allow\",\"Principal\":\"*\","
            + "\"Action\":\"lambda:InvokeFunction\",\"Resource\":\"arn:aws:lambda:us-east-1:111122223333:function:invoice-renderer\"}";
    private static final String S3_NO_SOURCE = "{\"Sid\":\"s3-invoke\",\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"s3.amazonaws.com\"},"
            + "\"Action\":\"lambda:InvokeFunction\",\"Resource\":\"arn:aws:lambda:us-east-1:111122223333:function:image-thumbnailer\"}";
    private static final Policy ROLLBACK = Policy.defaults().withMode(Mode.ROLLBACK);

    private static ObjectNode publicGrant() {
        return TestRecords.addPermission(OWN, "invoice-renderer", "allow-anyone", PUBLIC);
    }

    private static ObjectNode createdOutsideVpc(String name, Map<String, String> tags) {
        return TestRecords.createFunction(name, null, null, tags);
    }

    private static ObjectNode vpcRemoved() {
        return TestRecords.updateFunctionConfiguration("payments-worker", vpcConfig(List.of(), List.of(), null),
                vpcConfig(List.of(), List.of(), ""));
    }

    @Nested
    class Modes {

        @Test
        void publicGrantIsNotifiedInNotifyMode() {
            Verdict v = evaluate(publicGrant(), Policy.defaults());
            assertEquals(Decision.NOTIFY, v.decision());
            assertEquals("NOTIFY", describe(v.actions()));
            assertEquals(List.of(RuleId.PERMISSION_PUBLIC), v.findings().stream().map(Finding::ruleId).toList());
            assertEquals(Mode.NOTIFY, v.findings().get(0).mode());
            assertEquals(Severity.CRITICAL, v.findings().get(0).severity());
        }

        @Test
        void publicGrantIsRolledBackInRollbackMode() {
            Verdict v = evaluate(publicGrant(), ROLLBACK);
            assertEquals(Decision.ROLLBACK, v.decision());
            assertEquals("REMOVE_PERMISSION(allow-anyone) NOTIFY", describe(v.actions()));
            assertEquals(Optional.empty(), v.note());
        }

        @Test
        void compliantGrantIsAllowedWithoutActions() {
            String own = "{\"Sid\":\"own\",\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::111122223333:root\"},"
                    + "\"Action\":\"lambda:InvokeFunction\",\"Resource\":\"arn:aws:lambda:us-east-1:111122223333:function:f\"}";
            Verdict v = evaluate(TestRecords.addPermission(OWN, "f", "own", own), ROLLBACK);
            assertEquals(Decision.ALLOW, v.decision());
            assertEquals(List.of(), v.findings());
            assertEquals(List.of(), v.actions());
            assertFalse(v.results().isEmpty(), "PASS and SKIP results are kept as evidence");
        }

        @Test
        void ruleOverriddenToNotifyIsNotifiedInRollbackMode() {
            ObjectNode record = TestRecords.addPermission(OWN, "image-thumbnailer", "s3-invoke", S3_NO_SOURCE);
            Verdict v = evaluate(record, policy("{\"mode\":\"rollback\",\"rules\":{\"PERMISSION_SERVICE_WITHOUT_SOURCE\":\"notify\"}}"));
            assertEquals(Decision.NOTIFY, v.decision());
            assertEquals(Mode.NOTIFY, v.findings().get(0).mode());
            assertEquals("NOTIFY", describe(v.actions()));
        }

        @Test
        void ruleOverriddenToRollbackIsRolledBackInNotifyMode() {
            ObjectNode record = TestRecords.addPermission(OWN, "image-thumbnailer", "s3-invoke", S3_NO_SOURCE);
            Verdict v = evaluate(record, policy("{\"rules\":{\"PERMISSION_SERVICE_WITHOUT_SOURCE\":\"rollback\"}}"));
            assertEquals(Decision.ROLLBACK, v.decision());
            assertEquals("REMOVE_PERMISSION(s3-invoke) NOTIFY", describe(v.actions()));
        }

        @Test
        void ruleTurnedOffGivesNoFindingAndAllows() {
            ObjectNode record = TestRecords.addPermission(OWN, "image-thumbnailer", "s3-invoke", S3_NO_SOURCE);
            Verdict v = evaluate(record, policy("{\"mode\":\"rollback\",\"rules\":{\"PERMISSION_SERVICE_WITHOUT_SOURCE\":\"off\"}}"));
            assertEquals(Decision.ALLOW, v.decision());
            assertEquals(List.of(), v.findings());
            assertEquals(List.of(RuleStatus.SKIP), TestRecords.statuses(v, RuleId.PERMISSION_SERVICE_WITHOUT_SOURCE));
        }

        @Test
        void otherRulesStillFireWhenOneRuleIsOff() {
            Verdict v = evaluate(publicGrant(), policy("{\"mode\":\"rollback\",\"rules\":{\"PERMISSION_WILDCARD_ACTION\":\"off\"}}"));
            assertEquals(Decision.ROLLBACK, v.decision());
        }
    }

    /**
     * "Own account" is the function's account, from its ARN, not the record's recipient account:
     * a function named by ARN in another account (a cross-account call, or a delegated trail).
     */
    @Nested
    class OwnAccount {

        private static final String FUNCTION = "arn:aws:lambda:us-east-1:" + TestRecords.PARTNER + ":function:partner-hook";

        private ObjectNode grantTo(String account) {
            String statement = "{\"Sid\":\"account-invoke\",\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::" + account
                    + ":root\"},\"Action\":\"lambda:InvokeFunction\",\"Resource\":\"" + FUNCTION + "\"}";
            return TestRecords.addPermission(OWN, FUNCTION, "account-invoke", statement);
        }

        @Test
        void grantToTheFunctionsAccountIsAllowedWhenTheRecordNamesAnotherAccount() {
            Verdict v = evaluate(grantTo(TestRecords.PARTNER), ROLLBACK);
            assertEquals(Decision.ALLOW, v.decision(), v::toString);
        }

        @Test
        void grantToTheRecordsAccountIsUntrustedWhenTheFunctionIsInAnotherAccount() {
            Verdict v = evaluate(grantTo(OWN), ROLLBACK);
            assertEquals(List.of(RuleId.PERMISSION_UNTRUSTED_ACCOUNT), v.findings().stream().map(Finding::ruleId).toList());
            assertTrue(v.findings().get(0).message().contains(OWN), v.findings().get(0)::message);
        }
    }

    @Nested
    class OwnFunctions {

        private static final String SWEEP = "arn:aws:lambda:us-east-1:111122223333:function:lambda-guardrail-sweep";
        private final Policy guarded = policy("{\"mode\":\"rollback\",\"guardrail\":{\"resources\":[\"" + SWEEP + "\"]}}");

        @Test
        void ownFunctionIsExemptFromTheVpcRulesByExactArnAndItsChangeIsATamper() {
            Verdict v = evaluate(createdOutsideVpc("lambda-guardrail-sweep", Map.of()), guarded);
            Finding vpc = v.findings().stream().filter(f -> f.ruleId() == RuleId.LAMBDA_NOT_IN_VPC).findFirst().orElseThrow();
            assertTrue(vpc.exemption().orElseThrow().contains("own function"), vpc::toString);
            assertEquals(List.of(RuleId.GUARDRAIL_TAMPERED), v.activeFindings().stream().map(Finding::ruleId).toList());
            assertEquals(Decision.NOTIFY, v.decision(), "nothing about the guardrail itself is rolled back");
        }

        @Test
        void functionNamedLikeTheStackIsNotExempt() {
            Verdict v = evaluate(createdOutsideVpc("lambda-guardrail-backdoor", Map.of()), guarded);
            assertEquals(Decision.ROLLBACK, v.decision());
            assertFalse(v.findings().get(0).isExempted());
        }

        @Test
        void publicPermissionOnAFunctionNamedLikeTheStackIsRolledBack() {
            ObjectNode record = TestRecords.addPermission(OWN, "lambda-guardrail-backdoor", "anyone",
                    "{\"Sid\":\"anyone\",\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"lambda:InvokeFunction\","
                            + "\"Resource\":\"arn:aws:lambda:us-east-1:111122223333:function:lambda-guardrail-backdoor\"}");
            Verdict v = evaluate(record, guarded);
            assertEquals(Decision.ROLLBACK, v.decision());
            assertEquals(List.of(RuleId.PERMISSION_PUBLIC), v.activeFindings().stream().map(Finding::ruleId).toList());
        }

        @Test
        void ownFunctionIsNotExemptFromThePermissionRules() {
            ObjectNode record = TestRecords.addPermission(OWN, "lambda-guardrail-sweep", "anyone",
                    "{\"Sid\":\"anyone\",\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"lambda:InvokeFunction\","
                            + "\"Resource\":\"" + SWEEP + "\"}");
            Verdict v = evaluate(record, guarded);
            assertEquals(List.of(RuleId.PERMISSION_PUBLIC, RuleId.GUARDRAIL_TAMPERED),
                    v.activeFindings().stream().map(Finding::ruleId).toList());
            assertEquals(Decision.NOTIFY, v.decision());
            assertTrue(v.note().orElseThrow().contains("guardrail itself"), v.note()::get);
        }

        @Test
        void auditRulesCannotBeOverridden() {
            PolicyException e = org.junit.jupiter.api.Assertions.assertThrows(PolicyException.class,
                    () -> policy("{\"rules\":{\"GUARDRAIL_TAMPERED\":\"off\"}}"));
            assertTrue(e.getMessage().contains("cannot be turned off"), e::getMessage);
            PolicyException env = org.junit.jupiter.api.Assertions.assertThrows(PolicyException.class,
                    () -> PolicyLoader.fromEnvironment(Map.of("GUARDRAIL_RULES", "GUARDRAIL_TAG_CHANGED=off"), Set.of()));
            assertTrue(env.getMessage().startsWith("GUARDRAIL_RULES"), env::getMessage);
        }

        @Test
        void ownResourcesMustBeArnsOfResourcesTheGuardrailDeploys() {
            PolicyException e = org.junit.jupiter.api.Assertions.assertThrows(PolicyException.class,
                    () -> PolicyLoader.fromEnvironment(Map.of("GUARDRAIL_OWN_RESOURCES", SWEEP + ",lambda-guardrail-*"), Set.of()));
            assertTrue(e.getMessage().startsWith("GUARDRAIL_OWN_RESOURCES"), e::getMessage);
        }

        /** The stack's rules by one prefix: rules only, never functions, keys or topics. */
        @Test
        void aTrailingStarIsTakenOnlyOnAnEventBridgeRuleName() {
            String rules = "arn:aws:events:us-east-1:111122223333:rule/lambda-guardrail-*";
            TamperRule tamper = new TamperRule(PolicyLoader.fromEnvironment(
                    Map.of("GUARDRAIL_OWN_RESOURCES", SWEEP + "," + rules), Set.of()).guardrail().resourceArns());
            assertTrue(tamper.isGuardrailResource("arn:aws:events:us-east-1:111122223333:rule/lambda-guardrail-vpc-guard-tamper"));
            assertTrue(tamper.isGuardrailResource(
                    "arn:aws:events:us-east-1:111122223333:rule/lambda-guardrail-org/lambda-guardrail-org-evaluator-changes"),
                    "the central bus's rule: its bus is named like the stack");
            assertFalse(tamper.isGuardrailResource("arn:aws:events:us-east-1:111122223333:rule/payments-nightly"));
            assertFalse(tamper.isGuardrailResource("arn:aws:events:us-east-1:999988887777:rule/lambda-guardrail-x"),
                    "another account's rule");
            assertFalse(tamper.isGuardrailResource("arn:aws:lambda:us-east-1:111122223333:function:lambda-guardrail-backdoor"));
            for (String bad : List.of("arn:aws:lambda:us-east-1:111122223333:function:lambda-guardrail-*",
                    "arn:aws:sns:us-east-1:111122223333:lambda-guardrail-*", "arn:aws:events:us-east-1:111122223333:rule/*",
                    "arn:aws:events:us-east-1:111122223333:rule/lambda-*-tamper", "arn:aws:events:us-east-1:*:rule/lambda-guardrail-*")) {
                PolicyException e = org.junit.jupiter.api.Assertions.assertThrows(PolicyException.class,
                        () -> PolicyLoader.fromEnvironment(Map.of("GUARDRAIL_OWN_RESOURCES", bad), Set.of()), bad);
                assertTrue(e.getMessage().startsWith("GUARDRAIL_OWN_RESOURCES"), e::getMessage);
            }
        }

        @Test
        void aRuleOfTheStackIsATamperByItsPrefixAndAFunctionNamedLikeTheStackStillIsNot() throws java.io.IOException {
            Policy byPrefix = policy("{\"mode\":\"rollback\",\"guardrail\":{\"resources\":[\"" + SWEEP
                    + "\",\"arn:aws:events:us-east-1:111122223333:rule/lambda-guardrail-*\"]}}");
            ParsedRecord deleteRule = TestRecords.readAll(TestRecords.projectRoot()
                    .resolve("events/guardrail/tamper-deleterule-guard.json")).get(0);
            Verdict tampered = new GuardrailEngine(byPrefix, Set.of()).evaluate(deleteRule, FunctionFacts.NONE).orElseThrow();
            assertEquals(List.of(RuleId.GUARDRAIL_TAMPERED), tampered.activeFindings().stream().map(Finding::ruleId).toList());

            Verdict v = evaluate(createdOutsideVpc("lambda-guardrail-backdoor", Map.of()), byPrefix);
            assertEquals(Decision.ROLLBACK, v.decision());
            assertFalse(v.findings().get(0).isExempted());
        }
    }

    @Nested
    class Exemptions {

        @Test
        void createFunctionTagStarExemptsEveryRuleButKeepsTheFinding() {
            Verdict v = evaluate(createdOutsideVpc("legacy-report", Map.of("guardrail:exempt", "*")), ROLLBACK);
            assertEquals(Decision.EXEMPTED, v.decision(), "exempted findings are still reported");
            assertEquals(List.of(new Action.Notify()), v.actions());
            assertEquals(1, v.findings().size());
            Finding f = v.findings().get(0);
            assertEquals(RuleId.LAMBDA_NOT_IN_VPC, f.ruleId());
            assertTrue(f.isExempted());
            assertTrue(f.exemption().orElseThrow().contains("guardrail:exempt"), f.exemption()::get);
            assertEquals(List.of(), v.activeFindings());
        }

        @Test
        void createFunctionTagWithCommaListNamingTheRuleExemptsIt() {
            Verdict v = evaluate(createdOutsideVpc("relay", Map.of("guardrail:exempt", "PERMISSION_PUBLIC , LAMBDA_NOT_IN_VPC")), ROLLBACK);
            assertEquals(Decision.EXEMPTED, v.decision());
            assertTrue(v.findings().get(0).isExempted());
        }

        @Test
        void createFunctionTagNamingOtherRulesDoesNotExempt() {
            Verdict v = evaluate(createdOutsideVpc("relay", Map.of("guardrail:exempt", "PERMISSION_PUBLIC,LAMBDA_VPC_NOT_ALLOWED")), ROLLBACK);
            assertEquals(Decision.ROLLBACK, v.decision());
            assertFalse(v.findings().get(0).isExempted());
        }

        @ParameterizedTest
        @ValueSource(strings = {"LAMBDA_NOT_IN_VPCX", "yes", "", "PERMISSION_PUBLIC,", "中*"})
        void exemptionTagNamingNoKnownRuleWithholdsRollbackAndStillAlerts(String value) {
            Verdict v = evaluate(createdOutsideVpc("relay", Map.of("guardrail:exempt", value)), ROLLBACK);
            assertEquals(Decision.NOTIFY, v.decision(), v::toString);
            assertEquals(List.of(new Action.Notify()), v.actions());
            assertFalse(v.findings().get(0).isExempted(), "an unreadable exemption exempts nothing");
            assertTrue(v.note().orElseThrow().contains("guardrail:exempt"), v::toString);
        }

        @Test
        void tagUnderAnotherKeyDoesNotExemptWithTheDefaultTagKey() {
            Verdict v = evaluate(createdOutsideVpc("relay", Map.of("exempt", "*")), Policy.defaults());
            assertEquals(Decision.NOTIFY, v.decision());
        }

        @Test
        void customTagKeyFromPolicyExempts() {
            Verdict v = evaluate(createdOutsideVpc("relay", Map.of("security/skip", "LAMBDA_NOT_IN_VPC")),
                    policy("{\"exemptions\":{\"tagKey\":\"security/skip\"}}"));
            assertEquals(Decision.EXEMPTED, v.decision());
        }

        @Test
        void functionFactsTagExemptsAnAddPermission() {
            FunctionFacts facts = new FunctionFacts(Map.of("guardrail:exempt", "PERMISSION_PUBLIC"), Optional.empty());
            Verdict v = evaluate(publicGrant(), ROLLBACK, facts, Set.of());
            assertEquals(Decision.EXEMPTED, v.decision());
            assertTrue(v.findings().get(0).isExempted());
        }

        @Test
        void createFunctionTagsOverrideFunctionFactsTags() {
            FunctionFacts facts = new FunctionFacts(Map.of("guardrail:exempt", "*"), Optional.empty());
            Verdict v = evaluate(createdOutsideVpc("relay", Map.of("guardrail:exempt", "PERMISSION_PUBLIC")), ROLLBACK, facts, Set.of());
            assertEquals(Decision.ROLLBACK, v.decision());
        }

        /** Tags GetFunction could not read: exemptions by tag unknown, so every finding is reported and nothing rolled back. */
        @Test
        void unreadableTagsReportTheFindingAndWithholdTheRollbackSayingWhy() {
            FunctionFacts facts = new FunctionFacts(new FunctionTags.Unreadable("AccessDeniedException"), Optional.empty(),
                    Optional.empty(), Optional.empty());
            Verdict v = evaluate(publicGrant(), ROLLBACK, facts, Set.of());
            assertEquals(Decision.NOTIFY, v.decision());
            assertEquals(List.of(RuleId.PERMISSION_PUBLIC), v.activeFindings().stream().map(Finding::ruleId).toList());
            assertEquals(List.of(new Action.Notify()), v.actions());
            assertEquals(Optional.of("rollback withheld: the function's tags could not be read (AccessDeniedException), so"
                    + " what its tag guardrail:exempt exempts is unknown: notify only"), v.note());
        }

        @Test
        void unreadableTagsInNotifyModeStillSayTheExemptionsAreUnknown() {
            FunctionFacts facts = new FunctionFacts(new FunctionTags.Unreadable("AccessDeniedException"), Optional.empty(),
                    Optional.empty(), Optional.empty());
            Verdict v = evaluate(publicGrant(), Policy.defaults(), facts, Set.of());
            assertEquals(Decision.NOTIFY, v.decision());
            assertEquals(1, v.activeFindings().size());
            assertTrue(v.note().orElseThrow().startsWith("the function's tags could not be read (AccessDeniedException)"),
                    v.note().toString());
        }

        @Test
        void unreadableTagsKeepTheExemptionsThatNeedNoTags() {
            FunctionFacts facts = new FunctionFacts(new FunctionTags.Unreadable("AccessDeniedException"), Optional.empty(),
                    Optional.empty(), Optional.empty());
            Policy p = policy("{\"mode\":\"rollback\",\"exemptions\":{\"functionNamePatterns\":[\"sandbox-*\"]}}");
            Verdict byName = evaluate(createdOutsideVpc("sandbox-scraper", Map.of()), p, facts, Set.of());
            Verdict byTheCallsOwnTag = evaluate(createdOutsideVpc("relay", Map.of("guardrail:exempt", "*")), ROLLBACK, facts,
                    Set.of());
            assertEquals(Decision.EXEMPTED, byName.decision());
            assertEquals(Decision.EXEMPTED, byTheCallsOwnTag.decision());
        }

        @Test
        void functionNameGlobExempts() {
            Policy p = policy("{\"mode\":\"rollback\",\"exemptions\":{\"functionNamePatterns\":[\"sandbox-*\",\"legacy-??\"]}}");
            assertEquals(Decision.EXEMPTED, evaluate(createdOutsideVpc("sandbox-scraper", Map.of()), p).decision());
            assertEquals(Decision.EXEMPTED, evaluate(createdOutsideVpc("legacy-01", Map.of()), p).decision());
            assertEquals(Decision.ROLLBACK, evaluate(createdOutsideVpc("legacy-001", Map.of()), p).decision());
            assertEquals(Decision.ROLLBACK, evaluate(createdOutsideVpc("prod-sandbox-scraper", Map.of()), p).decision());
        }

        @Test
        void actorGlobMatchingTheSessionIssuerRoleArnExempts() {
            ObjectNode record = publicGrant();
            record.set("userIdentity", TestRecords.assumedRole(OWN, "break-glass-admin", "oncall@example.com"));
            Policy p = policy("{\"mode\":\"rollback\",\"exemptions\":{\"actorArnPatterns\":[\"arn:aws:iam::111122223333:role/break-glass-*\"]}}");
            Verdict v = evaluate(record, p);
            assertEquals(Decision.EXEMPTED, v.decision());
            assertTrue(v.findings().get(0).exemption().orElseThrow().contains("break-glass"));
        }

        @Test
        void actorGlobNotMatchingTheCallerDoesNotExempt() {
            ObjectNode record = publicGrant();
            record.set("userIdentity", TestRecords.assumedRole(OWN, "developer", "dana"));
            Policy p = policy("{\"mode\":\"rollback\",\"exemptions\":{\"actorArnPatterns\":[\"arn:aws:iam::111122223333:role/break-glass-*\"]}}");
            assertEquals(Decision.ROLLBACK, evaluate(record, p).decision());
        }

        @Test
        void exemptedFindingDoesNotHideAnotherActiveFinding() {
            String both = "{\"Sid\":\"both\",\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"lambda:*\","
                    + "\"Resource\":\"arn:aws:lambda:us-east-1:111122223333:function:f\"}";
            FunctionFacts facts = new FunctionFacts(Map.of("guardrail:exempt", "PERMISSION_PUBLIC"), Optional.empty());
            Verdict v = evaluate(TestRecords.addPermission(OWN, "f", "both", both), ROLLBACK, facts, Set.of());
            assertEquals(Decision.ROLLBACK, v.decision());
            assertEquals(2, v.findings().size());
            assertEquals(List.of(RuleId.PERMISSION_WILDCARD_ACTION), v.activeFindings().stream().map(Finding::ruleId).toList());
        }
    }

    @Nested
    class SelfRole {

        @Test
        void changeByTheGuardRoleIsSkipped() {
            ObjectNode record = vpcRemoved();
            record.set("userIdentity", TestRecords.assumedRole(OWN, "lambda-guardrail-VpcGuardRole-EXAMPLE", "guard"));
            String self = "arn:aws:iam::111122223333:role/lambda-guardrail-VpcGuardRole-EXAMPLE";
            Verdict v = evaluate(record, ROLLBACK, FunctionFacts.NONE, Set.of(self));
            assertEquals(Decision.SKIP, v.decision());
            assertTrue(v.note().orElseThrow().contains(self));
            assertEquals(List.of(), v.results());
            assertEquals(List.of(), v.actions());
        }

        @Test
        void changeByAnotherRoleIsEvaluatedWhenASelfRoleIsSet() {
            ObjectNode record = createdOutsideVpc("data-scraper", Map.of());
            Verdict v = evaluate(record, ROLLBACK, FunctionFacts.NONE,
                    Set.of("arn:aws:iam::111122223333:role/lambda-guardrail-VpcGuardRole-EXAMPLE"));
            assertEquals(Decision.ROLLBACK, v.decision());
        }

        /** A VPC config removed: without facts (as the central evaluator judges) a NOTIFY, unless the caller is the guard. */
        private Verdict byMemberRole(String callerAccount, String roleName) {
            ObjectNode record = vpcRemoved();
            record.set("userIdentity", TestRecords.assumedRole(callerAccount, roleName, "guardrail-remediator"));
            return new GuardrailEngine(ROLLBACK, Set.of(), Optional.empty(), Optional.of("LambdaGuardrailRemediator"))
                    .evaluate(TestRecords.watched(record), FunctionFacts.NONE);
        }

        @Test
        void changeByTheMemberRoleInTheEventsAccountIsSkipped() {
            Verdict v = byMemberRole(OWN, "LambdaGuardrailRemediator");
            assertEquals(Decision.SKIP, v.decision());
            assertTrue(v.note().orElseThrow().contains("arn:aws:iam::" + OWN + ":role/LambdaGuardrailRemediator"), v.note()::get);
            assertEquals(List.of(), v.actions());
        }

        @Test
        void aRoleOfAnotherNameOrAnotherAccountIsNotTheMemberRole() {
            assertEquals(Decision.NOTIFY, byMemberRole(OWN, "LambdaGuardrailRemediatorX").decision());
            assertEquals(Decision.NOTIFY, byMemberRole(OWN, "XLambdaGuardrailRemediator").decision());
            assertEquals(Decision.NOTIFY, byMemberRole("999988887777", "LambdaGuardrailRemediator").decision(),
                    "the member role of another account never acts in this one");
        }

        @Test
        void withoutAMemberRoleNameNoRoleIsTheGuards() {
            ObjectNode record = vpcRemoved();
            record.set("userIdentity", TestRecords.assumedRole(OWN, "LambdaGuardrailRemediator", "guardrail-remediator"));
            assertEquals(Decision.NOTIFY, evaluate(record, ROLLBACK, FunctionFacts.NONE, Set.of()).decision());
        }
    }

    /**
     * The live state passed in as facts: the engine plans a rollback only while the live state
     * still shows the event's change, with that state (and its revision id) as the precondition;
     * otherwise it plans to leave the function alone and says why.
     */
    @Nested
    class LiveState {

        private static final String REVISION = "34bbe0f0-7841-4d5c-8950-c3adf68a99bd";
        private final VpcConfig good = new VpcConfig(List.of(SUBNET_A), List.of(SG), Optional.of(VPC), true);

        private FunctionFacts live(Optional<VpcConfig> knownGood, VpcConfig vpc) {
            return new FunctionFacts(FunctionTags.NONE, knownGood,
                    Optional.of(new LiveFunction.Found(vpc, Optional.of(REVISION), "Active", "Successful")), Optional.empty());
        }

        private FunctionFacts policy(LivePolicy policy) {
            return new FunctionFacts(FunctionTags.NONE, Optional.empty(),
                    Optional.of(new LiveFunction.Found(VpcConfig.NONE, Optional.of(REVISION), "Active", "Successful")),
                    Optional.of(policy));
        }

        private Action.LeaveAlone leftAlone(Verdict v) {
            assertEquals(Decision.ROLLBACK, v.decision(), "a rollback was due");
            return assertInstanceOf(Action.LeaveAlone.class, v.actions().get(0));
        }

        @Test
        void createdOutsideAVpcAndStillOutsideIsQuarantinedExpectingNoVpc() {
            Verdict v = evaluate(createdOutsideVpc("data-scraper", Map.of()), ROLLBACK, live(Optional.empty(), VpcConfig.NONE), Set.of());
            Action.Quarantine q = assertInstanceOf(Action.Quarantine.class, v.actions().get(0));
            assertFalse(q.expectedVpc().isAttached());
        }

        @Test
        void createdOutsideAVpcButNowInOneIsLeftAloneSayingWhere() {
            Verdict v = evaluate(createdOutsideVpc("data-scraper", Map.of()), ROLLBACK, live(Optional.empty(), good), Set.of());
            Action.LeaveAlone leave = leftAlone(v);
            assertEquals(Action.Kind.QUARANTINE, leave.instead());
            assertFalse(leave.alreadyUndone());
            assertTrue(leave.reason().contains("now in subnets [" + SUBNET_A + "]"), leave.reason());
        }

        @Test
        void vpcRemovalStillDetachedIsRestoredUnderTheFunctionsRevisionReplacingTheLiveConfig() {
            VpcConfig detached = new VpcConfig(List.of(), List.of(), Optional.empty());
            Verdict v = evaluate(vpcRemoved(), ROLLBACK, live(Optional.of(good), detached), Set.of());
            Action.RestoreVpcConfig restore = assertInstanceOf(Action.RestoreVpcConfig.class, v.actions().get(0));
            assertEquals(good, restore.knownGood());
            assertTrue(restore.knownGood().ipv6AllowedForDualStack(), "every field of the known-good config");
            assertEquals(detached, restore.replaced());
            assertEquals(Optional.of(REVISION), restore.revisionId());
        }

        @Test
        void vpcRemovalReattachedElsewhereIsLeftAlone() {
            VpcConfig elsewhere = new VpcConfig(List.of(SUBNET_B), List.of(SG), Optional.of(VPC));
            Action.LeaveAlone leave = leftAlone(evaluate(vpcRemoved(), ROLLBACK, live(Optional.of(good), elsewhere), Set.of()));
            assertEquals(Action.Kind.RESTORE_VPC_CONFIG, leave.instead());
            assertFalse(leave.alreadyUndone());
            assertTrue(leave.reason().contains("no longer what the event set"), leave.reason());
        }

        @Test
        void vpcRemovalBackInTheKnownGoodConfigIsAlreadyUndone() {
            Action.LeaveAlone leave = leftAlone(evaluate(vpcRemoved(), ROLLBACK, live(Optional.of(good), good), Set.of()));
            assertTrue(leave.alreadyUndone());
        }

        @Test
        void goneFunctionIsAlreadyUndone() {
            FunctionFacts gone = new FunctionFacts(FunctionTags.NONE, Optional.empty(), Optional.of(new LiveFunction.Missing()), Optional.empty());
            Action.LeaveAlone leave = leftAlone(evaluate(createdOutsideVpc("data-scraper", Map.of()), ROLLBACK, gone, Set.of()));
            assertTrue(leave.alreadyUndone());
            assertEquals("function no longer exists", leave.reason());
        }

        private static final String DOCUMENT = "{\"Version\":\"2012-10-17\",\"Id\":\"default\",\"Statement\":[%s]}";

        @Test
        void grantStillInTheLivePolicyIsRemovedUnderThePolicysRevision() {
            Verdict v = evaluate(publicGrant(), ROLLBACK, policy(new LivePolicy.Found(DOCUMENT.formatted(PUBLIC), "rev-7")), Set.of());
            Action.RemovePermission remove = assertInstanceOf(Action.RemovePermission.class, v.actions().get(0));
            assertEquals(Optional.of("rev-7"), remove.policyRevisionId());
            assertEquals("allow-anyone", remove.statementId());
        }

        @Test
        void grantGoneFromTheLivePolicyIsAlreadyUndone() {
            assertTrue(leftAlone(evaluate(publicGrant(), ROLLBACK, policy(new LivePolicy.Missing()), Set.of())).alreadyUndone());
            Action.LeaveAlone other = leftAlone(evaluate(publicGrant(), ROLLBACK,
                    policy(new LivePolicy.Found(DOCUMENT.formatted(S3_NO_SOURCE), "rev-7")), Set.of()));
            assertEquals("statement 'allow-anyone' was already gone", other.reason());
        }

        @Test
        void grantChangedUnderTheSameSidIsLeftAlone() {
            String narrowed = PUBLIC.replace("}", ",\"Condition\":{\"StringEquals\":{\"AWS:SourceAccount\":\"111122223333\"}}}");
            Action.LeaveAlone leave = leftAlone(evaluate(publicGrant(), ROLLBACK,
                    policy(new LivePolicy.Found(DOCUMENT.formatted(narrowed), "rev-7")), Set.of()));
            assertFalse(leave.alreadyUndone());
            assertEquals("statement 'allow-anyone' differs from what the event added; left alone", leave.reason());
        }

        @Test
        void grantWhoseSidIsTwiceInTheLivePolicyIsLeftAlone() {
            Action.LeaveAlone leave = leftAlone(evaluate(publicGrant(), ROLLBACK,
                    policy(new LivePolicy.Found(DOCUMENT.formatted(PUBLIC + "," + PUBLIC), "rev-7")), Set.of()));
            assertTrue(leave.reason().contains("2 statements with Sid 'allow-anyone'"), leave.reason());
        }

        @Test
        void unreadableLivePolicyLeavesTheGrantAlone() {
            Action.LeaveAlone leave = leftAlone(evaluate(publicGrant(), ROLLBACK, policy(new LivePolicy.Found("<AccessDenied/>", "r")),
                    Set.of()));
            assertEquals("the live policy could not be read; statement 'allow-anyone' left alone", leave.reason());
        }
    }

    @Nested
    class PlannedActions {

        @Test
        void removePermissionKeepsTheQualifierAndStatementId() {
            String stmt = "{\"Sid\":\"public-live-alias\",\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"lambda:InvokeFunction\","
                    + "\"Resource\":\"arn:aws:lambda:us-east-1:111122223333:function:orders-api:live\"}";
            ObjectNode record = TestRecords.addPermission(OWN, "orders-api", "public-live-alias", stmt);
            ((ObjectNode) record.get("requestParameters")).put("qualifier", "live");
            Verdict v = evaluate(record, ROLLBACK);
            Action.RemovePermission remove = assertInstanceOf(Action.RemovePermission.class, v.actions().get(0));
            assertEquals("public-live-alias", remove.statementId());
            assertEquals(Optional.of("live"), remove.function().qualifier());
            assertEquals("orders-api", remove.function().name());
            assertEquals("arn:aws:lambda:us-east-1:111122223333:function:orders-api", remove.function().arn());
            assertEquals(stmt, remove.expectedStatement());
            assertEquals(Optional.of("arn:aws:lambda:us-east-1:111122223333:function:orders-api:live"),
                    v.function().map(FunctionRef::qualifiedArn));
        }

        @Test
        void qualifierInAFunctionArnIsKeptForRemoval() {
            ObjectNode record = TestRecords.addPermission(OWN, "arn:aws:lambda:us-east-1:111122223333:function:orders-api:7",
                    "allow-anyone", PUBLIC);
            Action.RemovePermission remove = assertInstanceOf(Action.RemovePermission.class, evaluate(record, ROLLBACK).actions().get(0));
            assertEquals(Optional.of("7"), remove.function().qualifier());
        }

        @Test
        void functionUrlHalfRemovesOnlyTheStatementTheEventAdded() {
            String half = "{\"Sid\":\"FunctionURLAllowPublicAccess\",\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"lambda:InvokeFunctionUrl\","
                    + "\"Resource\":\"arn:aws:lambda:us-east-1:111122223333:function:public-webhook\","
                    + "\"Condition\":{\"StringEquals\":{\"lambda:FunctionUrlAuthType\":\"NONE\"}}}";
            Verdict v = evaluate(TestRecords.addPermission(OWN, "public-webhook", "FunctionURLAllowPublicAccess", half), ROLLBACK);
            assertEquals(List.of(RuleId.FUNCTION_URL_PUBLIC), v.findings().stream().map(Finding::ruleId).toList());
            assertEquals("REMOVE_PERMISSION(FunctionURLAllowPublicAccess) NOTIFY", describe(v.actions()));
        }

        @Test
        void createFunctionOutsideVpcIsQuarantinedEvenWithAKnownGoodConfig() {
            FunctionFacts facts = new FunctionFacts(Map.of(), Optional.of(new VpcConfig(List.of(SUBNET_A), List.of(SG), Optional.of(VPC))));
            Verdict v = evaluate(createdOutsideVpc("data-scraper", Map.of()), ROLLBACK, facts, Set.of());
            Action.Quarantine q = assertInstanceOf(Action.Quarantine.class, v.actions().get(0));
            assertEquals(List.of(RuleId.LAMBDA_NOT_IN_VPC), q.reasons());
            assertEquals(Optional.empty(), q.function().qualifier());
            assertEquals("QUARANTINE(LAMBDA_NOT_IN_VPC) NOTIFY", describe(v.actions()));
        }

        @Test
        void vpcRemovalIsRestoredFromTheLastKnownGoodConfig() {
            VpcConfig good = new VpcConfig(List.of(SUBNET_A, SUBNET_B), List.of(SG), Optional.of(VPC));
            Verdict v = evaluate(vpcRemoved(), ROLLBACK, new FunctionFacts(Map.of(), Optional.of(good)), Set.of());
            assertEquals(Decision.ROLLBACK, v.decision());
            Action.RestoreVpcConfig restore = assertInstanceOf(Action.RestoreVpcConfig.class, v.actions().get(0));
            assertEquals(good, restore.knownGood());
            assertEquals("payments-worker", restore.function().name());
        }

        /** "Introduced means proven": an update that sends an empty VPC config may only restate it. */
        @Test
        void vpcRemovalWithoutAKnownGoodConfigIsPreExistingAndOnlyNotified() {
            Verdict v = evaluate(vpcRemoved(), ROLLBACK);
            assertEquals(Decision.NOTIFY, v.decision());
            assertEquals("NOTIFY", describe(v.actions()));
            assertEquals(Origin.PRE_EXISTING, v.findings().get(0).origin());
            assertTrue(v.findings().get(0).message().contains("nothing shows the function was in a VPC before"),
                    v.findings().get(0)::message);
        }

        @Test
        void vpcRemovalWithAKnownGoodConfigIsProvenIntroduced() {
            VpcConfig good = new VpcConfig(List.of(SUBNET_A), List.of(SG), Optional.of(VPC));
            Verdict v = evaluate(vpcRemoved(), Policy.defaults(), new FunctionFacts(Map.of(), Optional.of(good)), Set.of());
            assertEquals(Origin.INTRODUCED, v.findings().get(0).origin());
            assertTrue(v.findings().get(0).message().contains("the guard last saw the function in subnets [" + SUBNET_A + "]"),
                    v.findings().get(0)::message);
        }

        @Test
        void unrelatedUpdateIsPreExistingEvenWithAKnownGoodConfig() {
            VpcConfig good = new VpcConfig(List.of(SUBNET_A), List.of(SG), Optional.of(VPC));
            ObjectNode memoryOnly = TestRecords.updateFunctionConfiguration("payments-worker", null, null);
            Verdict v = evaluate(memoryOnly, ROLLBACK, new FunctionFacts(Map.of(), Optional.of(good)), Set.of());
            assertEquals(Decision.NOTIFY, v.decision());
            assertEquals(Origin.PRE_EXISTING, v.findings().get(0).origin());
        }

        @Test
        void deniedSecurityGroupIsRestoredFromTheRealGetFunctionVpcConfig() throws Exception {
            java.nio.file.Path sample = TestRecords.awsSamples().resolve("lambda-api-responses/c7n_function_resp_vpc_with_ipv6allowedfordualstack.json");
            org.junit.jupiter.api.Assertions.assertTrue(java.nio.file.Files.exists(sample), "aws-samples missing: " + sample);
            JsonNode api = TestRecords.JSON.readTree(sample.toFile()).at("/data/Configuration/VpcConfig");
            VpcConfig good = new VpcConfig(strings(api.get("SubnetIds")), strings(api.get("SecurityGroupIds")),
                    Optional.of(api.get("VpcId").textValue()));
            ObjectNode record = TestRecords.updateFunctionConfiguration("ledger-sync",
                    vpcConfig(List.of(SUBNET_A), List.of("sg-0badbadbadbad0001"), null),
                    vpcConfig(List.of(SUBNET_A), List.of("sg-0badbadbadbad0001"), VPC));
            Verdict v = evaluate(record, policy("{\"mode\":\"rollback\",\"vpc\":{\"deniedSecurityGroupIds\":[\"sg-0badbadbadbad0001\"]}}"),
                    new FunctionFacts(Map.of(), Optional.of(good)), Set.of());
            assertEquals("RESTORE_VPC_CONFIG(subnet-0ba582f1e2af5d98a,subnet-0395f575be6823738,subnet-0867db2dcb1462488) NOTIFY",
                    describe(v.actions()));
        }

        private static List<String> strings(JsonNode array) {
            List<String> out = new java.util.ArrayList<>();
            array.forEach(n -> out.add(n.textValue()));
            return out;
        }
    }

    @Nested
    class RollbackWithheld {

        @Test
        void malformedAccountIdWithholdsRollback() {
            ObjectNode record = TestRecords.addPermission("000000000", "cloudtrail-events-test", "allow-anyone", PUBLIC);
            Verdict v = evaluate(record, ROLLBACK);
            assertEquals(Decision.NOTIFY, v.decision());
            assertEquals("NOTIFY", describe(v.actions()));
            assertTrue(v.note().orElseThrow().contains("withheld"), v.note()::get);
        }

        @Test
        void malformedRegionWithholdsRollback() {
            ObjectNode record = publicGrant();
            record.put("awsRegion", "ca-centralnorth-1r");
            Verdict v = evaluate(record, ROLLBACK);
            assertEquals(Decision.NOTIFY, v.decision());
            assertTrue(v.note().orElseThrow().contains("withheld"));
        }

        @Test
        void unparseableStatementIsReportedAsPublicAndRollbackWithheld() {
            ObjectNode record = TestRecords.addPermission(OWN, "invoice-renderer", "allow-anyone", "{\"Sid\":\"allow-anyone\",\"Effect\"");
            Verdict v = evaluate(record, ROLLBACK);
            assertEquals(List.of(RuleId.PERMISSION_PUBLIC), v.findings().stream().map(Finding::ruleId).toList());
            assertEquals(Decision.NOTIFY, v.decision());
            assertTrue(v.note().orElseThrow().contains("could not be parsed"), v.note()::get);
        }

        @Test
        void missingStatementIsReportedAsPublicAndRollbackWithheld() {
            ObjectNode record = publicGrant();
            record.putNull("responseElements");
            Verdict v = evaluate(record, ROLLBACK);
            assertEquals(List.of(RuleStatus.FAIL), TestRecords.statuses(v, RuleId.PERMISSION_PUBLIC));
            assertEquals(Decision.NOTIFY, v.decision());
            assertTrue(v.note().isPresent());
        }

        @Test
        void putResourcePolicyIsNotifiedNotRolledBack() {
            String doc = "{\"Version\":\"2012-10-17\",\"Statement\":[" + PUBLIC + "]}";
            Verdict v = evaluate(TestRecords.putResourcePolicy("invoice-renderer", doc), ROLLBACK);
            assertEquals(Decision.NOTIFY, v.decision());
            assertEquals("NOTIFY", describe(v.actions()));
            assertTrue(v.note().orElseThrow().contains("PutResourcePolicy"), v.note()::get);
        }

        @Test
        void publicFunctionUrlConfigIsNotifiedNotRolledBack() {
            Verdict v = evaluate(TestRecords.createFunctionUrlConfig("public-webhook", "NONE"), ROLLBACK);
            assertEquals(List.of(RuleId.FUNCTION_URL_PUBLIC), v.findings().stream().map(Finding::ruleId).toList());
            assertEquals(Decision.NOTIFY, v.decision());
            assertTrue(v.note().isPresent());
        }

        @Test
        void iamFunctionUrlConfigIsAllowed() {
            Verdict v = evaluate(TestRecords.createFunctionUrlConfig("private-api", "AWS_IAM"), ROLLBACK);
            assertEquals(Decision.ALLOW, v.decision());
        }

        @Test
        void publicFunctionUrlConfigIsAllowedWhenPublicUrlsAreAllowed() {
            Verdict v = evaluate(TestRecords.createFunctionUrlConfig("public-webhook", "NONE"),
                    policy("{\"permissions\":{\"allowPublicFunctionUrls\":true}}"));
            assertEquals(Decision.ALLOW, v.decision());
        }
    }

    @Nested
    class PutResourcePolicy {

        private static final String DOC = "{\"Version\":\"2012-10-17\",\"Statement\":["
                + "{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"lambda:InvokeFunction\"},"
                + "{\"Sid\":\"dup\",\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::111122223333:root\"},\"Action\":\"lambda:InvokeFunction\"},"
                + "{\"Sid\":\"dup\",\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"999988887777\"},\"Action\":\"lambda:InvokeFunction\"},"
                + "{\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"s3.amazonaws.com\"},\"Action\":\"lambda:*\"},"
                + "\"not a statement\","
                + "{\"Sid\":\"deny\",\"Effect\":\"Deny\",\"Principal\":\"*\",\"Action\":\"lambda:*\"}"
                + "]}";

        @Test
        void everyStatementIsEvaluatedWithDistinctSubjectsDespiteMissingAndDuplicateSids() {
            Verdict v = evaluate(TestRecords.putResourcePolicy("shared-fn", DOC), Policy.defaults());
            for (RuleId rule : List.of(RuleId.PERMISSION_PUBLIC, RuleId.PERMISSION_UNTRUSTED_ACCOUNT,
                    RuleId.PERMISSION_SERVICE_WITHOUT_SOURCE, RuleId.PERMISSION_WILDCARD_ACTION, RuleId.FUNCTION_URL_PUBLIC)) {
                List<RuleResult> results = v.results().stream().filter(r -> r.rule() == rule).toList();
                assertEquals(6, results.size(), rule::name);
                assertEquals(6, new HashSet<>(results.stream().map(RuleResult::subject).toList()).size(),
                        () -> "subjects must tell statements apart: " + results);
            }
            assertEquals(List.of(RuleStatus.FAIL, RuleStatus.SKIP, RuleStatus.SKIP, RuleStatus.SKIP, RuleStatus.FAIL, RuleStatus.SKIP),
                    TestRecords.statuses(v, RuleId.PERMISSION_PUBLIC));
            assertEquals(List.of(RuleStatus.SKIP, RuleStatus.PASS, RuleStatus.FAIL, RuleStatus.SKIP, RuleStatus.SKIP, RuleStatus.SKIP),
                    TestRecords.statuses(v, RuleId.PERMISSION_UNTRUSTED_ACCOUNT));
            assertEquals(List.of(RuleStatus.SKIP, RuleStatus.SKIP, RuleStatus.SKIP, RuleStatus.FAIL, RuleStatus.SKIP, RuleStatus.SKIP),
                    TestRecords.statuses(v, RuleId.PERMISSION_SERVICE_WITHOUT_SOURCE));
            assertEquals(List.of(RuleStatus.PASS, RuleStatus.PASS, RuleStatus.PASS, RuleStatus.FAIL, RuleStatus.SKIP, RuleStatus.SKIP),
                    TestRecords.statuses(v, RuleId.PERMISSION_WILDCARD_ACTION));
            assertEquals(Decision.NOTIFY, v.decision());
        }

        @Test
        void policyThatIsNotJsonFailsClosed() {
            Verdict v = evaluate(TestRecords.putResourcePolicy("shared-fn", "{\"Statement\": ["), Policy.defaults());
            assertEquals(List.of(RuleStatus.FAIL), TestRecords.statuses(v, RuleId.PERMISSION_PUBLIC));
        }

        @ParameterizedTest(name = "{0}")
        @ValueSource(strings = {
                "{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"111122223333\"},\"Action\":\"lambda:InvokeFunction\"}]} trailing",
                "{\"Statement\":[],\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"lambda:InvokeFunction\"}]}",
                "{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Principal\":{\"AWS\":\"111122223333\"},\"Action\":\"lambda:InvokeFunction\"}]}"})
        void policyWithTextAfterItOrAKeyTwiceFailsClosedAndIsNotRolledBack(String doc) {
            Verdict v = evaluate(TestRecords.putResourcePolicy("shared-fn", doc), ROLLBACK);
            assertEquals(List.of(RuleStatus.FAIL), TestRecords.statuses(v, RuleId.PERMISSION_PUBLIC));
            assertTrue(v.findings().get(0).evidence().contains("not JSON"), v.findings().get(0)::evidence);
            assertEquals(Decision.NOTIFY, v.decision());
        }

        @Test
        void policyWithoutStatementFailsClosed() {
            Verdict v = evaluate(TestRecords.putResourcePolicy("shared-fn", "{\"Version\":\"2012-10-17\"}"), Policy.defaults());
            assertEquals(List.of(RuleStatus.FAIL), TestRecords.statuses(v, RuleId.PERMISSION_PUBLIC));
        }

        @Test
        void singleStatementObjectIsEvaluated() {
            Verdict v = evaluate(TestRecords.putResourcePolicy("shared-fn", "{\"Statement\":" + PUBLIC + "}"), Policy.defaults());
            assertEquals(List.of(RuleStatus.FAIL), TestRecords.statuses(v, RuleId.PERMISSION_PUBLIC));
        }

        @Test
        void emptyStatementListReplacingThePolicyIsAllowed() {
            Verdict v = evaluate(TestRecords.putResourcePolicy("shared-fn", "{\"Version\":\"2012-10-17\",\"Statement\":[]}"), ROLLBACK);
            assertEquals(Decision.ALLOW, v.decision());
        }

        @Test
        void realGetPolicyDocumentsAreEvaluatedStatementByStatement() throws Exception {
            java.nio.file.Path dir = TestRecords.awsSamples().resolve("lambda-api-responses");
            org.junit.jupiter.api.Assertions.assertTrue(java.nio.file.Files.isDirectory(dir), "aws-samples missing: " + dir);
            String mixed = TestRecords.JSON.readTree(dir.resolve("c7n_getpolicy_resp_public_plus_cross_account.json").toFile())
                    .at("/data/Policy").textValue();
            Verdict v = evaluate(TestRecords.putResourcePolicy("func-b", mixed), Policy.defaults());
            assertEquals(List.of(RuleId.PERMISSION_PUBLIC, RuleId.PERMISSION_UNTRUSTED_ACCOUNT),
                    v.findings().stream().map(Finding::ruleId).toList());

            String iot = TestRecords.JSON.readTree(dir.resolve("c7n_getpolicy_resp_iot_sourceaccount_and_sourcearn.json").toFile())
                    .at("/data/Policy").textValue();
            ObjectNode record = TestRecords.putResourcePolicy("c7n-cleanup", iot);
            // The function's own account is the one in its ARN (the policy's Resource).
            ((ObjectNode) record.get("requestParameters")).put("resourceArn", "arn:aws:lambda:us-west-2:644160558196:function:c7n-cleanup");
            record.put("recipientAccountId", "644160558196");
            assertEquals(Decision.ALLOW, evaluate(record, Policy.defaults()).decision());
        }
    }

    /**
     * {@link GuardrailEngine#plannable}, from which each guard's IAM grants are derived, names
     * exactly the kinds of action the engine plans for each API: over every sample event, in
     * rollback mode, with each kind of live state a plan is made against.
     */
    @Test
    void everyPlannedActionIsOfAKindDeclaredPlannableForItsApiAndEveryDeclaredKindIsPlanned() throws Exception {
        VpcConfig good = new VpcConfig(List.of(SUBNET_A), List.of(SG), Optional.of(VPC));
        VpcConfig elsewhere = new VpcConfig(List.of(SUBNET_B), List.of(SG), Optional.of(VPC));
        Optional<LiveFunction> found = Optional.of(new LiveFunction.Found(elsewhere, Optional.of("r"), "Active", "Successful"));
        List<FunctionFacts> states = List.of(FunctionFacts.NONE,
                new FunctionFacts(Map.of(), Optional.of(good)),
                new FunctionFacts(FunctionTags.NONE, Optional.empty(), Optional.of(new LiveFunction.Missing()), Optional.empty()),
                new FunctionFacts(FunctionTags.NONE, Optional.of(good), found, Optional.empty()),
                new FunctionFacts(FunctionTags.NONE, Optional.empty(), found, Optional.of(new LivePolicy.Missing())));
        // The denied security group of updatefunctionconfiguration-vpc-changed-denied-sg.json: a VPC change to quarantine.
        GuardrailEngine engine = new GuardrailEngine(policy("{\"mode\": \"rollback\", \"vpc\": {\"deniedSecurityGroupIds\":"
                + " [\"sg-0badbadbadbad0001\"]}}"), Set.of());
        Map<WatchedApi, Set<Action.Kind>> planned = new EnumMap<>(WatchedApi.class);
        for (Path folder : List.of(TestRecords.projectRoot().resolve("events"), TestRecords.projectRoot().resolve("events/guardrail"))) {
            try (Stream<Path> files = Files.list(folder)) {
                for (Path file : files.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
                    for (ParsedRecord record : TestRecords.readAll(file)) {
                        Optional<WatchedApi> api = switch (record) {
                            case ParsedRecord.Watched watched -> Optional.of(watched.event().api());
                            case ParsedRecord.Guarded guarded -> Optional.of(guarded.call().api());
                            case ParsedRecord.Ignored ignored -> Optional.empty();
                            case ParsedRecord.Scheduled scheduled -> Optional.empty();
                            case ParsedRecord.OtherService other -> Optional.empty();
                            case ParsedRecord.Invalid invalid -> Optional.empty();
                        };
                        for (FunctionFacts facts : api.isPresent() ? states : List.<FunctionFacts>of()) {
                            for (Action action : engine.evaluate(record, facts).orElseThrow().actions()) {
                                assertTrue(GuardrailEngine.plannable(api.get()).contains(action.kind()),
                                        () -> file.getFileName() + ": " + action + " is not plannable for " + api.get());
                                planned.computeIfAbsent(api.get(), a -> EnumSet.noneOf(Action.Kind.class)).add(action.kind());
                            }
                        }
                    }
                }
            }
        }
        for (WatchedApi api : List.of(WatchedApi.CREATE_FUNCTION, WatchedApi.UPDATE_FUNCTION_CONFIGURATION, WatchedApi.ADD_PERMISSION,
                WatchedApi.TAG_RESOURCE, WatchedApi.UNTAG_RESOURCE)) {
            assertEquals(GuardrailEngine.plannable(api), planned.get(api), api.name());
        }
    }

    @Test
    void verdictJsonCarriesTheDesignedFields() {
        Verdict v = evaluate(publicGrant(), ROLLBACK);
        JsonNode json = VerdictJson.toJson(v);
        for (String field : List.of("eventId", "eventName", "eventTime", "account", "region", "function", "actor", "decision", "findings", "actions")) {
            assertTrue(json.has(field), field);
        }
        assertEquals("ROLLBACK", json.get("decision").textValue());
        assertEquals("PERMISSION_PUBLIC", json.at("/findings/0/ruleId").textValue());
        assertEquals("CRITICAL", json.at("/findings/0/severity").textValue());
        assertEquals("REMOVE_PERMISSION", json.at("/actions/0/type").textValue());
        assertEquals("allow-anyone", json.at("/actions/0/statementId").textValue());
        assertEquals("NOTIFY", json.at("/actions/1/type").textValue());
        assertEquals("arn:aws:lambda:us-east-1:111122223333:function:invoice-renderer", json.get("function").textValue());
    }

    /** The one "known-good VPC config" predicate the guards and the sweep use. */
    @Nested
    class KnownGoodVpc {

        private final ObjectNode inVpc = vpcConfig(List.of(SUBNET_A), List.of(SG), VPC);

        private Optional<VpcConfig> knownGood(ObjectNode record, Policy policy) {
            LambdaEvent event = TestRecords.watched(record);
            return GuardrailEngine.knownGoodVpc(event.change(), new GuardrailEngine(policy, Set.of()).evaluate(event,
                    FunctionFacts.NONE));
        }

        @Test
        void compliantFunctionInAVpcIsKnownGood() {
            assertEquals(Optional.of(List.of(SUBNET_A)),
                    knownGood(TestRecords.createFunction("orders", inVpc, inVpc, Map.of()), Policy.defaults())
                            .map(VpcConfig::subnetIds));
        }

        @Test
        void functionOutsideAVpcIsNeverKnownGood() {
            Policy vpcOptional = policy("{\"vpc\":{\"required\":false}}");
            assertEquals(Optional.empty(), knownGood(createdOutsideVpc("orders", Map.of()), vpcOptional));
        }

        @Test
        void configWithAnExemptedFindingIsNotKnownGood() {
            Policy denied = policy("{\"vpc\":{\"deniedSecurityGroupIds\":[\"" + SG + "\"]}}");
            ObjectNode record = TestRecords.createFunction("orders", inVpc, inVpc, Map.of("guardrail:exempt", "*"));
            assertEquals(Decision.EXEMPTED, evaluate(record, denied).decision());
            assertEquals(Optional.empty(), knownGood(record, denied));
        }

        @Test
        void configIsNotKnownGoodWhenAVpcRuleIsOff() {
            Policy off = policy("{\"rules\":{\"LAMBDA_VPC_NOT_ALLOWED\":\"off\"}}");
            assertEquals(Optional.empty(), knownGood(TestRecords.createFunction("orders", inVpc, inVpc, Map.of()), off));
        }

        @Test
        void permissionChangeIsNeverAboutAVpcConfig() {
            assertEquals(Optional.empty(), knownGood(publicGrant(), Policy.defaults()));
        }
    }
}
