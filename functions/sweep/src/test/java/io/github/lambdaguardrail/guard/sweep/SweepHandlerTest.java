package io.github.lambdaguardrail.guard.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.tests.annotations.Event;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.lambdaguardrail.guard.moto.DeliveredAlert;
import io.github.lambdaguardrail.guard.moto.MotoAccount;
import io.github.lambdaguardrail.guard.moto.SampleEvent;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;

/**
 * The sweep handler, invoked as Lambda invokes it on its schedule, against moto, each time in an
 * account of its own so that it sees only the functions made here: one summary out, the counts
 * as the result, nothing changed. The payload is the sample scheduled event (a schedule rule
 * delivers that shape, naming its rule); the sweep ignores it.
 */
class SweepHandlerTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @ParameterizedTest
    @Event(value = "events/guardrail/heartbeat-scheduled-event.json", type = SampleEvent.class)
    void scheduledRunPublishesOneSummaryOfTheAccountsViolationsAndChangesNothing(SampleEvent schedule) throws IOException {
        try (MotoAccount moto = MotoAccount.openInNewAccount()) {
            String legacy = moto.createFunction("legacy");
            String api = moto.createFunction("api", b -> b.vpcConfig(v -> v.subnetIds("subnet-0a1b2c3d4e5f60011")
                    .securityGroupIds("sg-0a1b2c3d4e5f60021"))).request().functionName();
            moto.addPermission(b -> b.functionName(api).statementId("anyone").action("lambda:InvokeFunction").principal("*"));
            JsonNode statementBefore = moto.statements(api).get("anyone");
            ByteArrayOutputStream out = new ByteArrayOutputStream();

            new SweepHandler(moto.sweepFunction()).handleRequest(new ByteArrayInputStream(schedule.payload()), out, null);

            JsonNode result = JSON.readTree(out.toByteArray());
            assertEquals(2, result.path("functions").path("scanned").asInt(), result.toString());
            assertEquals(2, result.path("findingCount").asInt(), result.toString());
            DeliveredAlert summary = single(moto.awaitAlerts(1));
            assertEquals("SWEEP", summary.decision());
            assertEquals(List.of("LAMBDA_NOT_IN_VPC", "PERMISSION_PUBLIC"), summary.ruleIds());
            assertEquals(result.path("findingCount"), summary.document().path("findingCount"), "the result is the summary sent");
            assertEquals(Set.of(arn(moto, legacy), arn(moto, api)), functionsWithFindings(summary));
            assertEquals(statementBefore, moto.statements(api).get("anyone"), "the public statement is only reported");
            assertEquals(Optional.empty(), moto.reservedConcurrency(legacy), "the function outside a VPC is only reported");
            assertTrue(moto.stateItems().containsKey("vpc#" + arn(moto, api)), "the compliant VPC config is remembered");
        }
    }

    @ParameterizedTest
    @Event(value = "events/guardrail/heartbeat-scheduled-event.json", type = SampleEvent.class)
    void accountWithoutFunctionsStillGetsASummaryNamingIt(SampleEvent schedule) throws IOException {
        try (MotoAccount moto = MotoAccount.openInNewAccount()) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();

            new SweepHandler(moto.sweepFunction()).handleRequest(new ByteArrayInputStream(schedule.payload()), out, null);

            assertEquals(0, JSON.readTree(out.toByteArray()).path("findingCount").asInt());
            DeliveredAlert summary = single(moto.awaitAlerts(1));
            assertEquals(moto.account(), summary.attributes().get("account"));
            assertEquals("[Lambda Guardrail] Sweep " + moto.account() + " us-east-1: no findings", summary.subject());
        }
    }

    private static String arn(MotoAccount moto, String function) {
        return "arn:aws:lambda:us-east-1:" + moto.account() + ":function:" + function;
    }

    private static Set<String> functionsWithFindings(DeliveredAlert summary) {
        Set<String> functions = new java.util.TreeSet<>();
        summary.document().path("findings").forEach(f -> functions.add(f.path("function").asText()));
        return functions;
    }

    private static DeliveredAlert single(List<DeliveredAlert> alerts) {
        assertEquals(1, alerts.size(), "one summary per run: " + alerts);
        return alerts.get(0);
    }
}
