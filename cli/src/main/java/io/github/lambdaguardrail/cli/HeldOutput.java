package io.github.lambdaguardrail.cli;

import java.io.PrintWriter;
import java.io.Writer;
import java.util.ArrayList;
import java.util.List;

/**
 * What one input prints on stdout and stderr, in the order written, so that inputs read in
 * parallel print in input order. While earlier inputs are still printing, the text is held in
 * memory; {@link #release} writes what was held to the real streams and from then on everything
 * goes straight through, so the input being printed is never held (however much it prints).
 * Thread-safe: one worker writes through {@link #out()} and {@link #err()} while the printing
 * thread calls {@link #release}.
 */
final class HeldOutput {

    /** A run of text for one stream. */
    private record Chunk(boolean err, StringBuilder text) {
    }

    private final List<Chunk> held = new ArrayList<>();
    private final PrintWriter out = new PrintWriter(new Stream(false));
    private final PrintWriter err = new PrintWriter(new Stream(true));
    private PrintWriter realOut;
    private PrintWriter realErr;

    PrintWriter out() {
        return out;
    }

    PrintWriter err() {
        return err;
    }

    /**
     * Writes what was held to {@code realOut} and {@code realErr} (stdout flushed before each run
     * of stderr, as {@link Diagnostics} does) and lets everything after go straight through.
     */
    synchronized void release(PrintWriter realOut, PrintWriter realErr) {
        for (Chunk chunk : held) {
            if (chunk.err()) {
                realOut.flush();
                realErr.append(chunk.text());
                realErr.flush();
            } else {
                realOut.append(chunk.text());
            }
        }
        held.clear();
        this.realOut = realOut;
        this.realErr = realErr;
    }

    /** Whether stdout is released and can no longer be written (e.g. {@code | head} has exited). */
    synchronized boolean outClosed() {
        return realOut != null && realOut.checkError();
    }

    private synchronized void write(boolean toErr, char[] text, int offset, int length) {
        if (realOut != null) {
            (toErr ? realErr : realOut).write(text, offset, length);
            return;
        }
        Chunk last = held.isEmpty() ? null : held.get(held.size() - 1);
        if (last == null || last.err() != toErr) {
            last = new Chunk(toErr, new StringBuilder(Math.max(length, 256)));
            held.add(last);
        }
        last.text().append(text, offset, length);
    }

    private synchronized void flush(boolean toErr) {
        if (realOut != null) {
            (toErr ? realErr : realOut).flush();
        }
    }

    /** One of the two streams. */
    private final class Stream extends Writer {

        private final boolean toErr;

        Stream(boolean toErr) {
            this.toErr = toErr;
        }

        @Override
        public void write(char[] text, int offset, int length) {
            HeldOutput.this.write(toErr, text, offset, length);
        }

        @Override
        public void flush() {
            HeldOutput.this.flush(toErr);
        }

        @Override
        public void close() {
            flush();
        }
    }
}
