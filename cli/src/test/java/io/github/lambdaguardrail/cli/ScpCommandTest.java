package io.github.lambdaguardrail.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code guardrail scp}: what it prints where, and its exit status. */
class ScpCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cmd = GuardrailCli.commandLine();
        cmd.setOut(new PrintWriter(out));
        cmd.setErr(new PrintWriter(err));
        return cmd.execute(args);
    }

    @Test
    void textPrintsOnlyTheMinifiedScpOnStdoutAndTheReportOnStderr() throws IOException {
        assertEquals(GuardrailCli.OK, run("scp", "--exempt-role", "arn:aws:iam::111122223333:role/guard"));
        String scp = out.toString().strip();
        assertEquals(JSON.readTree(scp).toString(), scp);
        assertTrue(err.toString().contains("Detective-only"), err::toString);
        assertTrue(err.toString().contains("permissions.trustedOrgIds"), err::toString);
        assertTrue(err.toString().contains("characters"), err::toString);
    }

    @Test
    void jsonPrintsOneObjectWithTheScpAndTheReport() throws IOException {
        assertEquals(GuardrailCli.OK, run("scp", "--format", "json"));
        JsonNode report = JSON.readTree(out.toString());
        for (String field : new String[] {"scp", "expressible", "detectiveOnly", "warnings", "characters"}) {
            assertTrue(report.has(field), field);
        }
        assertEquals(report.get("scp").toString().length(), report.get("characters").asInt());
        assertEquals("", err.toString());
    }

    @Test
    void scpOverTheLimitIsAnErrorAndNotPrinted() throws IOException {
        String subnets = IntStream.range(0, 700).mapToObj(i -> "\"subnet-" + String.format("%017x", i) + "\"")
                .collect(Collectors.joining(","));
        Path policy = Files.writeString(dir.resolve("policy.json"), "{\"vpc\":{\"allowedSubnetIds\":[" + subnets + "]}}");
        assertEquals(GuardrailCli.UNUSABLE, run("scp", "--policy", policy.toString()));
        assertEquals("", out.toString());
        assertTrue(err.toString().contains("over the limit of 10240"), err::toString);
    }

    @Test
    void badExemptRoleAndBadPolicyAreErrors() throws IOException {
        assertEquals(GuardrailCli.UNUSABLE, run("scp", "--exempt-role", "BreakGlass"));
        assertTrue(err.toString().contains("--exempt-role"), err::toString);
        Path policy = Files.writeString(dir.resolve("policy.json"), "{\"vpc\":{\"allowedSubnetIds\":[\"nope\"]}}");
        assertEquals(GuardrailCli.UNUSABLE, run("scp", "--policy", policy.toString()));
        assertTrue(err.toString().contains("vpc.allowedSubnetIds"), err::toString);
    }
}
