package io.github.lambdaguardrail.guard.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.lambdaguardrail.engine.FunctionTags;
import io.github.lambdaguardrail.engine.GuardrailEngine;
import io.github.lambdaguardrail.engine.Policy;
import io.github.lambdaguardrail.engine.VpcConfig;
import io.github.lambdaguardrail.guard.Alert;
import io.github.lambdaguardrail.guard.JsonLog;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The handler only delegates: a scheduled event in, one summary out, nothing changed. */
class SweepHandlerTest {

    /** An EventBridge scheduled event as Lambda receives it. */
    private static final String SCHEDULED_EVENT = "{\"version\":\"0\",\"id\":\"53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa\","
            + "\"detail-type\":\"Scheduled Event\",\"source\":\"aws.events\",\"account\":\"123456789012\","
            + "\"time\":\"2026-11-25T03:00:00Z\",\"region\":\"eu-west-1\","
            + "\"resources\":[\"arn:aws:events:eu-west-1:123456789012:rule/guardrail-SweepFunctionScheduled\"],\"detail\":{}}";
    private static final String ARN = "arn:aws:lambda:eu-west-1:123456789012:function:";

    /** Two functions: one outside any VPC, one in a VPC with a public alias. */
    private static class TwoFunctions implements FunctionInventory {
        @Override
        public List<ListedFunction> functions() {
            return List.of(new ListedFunction("legacy", ARN + "legacy"), new ListedFunction("api", ARN + "api"));
        }

        @Override
        public Optional<LiveFunction> function(String functionArn) {
            String name = functionArn.substring(ARN.length());
            VpcConfig vpc = name.equals("api")
                    ? new VpcConfig(List.of("subnet-0a1b2c3d"), List.of("sg-0a1b2c3d"), Optional.of("vpc-0a1b2c3d"))
                    : VpcConfig.NONE;
            return Optional.of(new LiveFunction(name, functionArn, vpc, FunctionTags.NONE));
        }

        @Override
        public List<String> aliases(String functionArn) {
            return functionArn.endsWith(":api") ? List.of("live") : List.of();
        }

        @Override
        public List<String> versions(String functionArn) {
            return List.of();
        }

        @Override
        public Optional<String> policy(String functionArn, Optional<String> qualifier) {
            return qualifier.isPresent() ? Optional.of("{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"anyone\","
                    + "\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"lambda:InvokeFunction\",\"Resource\":\""
                    + functionArn + ":live\"}]}") : Optional.empty();
        }

        @Override
        public List<UrlConfig> urlConfigs(String functionArn) {
            return List.of();
        }
    }

    @Test
    void scheduledRunPublishesOneSummaryAndAnswersWithTheCounts() throws Exception {
        List<Alert> alerts = new ArrayList<>();
        JsonLog log = new JsonLog(new PrintStream(OutputStream.nullOutputStream()));
        FunctionScanner scanner = new FunctionScanner(new TwoFunctions(), new GuardrailEngine(Policy.defaults(), Set.of()),
                Optional.empty(), ScanSettings.DEFAULT, TrafficMeter.NONE, log);
        SweepHandler handler = new SweepHandler(new SweepFunction(scanner, alerts::add, "eu-west-1", "123456789012", log));
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        handler.handleRequest(new ByteArrayInputStream(SCHEDULED_EVENT.getBytes(StandardCharsets.UTF_8)), out, null);

        assertEquals(1, alerts.size());
        Alert summary = alerts.get(0);
        assertEquals("SWEEP", summary.decision());
        assertEquals(List.of("LAMBDA_NOT_IN_VPC", "PERMISSION_PUBLIC"), summary.ruleIds());
        assertEquals(ARN + "api:live", summary.document().get("findings").get(0).get("function").asText());
        JsonNode result = new ObjectMapper().readTree(out.toString(StandardCharsets.UTF_8));
        assertEquals(2, result.get("findingCount").asInt());
        assertEquals(2, result.get("functions").get("scanned").asInt());
    }

    @Test
    void regionWithoutFunctionsStillSendsASummaryNamingTheSweepsAccount() throws Exception {
        List<Alert> alerts = new ArrayList<>();
        JsonLog log = new JsonLog(new PrintStream(OutputStream.nullOutputStream()));
        FunctionInventory empty = new TwoFunctions() {
            @Override
            public List<ListedFunction> functions() {
                return List.of();
            }
        };
        FunctionScanner scanner = new FunctionScanner(empty, new GuardrailEngine(Policy.defaults(), Set.of()),
                Optional.empty(), ScanSettings.DEFAULT, TrafficMeter.NONE, log);
        new SweepHandler(new SweepFunction(scanner, alerts::add, "eu-west-1", "123456789012", log))
                .handleRequest(new ByteArrayInputStream(SCHEDULED_EVENT.getBytes(StandardCharsets.UTF_8)),
                        new ByteArrayOutputStream(), null);
        assertEquals(1, alerts.size());
        assertEquals("123456789012", alerts.get(0).account());
        assertEquals("[Lambda Guardrail] Sweep 123456789012 eu-west-1: no findings", alerts.get(0).subject());
    }
}
