package io.github.lambdaguardrail.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keeps the fuzz harness ({@link FuzzEvaluate}, run in full by {@code tools/fuzz-evaluate}) working:
 * 100 inputs of a fixed seed, every kind of mutation, in a few seconds.
 */
class FuzzEvaluateTest {

    @TempDir
    Path work;

    @Test
    void hundredMutatedInputsOfEveryKindNeitherCrashNorHangNorPrintUnsafeCharacters() throws IOException {
        FuzzEvaluate.Settings settings = new FuzzEvaluate.Settings(7, 100, Duration.ofSeconds(60), Duration.ofSeconds(20),
                Path.of(".."), work, -1);

        FuzzEvaluate.Report report = FuzzEvaluate.run(settings, null);

        assertEquals(100, report.inputs(), report::text);
        assertFalse(report.stoppedByBudget(), report::text);
        assertEquals(Arrays.stream(FuzzEvaluate.Op.values()).toList(), report.byOp().keySet().stream().toList(), report::text);
        assertEquals(0, report.crashes().size(), report::text);
        assertEquals(0, report.hangs().size(), report::text);
        assertEquals(0, report.unsafeOutput().size(), report::text);
        assertTrue(report.statuses().keySet().stream().allMatch(status -> status >= 0 && status <= 2), report::text);
        assertTrue(report.text().contains("seed 7, 100 inputs"), report::text);
    }

    @Test
    void mutantWithAnotherPrintableValueOrAFieldLeftOutIsWellFormedAndGarbageIsNot() throws IOException {
        JsonNode original = new ObjectMapper().readTree(
                "{\"account\": \"111122223333\", \"n\": [1, 2], \"statement\": \"{\\\"Action\\\": \\\"lambda:InvokeFunction\\\"}\"}");

        assertTrue(wellFormed(original, "{\"account\": \"111122223373\", \"n\": [1, 2], \"statement\": \"{}\"}"), "a value changed");
        assertTrue(wellFormed(original, "{\"n\": [2]}"), "fields and an element left out");
        assertTrue(wellFormed(original, "{\"statement\": \"{\\\"Action\\\": \\\"lambda:InvokeFunctioo\\\"}\"}"),
                "a statement's value changed");
        assertFalse(wellFormed(original, "{\"account\": \"1111\\u000122223333\"}"), "a control character");
        assertFalse(wellFormed(original, "{\"account\": \"" + "7".repeat(100) + "\"}"), "a value much longer");
        assertFalse(wellFormed(original, "{\"account\": \"111122223333\", \"account\": \"1\"}"), "a duplicated key");
        assertFalse(wellFormed(original, "{\"statement\": \"{\\\"Action\\\": 1, \\\"Action\\\": 2}\"}"),
                "a duplicated key in the statement");
        assertFalse(wellFormed(original, "{\"account\": 111122223333}"), "another type");
        assertFalse(wellFormed(original, "{\"account\": \"111122223333\", \"extra\": 1}"), "a new field");
        assertFalse(wellFormed(original, "{\"account\": \"111122223333\""), "truncated");
        assertFalse(wellFormed(original, "{\"n\": [1, 2]} {\"n\": [1, 2]}"), "two documents");
    }

    private static boolean wellFormed(JsonNode original, String mutant) {
        return FuzzEvaluate.wellFormed(original, mutant.getBytes(StandardCharsets.UTF_8));
    }
}
