package io.github.lambdaguardrail.cli;

import io.github.lambdaguardrail.engine.CloudTrailReader;
import io.github.lambdaguardrail.engine.FunctionFacts;
import io.github.lambdaguardrail.engine.GuardrailEngine;
import io.github.lambdaguardrail.engine.LambdaChange;
import io.github.lambdaguardrail.engine.Mode;
import io.github.lambdaguardrail.engine.ParsedRecord;
import io.github.lambdaguardrail.engine.Policy;
import io.github.lambdaguardrail.engine.PolicyException;
import io.github.lambdaguardrail.engine.PolicyLoader;
import io.github.lambdaguardrail.engine.PolicyStatement;
import io.github.lambdaguardrail.engine.UnreadableInputException;
import io.github.lambdaguardrail.engine.Verdict;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code guardrail evaluate}: reads CloudTrail records from files and directories, evaluates each
 * Lambda record with the engine (no AWS account, no function facts) and prints one verdict per
 * Lambda record. Bad input is reported on stderr, one line per problem, and never stops the
 * other files from being evaluated. Files are streamed, never loaded whole.
 */
@Command(name = "evaluate",
        mixinStandardHelpOptions = true,
        versionProvider = GuardrailCli.Version.class,
        sortOptions = false,
        description = {
            "Evaluates CloudTrail records offline and prints one verdict per Lambda record.",
            "Reads EventBridge events, bare CloudTrail records, JSON arrays of them and CloudTrail log files"
                    + " ({\"Records\": [...]}), gzipped or not. Records of other services are skipped and counted.",
            "Problems are reported on stderr as 'guardrail: FILE: record N: REASON' (records numbered from 1)."},
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:no findings", "1:findings (not exempted)", "2:unusable input or arguments (wins over 1)"})
final class EvaluateCommand implements Callable<Integer> {

    enum Format { TEXT, JSON }

    @Spec
    CommandSpec spec;

    @Option(names = "--policy", paramLabel = "FILE",
            description = "Policy JSON document; keys left out take their defaults. Default: the built-in policy.")
    Path policyFile;

    @Option(names = "--mode", paramLabel = "notify|rollback", description = "Overrides the policy's mode.")
    String mode;

    @Option(names = "--format", paramLabel = "text|json", defaultValue = "text",
            description = "text: for people, with a summary; json: JSON Lines, one verdict per line. Default: text.")
    Format format;

    @Parameters(paramLabel = "PATH", arity = "1..*",
            description = "Files (read whatever their name) or directories (searched recursively for *.json and *.json.gz).")
    List<Path> paths;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        Diagnostics diagnostics = new Diagnostics(out, spec.commandLine().getErr());
        Optional<GuardrailEngine> engine = engine(diagnostics);
        if (engine.isEmpty()) {
            return GuardrailCli.UNUSABLE;
        }
        Tally tally = new Tally();
        VerdictPrinter printer = format == Format.JSON ? new JsonPrinter(out) : new TextPrinter(out);
        Evaluation evaluation = new Evaluation(engine.get(), printer, diagnostics, tally, out);
        try {
            for (Path path : paths) {
                for (Path file : InputPaths.expand(path, diagnostics)) {
                    evaluation.file(file);
                }
            }
        } catch (OutputClosed e) {
            return GuardrailCli.UNUSABLE;
        }
        printer.summary(tally, diagnostics.count());
        out.flush();
        if (diagnostics.count() > 0) {
            return GuardrailCli.UNUSABLE;
        }
        return tally.activeFindings() > 0 ? GuardrailCli.FINDINGS : GuardrailCli.OK;
    }

    /** The engine for the policy and mode given, or empty after reporting why they are unusable. */
    private Optional<GuardrailEngine> engine(Diagnostics diagnostics) {
        Optional<Mode> override = Optional.empty();
        if (mode != null) {
            try {
                override = Optional.of(PolicyLoader.policyMode("--mode", mode));
            } catch (PolicyException e) {
                diagnostics.error(e.getMessage());
                return Optional.empty();
            }
        }
        Policy policy = Policy.defaults();
        if (policyFile != null) {
            try {
                policy = readPolicy(policyFile);
            } catch (PolicyException e) {
                diagnostics.error(policyFile.toString(), e.getMessage());
                return Optional.empty();
            } catch (IOException e) {
                diagnostics.error(policyFile.toString(), Diagnostics.reason(e));
                return Optional.empty();
            }
        }
        return Optional.of(new GuardrailEngine(override.map(policy::withMode).orElse(policy), Set.of()));
    }

    private static Policy readPolicy(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return PolicyLoader.fromJson(in);
        }
    }

    /** Reads files one after another, feeding every record to the engine and the printer. */
    private static final class Evaluation {

        private static final int OUTPUT_CHECK_INTERVAL = 4096;

        private final GuardrailEngine engine;
        private final VerdictPrinter printer;
        private final Diagnostics diagnostics;
        private final Tally tally;
        private final PrintWriter out;

        Evaluation(GuardrailEngine engine, VerdictPrinter printer, Diagnostics diagnostics, Tally tally, PrintWriter out) {
            this.engine = engine;
            this.printer = printer;
            this.diagnostics = diagnostics;
            this.tally = tally;
            this.out = out;
        }

        void file(Path file) {
            tally.files++;
            try (InputStream in = Files.newInputStream(file)) {
                CloudTrailReader.read(in, record -> record(file, record));
            } catch (UnreadableInputException e) {
                if (e.recordIndex() == 0) {
                    diagnostics.error(file.toString(), e.getMessage());
                } else {
                    diagnostics.error(file, e.recordIndex(), e.getMessage());
                }
            } catch (IOException e) {
                diagnostics.error(file.toString(), Diagnostics.reason(e));
            } finally {
                printer.endFile();
            }
            if (out.checkError()) {
                throw new OutputClosed();
            }
        }

        private void record(Path file, ParsedRecord record) {
            tally.records++;
            if (tally.records % OUTPUT_CHECK_INTERVAL == 0 && out.checkError()) {
                throw new OutputClosed();
            }
            printer.nextRecord(record.index());
            if (record instanceof ParsedRecord.OtherService) {
                tally.otherServices++;
                return;
            }
            if (record instanceof ParsedRecord.Invalid invalid) {
                tally.invalidRecords++;
                diagnostics.error(file, invalid.index(), invalid.reason());
                return;
            }
            tally.lambdaRecords++;
            Verdict verdict;
            try {
                verdict = engine.evaluate(record, FunctionFacts.NONE).orElseThrow();
            } catch (RuntimeException e) {
                diagnostics.error(file, record.index(), "internal error: " + e);
                return;
            }
            if (record instanceof ParsedRecord.Watched watched) {
                unusableStatements(watched.event().change())
                        .forEach(problem -> diagnostics.error(file, record.index(), problem));
            }
            tally.add(record, verdict);
            printer.verdict(file, record.index(), verdict);
        }

        /**
         * Statements the engine could not parse: the rules fail closed on them, and the input is
         * reported as unusable too.
         */
        private static List<String> unusableStatements(LambdaChange change) {
            if (change instanceof LambdaChange.PermissionGranted granted
                    && granted.statement() instanceof PolicyStatement.Unparseable bad) {
                return List.of(statementName(bad.sid()) + ": " + bad.reason());
            }
            if (change instanceof LambdaChange.ResourcePolicyReplaced replaced) {
                List<PolicyStatement> statements = replaced.statements();
                return IntStream.range(0, statements.size())
                        .filter(i -> statements.get(i) instanceof PolicyStatement.Unparseable)
                        .mapToObj(i -> {
                            PolicyStatement.Unparseable bad = (PolicyStatement.Unparseable) statements.get(i);
                            return "policy statement " + (i + 1) + (bad.sid().isEmpty() ? "" : " ('" + bad.sid() + "')")
                                    + ": " + bad.reason();
                        })
                        .toList();
            }
            return List.of();
        }

        private static String statementName(String sid) {
            return sid.isEmpty() ? "statement (no Sid)" : "statement '" + sid + "'";
        }
    }

    /** stdout was closed (e.g. {@code | head}): stop reading. */
    private static final class OutputClosed extends RuntimeException {
        OutputClosed() {
            super(null, null, false, false);
        }
    }
}
