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
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * "Strict input": {@code guardrail evaluate} survives anything it is given. An internal error on
 * one record is a diagnostic of that record; a directory that breaks off is a problem and the rest
 * is read; a JVM error is exit status 2.
 */
class StrictInputTest {

    private static final Path EVENTS = Path.of("..", "events");
    private static final Path COMPLIANT = EVENTS.resolve("createfunction-in-vpc.json");
    private static final Path VIOLATING = EVENTS.resolve("createfunction-no-vpc.json");
    private static final Path PUBLIC_PERMISSION = EVENTS.resolve("addpermission-public-principal.json");
    private static final Path MIXED_LOG = EVENTS.resolve("cloudtrail-logfile-mixed.json");
    private static final String COMPLIANT_FUNCTION = "arn:aws:lambda:us-east-1:111122223333:function:orders-db-writer";
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
