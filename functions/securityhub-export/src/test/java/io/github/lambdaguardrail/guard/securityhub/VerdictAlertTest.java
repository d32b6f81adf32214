package io.github.lambdaguardrail.guard.securityhub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.lambdaguardrail.engine.Mode;
import io.github.lambdaguardrail.engine.Origin;
import io.github.lambdaguardrail.engine.RuleId;
import io.github.lambdaguardrail.engine.Severity;
import io.github.lambdaguardrail.guard.Alert;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The alert document every machine subscriber receives, read as the exporter reads it: the sample
 * alert whole, then one hostile change at a time, each refused with a reason that names the field
 * (and never carries more than a short, cut quote of what the message holds).
 */
class VerdictAlertTest {

    /** The sample SNS event's message: the alert document of a rolled-back public statement, as the guard publishes it. */
    private static ObjectNode sample() {
        try {
            return (ObjectNode) SnsEvents.JSON.readTree(SnsEvents.JSON.readTree(SecurityHubFaultsTest.sampleEvent())
                    .path("Records").get(0).path("Sns").path("Message").asText());
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static VerdictAlert read(String message) throws VerdictAlert.NotAVerdictAlert {
        return VerdictAlert.read(message);
    }

    @Test
    void sampleAlertIsReadWhole() throws Exception {
        VerdictAlert alert = read(sample().toString());

        assertEquals("91aa3f26-c4a7-4f2a-a88e-4e537fdcfa8c", alert.eventId());
        assertEquals("AddPermission20150331v2", alert.eventName());
        assertEquals("111122223333", alert.account());
        assertEquals("us-east-1", alert.region());
        assertEquals("ROLLBACK", alert.decision());
        assertEquals("arn:aws:iam::111122223333:user/dana.dev", alert.actor());
        String function = "arn:aws:lambda:us-east-1:111122223333:function:invoice-renderer";
        assertEquals(Optional.of(new VerdictAlert.FunctionArn(function, function, "invoice-renderer")), alert.function());
        assertEquals(List.of(new VerdictAlert.AlertFinding(RuleId.PERMISSION_PUBLIC, Severity.CRITICAL,
                "statement 'allow-anyone': principal * and no condition narrows the caller: anyone can invoke",
                "statement 'allow-anyone'", Origin.INTRODUCED, Mode.ROLLBACK, Optional.empty())), alert.findings());
        assertEquals("REMOVE_PERMISSION", alert.outcomes().get(0).type());
        assertEquals("DONE", alert.outcomes().get(0).status());
        assertEquals(1, alert.outcomes().get(0).undo().size());
    }

    @Test
    void qualifiedFunctionIsFiledUnderItsUnqualifiedArnAndTitledWithItsQualifier() throws Exception {
        ObjectNode document = sample().put("function", "arn:aws:lambda:us-east-1:111122223333:function:orders-api:live");

        VerdictAlert.FunctionArn function = read(document.toString()).function().orElseThrow();

        assertEquals("arn:aws:lambda:us-east-1:111122223333:function:orders-api", function.arn());
        assertEquals("orders-api:live", function.target());
        assertEquals("arn:aws:lambda:us-east-1:111122223333:function:orders-api:live", function.qualifiedArn());
    }

    @Test
    void alertOfAChangeToAnotherResourceHasNoFunction() throws Exception {
        assertEquals(Optional.empty(), read(sample().put("function", "").toString()).function());
    }

    static Stream<Arguments> hostileDocuments() {
        return Stream.of(
                hostile("decision of an unreadable event", d -> d.put("decision", "INVALID"), "decision 'INVALID' is not a verdict's"),
                hostile("decision of the sweep's summary", d -> d.put("decision", "SWEEP"), "decision 'SWEEP' is not a verdict's"),
                hostile("decision of an organisation's evaluator", d -> d.put("decision", "ROLLBACK_QUEUED"),
                        "decision 'ROLLBACK_QUEUED' is not a verdict's"),
                hostile("decision missing", d -> d.remove("decision"), "decision is missing"),
                hostile("event id missing", d -> d.remove("eventId"), "eventId is missing"),
                hostile("event id empty", d -> d.put("eventId", " "), "eventId is empty"),
                hostile("event name a number", d -> d.put("eventName", 7), "eventName is not a string"),
                hostile("account not 12 digits", d -> d.put("account", "1111-2222-3333"), "account '1111-2222-3333' is not"),
                hostile("region not a region", d -> d.put("region", "us-east-1:evil"), "region 'us-east-1:evil' is not a region"),
                hostile("a region of 200,000 characters in 100,000 parts", d -> d.put("region", "aa" + "-a".repeat(100_000) + "-1"),
                        "region 'aa" + "-a".repeat(31) + "...' is not a region"),
                hostile("function not a function ARN", d -> d.put("function", "arn:aws:sns:us-east-1:111122223333:t"),
                        "function 'arn:aws:sns:us-east-1:111122223333:t' is not a function ARN"),
                hostile("findings missing", d -> d.remove("findings"), "findings is missing"),
                hostile("findings an object", d -> d.putObject("findings"), "findings is not an array"),
                hostile("findings empty", d -> d.putArray("findings"), "findings holds 0 findings"),
                hostile("more findings than one import takes", d -> {
                    ArrayNode many = d.putArray("findings");
                    for (int i = 0; i < 101; i++) {
                        many.add(sample().path("findings").get(0));
                    }
                }, "findings holds 101 findings"),
                hostile("a finding that is a string", d -> d.putArray("findings").add("PERMISSION_PUBLIC"), "findings[0] is not an object"),
                hostile("an unknown rule", d -> finding(d).put("ruleId", "NO_SUCH_RULE"), "findings[0].ruleId 'NO_SUCH_RULE' is not one of"),
                hostile("a severity that is a number", d -> finding(d).put("severity", 4), "findings[0].severity is not a string"),
                hostile("an unknown origin", d -> finding(d).put("origin", "ELSEWHERE"), "findings[0].origin 'ELSEWHERE' is not one of"),
                hostile("an unknown mode", d -> finding(d).put("mode", "ROLLBACK"), "findings[0].mode 'ROLLBACK' is not one of [off, notify, rollback]"),
                hostile("a finding without subject", d -> finding(d).remove("subject"), "findings[0].subject is missing"),
                hostile("an exemption that is an object", d -> finding(d).putObject("exemption"), "findings[0].exemption is not a string"),
                hostile("outcomes missing", d -> d.remove("outcomes"), "outcomes is missing"),
                hostile("an undo command that is not a string", d -> ((ObjectNode) d.path("outcomes").get(0)).putArray("undo").add(1),
                        "outcomes[0].undo[0] is not a string"),
                hostile("a note that is a number", d -> d.put("note", 1), "note is not a string"),
                hostile("a long value, cut in the reason", d -> d.put("decision", "X".repeat(10_000)),
                        "decision '" + "X".repeat(64) + "...' is not a verdict's"));
    }

    private static Arguments hostile(String name, Consumer<ObjectNode> change, String reason) {
        ObjectNode document = sample();
        change.accept(document);
        return Arguments.of(name, document.toString(), reason);
    }

    private static ObjectNode finding(ObjectNode document) {
        return (ObjectNode) document.path("findings").get(0);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hostileDocuments")
    void hostileDocumentIsRefusedNamingTheField(String name, String message, String reason) {
        VerdictAlert.NotAVerdictAlert e = assertThrows(VerdictAlert.NotAVerdictAlert.class, () -> read(message));

        assertTrue(e.getMessage().startsWith(reason), e.getMessage());
        // The valid names are listed (at most the rules'); a value of the message, cut.
        assertTrue(e.getMessage().length() < 400, "bounded: " + e.getMessage().length());
    }

    @Test
    void messageThatIsNotJsonIsRefusedWithItsPlaceNotItsContent() {
        VerdictAlert.NotAVerdictAlert e = assertThrows(VerdictAlert.NotAVerdictAlert.class,
                () -> read("{\"decision\": secret-token-123"));

        assertTrue(e.getMessage().startsWith("not JSON (line 1, column "), e.getMessage());
        assertFalse(e.getMessage().contains("secret"), e.getMessage());
    }

    @Test
    void messageNestedDeeperThanTheParserTakesIsRefusedAsNotJson() {
        VerdictAlert.NotAVerdictAlert e = assertThrows(VerdictAlert.NotAVerdictAlert.class,
                () -> read("[".repeat(5_000) + "]".repeat(5_000)));

        assertTrue(e.getMessage().startsWith("not JSON"), e.getMessage());
    }

    @Test
    void messageThatIsJsonButNotAnObjectIsRefused() {
        for (String message : List.of("[]", "\"ROLLBACK\"", "42", "null")) {
            VerdictAlert.NotAVerdictAlert e = assertThrows(VerdictAlert.NotAVerdictAlert.class, () -> read(message));
            assertEquals("not a JSON object", e.getMessage(), message);
        }
    }

    @Test
    void messageLargerThanSnsCarriesIsRefusedBeforeItIsParsed() {
        String huge = "{\"pad\":\"" + "x".repeat(VerdictAlert.MAX_MESSAGE) + "\"}";

        VerdictAlert.NotAVerdictAlert e = assertThrows(VerdictAlert.NotAVerdictAlert.class, () -> read(huge));

        assertTrue(e.getMessage().endsWith("SNS carries at most 262144"), e.getMessage());
    }

    @Test
    void alertOfAnUnreadableEventIsNotAVerdictsAlert() {
        String invalid = Alert.invalid("not a CloudTrail record", Map.of("eventName", "AddPermission20150331v2")).document()
                .toString();

        assertThrows(VerdictAlert.NotAVerdictAlert.class, () -> read(invalid));
    }
}
