package io.github.lambdaguardrail.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;

/**
 * Reports unusable input on stderr, one line per problem ({@code guardrail: FILE: record N: REASON}),
 * and counts the problems: any problem makes the exit status 2. Records are numbered from 1.
 */
final class Diagnostics {

    private static final int MAX_REASON_LENGTH = 300;

    private final PrintWriter out;
    private final PrintWriter err;
    private int count;

    /** {@code out} is flushed before each message so that a terminal shows both in order. */
    Diagnostics(PrintWriter out, PrintWriter err) {
        this.out = out;
        this.err = err;
    }

    void error(String message) {
        out.flush();
        err.println("guardrail: " + oneLine(message));
        err.flush();
        count++;
    }

    void error(String where, String reason) {
        error(where + ": " + reason);
    }

    /** A problem with one record; {@code index} is the reader's 0-based index. */
    void error(Path file, int index, String reason) {
        error(file + ": record " + (index + 1), reason);
    }

    int count() {
        return count;
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

    /** Keeps a message on one line and short: parser messages may quote the input. */
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
            b.append(c);
        }
        if (b.length() >= MAX_REASON_LENGTH) {
            b.append('…');
        }
        return b.toString();
    }
}
