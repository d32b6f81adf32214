package io.github.lambdaguardrail.cli;

import io.github.lambdaguardrail.engine.Verdict;
import io.github.lambdaguardrail.engine.VerdictJson;
import java.io.PrintWriter;
import java.nio.file.Path;

/** JSON Lines: one {@link VerdictJson} object per Lambda record and nothing else. */
final class JsonPrinter implements VerdictPrinter {

    private final PrintWriter out;

    JsonPrinter(PrintWriter out) {
        this.out = out;
    }

    @Override
    public void verdict(Path file, int index, Verdict verdict) {
        out.print(VerdictJson.toJson(verdict).toString());
        out.print('\n');
    }
}
