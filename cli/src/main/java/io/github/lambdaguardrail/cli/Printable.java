package io.github.lambdaguardrail.cli;

/**
 * Keeps what a record says from acting on the terminal or forging output: every value printed as
 * text comes from the input, and a newline in an actor ARN would start a line of its own (a
 * verdict that was never made), an escape sequence would rewrite the screen, a bidirectional
 * override would reorder what is read. Such characters (C0 and C1 controls, DEL, the line and
 * paragraph separators, format characters such as U+202E) are written as {@code \}{@code uXXXX}.
 * Stateless.
 */
final class Printable {

    private Printable() {
    }

    /** Whether {@code c} must not reach a terminal as itself. */
    static boolean unsafe(char c) {
        if (c >= 0x20 && c < 0x7f) {
            return false; // printable ASCII, nearly every character printed: decided without a table
        }
        return Character.isISOControl(c) || c == '\u2028' || c == '\u2029' || Character.getType(c) == Character.FORMAT;
    }

    /** {@code text} with every {@link #unsafe} character escaped; the same string when there is none. */
    static String escape(String text) {
        int length = text.length();
        int first = 0;
        for (char c; first < length; first++) {
            c = text.charAt(first);
            if ((c < 0x20 || c >= 0x7f) && unsafe(c)) {
                break;
            }
        }
        if (first == length) {
            return text;
        }
        StringBuilder b = new StringBuilder(text.length() + 16).append(text, 0, first);
        for (int i = first; i < text.length(); i++) {
            char c = text.charAt(i);
            if (unsafe(c)) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }
}
