package io.github.lambdaguardrail.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.lambdaguardrail.guard.moto.MotoWorld;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code guardrail scan} against moto server, configured through the SDK's standard chain (here
 * its system properties, as a JVM cannot set its own environment).
 */
class ScanCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** The SDK's system properties for moto (a JVM cannot set its own environment). */
    private static final Map<String, String> SDK_SETTINGS = Map.of("aws.region", MotoWorld.REGION,
            "aws.accessKeyId", "testing", "aws.secretAccessKey", "testing", "aws.endpointUrl", MotoWorld.ENDPOINT.toString());
    private static final String RUN = UUID.randomUUID().toString().substring(0, 8);

    @RegisterExtension
    static final MotoWorld moto = new MotoWorld();

    private static String openFunction;

    @TempDir
    Path tmp;

    @BeforeAll
    static void plantAFunctionOpenToTheWorld() {
        SDK_SETTINGS.forEach(System::setProperty);
        openFunction = "scan-open-" + RUN;
        moto.createFunction(openFunction, moto.createRole("guardrail-scan-test-" + RUN), b -> { });
        moto.lambda().addPermission(b -> b.functionName(openFunction).statementId("anyone").action("lambda:InvokeFunction")
                .principal("*"));
    }

    @AfterAll
    static void clearSdkSettings() {
        SDK_SETTINGS.keySet().forEach(System::clearProperty);
    }

    @Test
    void reportsThePublicStatementAndTheMissingVpcOfAnExistingFunction() throws IOException {
        Run run = run("scan", "--region", "us-east-1", "--format", "json", "--rate-limit", "50");

        JsonNode report = JSON.readTree(run.out());
        String arn = "arn:aws:lambda:us-east-1:123456789012:function:" + openFunction;
        assertTrue(hasFinding(report, arn, "PERMISSION_PUBLIC"), run.out());
        assertTrue(hasFinding(report, arn, "LAMBDA_NOT_IN_VPC"), run.out());
        // moto has no ListFunctionUrlConfigs (404), so every function is reported as read incompletely
        // and the status is 2; against AWS a complete scan with findings exits 1.
        assertEquals(2, run.status(), run.err());
    }

    @Test
    void textReportListsTheWorstFindingFirst() {
        Run run = run("scan", "--region", "us-east-1", "--rate-limit", "50", "--max-findings", "1000");

        assertTrue(run.out().contains("CRITICAL PERMISSION_PUBLIC arn:aws:lambda:us-east-1:123456789012:function:" + openFunction),
                run.out());
        assertTrue(run.out().indexOf("CRITICAL") < run.out().indexOf("MEDIUM LAMBDA_NOT_IN_VPC"), run.out());
    }

    @Test
    void policyWithAnUnknownKeyIsRejectedNamingTheKey() throws IOException {
        Path policy = Files.writeString(tmp.resolve("policy.json"), "{\"vpc\":{\"requierd\":true}}");

        Run run = run("scan", "--region", "us-east-1", "--policy", policy.toString());

        assertEquals(2, run.status());
        assertTrue(run.err().contains("policy.json: vpc.requierd: unknown key"), run.err());
        assertEquals("", run.out());
    }

    @Test
    void rateLimitOfZeroIsRejected() {
        Run run = run("scan", "--region", "us-east-1", "--rate-limit", "0");

        assertEquals(2, run.status());
        assertTrue(run.err().contains("--rate-limit"), run.err());
    }

    private static boolean hasFinding(JsonNode report, String functionArn, String ruleId) {
        for (JsonNode finding : report.path("findings")) {
            if (finding.path("function").asText().equals(functionArn) && finding.path("ruleId").asText().equals(ruleId)) {
                return true;
            }
        }
        return false;
    }

    private record Run(int status, String out, String err) {
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = GuardrailCli.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
        return new Run(status, out.toString(), err.toString());
    }
}
