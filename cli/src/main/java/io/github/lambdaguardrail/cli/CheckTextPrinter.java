package io.github.lambdaguardrail.cli;

import java.io.PrintWriter;
import java.util.List;

/**
 * Output for people and editors: one line per finding, {@code FILE:LINE: SEVERITY RULE RESOURCE: MESSAGE}
 * (the form compilers use, so editors jump to the line), then a count. Every line goes through
 * {@link Printable}: a value of the template cannot start a line of its own.
 */
final class CheckTextPrinter implements CheckPrinter {

    @Override
    public void print(List<CheckFinding> findings, PrintWriter out) {
        for (CheckFinding f : findings) {
            out.println(Printable.escape(f.file() + ":" + f.line() + ": " + f.severity() + " " + f.rule() + " " + f.resource()
                    + " (" + f.resourceType() + "): " + f.message()
                    + f.exemption().map(e -> " [exempted: " + e + "]").orElse("")));
        }
        long exempted = findings.stream().filter(CheckFinding::isExempted).count();
        long active = findings.size() - exempted;
        out.println(active == 0 ? "No findings" + (exempted > 0 ? " (" + exempted + " exempted)" : "") + "."
                : active + (active == 1 ? " finding" : " findings") + (exempted > 0 ? " (and " + exempted + " exempted)" : "") + ".");
    }
}
