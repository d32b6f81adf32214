package io.github.lambdaguardrail.guard.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.lambdaguardrail.engine.Finding;
import io.github.lambdaguardrail.engine.Mode;
import io.github.lambdaguardrail.engine.Origin;
import io.github.lambdaguardrail.engine.RuleId;
import io.github.lambdaguardrail.engine.Severity;
import io.github.lambdaguardrail.guard.Alert;
import io.github.lambdaguardrail.guard.sweep.ScanResult.ScanError;
import io.github.lambdaguardrail.guard.sweep.ScanResult.ScanFinding;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The sweep's summary: one alert with counts by rule and the worst findings, readable and bounded. */
class ScanReportTest {

    private static final String ARN = "arn:aws:lambda:eu-west-1:111122223333:function:";

    private static ScanFinding finding(String function, RuleId rule) {
        return new ScanFinding(ARN + function, new Finding(rule, rule.severity(), "statement 'x': because", "statement 'x'",
                "because", Origin.PRE_EXISTING, Mode.NOTIFY, Optional.empty()));
    }

    private static ScanResult result(List<ScanFinding> findings, List<ScanError> errors, int notScanned) {
        return new ScanResult("111122223333", "eu-west-1", Instant.parse("2026-11-25T03:00:00Z"), Duration.ofSeconds(42),
                120, 120 - notScanned, 0, notScanned, 150, 3, 80, findings,
                List.of(new ScanFinding(ARN + "legacy", new Finding(RuleId.LAMBDA_NOT_IN_VPC, Severity.MEDIUM,
                        "vpcConfig: not in a VPC", "vpcConfig", "not in a VPC", Origin.PRE_EXISTING, Mode.NOTIFY,
                        Optional.of("tag guardrail:exempt=*")))),
                errors, List.of(), 400, 7, 8);
    }

    @Test
    void alertCountsByRuleAndShowsTheWorstFindingsFirst() {
        ScanResult r = result(List.of(finding("orders", RuleId.LAMBDA_NOT_IN_VPC), finding("api:live", RuleId.PERMISSION_PUBLIC),
                finding("billing", RuleId.PERMISSION_SERVICE_WITHOUT_SOURCE)), List.of(), 0);
        Alert alert = ScanReport.alert(r);

        assertEquals("SWEEP", alert.decision());
        assertEquals(Severity.CRITICAL, alert.severity());
        assertEquals(List.of("LAMBDA_NOT_IN_VPC", "PERMISSION_PUBLIC", "PERMISSION_SERVICE_WITHOUT_SOURCE"), alert.ruleIds());
        assertEquals("111122223333", alert.account());
        assertEquals("eu-west-1", alert.region());
        assertEquals("[Lambda Guardrail] Sweep 111122223333 eu-west-1: 3 findings, worst CRITICAL", alert.subject());

        JsonNode doc = alert.document();
        assertEquals(3, doc.get("findingCount").asInt());
        assertEquals(1, doc.get("findingsByRule").get("PERMISSION_PUBLIC").asInt());
        assertEquals(ARN + "api:live", doc.get("findings").get(0).get("function").asText(), "worst first");
        assertEquals(1, doc.get("exemptedCount").asInt());
        assertEquals(7, doc.get("requests").get("throttled").asInt());

        String text = alert.text();
        assertTrue(text.contains("PERMISSION_PUBLIC"), text);
        assertTrue(text.indexOf(ARN + "api:live") < text.indexOf(ARN + "orders"), "worst first in the text too");
        assertTrue(text.contains("never changes a function"), text);
    }

    /** Each listed function is accounted for once: "2 of 2 functions" never sits beside "0 scanned" unexplained. */
    @Test
    void textAccountsForEveryListedFunction() {
        List<ScanError> errors = List.of(new ScanError(ARN + "api", "ListFunctionUrlConfigs", "LambdaException", "404"),
                new ScanError(ARN + "api", "GetPolicy", "LambdaException", "500"),
                new ScanError(ARN + "orders", "GetPolicy", "LambdaException", "500"));
        ScanResult r = new ScanResult("111122223333", "eu-west-1", Instant.parse("2026-11-25T03:00:00Z"), Duration.ofSeconds(2),
                4, 1, 1, 0, 3, 0, 0, List.of(finding("api", RuleId.PERMISSION_PUBLIC)), List.of(), errors, List.of(), 12, 0, 8);

        String text = ScanReport.text(r, 10, 10);

        assertTrue(text.contains("Functions: 4 listed, 1 read completely, 2 read in part (errors below),"
                + " 1 deleted during the sweep\n"), text);
    }

    @Test
    void textLeavesOutWhatDidNotHappen() {
        ScanResult r = new ScanResult("111122223333", "eu-west-1", Instant.parse("2026-11-25T03:00:00Z"), Duration.ofSeconds(2),
                2, 2, 0, 0, 2, 1, 0, List.of(), List.of(), List.of(), List.of(), 6, 0, 8);

        assertTrue(ScanReport.text(r, 10, 10).contains("Functions: 2 listed, 2 read completely\n"));
    }

    /** The summary's findings are the verdicts' findings ({@code VerdictJson.finding}) with the function first. */
    @Test
    void findingsAreRenderedAsEveryVerdictRendersThemWithTheirFunction() {
        JsonNode doc = ScanReport.toJson(result(List.of(finding("api:live", RuleId.PERMISSION_PUBLIC)), List.of(), 0));
        assertEquals("{\"function\":\"" + ARN + "api:live\",\"ruleId\":\"PERMISSION_PUBLIC\",\"severity\":\"CRITICAL\","
                + "\"message\":\"statement 'x': because\",\"subject\":\"statement 'x'\",\"origin\":\"PRE_EXISTING\","
                + "\"mode\":\"notify\"}", doc.get("findings").get(0).toString());
        assertEquals("{\"function\":\"" + ARN + "legacy\",\"ruleId\":\"LAMBDA_NOT_IN_VPC\",\"severity\":\"MEDIUM\","
                + "\"message\":\"vpcConfig: not in a VPC\",\"subject\":\"vpcConfig\",\"origin\":\"PRE_EXISTING\","
                + "\"mode\":\"notify\",\"exemption\":\"tag guardrail:exempt=*\"}",
                doc.get("exempted").get(0).toString());
    }

    @Test
    void summaryOfManyFindingsListsOnlyTheWorstButCountsThemAll() {
        List<ScanFinding> many = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            many.add(finding(String.format("fn-%03d", i), i % 2 == 0 ? RuleId.LAMBDA_NOT_IN_VPC : RuleId.PERMISSION_PUBLIC));
        }
        Alert alert = ScanReport.alert(result(many, List.of(), 0));
        assertEquals(ScanReport.SUMMARY_FINDINGS, alert.document().get("findings").size());
        assertEquals(500, alert.document().get("findingCount").asInt());
        assertEquals(250, alert.document().get("findingsByRule").get("PERMISSION_PUBLIC").asInt());
        assertTrue(alert.document().get("findings").get(ScanReport.SUMMARY_FINDINGS - 1).get("ruleId").asText()
                .equals("PERMISSION_PUBLIC"), "the worst are the CRITICAL ones");
        int bytes = alert.text().length() + 5 * alert.document().toString().length();
        assertTrue(bytes < 200_000, "the SNS message stays under 256 KB: " + bytes);
        assertTrue(ScanReport.toJson(result(many, List.of(), 0)).get("findings").size() == 500, "the command line's JSON has all");
    }

    @Test
    void subjectStaysUnderOneHundredCharactersAndNamesErrorsAndIncompleteRuns() {
        ScanResult r = new ScanResult("111122223333", "ap-southeast-4", Instant.EPOCH, Duration.ZERO, 10, 5, 0, 5, 0, 0, 0,
                List.of(finding("a", RuleId.PERMISSION_UNTRUSTED_ACCOUNT)), List.of(),
                List.of(new ScanError(ARN + "b", "GetPolicy", "TooManyRequestsException", "Rate exceeded")), List.of(), 10, 3, 8);
        String subject = ScanReport.alert(r).subject();
        assertTrue(subject.length() < 100, subject.length() + ": " + subject);
        assertTrue(subject.contains("1 error"), subject);
        assertTrue(subject.contains("incomplete"), subject);
        String text = ScanReport.alert(r).text();
        assertTrue(text.contains("NOT SCANNED"), text);
        assertTrue(text.contains(ARN + "b: GetPolicy failed with TooManyRequestsException"), text);
    }

    @Test
    void cleanRunSaysSo() {
        Alert alert = ScanReport.alert(result(List.of(), List.of(), 0));
        assertEquals("[Lambda Guardrail] Sweep 111122223333 eu-west-1: no findings", alert.subject());
        assertEquals(Severity.LOW, alert.severity());
        assertEquals(List.of(), alert.ruleIds());
        assertEquals("NONE", alert.document().get("severity").asText());
        assertTrue(alert.text().contains("No findings."));
        assertFalse(alert.text().contains("Worst findings"));
    }
}
