package io.github.lambdaguardrail.engine;

import static io.github.lambdaguardrail.engine.TestRecords.describe;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The project's {@code events/} against the table of {@code events/README.md}, and the real
 * records of {@code aws-samples/cloudtrail/}.
 */
class SampleEventsTest {

    private static final String GUARD_ROLE = "arn:aws:iam::111122223333:role/lambda-guardrail-VpcGuardRole-EXAMPLE";

    /**
     * file, policy JSON, self role (or ""), decision with that policy in notify mode, decision in
     * rollback mode, the planned actions in rollback mode, the rule ids of the findings.
     */
    static Stream<Arguments> eventsReadmeTable() {
        return Stream.of(
                arguments("addpermission-public-principal.json", "{}", "", "NOTIFY", "ROLLBACK",
                        "REMOVE_PERMISSION(allow-anyone) NOTIFY", "PERMISSION_PUBLIC"),
                arguments("addpermission-public-with-source-account.json", "{}", "", "ALLOW", "ALLOW", "", ""),
                arguments("addpermission-cross-account-untrusted.json", "{}", "", "NOTIFY", "ROLLBACK",
                        "REMOVE_PERMISSION(vendor-invoke) NOTIFY", "PERMISSION_UNTRUSTED_ACCOUNT"),
                arguments("addpermission-cross-account-trusted.json", "{}", "", "NOTIFY", "ROLLBACK",
                        "REMOVE_PERMISSION(partner-444455556666-invoke) NOTIFY", "PERMISSION_UNTRUSTED_ACCOUNT"),
                arguments("addpermission-cross-account-trusted.json", "{\"permissions\":{\"trustedAccountIds\":[\"444455556666\"]}}", "",
                        "ALLOW", "ALLOW", "", ""),
                arguments("addpermission-service-without-source.json", "{}", "", "NOTIFY", "ROLLBACK",
                        "REMOVE_PERMISSION(s3-invoke) NOTIFY", "PERMISSION_SERVICE_WITHOUT_SOURCE"),
                arguments("addpermission-service-with-source-arn.json", "{}", "", "ALLOW", "ALLOW", "", ""),
                arguments("addpermission-wildcard-action.json", "{}", "", "NOTIFY", "ROLLBACK",
                        "REMOVE_PERMISSION(ops-all-actions) NOTIFY", "PERMISSION_WILDCARD_ACTION"),
                arguments("addpermission-qualified-alias-public.json", "{}", "", "NOTIFY", "ROLLBACK",
                        "REMOVE_PERMISSION(public-live-alias@live) NOTIFY", "PERMISSION_PUBLIC"),
                arguments("addpermission-function-url-public-auth-none.json", "{}", "", "NOTIFY", "ROLLBACK",
                        "REMOVE_PERMISSION(FunctionURLAllowPublicAccess) NOTIFY", "FUNCTION_URL_PUBLIC"),
                arguments("addpermission-function-url-public-invoke-via-url.json", "{}", "", "NOTIFY", "ROLLBACK",
                        "REMOVE_PERMISSION(FunctionURLAllowInvokeAction) NOTIFY", "FUNCTION_URL_PUBLIC"),
                arguments("addpermission-failed-call.json", "{}", "", "SKIP", "SKIP", "", ""),
                arguments("addpermission-legacy-name.json", "{}", "", "NOTIFY", "ROLLBACK",
                        "REMOVE_PERMISSION(org-wide-invoke) NOTIFY", "PERMISSION_UNTRUSTED_ACCOUNT"),
                arguments("addpermission-legacy-name.json", "{\"permissions\":{\"trustedOrgIds\":[\"o-exampleorg1\"]}}", "",
                        "ALLOW", "ALLOW", "", ""),
                arguments("addpermission-service-principal-org.json", "{}", "", "ALLOW", "ALLOW", "", ""),
                arguments("createfunction-no-vpc.json", "{}", "", "NOTIFY", "ROLLBACK",
                        "QUARANTINE(LAMBDA_NOT_IN_VPC) NOTIFY", "LAMBDA_NOT_IN_VPC"),
                arguments("createfunction-in-vpc.json", "{}", "", "ALLOW", "ALLOW", "", ""),
                arguments("createfunction-exempted-by-tag.json", "{}", "", "EXEMPTED", "EXEMPTED", "NOTIFY", "LAMBDA_NOT_IN_VPC"),
                arguments("updatefunctionconfiguration-vpc-removed.json", "{}", "", "NOTIFY", "NOTIFY", "NOTIFY",
                        "LAMBDA_NOT_IN_VPC"),
                arguments("updatefunctionconfiguration-memory-only-no-vpc.json", "{}", "", "NOTIFY", "NOTIFY", "NOTIFY",
                        "LAMBDA_NOT_IN_VPC"),
                arguments("updatefunctionconfiguration-vpc-changed-denied-sg.json", "{}", "", "ALLOW", "ALLOW", "", ""),
                arguments("updatefunctionconfiguration-vpc-changed-denied-sg.json",
                        "{\"vpc\":{\"deniedSecurityGroupIds\":[\"sg-0badbadbadbad0001\"]}}", "", "NOTIFY", "ROLLBACK",
                        "QUARANTINE(LAMBDA_VPC_NOT_ALLOWED) NOTIFY", "LAMBDA_VPC_NOT_ALLOWED"),
                arguments("updatefunctionconfiguration-in-vpc.json", "{}", "", "ALLOW", "ALLOW", "", ""),
                arguments("updatefunctionconfiguration-by-guard-role.json", "{}", GUARD_ROLE, "SKIP", "SKIP", "", ""),
                arguments("updatefunctionconfiguration-by-guard-role.json", "{}", "", "ALLOW", "ALLOW", "", ""));
    }

    @ParameterizedTest(name = "{0} with {1} self={2}: {3} / {4}")
    @MethodSource("eventsReadmeTable")
    void sampleEventGetsTheDecisionOfTheReadmeTable(String file, String policyJson, String selfRole, String notifyDecision,
                                                    String rollbackDecision, String rollbackActions, String firedRules)
            throws IOException {
        List<ParsedRecord> records = TestRecords.readAll(TestRecords.projectRoot().resolve("events").resolve(file));
        assertEquals(1, records.size());
        Policy policy = TestRecords.policy(policyJson);
        Set<String> self = selfRole.isEmpty() ? Set.of() : Set.of(selfRole);

        Verdict notify = new GuardrailEngine(policy, self).evaluate(records.get(0), FunctionFacts.NONE).orElseThrow();
        Verdict rollback = new GuardrailEngine(policy.withMode(Mode.ROLLBACK), self).evaluate(records.get(0), FunctionFacts.NONE)
                .orElseThrow();

        assertEquals(Decision.valueOf(notifyDecision), notify.decision(), notify::toString);
        assertEquals(Decision.valueOf(rollbackDecision), rollback.decision(), rollback::toString);
        assertEquals(rollbackActions, describe(rollback.actions()));
        assertEquals(firedRules, rollback.findings().stream().map(f -> f.ruleId().name()).collect(Collectors.joining(",")));
        assertEquals(firedRules, notify.findings().stream().map(f -> f.ruleId().name()).collect(Collectors.joining(",")));
    }

    @Test
    void everyEventFileIsInTheReadmeTable() throws IOException {
        Set<String> inTable = eventsReadmeTable().map(a -> (String) a.get()[0]).collect(Collectors.toCollection(TreeSet::new));
        inTable.add("cloudtrail-logfile-mixed.json");
        Set<String> files = new TreeSet<>();
        try (Stream<Path> list = Files.list(TestRecords.projectRoot().resolve("events"))) {
            list.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".json")).forEach(files::add);
        }
        assertEquals(files, inTable);
    }

    @Test
    void exemptedByTagEventKeepsItsExemptedFinding() throws IOException {
        Verdict v = single("createfunction-exempted-by-tag.json", Policy.defaults().withMode(Mode.ROLLBACK), Set.of());
        assertTrue(v.findings().get(0).isExempted());
        assertEquals(List.of(), v.activeFindings());
    }

    @Test
    void functionUrlHalvesAreNotAlsoReportedAsPublicPermission() throws IOException {
        for (String file : List.of("addpermission-function-url-public-auth-none.json", "addpermission-function-url-public-invoke-via-url.json")) {
            Verdict v = single(file, Policy.defaults(), Set.of());
            assertEquals(List.of(RuleStatus.SKIP), TestRecords.statuses(v, RuleId.PERMISSION_PUBLIC), file);
            assertEquals(List.of(RuleStatus.FAIL), TestRecords.statuses(v, RuleId.FUNCTION_URL_PUBLIC), file);
        }
    }

    @Test
    void vpcRemovedEventIsRestoredWhenAKnownGoodConfigIsKnown() throws IOException {
        VpcConfig good = new VpcConfig(List.of(TestRecords.SUBNET_A, TestRecords.SUBNET_B), List.of(TestRecords.SG),
                Optional.of(TestRecords.VPC));
        List<ParsedRecord> records = TestRecords.readAll(TestRecords.projectRoot().resolve("events/updatefunctionconfiguration-vpc-removed.json"));
        Verdict v = new GuardrailEngine(Policy.defaults().withMode(Mode.ROLLBACK), Set.of())
                .evaluate(records.get(0), new FunctionFacts(java.util.Map.of(), Optional.of(good))).orElseThrow();
        assertEquals("RESTORE_VPC_CONFIG(subnet-0a1b2c3d4e5f60011,subnet-0a1b2c3d4e5f60012) NOTIFY", describe(v.actions()));
    }

    @Test
    void mixedLogFileGetsTheDecisionsOfTheReadmeTable() throws IOException {
        List<ParsedRecord> records = TestRecords.readAll(TestRecords.projectRoot().resolve("events/cloudtrail-logfile-mixed.json"));
        assertEquals(8, records.size());
        for (int i = 0; i < 3; i++) {
            assertInstanceOf(ParsedRecord.OtherService.class, records.get(i));
        }
        assertEquals(List.of("-", "-", "-", "SKIP", "SKIP", "SKIP", "ALLOW", "NOTIFY"), decisions(records, Policy.defaults()));
        assertEquals(List.of("-", "-", "-", "SKIP", "SKIP", "SKIP", "ALLOW", "ROLLBACK"),
                decisions(records, Policy.defaults().withMode(Mode.ROLLBACK)));
        Verdict last = new GuardrailEngine(Policy.defaults().withMode(Mode.ROLLBACK), Set.of()).evaluate(records.get(7), FunctionFacts.NONE)
                .orElseThrow();
        assertEquals("QUARANTINE(LAMBDA_NOT_IN_VPC) NOTIFY", describe(last.actions()));
        assertTrue(assertInstanceOf(ParsedRecord.Ignored.class, records.get(3)).reason().contains("AccessDenied"));
    }

    @Test
    void gzippedMixedLogFileGivesTheSameRecords() throws IOException {
        Path file = TestRecords.projectRoot().resolve("events/cloudtrail-logfile-mixed.json");
        List<ParsedRecord> plain = TestRecords.readAll(file);
        List<ParsedRecord> gz = TestRecords.readAll(CloudTrailReaderTest.gzip(Files.readAllBytes(file)));
        assertEquals(plain, gz);
    }

    // ---- real CloudTrail records --------------------------------------------------------------

    /** file, per record: the decision in notify mode, in rollback mode, and the rule ids of the findings. */
    static Stream<Arguments> awsSampleTable() {
        return Stream.of(
                arguments("awsdocs_getfunction_accessdenied_and_deletefunction_records.json", List.of("SKIP", "SKIP"),
                        List.of("SKIP", "SKIP"), ""),
                arguments("c7n_eventbridge_envelope_s3_createbucket_nontarget.json", List.of("-"), List.of("-"), ""),
                arguments("elastic_addpermission_service_principal_sns_no_sourcearn.json", List.of("NOTIFY"), List.of("NOTIFY"),
                        "PERMISSION_SERVICE_WITHOUT_SOURCE"),
                arguments("elastic_createfunction_no_vpc.json", List.of("NOTIFY"), List.of("NOTIFY"), "LAMBDA_NOT_IN_VPC"),
                arguments("stratus_addpermission_public_principal_star.json", List.of("NOTIFY"), List.of("NOTIFY"), "PERMISSION_PUBLIC"),
                arguments("stratus_updatefunctioncode_nontarget.json", List.of("SKIP"), List.of("SKIP"), ""),
                // Calls that matter only on the guardrail's own resources: SKIP under a policy without them.
                arguments("awsdocs_events_putrule.json", List.of("SKIP"), List.of("SKIP"), ""),
                arguments("awsdocs_kms_putkeypolicy.json", List.of("SKIP"), List.of("SKIP"), ""),
                arguments("awsdocs_kms_disablekey_records.json", List.of("SKIP"), List.of("SKIP"), ""),
                arguments("elastic_events_deleterule.json", List.of("SKIP"), List.of("SKIP"), ""),
                arguments("elastic_kms_disablekey.json", List.of("SKIP"), List.of("SKIP"), ""),
                arguments("elastic_kms_schedulekeydeletion_7days.json", List.of("SKIP"), List.of("SKIP"), ""),
                arguments("elastic_sns_subscribe_nontarget.json", List.of("-"), List.of("-"), ""),
                arguments("stratus_updatefunctionconfiguration_layers_no_vpc.json", List.of("NOTIFY"), List.of("NOTIFY"),
                        "LAMBDA_NOT_IN_VPC"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("awsSampleTable")
    void realCloudTrailSampleGetsItsDecisionAndIsNeverRolledBack(String file, List<String> notifyDecisions,
                                                                 List<String> rollbackDecisions, String firedRules) throws IOException {
        Path path = TestRecords.awsSamples().resolve("cloudtrail").resolve(file);
        assertTrue(Files.exists(path), "aws-samples missing: " + path);
        List<ParsedRecord> records = TestRecords.readAll(path);
        records.forEach(r -> assertTrue(!(r instanceof ParsedRecord.Invalid), () -> file + ": " + r));
        assertEquals(notifyDecisions, decisions(records, Policy.defaults()));
        assertEquals(rollbackDecisions, decisions(records, Policy.defaults().withMode(Mode.ROLLBACK)));
        List<String> fired = new ArrayList<>();
        GuardrailEngine engine = new GuardrailEngine(Policy.defaults().withMode(Mode.ROLLBACK), Set.of());
        for (ParsedRecord r : records) {
            engine.evaluate(r, FunctionFacts.NONE).ifPresent(v -> {
                v.findings().forEach(f -> fired.add(f.ruleId().name()));
                assertTrue(v.actions().stream().allMatch(a -> a.kind() == Action.Kind.NOTIFY), v::toString);
            });
        }
        assertEquals(firedRules, String.join(",", fired));
    }

    @Test
    void realSamplesWithMalformedAccountOrRegionNoteTheWithheldRollback() throws IOException {
        Path dir = TestRecords.awsSamples().resolve("cloudtrail");
        assertTrue(Files.isDirectory(dir), "aws-samples missing: " + dir);
        for (String file : List.of("elastic_addpermission_service_principal_sns_no_sourcearn.json", "elastic_createfunction_no_vpc.json",
                "stratus_addpermission_public_principal_star.json")) {
            ParsedRecord record = TestRecords.readAll(dir.resolve(file)).get(0);
            RecordHeader header = assertInstanceOf(ParsedRecord.Watched.class, record).event().header();
            assertTrue(!header.isActionable(), file);
            Verdict v = new GuardrailEngine(Policy.defaults().withMode(Mode.ROLLBACK), Set.of()).evaluate(record, FunctionFacts.NONE)
                    .orElseThrow();
            assertTrue(v.note().orElse("").contains("withheld"), file + ": " + v.note());
        }
    }

    @Test
    void everyRealCloudTrailSampleIsInTheTable() throws IOException {
        Path dir = TestRecords.awsSamples().resolve("cloudtrail");
        assertTrue(Files.isDirectory(dir), "aws-samples missing: " + dir);
        Set<String> inTable = awsSampleTable().map(a -> (String) a.get()[0]).collect(Collectors.toCollection(TreeSet::new));
        Set<String> files = new TreeSet<>();
        try (Stream<Path> list = Files.list(dir)) {
            list.map(p -> p.getFileName().toString()).forEach(files::add);
        }
        assertEquals(files, inTable);
    }

    @Test
    void realEnvelopeKeepsItsAccountAndRegion() throws IOException {
        Path file = TestRecords.awsSamples().resolve("cloudtrail/c7n_eventbridge_envelope_s3_createbucket_nontarget.json");
        assertTrue(Files.exists(file), "aws-samples missing: " + file);
        ParsedRecord.OtherService other = assertInstanceOf(ParsedRecord.OtherService.class, TestRecords.readAll(file).get(0));
        assertEquals("s3.amazonaws.com", other.eventSource());
    }

    private static Verdict single(String file, Policy policy, Set<String> self) throws IOException {
        List<ParsedRecord> records = TestRecords.readAll(TestRecords.projectRoot().resolve("events").resolve(file));
        return new GuardrailEngine(policy, self).evaluate(records.get(0), FunctionFacts.NONE).orElseThrow();
    }

    private static List<String> decisions(List<ParsedRecord> records, Policy policy) {
        GuardrailEngine engine = new GuardrailEngine(policy, Set.of());
        return records.stream().map(r -> engine.evaluate(r, FunctionFacts.NONE).map(v -> v.decision().name()).orElse("-")).toList();
    }
}
