package io.github.lambdaguardrail.engine.prevent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.lambdaguardrail.engine.PolicyLoader;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.provider.Arguments;

/**
 * Cross-checks {@link ScpEvaluator} against {@code @cloud-copilot/iam-simulate} (AGPL-3.0, a
 * test-time oracle only: installed by {@code tools/scp-oracle-install}, run as a separate node
 * process, never shipped) on the requests of the round trip and of the field cases. Skipped when
 * the oracle is not installed ({@code -Dscp.oracle.dir}, default {@code target-tools/scp-oracle}).
 */
class ScpOracleTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void testEvaluatorAgreesWithIamSimulate() throws Exception {
        Path oracle = oracleDir();
        assumeTrue(Files.isDirectory(oracle.resolve("node_modules/@cloud-copilot/iam-simulate")),
                "iam-simulate not installed in " + oracle + " (tools/scp-oracle-install)");
        try (InputStream script = ScpOracleTest.class.getResourceAsStream("/scp/oracle.mjs")) {
            Files.copy(script, oracle.resolve("oracle.mjs"), StandardCopyOption.REPLACE_EXISTING);
        }
        int compared = 0;
        List<String> disagreements = new ArrayList<>();
        for (String policyJson : ScpRoundTripTest.policies().toList()) {
            List<ScpEvaluator.Request> requests = new ArrayList<>();
            for (Path file : ScpRoundTripTest.events()) {
                JsonNode record = ScpRequests.detail(file);
                if (!record.hasNonNull("errorCode")) {
                    requests.add(ScpRequests.of(record));
                }
            }
            compared += compare(policyJson, requests, oracle, disagreements);
        }
        Map<String, List<ScpEvaluator.Request>> fieldRequests = new LinkedHashMap<>();
        for (Arguments a : ScpGeneratorTest.fieldCases().toList()) {
            Object[] args = a.get();
            fieldRequests.computeIfAbsent((String) args[0], p -> new ArrayList<>())
                    .add(ScpGeneratorTest.request((String) args[1], "arn:aws:lambda:us-east-1:111122223333:function:orders", (String) args[2]));
        }
        for (Map.Entry<String, List<ScpEvaluator.Request>> e : fieldRequests.entrySet()) {
            compared += compare(e.getKey(), e.getValue(), oracle, disagreements);
        }
        assertTrue(compared > 200, "compared " + compared);
        assertEquals(List.of(), disagreements);
    }

    /** Both evaluators on the requests under the policy's SCP; adds each disagreement. */
    private static int compare(String policyJson, List<ScpEvaluator.Request> requests, Path oracle, List<String> disagreements)
            throws Exception {
        ScpReport report = ScpGenerator.generate(PolicyLoader.fromJson(JSON.readTree(policyJson)),
                List.of("arn:aws:iam::111122223333:role/lambda-guardrail-VpcGuardRole-EXAMPLE"));
        ScpEvaluator evaluator = new ScpEvaluator(report.scp());
        ObjectNode input = JSON.createObjectNode();
        input.set("scp", JSON.readTree(report.scp()));
        ArrayNode list = input.putArray("requests");
        for (ScpEvaluator.Request r : requests) {
            ObjectNode request = list.addObject();
            request.put("action", r.action());
            request.put("principal", r.keys().get("aws:PrincipalArn").get(0));
            request.put("account", r.resource().split(":")[4]);
            request.put("resource", r.resource());
            ObjectNode context = request.putObject("context");
            r.keys().forEach((key, values) -> {
                if (key.startsWith("lambda:SubnetIds") || key.startsWith("lambda:SecurityGroupIds") || key.equals("aws:TagKeys")) {
                    values.forEach(context.putArray(key)::add);
                } else {
                    context.put(key, values.get(0));
                }
            });
        }
        JsonNode results = run(oracle, input);
        for (int i = 0; i < requests.size(); i++) {
            JsonNode result = results.get(i);
            boolean ours = evaluator.denies(requests.get(i));
            if (!result.has("result") || "ExplicitlyDenied".equals(result.get("result").asText()) != ours) {
                disagreements.add(policyJson + " " + requests.get(i) + ": ours " + (ours ? "denied" : "not denied")
                        + ", iam-simulate " + result);
            }
        }
        return requests.size();
    }

    private static JsonNode run(Path oracle, JsonNode input) throws Exception {
        Process node = new ProcessBuilder("node", "oracle.mjs").directory(oracle.toFile())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try (OutputStream in = node.getOutputStream()) {
            in.write(input.toString().getBytes(StandardCharsets.UTF_8));
        }
        byte[] out = node.getInputStream().readAllBytes();
        assertTrue(node.waitFor(60, TimeUnit.SECONDS), "node did not finish");
        assertEquals(0, node.exitValue(), new String(out, StandardCharsets.UTF_8));
        return JSON.readTree(out);
    }

    private static Path oracleDir() throws IOException {
        String configured = System.getProperty("scp.oracle.dir");
        if (configured != null) {
            return Path.of(configured);
        }
        return ScpRoundTripTest.eventsDir().getParent().resolve("target-tools/scp-oracle");
    }
}
