package io.github.lambdaguardrail.guard.securityhub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.lambdaguardrail.engine.Actor;
import io.github.lambdaguardrail.engine.CloudTrailReader;
import io.github.lambdaguardrail.engine.Decision;
import io.github.lambdaguardrail.engine.Finding;
import io.github.lambdaguardrail.engine.FunctionFacts;
import io.github.lambdaguardrail.engine.FunctionRef;
import io.github.lambdaguardrail.engine.GuardrailEngine;
import io.github.lambdaguardrail.engine.Mode;
import io.github.lambdaguardrail.engine.Origin;
import io.github.lambdaguardrail.engine.RecordHeader;
import io.github.lambdaguardrail.engine.RuleId;
import io.github.lambdaguardrail.engine.Severity;
import io.github.lambdaguardrail.engine.Verdict;
import io.github.lambdaguardrail.guard.ActionOutcome;
import io.github.lambdaguardrail.guard.Alert;
import io.github.lambdaguardrail.guard.GuardConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.services.securityhub.model.AwsSecurityFinding;
import software.amazon.awssdk.services.securityhub.model.ComplianceStatus;
import software.amazon.awssdk.services.securityhub.model.Resource;
import software.amazon.awssdk.services.securityhub.model.SeverityLabel;
import software.amazon.awssdk.services.securityhub.model.WorkflowStatus;

/**
 * The ASFF the exporter sends to Security Hub, from the alert documents of the verdicts of the
 * sample events (the engine's, as the guard gets them) and what the guard did, each built as the
 * guard publishes it ({@code Alert.of(...).document()}) and read back as the exporter reads an SNS
 * message: every required field, RESOLVED and PASSED only when the rollback undid the change,
 * exempted findings suppressed and marked, ASFF's length limits.
 */
class AsffFindingsTest {

    private static final Path EVENTS = Path.of("..", "..", "events");
    private static final Instant NOW = Instant.parse("2026-03-02T09:14:31Z");
    private static final String ACCOUNT = "111122223333";
    private static final String PRODUCT_ARN = "arn:aws:securityhub:us-east-1:111122223333:product/111122223333/default";
    private static final String INVOICE_RENDERER = "arn:aws:lambda:us-east-1:111122223333:function:invoice-renderer";
    private static final String UNDO = "aws lambda add-permission --function-name " + INVOICE_RENDERER
            + " --statement-id allow-anyone --action lambda:InvokeFunction --principal '*'";

    /** The engine's verdict on a sample event, with the policy of {@code env} and no facts (as a guard's first look). */
    private static Verdict verdict(String event, String... env) {
        Map<String, String> variables = new HashMap<>(Map.of("GUARDRAIL_TOPIC_ARN", "arn:aws:sns:us-east-1:111122223333:alerts",
                "GUARDRAIL_STATE_TABLE", "guardrail-state"));
        for (int i = 0; i < env.length; i += 2) {
            variables.put(env[i], env[i + 1]);
        }
        GuardrailEngine engine = new GuardrailEngine(GuardConfig.fromEnvironment(variables).policy(), Set.of());
        List<Verdict> verdicts = new ArrayList<>();
        try (InputStream in = Files.newInputStream(EVENTS.resolve(event))) {
            CloudTrailReader.read(in, r -> verdicts.add(engine.evaluate(r, FunctionFacts.NONE).orElseThrow()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return verdicts.get(0);
    }

    private static Verdict publicPermissionRolledBack() {
        return verdict("addpermission-public-principal.json", "GUARDRAIL_MODE", "rollback");
    }

    private static ActionOutcome removed() {
        return new ActionOutcome("REMOVE_PERMISSION", ActionOutcome.Status.DONE, "removed statement 'allow-anyone'", List.of(UNDO));
    }

    /** The findings of the alert the guard publishes for {@code verdict} and what it did, read as the exporter reads it. */
    private static List<AwsSecurityFinding> findings(Verdict verdict, List<ActionOutcome> outcomes, boolean dryRun, Instant now) {
        String message = Alert.of(verdict, outcomes, dryRun).document().toString();
        try {
            return AsffFindings.of(VerdictAlert.read(message), now);
        } catch (VerdictAlert.NotAVerdictAlert e) {
            throw new AssertionError("the guard's alert is not read as a verdict's: " + e.getMessage(), e);
        }
    }

    private static AwsSecurityFinding single(List<AwsSecurityFinding> findings) {
        assertEquals(1, findings.size(), findings.toString());
        return findings.get(0);
    }

    @Test
    void rolledBackPublicPermissionIsOneResolvedPassedFindingOnTheFunctionWithTheUndoCommand() {
        Verdict verdict = publicPermissionRolledBack();
        assertEquals(Decision.ROLLBACK, verdict.decision());

        AwsSecurityFinding f = single(findings(verdict, List.of(removed()), false, NOW));

        assertEquals("2018-10-08", f.schemaVersion());
        assertEquals("91aa3f26-c4a7-4f2a-a88e-4e537fdcfa8c/PERMISSION_PUBLIC", f.id());
        assertEquals(PRODUCT_ARN, f.productArn());
        assertEquals("PERMISSION_PUBLIC", f.generatorId());
        assertEquals(ACCOUNT, f.awsAccountId());
        assertEquals(List.of("Software and Configuration Checks/AWS Security Best Practices"), f.types());
        assertEquals("2026-03-02T09:14:27Z", f.createdAt(), "the event's time");
        assertEquals("2026-03-02T09:14:27Z", f.firstObservedAt());
        assertEquals("2026-03-02T09:14:31Z", f.updatedAt(), "the import's time");
        assertEquals(SeverityLabel.CRITICAL, f.severity().label());
        assertTrue(f.title().startsWith("PERMISSION_PUBLIC on invoice-renderer: "), f.title());
        assertTrue(f.description().contains("allow-anyone") && f.description().contains("AddPermission")
                && f.description().contains("arn:aws:iam::111122223333:user/dana.dev"), f.description());
        assertEquals(List.of(Resource.builder().type("AwsLambdaFunction").id(INVOICE_RENDERER).partition("aws")
                .region("us-east-1").build()), f.resources());
        assertEquals(ComplianceStatus.PASSED, f.compliance().status());
        assertEquals(WorkflowStatus.RESOLVED, f.workflow().status());
        assertTrue(f.remediation().recommendation().text().startsWith("The guard undid the change."));
        assertTrue(f.remediation().recommendation().text().endsWith("run " + UNDO), f.remediation().recommendation().text());
        assertEquals("ROLLBACK", f.productFields().get("guardrail/decision"));
        assertEquals("INTRODUCED", f.productFields().get("guardrail/origin"));
        assertEquals(UNDO, f.productFields().get("guardrail/undo/1/1"));
        assertEquals("REMOVE_PERMISSION DONE: removed statement 'allow-anyone'", f.productFields().get("guardrail/outcome/1"));
        assertNull(f.note(), "a Note only marks an exempted finding");
    }

    @Test
    void idIsTheEventAndTheRuleSoARepeatedImportUpdatesTheFinding() {
        Verdict verdict = publicPermissionRolledBack();
        AwsSecurityFinding first = single(findings(verdict, List.of(removed()), false, NOW));
        AwsSecurityFinding again = single(findings(verdict, List.of(removed()), false, NOW.plusSeconds(60)));
        assertEquals(first.id(), again.id());
        assertEquals(first.createdAt(), again.createdAt());
    }

    @Test
    void notifyOnlyFindingIsNewAndFailedWithTheRulesAdvice() {
        Verdict verdict = verdict("addpermission-public-principal.json", "GUARDRAIL_MODE", "notify");
        assertEquals(Decision.NOTIFY, verdict.decision());

        AwsSecurityFinding f = single(findings(verdict, List.of(), false, NOW));

        assertEquals(WorkflowStatus.NEW, f.workflow().status());
        assertEquals(ComplianceStatus.FAILED, f.compliance().status());
        assertEquals("NOTIFY", f.productFields().get("guardrail/decision"));
        assertEquals("Remove the statement, or narrow it with a source account, source ARN or organisation id.",
                f.remediation().recommendation().text());
        assertFalse(f.productFields().keySet().stream().anyMatch(k -> k.startsWith("guardrail/undo/")));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource({
            "FAILED, ROLLBACK_FAILED, The guard could not undo the change: it is still in place.",
            "DRY_RUN, WOULD_ROLLBACK, 'Dry run: the guard would have undone the change; nothing was changed.'",
            "LEFT_ALONE, LEFT_ALONE, The guard changed nothing",
            "ALREADY_DONE, LEFT_ALONE, The guard changed nothing"})
    void rollbackThatChangedNothingLeavesTheFindingNewAndFailed(ActionOutcome.Status status, String decision, String says) {
        ActionOutcome outcome = ActionOutcome.of("REMOVE_PERMISSION", status, "detail");

        AwsSecurityFinding f = single(findings(publicPermissionRolledBack(), List.of(outcome), status == ActionOutcome.Status.DRY_RUN, NOW));

        assertEquals(WorkflowStatus.NEW, f.workflow().status());
        assertEquals(ComplianceStatus.FAILED, f.compliance().status());
        assertEquals(decision, f.productFields().get("guardrail/decision"));
        assertTrue(f.remediation().recommendation().text().startsWith(says), f.remediation().recommendation().text());
    }

    @Test
    void quarantineStopsTheFunctionButLeavesTheViolationSoTheFindingStaysNewAndFailed() {
        Verdict verdict = verdict("createfunction-no-vpc.json", "GUARDRAIL_MODE", "rollback");
        assertEquals(Decision.ROLLBACK, verdict.decision());
        ActionOutcome quarantined = new ActionOutcome("QUARANTINE", ActionOutcome.Status.DONE, "reserved concurrency 0",
                List.of("aws lambda delete-function-concurrency --function-name x", "aws lambda untag-resource --resource x"));

        AwsSecurityFinding f = single(findings(verdict, List.of(quarantined), false, NOW));

        assertEquals("LAMBDA_NOT_IN_VPC", f.generatorId());
        assertEquals(SeverityLabel.MEDIUM, f.severity().label());
        assertEquals(WorkflowStatus.NEW, f.workflow().status());
        assertEquals(ComplianceStatus.FAILED, f.compliance().status());
        assertEquals("ROLLBACK", f.productFields().get("guardrail/decision"));
        assertTrue(f.remediation().recommendation().text().startsWith("The guard quarantined the function"));
        assertEquals("aws lambda untag-resource --resource x", f.productFields().get("guardrail/undo/1/2"));
    }

    @Test
    void exemptedFindingIsSentSuppressedAndMarked() {
        Verdict verdict = verdict("addpermission-public-principal.json", "GUARDRAIL_MODE", "rollback",
                "GUARDRAIL_EXEMPT_FUNCTION_PATTERNS", "invoice-*");
        assertEquals(Decision.EXEMPTED, verdict.decision());

        AwsSecurityFinding f = single(findings(verdict, List.of(), false, NOW));

        assertEquals(WorkflowStatus.SUPPRESSED, f.workflow().status());
        assertEquals(ComplianceStatus.FAILED, f.compliance().status(), "the violation stands");
        assertEquals("EXEMPTED", f.productFields().get("guardrail/decision"));
        String exemption = verdict.findings().get(0).exemption().orElseThrow();
        assertEquals(exemption, f.productFields().get("guardrail/exemption"));
        assertEquals("Exempted: " + exemption, f.note().text());
        assertEquals("Lambda Guardrail", f.note().updatedBy());
        assertTrue(f.remediation().recommendation().text().startsWith("Exempted: no action is due"));
    }

    @Test
    void preExistingViolationIsReportedNewAndFailedAndSaysItIsNeverRolledBack() {
        Verdict verdict = verdict("updatefunctionconfiguration-memory-only-no-vpc.json", "GUARDRAIL_MODE", "rollback");
        assertEquals(Decision.NOTIFY, verdict.decision());

        AwsSecurityFinding f = single(findings(verdict, List.of(), false, NOW));

        assertEquals("PRE_EXISTING", f.productFields().get("guardrail/origin"));
        assertEquals(WorkflowStatus.NEW, f.workflow().status());
        assertTrue(f.remediation().recommendation().text().startsWith("Pre-existing: the guard reports it and never rolls it back."));
        assertTrue(f.description().contains("(pre-existing: reported, never rolled back)"), f.description());
    }

    @ParameterizedTest
    @EnumSource(Severity.class)
    void severityLabelIsTheFindingsSeverity(Severity severity) {
        AwsSecurityFinding f = single(findings(synthetic(severity, "m", "fn"), List.of(), false, NOW));
        assertEquals(severity.name(), f.severity().label().toString());
    }

    @Test
    void changeToTheGuardrailsOwnResourceNamesThatResourceAndTheRegionsPartition() {
        RecordHeader header = new RecordHeader("e-1", "DeleteTopic", "2026-03-02T09:14:27Z", ACCOUNT, "us-gov-west-1",
                new Actor("arn:aws-us-gov:iam::111122223333:user/x", "IAMUser", Optional.empty(), Optional.empty()));
        String topic = "arn:aws-us-gov:sns:us-gov-west-1:111122223333:alerts";
        Finding tamper = new Finding(RuleId.GUARDRAIL_TAMPERED, Severity.CRITICAL, topic + ": deleted", topic, "deleted",
                Origin.INTRODUCED, Mode.NOTIFY, Optional.empty());
        Verdict verdict = new Verdict(header, Decision.NOTIFY, Optional.empty(), Optional.empty(), List.of(tamper), List.of(), List.of());

        AwsSecurityFinding f = single(findings(verdict, List.of(), false, NOW));

        assertEquals(List.of(Resource.builder().type("Other").id(topic).partition("aws-us-gov").region("us-gov-west-1").build()),
                f.resources());
        assertEquals("arn:aws-us-gov:securityhub:us-gov-west-1:111122223333:product/111122223333/default", f.productArn());
        assertTrue(f.title().startsWith("GUARDRAIL_TAMPERED on " + topic), f.title());
    }

    @Test
    void unreadableEventTimeBecomesTheImportTime() {
        Verdict base = synthetic(Severity.HIGH, "m", "fn");
        RecordHeader h = base.header();
        Verdict verdict = new Verdict(new RecordHeader(h.eventId(), h.eventName(), "yesterday", h.account(), h.region(), h.actor()),
                base.decision(), base.note(), base.function(), base.findings(), base.results(), base.actions());
        assertEquals(NOW.toString(), single(findings(verdict, List.of(), false, NOW)).createdAt());
    }

    @Test
    void everyTextStaysWithinAsffsLimitsAndAnUndoCommandIsNeverCut() {
        // Lambda's longest name and alias.
        String name = "f".repeat(64);
        FunctionRef function = new FunctionRef(name, Optional.of("q".repeat(128)), "arn:aws:lambda:us-east-1:111122223333:function:" + name);
        Verdict verdict = synthetic(Decision.ROLLBACK, Severity.CRITICAL, "statement 'x': " + "evidence ".repeat(2000), function);
        String longCommand = "aws lambda add-permission --function-name " + "a".repeat(600);
        ActionOutcome done = new ActionOutcome("REMOVE_PERMISSION", ActionOutcome.Status.DONE, "d".repeat(5000),
                List.of(longCommand));

        AwsSecurityFinding f = single(findings(verdict, List.of(done), false, NOW));

        assertEquals(WorkflowStatus.RESOLVED, f.workflow().status());
        assertEquals(256, f.title().length());
        assertTrue(f.title().endsWith("..."));
        assertEquals(1024, f.description().length());
        String text = f.remediation().recommendation().text();
        assertTrue(text.length() <= 512, text.length() + ": " + text);
        assertFalse(text.contains("aws lambda"), "a command that does not fit whole is left to the product fields: " + text);
        assertTrue(text.endsWith("run the commands in guardrail/undo/*."), text);
        assertEquals(longCommand, f.productFields().get("guardrail/undo/1/1"));
        f.productFields().forEach((k, v) -> {
            assertTrue(k.length() <= 128, k);
            assertTrue(v.length() <= 2048, k + ": " + v.length());
        });
        assertTrue(f.productFields().size() <= 50);
        // toString renders every field; the JSON on the wire adds only punctuation. ASFF takes 240 KB a finding.
        assertTrue(f.toString().length() < 16 * 1024, "far below 240 KB: " + f.toString().length());
    }

    /** A NOTIFY verdict on function {@code name} with one finding of {@code severity}. */
    private static Verdict synthetic(Severity severity, String message, String name) {
        return synthetic(Decision.NOTIFY, severity, message, new FunctionRef(name, Optional.empty(),
                "arn:aws:lambda:us-east-1:111122223333:function:" + name));
    }

    private static Verdict synthetic(Decision decision, Severity severity, String message, FunctionRef function) {
        RecordHeader header = new RecordHeader("e-1", "AddPermission20150331v2", "2026-03-02T09:14:27Z", ACCOUNT, "us-east-1",
                new Actor("arn:aws:iam::111122223333:user/x", "IAMUser", Optional.empty(), Optional.empty()));
        Finding finding = new Finding(RuleId.PERMISSION_PUBLIC, severity, message, "statement 'x'", message,
                Origin.INTRODUCED, Mode.ROLLBACK, Optional.empty());
        return new Verdict(header, decision, Optional.empty(), Optional.of(function), List.of(finding), List.of(), List.of());
    }
}
