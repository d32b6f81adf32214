package io.github.lambdaguardrail.guard.org;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.lambdaguardrail.guard.Alert;
import io.github.lambdaguardrail.guard.Guard;
import io.github.lambdaguardrail.guard.GuardReport;
import io.github.lambdaguardrail.guard.moto.MotoWorld;
import io.github.lambdaguardrail.runtime.JsonLog;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Messages the remediator must not act on, whatever they hold: no member is opened (no role is
 * assumed, no AWS call made), the message is alerted as invalid and not delivered again.
 */
class OrgRemediatorTest {

    private static final String A = "222222222222";

    private final List<Alert> alerts = new ArrayList<>();
    private final List<String> opened = new ArrayList<>();

    private List<String> remediate(QueuedEvent message) {
        OrgConfig config = OrgConfig.remediator(Map.of("GUARDRAIL_TOPIC_ARN", "arn:aws:sns:us-east-1:111111111111:alerts",
                "GUARDRAIL_STATE_TABLE", "state"));
        JsonLog log = new JsonLog(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        MemberGuards members = new MemberGuards(config, MotoWorld.SETTINGS, () -> {
            opened.add("sts");
            throw new AssertionError("no role may be assumed for this message");
        }, () -> null, () -> null, log);
        return new OrgRemediator(members, alerts::add, log).handle(List.of(message), () -> Guard.NO_CONTEXT_TIME_LEFT,
                new GuardReport());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "222222222222", "222222222222:", "22222222222:eu-west-1", "222222222222:eu-west-1:x",
            "222222222222:EU-WEST-1", "../222222222222:eu-west-1", "222222222222:eu-west-1\n"})
    void aGroupThatIsNotAccountAndRegionIsAlertedAndDropped(String group) {
        ObjectNode event = OrgWorld.cloudTrailRecord(OrgEvents.ADD_PERMISSION, A, "eu-west-1");
        assertEquals(List.of(), remediate(new QueuedEvent("m1", group, event.toString())), "another delivery cannot help");
        assertEquals(List.of("INVALID"), alerts.stream().map(Alert::decision).toList());
        assertTrue(alerts.get(0).document().path("reason").asText().contains("is not account:region"),
                alerts.get(0).document().toString());
        assertEquals(List.of(), opened);
    }

    @Test
    void aMessageOfSeveralRecordsIsAlertedAndDropped() {
        ObjectNode log = OrgWorld.JSON.createObjectNode();
        log.putArray("Records").add(OrgWorld.cloudTrailRecord(OrgEvents.ADD_PERMISSION, A, "eu-west-1"))
                .add(OrgWorld.cloudTrailRecord(OrgEvents.ADD_PERMISSION, A, "eu-west-1"));
        assertEquals(List.of(), remediate(new QueuedEvent("m1", A + ":eu-west-1", log.toString())));
        assertEquals(List.of("INVALID"), alerts.stream().map(Alert::decision).toList());
        assertTrue(alerts.get(0).document().path("reason").asText().contains("holds 2 records"),
                alerts.get(0).document().toString());
        assertEquals(List.of(), opened);
    }

    @Test
    void anEventOfAnotherRegionThanItsGroupIsAlertedAndDropped() {
        ObjectNode event = OrgWorld.cloudTrailRecord(OrgEvents.ADD_PERMISSION, A, "us-east-1");
        assertEquals(List.of(), remediate(new QueuedEvent("m1", A + ":eu-west-1", event.toString())));
        assertTrue(alerts.get(0).document().path("reason").asText().contains("region us-east-1, not of its message group"),
                alerts.get(0).document().toString());
        assertEquals(List.of(), opened);
    }
}
