package io.github.lambdaguardrail.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import io.github.lambdaguardrail.engine.Verdict;
import io.github.lambdaguardrail.engine.VerdictJson;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * JSON Lines: one {@link VerdictJson} object per Lambda record and nothing else. Besides what JSON
 * escapes anyway, the characters {@link Printable} keeps from terminals (C1 controls, DEL, the
 * line and paragraph separators, format characters) are written as {@code \}{@code uXXXX}: the
 * same JSON value, safe to look at.
 */
final class JsonPrinter implements VerdictPrinter {

    private static final ObjectWriter JSON = new ObjectMapper().writer().with(new TerminalSafeEscapes());

    private final PrintWriter out;

    JsonPrinter(PrintWriter out) {
        this.out = out;
    }

    @Override
    public void verdict(Path file, int index, Verdict verdict) {
        try {
            out.print(JSON.writeValueAsString(VerdictJson.toJson(verdict)));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
        out.print('\n');
    }

    /** JSON's own escapes, and {@link Printable#unsafe} characters as {@code \}{@code uXXXX}. */
    private static final class TerminalSafeEscapes extends CharacterEscapes {

        private final int[] ascii = standardAsciiEscapesForJSON();

        TerminalSafeEscapes() {
            ascii[0x7f] = ESCAPE_STANDARD;
        }

        @Override
        public int[] getEscapeCodesForAscii() {
            return ascii;
        }

        @Override
        public SerializableString getEscapeSequence(int c) {
            return Printable.unsafe((char) c) ? new SerializedString(String.format("\\u%04x", c)) : null;
        }
    }
}
