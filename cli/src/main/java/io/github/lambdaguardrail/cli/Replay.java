package io.github.lambdaguardrail.cli;

import io.github.lambdaguardrail.engine.CloudTrailReader;
import io.github.lambdaguardrail.engine.Decision;
import io.github.lambdaguardrail.engine.FunctionFacts;
import io.github.lambdaguardrail.engine.GuardrailEngine;
import io.github.lambdaguardrail.engine.LambdaChange;
import io.github.lambdaguardrail.engine.ParsedRecord;
import io.github.lambdaguardrail.engine.PolicyStatement;
import io.github.lambdaguardrail.engine.UnreadableInputException;
import io.github.lambdaguardrail.engine.Verdict;
import io.github.lambdaguardrail.engine.WatchedApi;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;

/**
 * The work of {@code evaluate}: reads the inputs of the PATHs on a fixed pool of threads, one file
 * per task, feeding every record in the window to the engine, and prints each file's verdicts and
 * problems in input order, whatever the number of threads. A file's output is held in memory only
 * while an earlier file is still printing ({@link HeldOutput}); with {@link VerdictPrinter#NONE}
 * nothing but problems is held. Each file is counted in a {@link Tally} of its own, added up by the
 * printing thread. At most a few files per thread are in flight, and what they hold together is
 * bounded ({@link #MAX_HELD_CHARS}: a worker waits for room), so memory does not grow with the
 * input. Problem lines are capped: {@link Diagnostics#SHOWN_PER_FILE} per file and
 * {@link #MAX_PROBLEM_LINES} in all, in input order; all are counted. An internal error on one
 * record (an exception or a stack overflow in the engine) is a problem of that record: the file
 * reads on. One {@link #run} at a time.
 */
final class Replay {

    /** Files in flight (being read or held) per thread: enough to keep the threads busy behind a big file. */
    private static final int IN_FLIGHT_PER_THREAD = 4;

    /** Characters of output that the files waiting to print hold together (twice as many bytes). */
    static final long MAX_HELD_CHARS = 8L << 20;

    /** Problem lines shown on stderr in all; the others are counted. */
    static final long MAX_PROBLEM_LINES = 1000;

    private final GuardrailEngine engine;
    private final Window window;
    private final Function<PrintWriter, VerdictPrinter> printers;
    private final int threads;
    private final long maxHeldChars;
    private final long maxProblemLines;
    private InputStream standardInput = System.in;

    /**
     * What a run counted. {@code errors}: unusable input (exit status 2); {@code warnings}: records
     * judged all the same; {@code linesShown}: problem lines printed (fewer than the problems when
     * capped); {@code peakHeldChars}: the most characters of output held at once.
     */
    record Result(Tally tally, long errors, long warnings, long linesShown, long peakHeldChars) {
    }

    /** What one file counted. */
    private record FileResult(Tally tally, long errors, long warnings) {
    }

    /**
     * @param printers a file's verdict printer, given the stream it writes to
     */
    Replay(GuardrailEngine engine, Window window, Function<PrintWriter, VerdictPrinter> printers, int threads) {
        this(engine, window, printers, threads, MAX_HELD_CHARS, MAX_PROBLEM_LINES);
    }

    /** With other bounds, for tests. */
    Replay(GuardrailEngine engine, Window window, Function<PrintWriter, VerdictPrinter> printers, int threads,
           long maxHeldChars, long maxProblemLines) {
        this.engine = engine;
        this.window = window;
        this.printers = printers;
        this.threads = threads;
        this.maxHeldChars = maxHeldChars;
        this.maxProblemLines = maxProblemLines;
    }

    /** Reads {@code in} where the PATHs name standard input ({@code -}), for tests. */
    Replay withStandardInput(InputStream in) {
        this.standardInput = in;
        return this;
    }

    /**
     * Reads every input of {@code paths} in order.
     *
     * @throws OutputClosed when stdout can no longer be written: reading stops
     */
    Result run(List<Path> paths, PrintWriter out, PrintWriter err) {
        return run(paths, InputPaths.DIRECTORY_LISTER, out, err);
    }

    /** {@link #run(List, PrintWriter, PrintWriter)}, listing directories with {@code lister}. */
    Result run(List<Path> paths, InputPaths.Lister lister, PrintWriter out, PrintWriter err) {
        HeldOutput.Limits limits = new HeldOutput.Limits(maxHeldChars, maxProblemLines);
        Tally total = new Tally();
        long errors = 0;
        long warnings = 0;
        Deque<InFlight> inFlight = new ArrayDeque<>();
        ExecutorService pool = Executors.newFixedThreadPool(threads, task -> {
            Thread thread = new Thread(task, "guardrail-evaluate");
            thread.setDaemon(true);
            return thread;
        });
        try {
            for (Path path : paths) {
                InputPaths inputs = InputPaths.walk(path, window, lister);
                while (inputs.hasNext()) {
                    InputPaths.Input input = inputs.next();
                    if (inFlight.size() >= threads * IN_FLIGHT_PER_THREAD) {
                        FileResult printed = print(inFlight.removeFirst(), total, out, err);
                        errors += printed.errors();
                        warnings += printed.warnings();
                    }
                    inFlight.addLast(start(input, pool, limits));
                }
                total.prunedDayFolders += inputs.prunedDayFolders();
            }
            while (!inFlight.isEmpty()) {
                FileResult printed = print(inFlight.removeFirst(), total, out, err);
                errors += printed.errors();
                warnings += printed.warnings();
            }
        } catch (OutputClosed e) {
            inFlight.forEach(file -> file.result().cancel(true));
            throw e;
        } finally {
            pool.shutdownNow();
        }
        long shown = limits.problemLinesShown();
        if (errors + warnings > shown) {
            out.flush();
            err.println("guardrail: not every problem was shown: " + errors + " errors and " + warnings + " warnings in all, "
                    + shown + " shown (at most " + Diagnostics.SHOWN_PER_FILE + " per file and " + maxProblemLines + " in all)");
            err.flush();
        }
        return new Result(total, errors, warnings, shown, limits.peakHeldChars());
    }

    /** How a file's bytes are opened. */
    @FunctionalInterface
    private interface Source {
        InputStream open() throws IOException;
    }

    /** How problems name standard input ({@code -} among the PATHs). */
    static final Path STANDARD_INPUT_NAME = Path.of("(standard input)");

    /** A file being read, or a problem found while looking for files. */
    private record InFlight(HeldOutput output, Future<FileResult> result) {
    }

    private InFlight start(InputPaths.Input input, ExecutorService pool, HeldOutput.Limits limits) {
        HeldOutput output = new HeldOutput(limits);
        return switch (input) {
            case InputPaths.Problem problem -> {
                Diagnostics.forFile(output.problems()).error(problem.where(), problem.reason());
                yield new InFlight(output, CompletableFuture.completedFuture(new FileResult(new Tally(), 1, 0)));
            }
            case InputPaths.LogFile file -> new InFlight(output, pool.submit(
                    () -> new FileEvaluation(file.path(), () -> Files.newInputStream(file.path()), output).run()));
            case InputPaths.StandardInput stdin -> new InFlight(output, pool.submit(
                    () -> new FileEvaluation(STANDARD_INPUT_NAME, () -> standardInput, output).run()));
        };
    }

    /** Prints a file's output (what was held, then the rest as it comes) and adds up its counts. */
    private static FileResult print(InFlight file, Tally total, PrintWriter out, PrintWriter err) {
        file.output().release(out, err);
        FileResult result;
        try {
            result = uninterruptibly(file.result());
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (e.getCause() instanceof Error error) {
                throw error; // out of memory: GuardrailCli says so
            }
            throw new IllegalStateException(e.getCause());
        }
        total.add(result.tally());
        if (out.checkError()) {
            throw new OutputClosed();
        }
        return result;
    }

    private static <T> T uninterruptibly(Future<T> future) throws ExecutionException {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return future.get();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * One file: every record in the window to the engine and the printer, problems to the file's
     * stderr. With a window set, a record whose eventTime is missing or not an ISO-8601 instant is
     * reported as invalid (fail closed: it is neither skipped nor assumed inside). Records outside
     * the window are not handed over: an invalid record from outside the window is not an error
     * (JSON that does not parse still is).
     */
    private final class FileEvaluation implements CloudTrailReader.Sink {

        private static final int OUTPUT_CHECK_INTERVAL = 4096;

        private final Path file;
        private final Source source;
        private final HeldOutput output;
        private final VerdictPrinter printer;
        private final Diagnostics diagnostics;
        private final Tally tally = new Tally();
        /** Why the window could not place the record wanted last; empty when it could, or when it is open. */
        private Optional<String> unplaced = Optional.empty();
        /** The index of the record being read: the last one offered, or the next once it was handed over. */
        private int reading;

        FileEvaluation(Path file, Source source, HeldOutput output) {
            this.file = file;
            this.source = source;
            this.output = output;
            this.printer = printers.apply(output.out());
            this.diagnostics = Diagnostics.forFile(output.problems());
        }

        FileResult run() {
            tally.files++;
            try (InputStream in = source.open()) {
                CloudTrailReader.read(in, this, LogFileScanner::frame);
            } catch (UnreadableInputException e) {
                if (e.recordIndex() == 0) {
                    diagnostics.error(file.toString(), e.getMessage());
                } else {
                    diagnostics.error(file, e.recordIndex(), e.getMessage());
                }
            } catch (IOException e) {
                diagnostics.error(file.toString(), Diagnostics.reason(e));
            } catch (OutputClosed | CancellationException e) {
                throw e;
            } catch (RuntimeException | StackOverflowError e) {
                // A bug in the reader: where it stood is known, what it left of the stream is not.
                diagnostics.error(file, reading, internalError(e) + " while reading it; the rest of the file was not read");
            } finally {
                endFile();
            }
            output.out().flush();
            return new FileResult(tally, diagnostics.count(), diagnostics.warnings());
        }

        /** The verdict the printer still holds, then how many problems were not shown. */
        private void endFile() {
            try {
                printer.endFile();
            } catch (OutputClosed | CancellationException e) {
                throw e;
            } catch (RuntimeException | StackOverflowError e) {
                diagnostics.error(file, reading, internalError(e) + " while printing its verdict");
            }
            diagnostics.endFile(file.toString());
        }

        @Override
        public boolean wants(int index, String eventTime) {
            reading = index;
            counted(index);
            unplaced = Optional.empty();
            if (window.isOpen()) {
                return true;
            }
            Optional<Instant> time = Window.eventTime(eventTime);
            if (time.isEmpty()) {
                unplaced = Optional.of(eventTime == null ? "record has no eventTime"
                        : "eventTime '" + eventTime + "' is not an ISO-8601 instant");
                return true;
            }
            if (!window.contains(time.get())) {
                tally.outsideWindow++;
                return false;
            }
            return true;
        }

        @Override
        public void record(ParsedRecord parsed) {
            try {
                judge(parsed);
            } catch (OutputClosed | CancellationException e) {
                throw e;
            } catch (RuntimeException | StackOverflowError e) {
                // One record the engine (or a printer) chokes on is reported; the file reads on.
                diagnostics.error(file, parsed.index(), internalError(e) + "; the record was not judged");
            }
            reading = parsed.index() + 1;
        }

        private void judge(ParsedRecord record) {
            switch (record) {
                case ParsedRecord.Invalid invalid -> invalid(invalid.index(), invalid.reason());
                case ParsedRecord any when unplaced.isPresent() ->
                        invalid(any.index(), unplaced.get() + ": cannot tell whether it is in the window");
                case ParsedRecord.OtherService other -> tally.otherServices++;
                case ParsedRecord.Scheduled scheduled -> tally.otherServices++;
                case ParsedRecord.Guarded guarded -> {
                    Verdict verdict = engine.evaluate(guarded.call());
                    if (guarded.call().api().service() != WatchedApi.Service.LAMBDA && verdict.decision() == Decision.SKIP) {
                        // A call of another service that does not touch the guardrail: counted like the others.
                        tally.otherServices++;
                    } else {
                        judged(guarded, verdict, false);
                    }
                }
                case ParsedRecord.Watched watched -> {
                    Verdict verdict = engine.evaluate(watched.event(), FunctionFacts.NONE);
                    unusableStatements(watched.event().change())
                            .forEach(problem -> diagnostics.warning(file, watched.index(), problem));
                    judged(watched, verdict, false);
                }
                case ParsedRecord.Ignored ignored -> judged(ignored, engine.evaluate(ignored, FunctionFacts.NONE).orElseThrow(),
                        ignored.reason().startsWith("failed call"));
            }
        }

        private void invalid(int index, String reason) {
            tally.invalidRecords++;
            diagnostics.error(file, index, reason);
        }

        /** A Lambda record, or a call that may touch the guardrail's resources: counted, tallied and printed. */
        private void judged(ParsedRecord record, Verdict verdict, boolean failedCall) {
            tally.lambdaRecords++;
            tally.add(verdict, failedCall);
            printer.verdict(file, record.index(), verdict);
        }

        private void counted(int index) {
            tally.records++;
            if (tally.records % OUTPUT_CHECK_INTERVAL == 0 && output.outClosed()) {
                throw new OutputClosed();
            }
            printer.nextRecord(index);
        }
    }

    /**
     * What a bug in the engine or the CLI did, for a record's diagnostic: the exception, and for a
     * stack overflow the frames that repeat (a regular expression, a recursive parser), so that the
     * report can name the code at fault.
     */
    static String internalError(Throwable e) {
        StringBuilder message = new StringBuilder("internal error: ").append(e);
        if (e instanceof StackOverflowError) {
            StackTraceElement[] frames = e.getStackTrace();
            Arrays.stream(frames).filter(frame -> frame.getClassName().startsWith("io.github.lambdaguardrail."))
                    .findFirst().or(() -> frames.length == 0 ? Optional.empty() : Optional.of(frames[0]))
                    .ifPresent(frame -> message.append(" at ").append(frame));
        }
        return message.toString();
    }

    /**
     * Statements the engine could not parse: the rules fail closed on them (the verdict has a
     * finding that says so), and each is a warning on stderr. The record was judged, so it is not
     * unusable input: it leaves the exit status to its verdict.
     */
    private static List<String> unusableStatements(LambdaChange change) {
        return switch (change) {
            case LambdaChange.PermissionGranted granted -> switch (granted.statement()) {
                case PolicyStatement.Unparseable bad -> List.of(statementName(bad.sid()) + ": " + bad.reason());
                case PolicyStatement.Parsed parsed -> List.of();
            };
            case LambdaChange.ResourcePolicyReplaced replaced -> unusableStatements(replaced.statements());
            case LambdaChange.FunctionConfigured configured -> List.of();
            case LambdaChange.FunctionUrlConfigured url -> List.of();
            case LambdaChange.TagsChanged tags -> List.of();
        };
    }

    /** The unparseable statements of a whole policy document, named by their position in it. */
    private static List<String> unusableStatements(List<PolicyStatement> statements) {
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < statements.size(); i++) {
            switch (statements.get(i)) {
                case PolicyStatement.Unparseable bad -> problems.add("policy statement " + (i + 1)
                        + (bad.sid().isEmpty() ? "" : " ('" + bad.sid() + "')") + ": " + bad.reason());
                case PolicyStatement.Parsed parsed -> {
                    // judged by the rules
                }
            }
        }
        return problems;
    }

    private static String statementName(String sid) {
        return sid.isEmpty() ? "statement (no Sid)" : "statement '" + sid + "'";
    }

    /** stdout was closed (e.g. {@code | head}): stop reading. */
    static final class OutputClosed extends RuntimeException {
        OutputClosed() {
            super(null, null, false, false);
        }
    }
}
