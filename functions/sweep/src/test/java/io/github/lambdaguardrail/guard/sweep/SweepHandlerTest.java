package io.github.lambdaguardrail.guard.sweep;

import static io.github.lambdaguardrail.guard.moto.MotoAccount.functionArn;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.tests.annotations.Event;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.lambdaguardrail.engine.GuardrailEngine;
import io.github.lambdaguardrail.guard.AwsClients;
import io.github.lambdaguardrail.guard.DynamoDbStateStore;
import io.github.lambdaguardrail.guard.SnsNotifier;
import io.github.lambdaguardrail.guard.moto.DeliveredAlert;
import io.github.lambdaguardrail.guard.moto.MotoAccount;
import io.github.lambdaguardrail.guard.moto.MotoWorld;
import io.github.lambdaguardrail.guard.moto.SampleEvent;
import io.github.lambdaguardrail.runtime.JsonLog;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import software.amazon.awssdk.services.lambda.LambdaClient;

/**
 * The sweep handler, invoked as Lambda invokes it on its schedule, against moto (reset before each
 * test, so the sweep sees only the functions made here): one summary out, the counts as the
 * result, nothing changed. The payload is the sample scheduled event (a schedule rule delivers
 * that shape, naming its rule); the sweep ignores it.
 */
class SweepHandlerTest {

    @RegisterExtension
    static final MotoWorld world = new MotoWorld();

    private static final ObjectMapper JSON = new ObjectMapper();

    @ParameterizedTest
    @Event(value = "events/guardrail/heartbeat-scheduled-event.json", type = SampleEvent.class)
    void scheduledRunPublishesOneSummaryOfTheAccountsViolationsAndChangesNothing(SampleEvent schedule, MotoAccount moto)
            throws IOException {
        String legacy = moto.createFunction("legacy");
        String api = moto.createFunction("api", b -> b.vpcConfig(v -> v.subnetIds("subnet-0a1b2c3d4e5f60011")
                .securityGroupIds("sg-0a1b2c3d4e5f60021"))).request().functionName();
        moto.addPermission(b -> b.functionName(api).statementId("anyone").action("lambda:InvokeFunction").principal("*"));
        JsonNode statementBefore = moto.statements(api).get("anyone");

        JsonNode result = runSweep(moto, schedule);

        assertEquals(2, result.path("functions").path("scanned").asInt(), result.toString());
        assertEquals(2, result.path("findingCount").asInt(), result.toString());
        DeliveredAlert summary = single(moto.awaitAlerts(1));
        assertEquals("SWEEP", summary.decision());
        assertEquals(List.of("LAMBDA_NOT_IN_VPC", "PERMISSION_PUBLIC"), summary.ruleIds());
        assertEquals(result.path("findingCount"), summary.document().path("findingCount"), "the result is the summary sent");
        assertEquals(Set.of(functionArn(legacy), functionArn(api)), functionsWithFindings(summary));
        assertEquals(statementBefore, moto.statements(api).get("anyone"), "the public statement is only reported");
        assertEquals(Optional.empty(), moto.reservedConcurrency(legacy), "the function outside a VPC is only reported");
        assertTrue(moto.stateItems().containsKey("vpc#" + functionArn(api)), "the compliant VPC config is remembered");
    }

    @ParameterizedTest
    @Event(value = "events/guardrail/heartbeat-scheduled-event.json", type = SampleEvent.class)
    void accountWithoutFunctionsStillGetsASummaryNamingIt(SampleEvent schedule, MotoAccount moto) throws IOException {
        JsonNode result = runSweep(moto, schedule);

        assertEquals(0, result.path("findingCount").asInt());
        DeliveredAlert summary = single(moto.awaitAlerts(1));
        assertEquals(MotoWorld.ACCOUNT, summary.attributes().get("account"));
        assertEquals("[Lambda Guardrail] Sweep " + MotoWorld.ACCOUNT + " " + MotoWorld.REGION + ": no findings",
                summary.subject());
    }

    /**
     * Runs the sweep handler on {@code schedule}, built as {@code SweepFunction.fromEnvironment}
     * builds it from the function's environment in {@code moto}'s account (its alert topic and state
     * table), except that the scan reads through {@link MotoInventory} (moto's gaps closed); returns
     * the handler's result.
     */
    private static JsonNode runSweep(MotoAccount moto, SampleEvent schedule) throws IOException {
        SweepConfig config = SweepConfig.fromEnvironment(moto.environment(Map.of()));
        ScanSettings settings = ScanSettings.DEFAULT.withRateLimit(config.rateLimit());
        RateLimitInterceptor pacer = new RateLimitInterceptor(new RateLimiter(settings.rateLimit()));
        JsonLog log = new JsonLog(new PrintStream(OutputStream.nullOutputStream()));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (LambdaClient lambda = AwsClients.lambda(settings.lambdaClient(world.settings(), pacer))) {
            FunctionScanner scanner = new FunctionScanner(new MotoInventory(lambda), new GuardrailEngine(config.policy(), Set.of()),
                    Optional.of(new DynamoDbStateStore(world::dynamo, config.stateTable())), settings, pacer, log);
            SweepFunction sweep = new SweepFunction(scanner, new SnsNotifier(world::sns, config.topicArn()), MotoWorld.REGION,
                    config.account(), log);

            new SweepHandler(sweep).handleRequest(new ByteArrayInputStream(schedule.payload()), out, null);
        }
        return JSON.readTree(out.toByteArray());
    }

    private static Set<String> functionsWithFindings(DeliveredAlert summary) {
        Set<String> functions = new TreeSet<>();
        summary.document().path("findings").forEach(f -> functions.add(f.path("function").asText()));
        return functions;
    }

    private static DeliveredAlert single(List<DeliveredAlert> alerts) {
        assertEquals(1, alerts.size(), "one summary per run: " + alerts);
        return alerts.get(0);
    }
}
