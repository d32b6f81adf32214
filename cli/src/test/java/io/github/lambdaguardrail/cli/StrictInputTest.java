package io.github.lambdaguardrail.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.lambdaguardrail.engine.GuardrailEngine;
import io.github.lambdaguardrail.engine.Policy;
import io.github.lambdaguardrail.engine.Verdict;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * "Strict input": {@code guardrail evaluate} survives anything it is given. An internal error on
 * one record is a diagnostic of that record; a directory that breaks off is a problem and the rest
 * is read; problem lines are capped; held output is bounded; a JVM error is exit status 2.
 */
class StrictInputTest {

    private static final Path EVENTS = Path.of("..", "events");
    private static final Path COMPLIANT = EVENTS.resolve("createfunction-in-vpc.json");
    private static final Path VIOLATING = EVENTS.resolve("createfunction-no-vpc.json");
    private static final Path PUBLIC_PERMISSION = EVENTS.resolve("addpermission-public-principal.json");
    private static final Path MIXED_LOG = EVENTS.resolve("cloudtrail-logfile-mixed.json");
    private static final String COMPLIANT_FUNCTION = "arn:aws:lambda:us-east-1:111122223333:function:orders-db-writer";
    private static final String BROKEN_RECORD = "{\"eventSource\": \"lambda.amazonaws.com\"}";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private record Run(int status, String out, String err) {
        List<String> errorLines() {
            return err.lines().toList();
        }
    }

    private static Run run(Object... args) {
        return run(null, args);
    }

    /** Runs the command line; {@code lister}, when given, lists the directories. */
    private static Run run(InputPaths.Lister lister, Object... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cmd = GuardrailCli.commandLine();
        cmd.setOut(new PrintWriter(out));
        cmd.setErr(new PrintWriter(err));
        if (lister != null) {
            ((EvaluateCommand) cmd.getSubcommands().get("evaluate").getCommand()).lister = lister;
        }
        int status = cmd.execute(Arrays.stream(args).map(String::valueOf).toArray(String[]::new));
        return new Run(status, out.toString(), err.toString());
    }

    private static String summary(Run run, String label) {
        return run.out().lines().filter(l -> l.startsWith("  " + label + " ")).findFirst()
                .map(l -> l.substring(label.length() + 2).trim())
                .orElseThrow(() -> new AssertionError("no summary row '" + label + "' in:\n" + run.out()));
    }

    private static void assertCompliantEventStillEvaluated(Run run) {
        assertTrue(run.out().contains("ALLOW     -  " + COMPLIANT_FUNCTION), () -> "verdict for the good file in:\n" + run.out());
    }

    private Path write(String name, String content) throws IOException {
        Path file = tmp.resolve(name);
        Files.createDirectories(file.getParent());
        return Files.writeString(file, content);
    }

    /** A log file of {@code count} Lambda records that have no eventID: one error each. */
    private Path brokenRecords(String name, int count) throws IOException {
        return write(name, "{\"Records\": [" + String.join(",", Collections.nCopies(count, BROKEN_RECORD)) + "]}");
    }

    private static GuardrailEngine engine() {
        return new GuardrailEngine(Policy.defaults(), Set.of());
    }

    @Test
    void regionOfTenThousandCharactersIsDiagnosedOrJudgedAndTheOtherFilesAreEvaluated() throws IOException {
        ObjectNode event = (ObjectNode) JSON.readTree(PUBLIC_PERMISSION.toFile());
        ((ObjectNode) event.path("detail")).put("awsRegion", "us" + "-a".repeat(5000));
        Path longRegion = write("long-region.json", event.toString());

        Run run = run("evaluate", "--mode", "rollback", longRegion, COMPLIANT);

        assertCompliantEventStillEvaluated(run);
        assertEquals("2", summary(run, "files read"));
        assertFalse(run.out().contains("ROLLBACK  PERMISSION_PUBLIC"), "a record whose region is not a region is never rolled back");
        // The engine's region pattern overflows the stack on it today: then it is that record's diagnostic.
        List<String> errors = run.errorLines();
        if (errors.isEmpty()) {
            assertEquals(1, run.status(), run.out());
        } else {
            assertEquals(2, run.status());
            assertEquals(1, errors.size(), run.err());
            assertTrue(errors.get(0).startsWith("guardrail: " + longRegion + ": record 1: internal error: java.lang.StackOverflowError"),
                    run.err());
            assertTrue(errors.get(0).endsWith("the record was not judged"), run.err());
        }
    }

    @Test
    void stackOverflowOnOneRecordIsThatRecordsDiagnosticAndTheFileReadsOn() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        // The printer stands in for an engine that overflows on the fourth record.
        Replay replay = new Replay(engine(), Window.ALL, stdout -> new VerdictPrinter() {
            private final TextPrinter text = new TextPrinter(stdout);

            @Override
            public void nextRecord(int index) {
                text.nextRecord(index);
            }

            @Override
            public void verdict(Path file, int index, Verdict verdict) {
                if (index == 3) {
                    throw new StackOverflowError();
                }
                text.verdict(file, index, verdict);
            }

            @Override
            public void endFile() {
                text.endFile();
            }
        }, 2);

        Replay.Result result = replay.run(List.of(MIXED_LOG, COMPLIANT), new PrintWriter(out), new PrintWriter(err));

        assertEquals(1, result.errors());
        List<String> errors = err.toString().lines().toList();
        assertEquals(1, errors.size(), err.toString());
        assertTrue(errors.get(0).startsWith("guardrail: " + MIXED_LOG + ": record 4: internal error: java.lang.StackOverflowError"
                + " at io.github.lambdaguardrail.cli.StrictInputTest"), "names the frame that overflowed: " + errors);
        assertTrue(errors.get(0).endsWith("; the record was not judged"), errors.get(0));
        assertTrue(out.toString().contains("(" + MIXED_LOG + ", record 8)"), "records after it are judged:\n" + out);
        assertTrue(out.toString().contains(COMPLIANT_FUNCTION), "the next file is read:\n" + out);
    }

    @Test
    void directoryWhoseListingBreaksOffIsReportedAndEverythingElseIsEvaluated() throws IOException {
        Path logs = tmp.resolve("logs");
        Files.createDirectories(logs.resolve("b"));
        Files.copy(VIOLATING, logs.resolve("a-no-vpc.json"));
        for (String name : List.of("1.json", "2.json", "3.json")) {
            Files.copy(VIOLATING, logs.resolve("b").resolve(name));
        }
        Files.copy(COMPLIANT, logs.resolve("c-in-vpc.json"));
        Path failing = logs.resolve("b");
        InputPaths.Lister lister = dir -> dir.equals(failing) ? breaksOffAfterOneEntry(Files.newDirectoryStream(dir))
                : Files.newDirectoryStream(dir);

        Run run = run(lister, "evaluate", logs);

        assertEquals(2, run.status());
        assertEquals(List.of("guardrail: " + failing + ": listing broke off after 1 entry (cannot read: Input/output error):"
                + " the entries not listed are not read"), run.errorLines());
        assertEquals("3", summary(run, "files read"));
        assertCompliantEventStillEvaluated(run);
        assertEquals("1  (see stderr)", summary(run, "errors"));
    }

    /** A directory listing that throws, as a failing disk or a stale network mount does, after its first entry. */
    private static DirectoryStream<Path> breaksOffAfterOneEntry(DirectoryStream<Path> real) {
        return new DirectoryStream<>() {
            @Override
            public Iterator<Path> iterator() {
                Iterator<Path> entries = real.iterator();
                return new Iterator<>() {
                    private int given;

                    @Override
                    public boolean hasNext() {
                        if (given == 1) {
                            throw new DirectoryIteratorException(new IOException("Input/output error"));
                        }
                        return entries.hasNext();
                    }

                    @Override
                    public Path next() {
                        given++;
                        return entries.next();
                    }
                };
            }

            @Override
            public void close() throws IOException {
                real.close();
            }
        };
    }

    @Test
    void floodOfBrokenRecordsShowsAHundredLinesPerFileAndAThousandInAllAndCountsThemAll() throws IOException {
        for (int i = 10; i < 22; i++) {
            brokenRecords("flood/" + i + ".json", 120);
        }
        Path last = tmp.resolve("flood/21.json");

        Run one = run("evaluate", "--threads", 1, tmp.resolve("flood"));
        Run four = run("evaluate", "--threads", 4, tmp.resolve("flood"));

        assertEquals(one, four, "the same lines whatever the number of threads");
        assertEquals(2, one.status());
        List<String> lines = one.errorLines();
        assertEquals(1000, lines.stream().filter(l -> l.contains(": record ")).count(), one.err());
        Path first = tmp.resolve("flood/10.json");
        assertEquals(100, lines.stream().filter(l -> l.startsWith("guardrail: " + first + ": record ")).count());
        assertTrue(lines.contains("guardrail: 20 more errors in " + first + " not shown (at most 100 per file;"
                + " the summary counts them all)"), one.err());
        assertTrue(lines.stream().noneMatch(l -> l.contains(last.toString())), "nothing of the 12th file once 1000 are shown");
        assertEquals("guardrail: not every problem was shown: 1440 errors and 0 warnings in all, 1000 shown"
                + " (at most 100 per file and 1000 in all)", lines.get(lines.size() - 1));
        assertEquals("1440  (see stderr; 1000 lines shown)", summary(one, "errors"));
        assertEquals("1440", summary(one, "records read"));
    }

    @Test
    void gzipOfBrokenRecordsPrintsAHundredErrorLinesNotOnePerRecord() throws IOException {
        Path flood = tmp.resolve("flood.json.gz");
        try (OutputStream gz = new GZIPOutputStream(Files.newOutputStream(flood))) {
            gz.write("{\"Records\": [".getBytes(StandardCharsets.UTF_8));
            byte[] record = (BROKEN_RECORD + ",").getBytes(StandardCharsets.UTF_8);
            for (int i = 0; i < 99_999; i++) {
                gz.write(record);
            }
            gz.write((BROKEN_RECORD + "]}").getBytes(StandardCharsets.UTF_8));
        }

        Run run = run("evaluate", "--summary-only", flood, COMPLIANT);

        assertEquals(2, run.status());
        assertEquals(102, run.errorLines().size(), "100 errors, the count of the others, the total");
        assertEquals("100000  (see stderr; 100 lines shown)", summary(run, "errors"));
        assertTrue(run.err().contains("guardrail: 99900 more errors in " + flood + " not shown"), run.err());
        assertTrue(run.out().contains("ALLOW 1"), run.out());
    }

    @Test
    void heldOutputStaysWithinItsBoundAndPrintsInInputOrder() throws IOException {
        // Eight files of 500 findings each (about 150,000 characters of text apiece) read by 4 threads:
        // unbounded, the files behind the one printing would hold most of it.
        ObjectNode record = (ObjectNode) JSON.readTree(VIOLATING.toFile()).path("detail");
        StringBuilder log = new StringBuilder("{\"Records\": [");
        for (int i = 0; i < 500; i++) {
            record.put("eventID", "id-" + i);
            log.append(i == 0 ? "" : ",").append(record);
        }
        log.append("]}");
        for (int i = 0; i < 8; i++) {
            write("held/" + i + ".json", log.toString());
        }
        long bound = 20_000;

        StringWriter one = new StringWriter();
        new Replay(engine(), Window.ALL, TextPrinter::new, 1).run(List.of(tmp.resolve("held")),
                new PrintWriter(one), new PrintWriter(new StringWriter()));
        StringWriter four = new StringWriter();
        Replay bounded = new Replay(engine(), Window.ALL, TextPrinter::new, 4, bound, Replay.MAX_PROBLEM_LINES);
        Replay.Result result = bounded.run(List.of(tmp.resolve("held")), new PrintWriter(four), new PrintWriter(new StringWriter()));

        assertEquals(4000, result.tally().activeFindings());
        assertTrue(one.toString().length() > 1_000_000, "about 150,000 characters per file");
        assertEquals(one.toString(), four.toString());
        assertTrue(result.peakHeldChars() <= bound + 1000, () -> "held at most the bound and one line: " + result.peakHeldChars());
        assertTrue(result.peakHeldChars() > bound / 2, () -> "files were held: " + result.peakHeldChars());
    }

    @Test
    void valueWithANewlineOrATerminalEscapeCannotForgeAVerdictLine() throws IOException {
        ObjectNode event = (ObjectNode) JSON.readTree(COMPLIANT.toFile());
        String forged = "ROLLBACK  PERMISSION_PUBLIC  arn:aws:lambda:us-east-1:111122223333:function:prod-api  (" + COMPLIANT + ")";
        ((ObjectNode) event.path("detail").path("userIdentity")).put("arn", "arn:aws:iam::111122223333:user/x\n" + forged
                + "\u2028\u001b[2K\u202e\u009b");
        Path file = write("forged.json", event.toString());

        Run text = run("evaluate", file);
        Run json = run("evaluate", "--format", "json", file);

        assertEquals(0, text.status(), text.err());
        assertTrue(text.out().lines().noneMatch(l -> l.startsWith("ROLLBACK")), text.out());
        assertTrue(text.out().contains("user/x\\u000a" + forged + "\\u2028\\u001b[2K\\u202e\\u009b  (" + file + ")"), text.out());
        assertEquals(1, json.out().lines().count(), json.out());
        assertTrue(json.out().contains("user/x\\n" + forged + "\\u2028\\u001B[2K\\u202e\\u009b\""), json.out());
        assertEquals(JSON.readTree(file.toFile()).at("/detail/userIdentity/arn").textValue(),
                JSON.readTree(json.out()).path("actor").textValue(), "the same value, escaped");
    }

    @Test
    void outOfMemoryIsExitStatusTwoWithAMessageNeverOne() {
        Run run = run(dir -> {
            throw new OutOfMemoryError("Java heap space");
        }, "evaluate", tmp);

        assertEquals(2, run.status());
        assertEquals(List.of("guardrail: out of memory (Java heap space): the run stopped and its results are incomplete."
                + " Give Java more memory (e.g. JAVA_TOOL_OPTIONS=-Xmx4g) or read fewer files at a time (--threads 1)"),
                run.errorLines());
    }

    @Test
    void stackOverflowOutsideARecordIsExitStatusTwoWithAMessage() {
        Run run = run(dir -> {
            throw new StackOverflowError();
        }, "evaluate", tmp);

        assertEquals(2, run.status());
        assertEquals(List.of("guardrail: internal error: stack overflow: the run stopped and its results are incomplete"
                + " (a bug: please report it)"), run.errorLines());
    }

    @Test
    void outOfMemoryInAWorkerReachesTheCommandAsItself() {
        Replay replay = new Replay(engine(), Window.ALL, stdout -> (file, index, verdict) -> {
            throw new OutOfMemoryError("Java heap space");
        }, 2);

        assertThrows(OutOfMemoryError.class, () -> replay.run(List.of(COMPLIANT), new PrintWriter(new StringWriter()),
                new PrintWriter(new StringWriter())));
    }
}
