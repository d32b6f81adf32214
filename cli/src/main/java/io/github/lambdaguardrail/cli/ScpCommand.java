package io.github.lambdaguardrail.cli;

import io.github.lambdaguardrail.engine.Policy;
import io.github.lambdaguardrail.engine.PolicyException;
import io.github.lambdaguardrail.engine.prevent.ScpGenerator;
import io.github.lambdaguardrail.engine.prevent.ScpReport;
import io.github.lambdaguardrail.engine.prevent.ScpReportJson;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code guardrail scp}: the policy as a Service Control Policy that denies beforehand what the
 * policy forbids and an SCP can express. Text: the minified SCP on stdout, the report (what is
 * enforced and how exactly, what stays detective-only and why, warnings) on stderr. JSON: one object
 * with both. An SCP over the size limit is not printed: exit status 2.
 */
@Command(name = "scp",
        mixinStandardHelpOptions = true,
        versionProvider = GuardrailCli.Version.class,
        sortOptions = false,
        description = {
            "Prints the policy as a Service Control Policy (minified JSON) that denies what the policy forbids and an"
                    + " SCP can express: functions outside a VPC or outside the allowed VPCs, subnets and security groups,"
                    + " permissions to * or to untrusted accounts, public function URLs, and changes to guardrail:* tags.",
            "Text: the SCP on stdout, the report on stderr: what each statement enforces and whether it denies exactly,"
                    + " more or less than the detective rule, what stays detective-only and why, and warnings."},
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:the SCP was written", "2:unusable policy or arguments, or the SCP is over "
                + ScpReport.CHARACTER_LIMIT + " characters"})
final class ScpCommand implements Callable<Integer> {

    enum Format { TEXT, JSON }

    @Spec
    CommandSpec spec;

    @Mixin
    PolicyFile policyFile;

    @Option(names = "--exempt-role", paramLabel = "ARN",
            description = "A principal the SCP never denies (repeatable), beside the policy's exemptions.actorArnPatterns:"
                    + " the guard functions' role, a break-glass role. A role session ARN is turned into its role's ARN.")
    List<String> exemptRoles = new ArrayList<>();

    @Option(names = "--format", paramLabel = "text|json", defaultValue = "text",
            description = "text: the SCP on stdout, the report on stderr; json: one object with scp, expressible,"
                    + " detectiveOnly, warnings and characters. Default: text.")
    Format format;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Diagnostics diagnostics = new Diagnostics(out, err);
        Optional<Policy> policy = policyFile.read(diagnostics);
        if (policy.isEmpty()) {
            return GuardrailCli.UNUSABLE;
        }
        ScpReport report;
        try {
            report = ScpGenerator.generate(policy.get(), exemptRoles);
        } catch (PolicyException e) {
            diagnostics.error(e.getMessage());
            return GuardrailCli.UNUSABLE;
        }
        if (!report.fitsLimit()) {
            diagnostics.error("the SCP has " + report.characters() + " characters, over the limit of " + ScpReport.CHARACTER_LIMIT
                    + " (the allow-lists and exemptions make it long): shorten them, or split the policy");
            return GuardrailCli.UNUSABLE;
        }
        if (format == Format.JSON) {
            out.println(ScpReportJson.toJson(report));
        } else {
            out.println(report.scp());
            out.flush();
            printReport(err, report);
        }
        out.flush();
        return GuardrailCli.OK;
    }

    private static void printReport(PrintWriter err, ScpReport report) {
        err.println("SCP: " + report.characters() + " of " + ScpReport.CHARACTER_LIMIT + " characters");
        err.println("Enforced by the SCP (denies exactly / more / less than the detective rule):");
        for (ScpReport.Expressed e : report.expressible()) {
            err.println("  " + e.sid() + "  " + e.field() + " (" + e.rule() + "): denies " + e.coverage().label() + ": " + e.why());
        }
        err.println("Detective-only (no SCP can express it):");
        for (ScpReport.DetectiveOnly d : report.detectiveOnly()) {
            err.println("  " + d.field() + " " + d.rules() + ": " + d.reason());
        }
        err.println("Warnings:");
        report.warnings().forEach(w -> err.println("  " + w));
        err.flush();
    }
}
