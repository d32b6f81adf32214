package io.github.lambdaguardrail.cli;

import java.io.PrintWriter;
import java.io.Writer;
import java.nio.CharBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;

/**
 * What one input prints on stdout and stderr, in the order written, so that inputs read in
 * parallel print in input order. While earlier inputs are still printing, the text is held in
 * memory; {@link #release} writes what was held to the real streams and from then on everything
 * goes straight through, so the input being printed is never held (however much it prints).
 *
 * <p>What all the outputs of a run hold together is bounded ({@link Limits}): a worker whose
 * output would go over the bound waits until the inputs before it have printed. The input being
 * printed never waits, so the run always moves on. The problem lines of all inputs together are
 * capped too, in input order, so the same lines are shown whatever the number of threads.
 *
 * <p>Thread-safe: one worker writes through {@link #out()} and {@link #problems()} while the
 * printing thread calls {@link #release}.
 */
final class HeldOutput {

    /** Held stdout text is kept in pieces of about this size, so that it never has to be copied whole. */
    private static final int PIECE = 64 * 1024;

    /** One problem line held for stderr. */
    private record ProblemLine(String text, boolean remark) {
    }

    private final Limits limits;
    private final PrintWriter out = new PrintWriter(new Stream());
    private final Diagnostics.Lines problems = new Diagnostics.Lines() {
        @Override
        public void problem(String line) {
            writeProblem(new ProblemLine(line, false));
        }

        @Override
        public void remark(String line) {
            writeProblem(new ProblemLine(line, true));
        }
    };
    /** StringBuilder (stdout) or ProblemLine (stderr), in the order written. */
    private final List<Object> held = new ArrayList<>();
    private long heldChars;
    private PrintWriter realOut;
    private PrintWriter realErr;
    private volatile boolean released;

    HeldOutput(Limits limits) {
        this.limits = limits;
    }

    PrintWriter out() {
        return out;
    }

    /** Where the input's diagnostics go ({@link Diagnostics#forFile}). */
    Diagnostics.Lines problems() {
        return problems;
    }

    /**
     * Writes what was held to {@code realOut} and {@code realErr} (stdout flushed before each line
     * of stderr, as {@link Diagnostics} does) and lets everything after go straight through.
     */
    void release(PrintWriter realOut, PrintWriter realErr) {
        long freed;
        synchronized (this) {
            for (Object piece : held) {
                if (piece instanceof StringBuilder text) {
                    realOut.append(text);
                } else {
                    limits.show((ProblemLine) piece, realOut, realErr);
                }
            }
            held.clear();
            freed = heldChars;
            heldChars = 0;
            this.realOut = realOut;
            this.realErr = realErr;
            released = true;
        }
        limits.free(freed);
    }

    /** Whether stdout is released and can no longer be written (e.g. {@code | head} has exited). */
    synchronized boolean outClosed() {
        return realOut != null && realOut.checkError();
    }

    /**
     * Holds characters {@code start} to {@code end} of {@code text} for stdout, or writes them
     * through once released.
     *
     * @throws CancellationException when the worker is interrupted while waiting for room: the run
     *                               is being stopped
     */
    private void writeOut(CharSequence text, int start, int end) {
        int length = end - start;
        boolean reserved = !released && limits.reserve(length, () -> released);
        synchronized (this) {
            if (released) {
                if (reserved) {
                    limits.free(length);
                }
                realOut.append(text, start, end);
                return;
            }
            heldChars += length;
            Object last = held.isEmpty() ? null : held.get(held.size() - 1);
            if (last instanceof StringBuilder builder && builder.length() + length <= PIECE) {
                builder.append(text, start, end);
            } else {
                held.add(new StringBuilder(Math.max(length, Math.min(PIECE, 256))).append(text, start, end));
            }
        }
    }

    /** Holds a problem line for stderr, or shows it through the run's {@link Limits} once released. */
    private void writeProblem(ProblemLine line) {
        boolean reserved = !released && limits.reserve(line.text().length(), () -> released);
        synchronized (this) {
            if (released) {
                if (reserved) {
                    limits.free(line.text().length());
                }
                limits.show(line, realOut, realErr);
                return;
            }
            heldChars += line.text().length();
            held.add(line);
        }
    }

    private synchronized void flush() {
        if (realOut != null) {
            realOut.flush();
        }
    }

    /** stdout: a writer of its own, so that printers can use a {@link PrintWriter}. */
    private final class Stream extends Writer {

        @Override
        public void write(char[] text, int offset, int length) {
            writeOut(CharBuffer.wrap(text), offset, offset + length);
        }

        @Override
        public void write(String text, int offset, int length) {
            writeOut(text, offset, offset + length);
        }

        @Override
        public void flush() {
            HeldOutput.this.flush();
        }

        @Override
        public void close() {
            flush();
        }
    }

    /**
     * What the outputs of one run share: the characters they hold together, at most
     * {@code maxHeldChars} (one piece may go over when nothing else is held), and the problem
     * lines shown so far, at most {@code maxProblemLines}. Thread-safe.
     */
    static final class Limits {

        private final long maxHeldChars;
        private final long maxProblemLines;
        private long heldChars;
        private long peakHeldChars;
        private long problemLinesShown;

        Limits(long maxHeldChars, long maxProblemLines) {
            this.maxHeldChars = maxHeldChars;
            this.maxProblemLines = maxProblemLines;
        }

        /**
         * Waits until {@code length} more characters fit, or the output is released.
         *
         * @return whether the characters were reserved (false: the output was released first)
         */
        synchronized boolean reserve(long length, BooleanSupplier released) {
            while (heldChars > 0 && heldChars + length > maxHeldChars) {
                if (released.getAsBoolean()) {
                    return false;
                }
                try {
                    wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new CancellationException("the run is stopping");
                }
            }
            if (released.getAsBoolean()) {
                return false;
            }
            heldChars += length;
            peakHeldChars = Math.max(peakHeldChars, heldChars);
            return true;
        }

        synchronized void free(long length) {
            heldChars -= length;
            notifyAll();
        }

        /** The most characters held at once in the run. */
        synchronized long peakHeldChars() {
            return peakHeldChars;
        }

        /** Problem lines written to stderr so far. */
        synchronized long problemLinesShown() {
            return problemLinesShown;
        }

        /** Writes a problem line while the run's cap allows; a remark only while problem lines still show. */
        synchronized void show(ProblemLine line, PrintWriter realOut, PrintWriter realErr) {
            if (problemLinesShown >= maxProblemLines) {
                return;
            }
            if (!line.remark()) {
                problemLinesShown++;
            }
            realOut.flush();
            realErr.println(line.text());
            realErr.flush();
        }
    }
}
