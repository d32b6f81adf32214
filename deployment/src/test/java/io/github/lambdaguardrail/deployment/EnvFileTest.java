package io.github.lambdaguardrail.deployment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * env.json works for both local runs. {@code sam local invoke} applies only the variables the
 * template declares for a function and drops the rest without a word, then hands the container the
 * caller's own region and credentials: the endpoint, region and keys reach the SDK as -D options of
 * JAVA_TOOL_OPTIONS (declared). {@code ./guardrail invoke} reads them from the AWS_* variables,
 * which it sets as the same system properties; its moto is on loopback, SAM's on the docker bridge.
 */
class EnvFileTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Read by ./guardrail invoke only: SAM drops them. */
    private static final Set<String> CLI_ONLY = Set.of("AWS_ENDPOINT_URL", "AWS_REGION", "AWS_ACCESS_KEY_ID",
            "AWS_SECRET_ACCESS_KEY");
    /** The SDK's system property for each CLI-only AWS_* setting. */
    private static final Map<String, String> SDK_PROPERTY = Map.of("AWS_ENDPOINT_URL", "aws.endpointUrl",
            "AWS_REGION", "aws.region", "AWS_ACCESS_KEY_ID", "aws.accessKeyId",
            "AWS_SECRET_ACCESS_KEY", "aws.secretAccessKey");

    private static Template template;
    private static Map<String, Map<String, String>> envFile;

    @BeforeAll
    @SuppressWarnings("unchecked")
    static void load() throws Exception {
        template = Template.load();
        envFile = JSON.readValue(Template.ROOT.resolve("env.json").toFile(), Map.class);
    }

    @Test
    void everyVariableIsDeclaredByTheTemplateOrReadByTheCliOnly() {
        Map<String, Map<String, Object>> functions = template.resourcesOfType("AWS::Serverless::Function");
        assertEquals(functions.keySet(), envFile.keySet(), "one entry per function, by logical id");
        for (Map.Entry<String, Map<String, String>> entry : envFile.entrySet()) {
            Set<String> declared = template.environment(functions.get(entry.getKey())).keySet();
            for (String variable : entry.getValue().keySet()) {
                assertTrue(declared.contains(variable) || CLI_ONLY.contains(variable), entry.getKey() + "." + variable
                        + ": not declared by the template, so sam local invoke would drop it");
                assertFalse(declared.contains(variable) && CLI_ONLY.contains(variable), variable);
            }
        }
    }

    @Test
    void everyVariableBuiltFromTheStacksResourcesIsSet() {
        // sam local resolves parameters and pseudo parameters, not a resource's Ref or GetAtt: it
        // would pass the logical id ('AlertTopic'), which fails the guard's cold start.
        Map<String, String> pseudoParameters = Map.of("AWS::StackName", "lambda-guardrail", "AWS::Region", "us-east-1",
                "AWS::AccountId", "123456789012", "AWS::Partition", "aws");
        Map<String, Map<String, Object>> functions = template.resourcesOfType("AWS::Serverless::Function");
        int checked = 0;
        for (Map.Entry<String, Map<String, String>> entry : envFile.entrySet()) {
            for (Map.Entry<String, Object> variable : template.environment(functions.get(entry.getKey())).entrySet()) {
                try {
                    template.resolve(variable.getValue(), pseudoParameters);
                } catch (IllegalArgumentException fromResources) {
                    assertTrue(entry.getValue().containsKey(variable.getKey()), entry.getKey() + "." + variable.getKey()
                            + " is built from the stack's resources (" + fromResources.getMessage() + "): env.json must set it");
                    checked++;
                }
            }
        }
        assertEquals(7 * 4 + 1, checked, "topic, table, self roles and own resources, for each function, and the evaluator's queue");
    }

    @Test
    void javaToolOptionsKeepTheTemplatesAndCarryWhatTheCliReadsFromAwsVariables() {
        Map<String, Map<String, Object>> functions = template.resourcesOfType("AWS::Serverless::Function");
        for (Map.Entry<String, Map<String, String>> entry : envFile.entrySet()) {
            Map<String, String> variables = entry.getValue();
            String options = variables.get("JAVA_TOOL_OPTIONS");
            String templates = (String) template.environment(functions.get(entry.getKey())).get("JAVA_TOOL_OPTIONS");
            assertTrue(options != null && options.startsWith(templates + " "), entry.getKey() + ": " + options);
            Map<String, String> properties = Arrays.stream(options.split("\\s+")).filter(o -> o.startsWith("-D"))
                    .map(o -> o.substring(2).split("=", 2))
                    .collect(Collectors.toMap(p -> p[0], p -> p[1]));
            SDK_PROPERTY.forEach((variable, property) -> {
                String sam = properties.get(property);
                String cli = variables.get(variable);
                if (variable.equals("AWS_ENDPOINT_URL")) {
                    // The same moto: on loopback for the CLI, on the docker bridge for SAM's container.
                    assertEquals(URI.create(cli).getPort(), URI.create(sam).getPort(), entry.getKey() + ": " + property);
                    assertEquals("127.0.0.1", URI.create(cli).getHost(), entry.getKey());
                    assertEquals("172.17.0.1", URI.create(sam).getHost(), entry.getKey());
                } else {
                    assertEquals(cli, sam, entry.getKey() + ": " + property);
                }
            });
        }
    }
}
