package io.github.lambdaguardrail.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.AbstractConstruct;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Holds {@link LocalFunction} to template.yaml: every {@code AWS::Serverless::Function} can be run by
 * {@code guardrail invoke} under its logical id, with the handler and timeout the template gives it.
 * A function added to the template without a local target fails here.
 */
class LocalFunctionTest {

    private static final Path TEMPLATE = Path.of("..", "template.yaml");
    private static final Path NO_VPC = Path.of("..", "events", "createfunction-no-vpc.json");
    private static final String VALID_TOPIC = "arn:aws:sns:us-east-1:123456789012:lambda-guardrail-alerts";

    @TempDir
    Path tmp;

    /**
     * One {@code AWS::Serverless::Function} of the template: its logical id, {@code Handler} and
     * {@code Timeout} (its own, else {@code Globals.Function.Timeout}).
     */
    record TemplateFunction(String logicalId, Object handler, Object timeout) {
        @Override
        public String toString() {
            return logicalId;
        }
    }

    static List<TemplateFunction> templateFunctions() throws IOException {
        Map<String, Object> template = template();
        Object globalTimeout = map(map(template.get("Globals")).get("Function")).get("Timeout");
        List<TemplateFunction> functions = map(template.get("Resources")).entrySet().stream()
                .filter(e -> "AWS::Serverless::Function".equals(map(e.getValue()).get("Type")))
                .map(e -> {
                    Map<String, Object> properties = map(map(e.getValue()).get("Properties"));
                    return new TemplateFunction(e.getKey(), properties.get("Handler"),
                            properties.getOrDefault("Timeout", globalTimeout));
                })
                .toList();
        assertFalse(functions.isEmpty(), "no AWS::Serverless::Function in " + TEMPLATE);
        return functions;
    }

    @ParameterizedTest
    @MethodSource("templateFunctions")
    void everyTemplateFunctionIsALocalFunctionWithTheTemplatesHandler(TemplateFunction function) {
        Optional<LocalFunction> local = LocalFunction.byName(function.logicalId());

        assertTrue(local.isPresent(), () -> function.logicalId() + " in template.yaml has no LocalFunction constant:"
                + " guardrail invoke cannot run it");
        assertEquals(function.logicalId(), local.get().logicalId);
        assertEquals(function.handler(), local.get().handlerName());
    }

    @ParameterizedTest
    @MethodSource("templateFunctions")
    void everyTemplateFunctionRunsWithTheTemplatesTimeout(TemplateFunction function) {
        assertTrue(function.timeout() instanceof Integer, () -> function.logicalId() + ": Timeout " + function.timeout());
        assertEquals(Duration.ofSeconds((Integer) function.timeout()),
                LocalFunction.byName(function.logicalId()).orElseThrow().timeout, function.logicalId());
    }

    /** The functions that read the guards' configuration: all but the Security Hub exporter, whose alert says everything. */
    static List<TemplateFunction> configuredFunctions() throws IOException {
        return templateFunctions().stream().filter(f -> !f.logicalId().equals(LocalFunction.SECURITYHUB_EXPORT.logicalId))
                .toList();
    }

    /**
     * Run by its logical id, each function reaches its own cold start with its own env.json entry:
     * an invalid mode there is reported as that function's configuration error, before any AWS call.
     */
    @ParameterizedTest
    @MethodSource("configuredFunctions")
    void everyTemplateFunctionIsRunnableByItsLogicalId(TemplateFunction function) throws IOException {
        Path env = tmp.resolve("env.json");
        Files.writeString(env, "{\"" + function.logicalId() + "\": {\"GUARDRAIL_MODE\": \"sometimes\","
                + " \"GUARDRAIL_TOPIC_ARN\": \"" + VALID_TOPIC + "\", \"GUARDRAIL_STATE_TABLE\": \"lambda-guardrail-state\"}}");

        InvokeCommandTest.Run run = InvokeCommandTest.run("invoke", function.logicalId(), "--event", NO_VPC,
                "--env-vars", env);

        assertEquals(2, run.status(), run.err());
        String shortName = LocalFunction.byName(function.logicalId()).orElseThrow().shortName;
        assertTrue(run.err().startsWith("guardrail: " + shortName + ": configuration: GUARDRAIL_MODE: 'sometimes'"),
                run.err());
        run.assertOneErrorLine();
    }

    /**
     * The Security Hub exporter, run by its logical id with its env.json entry, starts whatever the
     * guards' variables hold, and takes an event that is not an SNS alert as Lambda would: one
     * invalid alert in its report and its log, nothing imported, no AWS call, exit 0 (no retry).
     */
    @Test
    void securityHubExporterIsRunnableByItsLogicalIdAndReadsNoGuardVariable() throws IOException {
        Path env = tmp.resolve("env.json");
        Files.writeString(env, "{\"SecurityHubExportFunction\": {\"GUARDRAIL_MODE\": \"sometimes\","
                + " \"AWS_REGION\": \"us-east-1\", \"AWS_ENDPOINT_URL\": \"http://127.0.0.1:9\"}}");

        InvokeCommandTest.Run run = InvokeCommandTest.run("invoke", "SecurityHubExportFunction", "--event", NO_VPC,
                "--env-vars", env);

        assertEquals(0, run.status(), run.err());
        assertEquals(1, run.result().path("invalidAlerts").asInt(), run.out());
        assertEquals(0, run.result().path("findingsImported").asInt());
        assertEquals(1, run.log("not a verdict's alert; nothing imported").size(), run.out());
    }

    @Test
    void everyLocalFunctionIsAFunctionOfTheTemplate() throws IOException {
        List<String> inTemplate = templateFunctions().stream().map(TemplateFunction::logicalId).toList();

        for (LocalFunction f : LocalFunction.values()) {
            assertTrue(inTemplate.contains(f.logicalId), f.logicalId + " is not in template.yaml " + inTemplate);
        }
    }

    @Test
    void shortNamesAndLogicalIdsNameOneFunctionEach() {
        List<String> names = LocalFunction.names();

        assertEquals(2 * LocalFunction.values().length, names.stream().distinct().count(), names.toString());
        for (LocalFunction f : LocalFunction.values()) {
            assertEquals(f, LocalFunction.byName(f.shortName).orElseThrow());
            assertEquals(f, LocalFunction.byName(f.logicalId).orElseThrow());
        }
    }

    @Test
    void helpListsBothNamesOfEveryFunction() {
        InvokeCommandTest.Run run = InvokeCommandTest.run("invoke", "--help");

        assertEquals(0, run.status(), run.err());
        String help = run.out().replaceAll("\\s+", " ");
        assertTrue(help.contains("FUNCTION"), help);
        assertTrue(help.contains("One of: " + String.join(", ", LocalFunction.names()) + "."), help);
    }

    private static Map<String, Object> template() throws IOException {
        try (Reader reader = Files.newBufferedReader(TEMPLATE)) {
            return map(new Yaml(new CloudFormationConstructor()).load(reader));
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object node) {
        return node == null ? Map.of() : (Map<String, Object>) node;
    }

    /**
     * Reads CloudFormation's short-form tags ({@code !Ref X}, {@code !GetAtt A.B}, {@code !Sub ...})
     * as their long form ({@code {"Ref": "X"}}), which plain SnakeYAML would reject.
     */
    private static final class CloudFormationConstructor extends SafeConstructor {
        CloudFormationConstructor() {
            super(new LoaderOptions());
            yamlMultiConstructors.put("!", new AbstractConstruct() {
                @Override
                public Object construct(Node node) {
                    String fn = node.getTag().getValue().substring(1);
                    String key = fn.equals("Ref") || fn.equals("Condition") ? fn : "Fn::" + fn;
                    Object value;
                    if (node instanceof ScalarNode scalar) {
                        value = fn.equals("GetAtt") ? Arrays.asList(scalar.getValue().split("\\.", 2)) : scalar.getValue();
                    } else if (node instanceof SequenceNode sequence) {
                        value = constructSequence(sequence);
                    } else {
                        value = constructMapping((MappingNode) node);
                    }
                    Map<String, Object> longForm = new LinkedHashMap<>();
                    longForm.put(key, value);
                    return longForm;
                }
            });
        }
    }
}
