package io.github.lambdaguardrail.cli;

import java.io.BufferedWriter;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * {@code ./guardrail}: the top command. It only dispatches to its subcommands ({@code evaluate}, {@code check},
 * {@code scan}, {@code invoke}, {@code scp}); run without one it prints its usage and exits 2.
 *
 * <p>Exit status: 2 for unusable input or arguments in every subcommand; otherwise
 * {@code evaluate}, {@code check}: 0 no findings, 1 findings; {@code invoke}: 0 the handler returned, 1 it threw.
 * A {@link CommandLine} from {@link #commandLine()} runs one invocation at a time: not thread-safe.
 */
@Command(name = "guardrail",
        mixinStandardHelpOptions = true,
        versionProvider = GuardrailCli.Version.class,
        description = {"Guardrail for AWS Lambda: evaluates CloudTrail records against the guardrail policy (evaluate),"
                + " checks templates before deploy (check), sweeps the existing functions of an account (scan), runs the"
                + " template's functions locally (invoke) and turns the policy into a Service Control Policy (scp)."},
        subcommands = {EvaluateCommand.class, CheckCommand.class, ScanCommand.class, InvokeCommand.class, ScpCommand.class},
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:evaluate, check, scan: no findings; invoke: the handler returned; scp: the SCP was written",
            "1:evaluate, check, scan: findings (not exempted); invoke: the handler threw",
            "2:unusable input, arguments or configuration"})
public final class GuardrailCli implements Callable<Integer> {

    /** Exit status: no findings. */
    static final int OK = 0;
    /** Exit status: at least one finding that is not exempted. */
    static final int FINDINGS = 1;
    /** Exit status: unusable input or arguments (wins over {@link #FINDINGS}). */
    static final int UNUSABLE = 2;

    @Spec
    CommandSpec spec;

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(new BufferedWriter(
                new OutputStreamWriter(new FileOutputStream(FileDescriptor.out), StandardCharsets.UTF_8), 1 << 16));
        PrintWriter err = new PrintWriter(
                new OutputStreamWriter(new FileOutputStream(FileDescriptor.err), StandardCharsets.UTF_8), true);
        int status;
        try {
            status = commandLine().setOut(out).setErr(err).execute(args);
            out.flush();
        } catch (Throwable e) {
            // Whatever escapes (out of memory while printing the last lines) is never status 1, "findings".
            status = fatal(err, e);
        }
        err.flush();
        System.exit(status);
    }

    /**
     * The command line as {@link #main} runs it; tests call {@code setOut}/{@code setErr} and
     * {@code execute} on it.
     */
    public static CommandLine commandLine() {
        CommandLine cmd = new CommandLine(new GuardrailCli());
        cmd.setCaseInsensitiveEnumValuesAllowed(true);
        cmd.setParameterExceptionHandler(GuardrailCli::badArguments);
        cmd.setExecutionStrategy(GuardrailCli::execute);
        cmd.setExecutionExceptionHandler((ex, failed, parsed) -> {
            PrintWriter err = failed.getErr();
            err.println("guardrail: internal error: " + ex);
            ex.printStackTrace(err);
            err.flush();
            return UNUSABLE;
        });
        return cmd;
    }

    /** No subcommand given. */
    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "missing command (one of " + spec.subcommands().keySet() + ")");
    }

    /**
     * Runs the command. An {@link Error} (out of memory, a stack overflow) would escape picocli and
     * end the JVM with status 1, which means "findings": it is status 2 with a message instead.
     */
    private static int execute(ParseResult parsed) {
        try {
            return new CommandLine.RunLast().execute(parsed);
        } catch (Error e) {
            return fatal(parsed.commandSpec().commandLine().getErr(), e);
        }
    }

    /** Reports what stopped the run, in one line, and returns status 2. */
    static int fatal(PrintWriter err, Throwable e) {
        try {
            err.println("guardrail: " + fatalMessage(e));
            err.flush();
        } catch (Throwable ignored) {
            // nothing more can be said: the status still says it
        }
        return UNUSABLE;
    }

    static String fatalMessage(Throwable e) {
        if (e instanceof OutOfMemoryError) {
            return "out of memory (" + e.getMessage() + "): the run stopped and its results are incomplete."
                    + " Give Java more memory (e.g. JAVA_TOOL_OPTIONS=-Xmx4g) or read fewer files at a time (--threads 1)";
        }
        if (e instanceof StackOverflowError) {
            return "internal error: stack overflow: the run stopped and its results are incomplete (a bug: please report it)";
        }
        return "internal error: " + e + ": the run stopped and its results are incomplete (a bug: please report it)";
    }

    private static int badArguments(ParameterException ex, String[] args) {
        CommandLine failed = ex.getCommandLine();
        PrintWriter err = failed.getErr();
        err.println("guardrail: " + ex.getMessage());
        UnmatchedArgumentException.printSuggestions(ex, err);
        err.println("Try '" + failed.getCommandSpec().qualifiedName() + " --help' for more information.");
        err.flush();
        return UNUSABLE;
    }

    /** The project version, filtered into {@code version.properties} at build time. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() throws IOException {
            Properties properties = new Properties();
            try (InputStream in = GuardrailCli.class.getResourceAsStream("version.properties")) {
                if (in != null) {
                    properties.load(in);
                }
            }
            return new String[] {"guardrail " + properties.getProperty("version", "(unknown version)")};
        }
    }
}
