package io.github.lambdaguardrail.cli;

import java.io.PrintWriter;
import java.util.List;

/** How {@code guardrail check} prints its findings: one implementation per output format. */
interface CheckPrinter {

    /** Prints every finding of the run, exempted ones included, in template order. */
    void print(List<CheckFinding> findings, PrintWriter out);
}
