package io.github.lambdaguardrail.guard.org;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.lambdaguardrail.engine.Finding;
import io.github.lambdaguardrail.engine.Mode;
import io.github.lambdaguardrail.engine.Origin;
import io.github.lambdaguardrail.engine.RuleId;
import io.github.lambdaguardrail.guard.Alert;
import io.github.lambdaguardrail.guard.org.OrgSweepResult.NotSwept;
import io.github.lambdaguardrail.guard.org.OrgSweepResult.Reason;
import io.github.lambdaguardrail.guard.org.OrgSweepResult.Swept;
import io.github.lambdaguardrail.guard.org.OrgSweepResult.Target;
import io.github.lambdaguardrail.guard.sweep.ScanResult;
import io.github.lambdaguardrail.guard.sweep.ScanResult.ScanFinding;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The organisation sweep's one summary: complete totals, lists that stop at a budget and say so, one SNS message. */
class OrgSweepReportTest {

    private static final List<String> REGIONS = List.of("us-east-1", "eu-west-1", "eu-central-1", "ap-southeast-2", "sa-east-1");
    /** SNS's largest message, body and attributes together. */
    private static final int SNS_MAX_BYTES = 262_144;

    private static String account(int i) {
        return String.format("%012d", 100_000_000_000L + i);
    }

    private static Swept swept(String account, String region, int findings) {
        String arn = "arn:aws:lambda:" + region + ":" + account + ":function:";
        List<ScanFinding> found = IntStream.range(0, findings).mapToObj(i -> new ScanFinding(arn + "fn-" + i,
                new Finding(RuleId.PERMISSION_PUBLIC, RuleId.PERMISSION_PUBLIC.severity(), "statement 'anyone': principal * without a condition",
                        "statement 'anyone'", "principal *", Origin.PRE_EXISTING, Mode.NOTIFY, Optional.empty()))).toList();
        return new Swept(account, region, new ScanResult(account, region, Instant.parse("2026-12-03T03:00:00Z"), Duration.ofSeconds(3),
                findings + 2, findings + 2, 0, 0, findings, 0, 0, found, List.of(), List.of(), List.of(), 10L * findings, 0, 8));
    }

    private static OrgSweepResult organisation(int accounts, int notSweptEvery) {
        List<Target> targets = new ArrayList<>();
        for (int i = 0; i < accounts; i++) {
            for (String region : REGIONS) {
                targets.add(i % notSweptEvery == 0
                        ? new NotSwept(account(i), region, Reason.ASSUME_ROLE_FAILED, "StsException AccessDenied: User: arn:aws:sts::"
                        + "111111111111:assumed-role/LambdaGuardrailCentralRemediation/guardrail-sweep is not authorized")
                        : swept(account(i), region, i % 3));
            }
        }
        return new OrgSweepResult(Instant.parse("2026-12-03T03:00:00Z"), Duration.ofMinutes(14), REGIONS, accounts, targets, 8);
    }

    @Test
    void aLargeOrganisationsSummaryFitsOneSnsMessageWithCompleteTotalsAndCountsWhatItLeavesOut() {
        OrgSweepResult r = organisation(2000, 4);

        Alert alert = OrgSweepReport.alert(r, "111111111111", "us-east-1");

        assertTrue(snsMessageBytes(alert) < SNS_MAX_BYTES, snsMessageBytes(alert) + " bytes");
        assertEquals(10_000, alert.document().path("accountRegions").path("total").asInt());
        assertEquals(2_500, alert.document().path("notSweptByReason").path("ASSUME_ROLE_FAILED").asInt());
        assertEquals(r.findings().size(), alert.document().path("findingCount").asInt());
        int listedNotSwept = alert.document().path("notSwept").size();
        assertEquals(2_500, listedNotSwept + alert.document().path("omitted").path("notSwept").asInt());
        int listedSwept = alert.document().path("swept").size();
        assertEquals(7_500, listedSwept + alert.document().path("omitted").path("swept").asInt());
        assertTrue(listedNotSwept > 0 && listedSwept > 0, "both lists start before the budget ends");
        assertEquals(2, alert.document().path("swept").get(0).path("findings").asInt(), "the most findings first");
        assertTrue(alert.text().contains("NOT SWEPT (2500): ASSUME_ROLE_FAILED=2500"), alert.text().substring(0, 800));
        assertTrue(alert.text().contains("more account-region(s) swept, with fewer findings: see the sweep's log"));
        assertTrue(alert.subject().length() < 100, alert.subject());
    }

    @Test
    void aSmallOrganisationIsListedWhole() {
        OrgSweepResult r = organisation(3, 3);

        Alert alert = OrgSweepReport.alert(r, "111111111111", "us-east-1");

        assertEquals(5, alert.document().path("notSwept").size());
        assertEquals(10, alert.document().path("swept").size());
        assertEquals(0, alert.document().path("omitted").path("swept").asInt());
        assertEquals("[Lambda Guardrail] Sweep of 3 accounts x 5 regions: 15 findings, worst CRITICAL, 5 not swept",
                alert.subject());
        assertEquals("SWEEP", alert.decision());
        assertEquals(List.of("PERMISSION_PUBLIC"), alert.ruleIds());
        assertTrue(alert.text().contains("  100000000000 us-east-1  ASSUME_ROLE_FAILED  StsException AccessDenied"), alert.text());
    }

    /** As {@code SnsNotifier} sends it: the text twice, the document five times, in one JSON message, plus the attributes. */
    private static int snsMessageBytes(Alert alert) {
        ObjectNode message = JsonNodeFactory.instance.objectNode();
        String document = alert.document().toString();
        message.put("default", alert.text()).put("email", alert.text());
        for (String protocol : List.of("email-json", "sqs", "lambda", "http", "https")) {
            message.put(protocol, document);
        }
        int attributes = alert.ruleIds().toString().length() + alert.decision().length() + alert.account().length()
                + alert.region().length() + 64;
        return message.toString().getBytes(StandardCharsets.UTF_8).length + attributes;
    }
}
