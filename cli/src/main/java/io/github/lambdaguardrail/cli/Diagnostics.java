package io.github.lambdaguardrail.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;

/**
 * Reports problems on stderr, one line per problem ({@code guardrail: FILE: record N: REASON}),
 * and counts them. An error is unusable input: any makes the exit status 2. A warning is about a
 * record that was judged all the same (a statement the engine could not read, on which the rules
 * failed closed): it leaves the exit status to the verdicts. Records are numbered from 1.
 *
 * <p>The diagnostics of one file {@linkplain #forFile show} at most {@link #SHOWN_PER_FILE} lines
 * and then say how many more there were ({@link #endFile}), so that a file of broken records does
 * not flood the terminal; all are counted. Not thread-safe: one per command or per file.
 */
final class Diagnostics {

    /** Problem lines shown per file; the others are counted. */
    static final int SHOWN_PER_FILE = 100;

    private static final int MAX_REASON_LENGTH = 300;

    /** Where the lines go. */
    interface Lines {

        /** The line of one problem. */
        void problem(String line);

        /** A line about problems that is not one itself (how many were not shown). */
        void remark(String line);
    }

    private final Lines lines;
    private final long shownLimit;
    private long errors;
    private long warnings;
    private long shown;

    /** Every problem shown; {@code out} is flushed before each line so that a terminal shows both in order. */
    Diagnostics(PrintWriter out, PrintWriter err) {
        this(new Lines() {
            @Override
            public void problem(String line) {
                out.flush();
                err.println(line);
                err.flush();
            }

            @Override
            public void remark(String line) {
                problem(line);
            }
        }, Long.MAX_VALUE);
    }

    private Diagnostics(Lines lines, long shownLimit) {
        this.lines = lines;
        this.shownLimit = shownLimit;
    }

    /** The diagnostics of one file: the first {@link #SHOWN_PER_FILE} lines shown, the others counted. */
    static Diagnostics forFile(Lines lines) {
        return new Diagnostics(lines, SHOWN_PER_FILE);
    }

    void error(String message) {
        errors++;
        show("guardrail: " + oneLine(message));
    }

    void error(String where, String reason) {
        error(where + ": " + reason);
    }

    /** A problem with one record; {@code index} is the reader's 0-based index. */
    void error(Path file, int index, String reason) {
        error(file + ": record " + (index + 1), reason);
    }

    /** A problem with a record that was judged all the same; {@code index} is the reader's 0-based index. */
    void warning(Path file, int index, String reason) {
        warnings++;
        show("guardrail: " + oneLine(file + ": record " + (index + 1) + ": warning: " + reason));
    }

    /** Says how many problems of {@code file} were not shown, if any. */
    void endFile(String file) {
        long hidden = errors + warnings - shown;
        if (hidden > 0) {
            lines.remark("guardrail: " + hidden + " more " + (warnings == 0 ? "errors" : "errors and warnings") + " in "
                    + oneLine(file) + " not shown (at most " + shownLimit + " per file; the summary counts them all)");
        }
    }

    private void show(String line) {
        if (shown < shownLimit) {
            shown++;
            lines.problem(line);
        }
    }

    /** Errors: unusable input. */
    long count() {
        return errors;
    }

    long warnings() {
        return warnings;
    }

    /** A short reason for an I/O failure (the JDK's messages for these are only the path). */
    static String reason(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "no such file or directory";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof NotDirectoryException) {
            return "not a directory";
        }
        return "cannot read: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
    }

    /**
     * Keeps a message on one line and short: parser messages may quote the input. Whitespace and
     * controls become one space; other characters that must not reach a terminal are escaped
     * ({@link Printable}).
     */
    static String oneLine(String message) {
        StringBuilder b = new StringBuilder(Math.min(message.length(), MAX_REASON_LENGTH + 1));
        boolean space = false;
        for (int i = 0; i < message.length() && b.length() < MAX_REASON_LENGTH; i++) {
            char c = message.charAt(i);
            if (Character.isWhitespace(c) || Character.isISOControl(c)) {
                space = true;
                continue;
            }
            if (space && b.length() > 0) {
                b.append(' ');
            }
            space = false;
            if (Printable.unsafe(c)) {
                b.append(Printable.escape(String.valueOf(c)));
            } else {
                b.append(c);
            }
        }
        if (b.length() >= MAX_REASON_LENGTH) {
            b.append('…');
        }
        return b.toString();
    }
}
