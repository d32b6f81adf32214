package io.github.lambdaguardrail.guard;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.lambdaguardrail.engine.Actor;
import io.github.lambdaguardrail.engine.Decision;
import io.github.lambdaguardrail.engine.Finding;
import io.github.lambdaguardrail.engine.Mode;
import io.github.lambdaguardrail.engine.Origin;
import io.github.lambdaguardrail.engine.RecordHeader;
import io.github.lambdaguardrail.engine.RuleId;
import io.github.lambdaguardrail.engine.Severity;
import io.github.lambdaguardrail.engine.Verdict;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The alert's JSON document is the contract of every machine subscriber (the Security Hub exporter
 * reads nothing else): each finding carries, beside the verdict's JSON form, the resource it
 * examined and its rule's mode, in the verdict's order.
 */
class AlertDocumentTest {

    @Test
    void eachFindingCarriesItsSubjectAndModeInTheVerdictsOrder() {
        String topic = "arn:aws:sns:us-east-1:111122223333:alerts";
        RecordHeader header = new RecordHeader("e-1", "DeleteTopic", "2026-03-02T09:14:27Z", "111122223333", "us-east-1",
                new Actor("arn:aws:iam::111122223333:user/x", "IAMUser", Optional.empty(), Optional.empty()));
        Finding tamper = new Finding(RuleId.GUARDRAIL_TAMPERED, Severity.CRITICAL, "deleted", topic, "deleted",
                Origin.INTRODUCED, Mode.NOTIFY, Optional.empty());
        Finding exempted = new Finding(RuleId.PERMISSION_PUBLIC, Severity.HIGH, "public", "statement 'x'", "principal *",
                Origin.PRE_EXISTING, Mode.ROLLBACK, Optional.of("tag guardrail:exempt=*"));
        Verdict verdict = new Verdict(header, Decision.NOTIFY, Optional.empty(), Optional.empty(), List.of(tamper, exempted),
                List.of(), List.of());

        JsonNode findings = Alert.of(verdict, List.of(), false).document().path("findings");

        assertEquals(2, findings.size());
        assertEquals("GUARDRAIL_TAMPERED", findings.get(0).path("ruleId").asText());
        assertEquals(topic, findings.get(0).path("subject").asText());
        assertEquals("notify", findings.get(0).path("mode").asText());
        assertEquals("PERMISSION_PUBLIC", findings.get(1).path("ruleId").asText());
        assertEquals("statement 'x'", findings.get(1).path("subject").asText());
        assertEquals("rollback", findings.get(1).path("mode").asText());
        assertEquals("tag guardrail:exempt=*", findings.get(1).path("exemption").asText());
    }
}
