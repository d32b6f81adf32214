package io.github.lambdaguardrail.cli;

import io.github.lambdaguardrail.engine.GuardrailEngine;
import io.github.lambdaguardrail.engine.Mode;
import io.github.lambdaguardrail.engine.Policy;
import io.github.lambdaguardrail.engine.PolicyException;
import io.github.lambdaguardrail.engine.PolicyLoader;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code guardrail evaluate}: reads CloudTrail records from files and directories (a tree of
 * CloudTrail log files as delivered to S3 included), evaluates each Lambda record with the engine
 * (no AWS account, no function facts) and prints one verdict per Lambda record, then, in text, a
 * summary that is a backtest report of the policy. {@code --since}/{@code --until} replay a window
 * of history; files are read in parallel ({@link Replay}) and printed in input order. Bad input is
 * reported on stderr, one line per problem (capped per file and in all, all counted), and never
 * stops the other records and files from being evaluated. Files are streamed, never loaded whole.
 * Exit status 2 is for input that could not be judged and for arguments, never for a record that
 * was judged.
 */
@Command(name = "evaluate",
        mixinStandardHelpOptions = true,
        versionProvider = GuardrailCli.Version.class,
        sortOptions = false,
        description = {
            "Evaluates CloudTrail records offline and prints one verdict per Lambda record, then (text) a summary:"
                    + " a backtest of the policy over the records, with the findings and rollbacks per rule.",
            "Reads EventBridge events, bare CloudTrail records, JSON arrays of them, CloudTrail log files"
                    + " ({\"Records\": [...]}), gzipped or not, e.g. a copy of a trail's S3 prefix"
                    + " (AWSLogs/<account>/CloudTrail/<region>/<yyyy>/<mm>/<dd>/*.json.gz), and the output of"
                    + " 'aws cloudtrail lookup-events' (the last 90 days of the account's event history), from files"
                    + " or standard input (-). Records of other services are skipped and counted.",
            "Problems are reported on stderr as 'guardrail: FILE: record N: REASON' (records numbered from 1), at most"
                    + " 100 per file and 1000 in all; the summary counts them all. A record judged all the same (a statement"
                    + " the engine could not read: the rules fail closed) is a warning and leaves the exit status to its verdict."},
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:no findings", "1:findings (not exempted)",
            "2:unusable input or arguments, or the run stopped (out of memory): wins over 1"})
final class EvaluateCommand implements Callable<Integer> {

    enum Format { TEXT, JSON }

    @Spec
    CommandSpec spec;

    @Mixin
    PolicyFile policyFile;

    @Option(names = "--mode", paramLabel = "notify|rollback", description = "Overrides the policy's mode.")
    String mode;

    @Option(names = "--format", paramLabel = "text|json", defaultValue = "text",
            description = "text: for people, with a summary; json: JSON Lines, one verdict per line. Default: text.")
    Format format;

    @Option(names = "--since", paramLabel = "DATE|INSTANT",
            description = "Only records with an eventTime at or after this (2026-03-01 = midnight UTC, or"
                    + " 2026-03-01T12:00:00Z). Others are skipped and counted.")
    String since;

    @Option(names = "--until", paramLabel = "DATE|INSTANT",
            description = "Only records with an eventTime before this (exclusive). Day folders (.../yyyy/mm/dd/)"
                    + " that end before --since, or start a day or more after --until (CloudTrail may deliver late),"
                    + " are skipped without being opened.")
    String until;

    @Option(names = "--summary-only",
            description = "text: print only the summary, not one verdict per Lambda record (for long replays).")
    boolean summaryOnly;

    @Option(names = "--threads", paramLabel = "N",
            description = "Files read in parallel. Default: the number of processors (${DEFAULT-VALUE}).")
    int threads = Runtime.getRuntime().availableProcessors();

    @Parameters(paramLabel = "PATH", arity = "1..*",
            description = "Files (read whatever their name), directories (searched recursively for *.json and"
                    + " *.json.gz), or - for standard input.")
    List<Path> paths;

    /** What {@code -} reads: the process's standard input, or a stand-in in tests. */
    InputStream standardInput = System.in;

    /** How directories are listed: the file system's own listing, or a stand-in in tests. */
    InputPaths.Lister lister = InputPaths.DIRECTORY_LISTER;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Diagnostics diagnostics = new Diagnostics(out, err);
        Window window;
        try {
            window = Window.of(since, until);
        } catch (IllegalArgumentException e) {
            diagnostics.error(e.getMessage());
            return GuardrailCli.UNUSABLE;
        }
        if (threads < 1) {
            diagnostics.error("--threads", threads + " is not a number of threads (1 or more)");
            return GuardrailCli.UNUSABLE;
        }
        if (summaryOnly && format != Format.TEXT) {
            diagnostics.error("--summary-only", "only with --format text (JSON Lines has one line per verdict and no summary)");
            return GuardrailCli.UNUSABLE;
        }
        Optional<GuardrailEngine> engine = engine(diagnostics);
        if (engine.isEmpty()) {
            return GuardrailCli.UNUSABLE;
        }
        Function<PrintWriter, VerdictPrinter> printers = summaryOnly ? file -> VerdictPrinter.NONE
                : format == Format.JSON ? JsonPrinter::new : TextPrinter::new;
        Replay.Result result;
        try {
            result = new Replay(engine.get(), window, printers, threads).withStandardInput(standardInput)
                    .run(paths, lister, out, err);
        } catch (Replay.OutputClosed e) {
            return GuardrailCli.UNUSABLE;
        }
        // A summary of nothing read would only repeat the error above it in zeros.
        if (format == Format.TEXT && !(result.errors() > 0 && result.tally().records == 0)) {
            SummaryReport.print(out, result, window, engine.get().policy());
        }
        out.flush();
        if (result.errors() > 0) {
            return GuardrailCli.UNUSABLE;
        }
        return result.tally().activeFindings() > 0 ? GuardrailCli.FINDINGS : GuardrailCli.OK;
    }

    /** The engine for the policy and mode given, or empty after reporting why they are unusable. */
    private Optional<GuardrailEngine> engine(Diagnostics diagnostics) {
        Optional<Mode> override = Optional.empty();
        if (mode != null) {
            try {
                // Case-insensitive, as --format is; the policy file and GUARDRAIL_MODE stay exact.
                override = Optional.of(PolicyLoader.policyMode("--mode", mode.toLowerCase(Locale.ROOT)));
            } catch (PolicyException e) {
                diagnostics.error(e.getMessage());
                return Optional.empty();
            }
        }
        Optional<Policy> policy = policyFile.read(diagnostics);
        if (policy.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new GuardrailEngine(override.map(policy.get()::withMode).orElse(policy.get()), Set.of()));
    }
}
