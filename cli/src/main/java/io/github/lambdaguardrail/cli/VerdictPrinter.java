package io.github.lambdaguardrail.cli;

import io.github.lambdaguardrail.engine.Verdict;
import java.nio.file.Path;

/** Writes the verdicts of one file in one of the output formats. Not thread-safe: one per file. */
interface VerdictPrinter {

    /** Prints nothing: {@code --summary-only}. */
    VerdictPrinter NONE = (file, index, verdict) -> {
    };

    /** Called for every record read, before its verdict if it has one. */
    default void nextRecord(int index) {
    }

    /** {@code index} is the reader's 0-based index of the record in its file. */
    void verdict(Path file, int index, Verdict verdict);

    /** Called when a file has been read to its end or to the point where it broke off. */
    default void endFile() {
    }
}
