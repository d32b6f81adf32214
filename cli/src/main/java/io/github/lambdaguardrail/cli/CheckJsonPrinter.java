package io.github.lambdaguardrail.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.util.List;

/** JSON Lines: one object per finding ({@code file, line, resource, type, rule, severity, message[, exemption]}). */
final class CheckJsonPrinter implements CheckPrinter {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public void print(List<CheckFinding> findings, PrintWriter out) {
        for (CheckFinding f : findings) {
            ObjectNode line = JSON.createObjectNode()
                    .put("file", f.file())
                    .put("line", f.line())
                    .put("resource", f.resource())
                    .put("type", f.resourceType())
                    .put("rule", f.rule())
                    .put("severity", f.severity().name())
                    .put("message", f.message());
            f.exemption().ifPresent(e -> line.put("exemption", e));
            out.print(line.toString());
            out.print('\n');
        }
    }
}
