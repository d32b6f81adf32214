package io.github.lambdaguardrail.cli;

import io.github.lambdaguardrail.engine.Action;
import io.github.lambdaguardrail.engine.Decision;
import io.github.lambdaguardrail.engine.Finding;
import io.github.lambdaguardrail.engine.FunctionRef;
import io.github.lambdaguardrail.engine.Origin;
import io.github.lambdaguardrail.engine.RuleId;
import io.github.lambdaguardrail.engine.Verdict;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Output for people: one line per verdict (decision, rule ids, function, actor, source), the
 * findings and planned actions indented below it ({@link SummaryReport} prints the summary). No
 * colours. One per file.
 *
 * <pre>
 * ROLLBACK  PERMISSION_PUBLIC  arn:aws:lambda:us-east-1:111122223333:function:x  by arn:aws:iam::111122223333:user/dana  (events/x.json)
 *           CRITICAL PERMISSION_PUBLIC  statement allow-anyone: principal * with no condition
 *           → REMOVE_PERMISSION statement 'allow-anyone'
 *           → NOTIFY operators
 * </pre>
 *
 * The source names the record number only in files with more than one record; to know that, the
 * verdict of a file's first record is held until the next record or the end of the file. Every
 * line goes through {@link Printable}: a value of the record cannot start a line of its own.
 */
final class TextPrinter implements VerdictPrinter {

    private static final String INDENT = " ".repeat("ROLLBACK  ".length());

    private final PrintWriter out;
    private Path pendingFile;
    private Verdict pendingVerdict;
    private boolean severalRecords;

    TextPrinter(PrintWriter out) {
        this.out = out;
    }

    @Override
    public void nextRecord(int index) {
        if (index > 0) {
            severalRecords = true;
            flushPending();
        }
    }

    @Override
    public void verdict(Path file, int index, Verdict verdict) {
        if (index == 0 && !severalRecords) {
            pendingFile = file;
            pendingVerdict = verdict;
        } else {
            print(file + ", record " + (index + 1), verdict);
        }
    }

    @Override
    public void endFile() {
        flushPending();
        severalRecords = false;
    }

    private void flushPending() {
        if (pendingVerdict != null) {
            print(severalRecords ? pendingFile + ", record 1" : pendingFile.toString(), pendingVerdict);
            pendingFile = null;
            pendingVerdict = null;
        }
    }

    private void print(String source, Verdict verdict) {
        String actor = "by " + verdict.header().actor().arn() + "  (" + source + ")";
        String function = verdict.function().map(FunctionRef::qualifiedArn).orElse("");
        if (verdict.decision() == Decision.SKIP) {
            println(line(verdict.decision(), verdict.header().eventName(), function, actor));
            println(INDENT + "skipped: " + verdict.note().orElse(""));
            return;
        }
        List<Finding> active = verdict.activeFindings();
        String rules = active.isEmpty() ? "-"
                : active.stream().map(f -> f.ruleId().name()).distinct().collect(Collectors.joining(","));
        println(line(verdict.decision(), rules, function, actor));
        for (Finding finding : verdict.findings()) {
            println(INDENT + finding.severity() + " " + finding.ruleId() + "  " + finding.message() + tags(finding));
        }
        verdict.note().ifPresent(note -> println(INDENT + "note: " + note));
        for (Action action : verdict.actions()) {
            println(INDENT + "→ " + describe(action));
        }
    }

    private void println(String line) {
        out.println(Printable.escape(line));
    }

    private static String line(Decision decision, String... columns) {
        StringBuilder line = new StringBuilder(String.format("%-8s", decision));
        for (String column : columns) {
            if (!column.isEmpty()) {
                line.append("  ").append(column);
            }
        }
        return line.toString();
    }

    private static String tags(Finding finding) {
        StringBuilder tags = new StringBuilder();
        if (finding.origin() == Origin.PRE_EXISTING) {
            tags.append("  [pre-existing: notify only]");
        }
        finding.exemption().ifPresent(why -> tags.append("  [exempted: ").append(why).append(']'));
        return tags.toString();
    }

    static String describe(Action action) {
        return switch (action) {
            case Action.RemovePermission remove -> action.type() + " "
                    + (remove.statementId().isEmpty() ? "the statement (no Sid)" : "statement '" + remove.statementId() + "'")
                    + remove.function().qualifier().map(q -> " (qualifier " + q + ")").orElse("");
            case Action.Quarantine quarantine -> action.type() + " reserved concurrency 0, tagged with the reason ("
                    + quarantine.reasons().stream().map(RuleId::name).collect(Collectors.joining(", ")) + ")";
            case Action.RestoreVpcConfig restore -> action.type() + " subnets " + String.join(", ", restore.knownGood().subnetIds())
                    + "; security groups " + String.join(", ", restore.knownGood().securityGroupIds());
            case Action.Notify notify -> action.type() + " operators";
            // The command line plans from the event alone (no live state), so it never leaves a function alone.
            case Action.LeaveAlone leave -> action.type();
        };
    }
}
