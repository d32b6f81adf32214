package io.github.lambdaguardrail.cli;

import io.github.lambdaguardrail.engine.Verdict;
import java.nio.file.Path;

/** Writes verdicts to stdout in one of the output formats. */
interface VerdictPrinter {

    /** Called for every record read, before its verdict if it has one. */
    default void nextRecord(int index) {
    }

    /** {@code index} is the reader's 0-based index of the record in its file. */
    void verdict(Path file, int index, Verdict verdict);

    /** Called when a file has been read to its end or to the point where it broke off. */
    default void endFile() {
    }

    /** Called once, after the last file; {@code errors} is the number of problems reported. */
    default void summary(Tally tally, int errors) {
    }
}
