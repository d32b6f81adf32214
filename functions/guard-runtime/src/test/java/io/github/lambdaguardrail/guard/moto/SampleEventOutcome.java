package io.github.lambdaguardrail.guard.moto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import io.github.lambdaguardrail.engine.WatchedApi;
import io.github.lambdaguardrail.guard.GuardFunction;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.services.sns.model.PublishRequest;

/**
 * What a guard handler must have done with one sample event of {@code events/} (its row in
 * {@code events/README.md}, in rollback mode), checked against moto after the handler returned:
 * its result, the alert that reached the topic's subscriber, the Lambda writes it made and the
 * live state they left. Immutable; {@link #with} gives a copy.
 */
public final class SampleEventOutcome {

    private static final String QUARANTINE_TAG = "guardrail:quarantine";

    /** What the expected action leaves on the live function. */
    private enum Effect { NONE, STATEMENT_REMOVED, QUARANTINED }

    private final boolean skipped;
    private final Optional<String> decision;
    private final List<String> ruleIds;
    private final Effect effect;
    private final String function;
    private final Optional<String> qualifier;
    private final String statementId;
    private final boolean remembersKnownGoodVpc;
    private final Map<String, String> variables;

    private SampleEventOutcome(boolean skipped, Optional<String> decision, List<String> ruleIds, Effect effect, String function,
                               Optional<String> qualifier, String statementId, boolean remembersKnownGoodVpc,
                               Map<String, String> variables) {
        this.skipped = skipped;
        this.decision = decision;
        this.ruleIds = List.copyOf(ruleIds);
        this.effect = effect;
        this.function = function;
        this.qualifier = qualifier;
        this.statementId = statementId;
        this.remembersKnownGoodVpc = remembersKnownGoodVpc;
        this.variables = Map.copyOf(variables);
    }

    /** Every record skipped (another guard's, a failed call, the guard's own change): no AWS call at all. */
    public static SampleEventOutcome skipped() {
        return new SampleEventOutcome(true, Optional.empty(), List.of(), Effect.NONE, "", Optional.empty(), "", false, Map.of());
    }

    /** Judged compliant: no alert and no change. */
    public static SampleEventOutcome allowed() {
        return new SampleEventOutcome(false, Optional.empty(), List.of(), Effect.NONE, "", Optional.empty(), "", false, Map.of());
    }

    /** Judged compliant, and the function's VPC config remembered as its known-good one. */
    public static SampleEventOutcome allowedRemembering(String function) {
        return new SampleEventOutcome(false, Optional.empty(), List.of(), Effect.NONE, function, Optional.empty(), "", true,
                Map.of());
    }

    /** An alert with this decision and these rules, and no change (NOTIFY, EXEMPTED). */
    public static SampleEventOutcome alerted(String decision, String... ruleIds) {
        return new SampleEventOutcome(false, Optional.of(decision), List.of(ruleIds), Effect.NONE, "", Optional.empty(), "",
                false, Map.of());
    }

    /** Rolled back by removing exactly the statement the event added, from the function or its alias. */
    public static SampleEventOutcome removesStatement(String function, Optional<String> qualifier, String statementId,
                                                      String ruleId) {
        return new SampleEventOutcome(false, Optional.of("ROLLBACK"), List.of(ruleId), Effect.STATEMENT_REMOVED, function,
                qualifier, statementId, false, Map.of());
    }

    /** Rolled back by quarantining the function (reserved concurrency 0, tagged with the reason). */
    public static SampleEventOutcome quarantines(String function, String ruleId) {
        return new SampleEventOutcome(false, Optional.of("ROLLBACK"), List.of(ruleId), Effect.QUARANTINED, function,
                Optional.empty(), "", false, Map.of());
    }

    /** The same outcome under a policy setting the sample assumes (events/README.md lists them). */
    public SampleEventOutcome with(String variable, String value) {
        Map<String, String> more = new LinkedHashMap<>(variables);
        more.put(variable, value);
        return new SampleEventOutcome(skipped, decision, ruleIds, effect, function, qualifier, statementId,
                remembersKnownGoodVpc, more);
    }

    /** The guard function's environment: rollback mode plus the settings the sample assumes. */
    private Map<String, String> variables() {
        Map<String, String> env = new LinkedHashMap<>(Map.of("GUARDRAIL_MODE", "rollback"));
        env.putAll(variables);
        return env;
    }

    /**
     * Puts {@code moto} where the event's calls left it, invokes the handler that {@code handlerOf}
     * makes of the guard watching {@code apis} (in rollback mode, with the settings the sample
     * assumes) on the event as Lambda does, and asserts this outcome.
     */
    public void assertHandled(SampleEvent event, MotoAccount moto, List<WatchedApi> apis,
                              Function<GuardFunction, RequestStreamHandler> handlerOf) throws IOException {
        moto.replay(event);
        RequestStreamHandler handler = handlerOf.apply(moto.guardFunction(apis, variables()));
        ByteArrayOutputStream result = new ByteArrayOutputStream();

        handler.handleRequest(new ByteArrayInputStream(event.payload()), result, null);

        assertEnded(moto, event, result.toString(StandardCharsets.UTF_8));
    }

    /** Asserts the outcome after the handler handled {@code event} in {@code moto} and answered {@code result}. */
    private void assertEnded(MotoAccount moto, SampleEvent event, String result) {
        String file = event.file();
        JsonNode report = MotoAccount.read(result);
        int records = event.records().size();
        assertEquals(records, report.path("records").asInt(), file + ": " + result);
        List<JsonNode> done = moto.log("invocation done");
        assertEquals(1, done.size(), file);
        assertEquals(report, done.get(0).path("report"), file + ": the result is the report the handler logged");
        if (skipped) {
            assertEquals(records, report.path("skipped").asInt(), file + ": " + result);
            assertEquals(List.of(), moto.guardCalls.requests(SdkRequest.class), file + ": no AWS call");
            return;
        }
        assertEquals(decision.isPresent() ? 1 : 0, report.path("notifications").asInt(), file + ": " + result);
        assertEquals(effect == Effect.NONE ? 0 : 1, report.path("rollbacks").asInt(), file + ": " + result);
        if (decision.isEmpty()) {
            assertEquals(List.of(), moto.guardCalls.requests(PublishRequest.class), file + ": no alert");
        } else {
            List<DeliveredAlert> alerts = moto.awaitAlerts(1);
            assertEquals(1, alerts.size(), file + ": one alert");
            DeliveredAlert alert = alerts.get(0);
            assertEquals(decision.get(), alert.decision(), file + ": " + alert.document());
            assertEquals(ruleIds, alert.ruleIds(), file);
            assertEquals(outcomes(), alert.outcomes().stream()
                    .map(o -> o.path("type").asText() + " " + o.path("status").asText()).toList(), file);
        }
        assertEquals(lambdaWrites(), lambdaWritesOf(moto), file + ": what the guard changed in Lambda");
        switch (effect) {
            case STATEMENT_REMOVED -> assertTrue(!moto.statements(function, qualifier.orElse(null)).containsKey(statementId),
                    file + ": statement " + statementId + " removed");
            case QUARANTINED -> {
                assertEquals(Optional.of(0), moto.reservedConcurrency(function), file + ": quarantined");
                assertTrue(moto.tags(function).get(QUARANTINE_TAG).startsWith(ruleIds.get(0)), file + ": " + moto.tags(function));
            }
            case NONE -> { }
        }
        if (remembersKnownGoodVpc) {
            assertTrue(moto.stateItems().containsKey("vpc#" + MotoAccount.functionArn(moto.account, function)),
                    file + ": known-good VPC config remembered");
        }
    }

    private List<String> outcomes() {
        return switch (effect) {
            case NONE -> List.of();
            case STATEMENT_REMOVED -> List.of("REMOVE_PERMISSION DONE");
            case QUARANTINED -> List.of("QUARANTINE DONE");
        };
    }

    private Set<String> lambdaWrites() {
        return switch (effect) {
            case NONE -> Set.of();
            case STATEMENT_REMOVED -> Set.of("lambda:RemovePermission");
            case QUARANTINED -> Set.of("lambda:PutFunctionConcurrency", "lambda:TagResource");
        };
    }

    /** The Lambda actions the guard called that change something (every one but Get and List). */
    private static Set<String> lambdaWritesOf(MotoAccount moto) {
        Set<String> writes = new TreeSet<>();
        moto.guardCalls.iamActions().stream().filter(a -> a.startsWith("lambda:"))
                .filter(a -> !a.startsWith("lambda:Get") && !a.startsWith("lambda:List")).forEach(writes::add);
        return writes;
    }
}
