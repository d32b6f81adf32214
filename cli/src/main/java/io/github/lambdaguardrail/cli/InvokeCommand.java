package io.github.lambdaguardrail.cli;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import io.github.lambdaguardrail.engine.PolicyException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code guardrail invoke}: runs a function of {@code template.yaml} (a guard or the sweep; named by
 * its logical id, as {@code sam local invoke} names it, or its short name: {@link LocalFunction})
 * with its real handler code in this process, configured as the deployed function is, against
 * whatever AWS endpoint its environment names (moto, or an account). The local stand-in for
 * {@code sam local invoke}, which needs Docker.
 *
 * <p>What the handler's public constructor does, with the environment replaced: the function's
 * environment ({@link FunctionEnvironment}: this process's, overlaid with {@code env.json}) goes to
 * the function's cold start ({@code GuardFunction.fromEnvironment} with the guard's APIs, or
 * {@code SweepFunction.fromEnvironment}), which validates the {@code GUARDRAIL_*} variables and
 * builds the SDK clients (AWS settings: {@link SdkSettings}); then one call, as the handler's
 * {@code handleRequest} makes it, with the event file as payload ({@code {}} when a function that
 * needs none is given none) and a {@link LocalContext} counting down the function's timeout.
 *
 * <p>Standard output: the function's log lines as Lambda would ship them to CloudWatch Logs (JSON,
 * one object per line, written by the function itself to standard output, including the Embedded
 * Metric Format line of its metrics), then, as the last line, the handler's result: a guard's
 * invocation report ({@code {"records":1,...,"rollbacks":1,...}}) or the sweep's summary
 * ({@code {"decision":"SWEEP",...}}). {@code | tail -n 1} gives the result alone.
 */
@Command(name = "invoke",
        mixinStandardHelpOptions = true,
        versionProvider = GuardrailCli.Version.class,
        sortOptions = false,
        sortSynopsis = false,
        description = {
            "Runs a function of template.yaml (a guard, or the sweep) in-process, configured like the deployed"
                    + " function: this process's environment overlaid with the function's env.json entry (sam local"
                    + " format: {\"Parameters\": {...}, \"VpcGuardFunction\": {...}, \"SweepFunction\": {...}}).",
            "AWS region, endpoint and credentials come from that environment (AWS_REGION, AWS_ENDPOINT_URL, ...),"
                    + " so the function acts on whatever account or emulator they name.",
            "Prints the function's JSON log lines, then the handler's result as the last line: a guard's"
                    + " invocation report, or the sweep's summary."},
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:the handler returned", "1:the handler threw (class and message on stderr)",
            "2:bad arguments, env.json or configuration (GUARDRAIL_* variables)"})
final class InvokeCommand implements Callable<Integer> {

    /** Exit status: the handler threw (Lambda would report a function error and retry). */
    static final int HANDLER_FAILED = 1;

    /** The payload of a function that needs no event and is given none, as {@code sam local invoke} sends. */
    static final String EMPTY_EVENT = "{}";

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FUNCTION", completionCandidates = LocalFunction.Names.class,
            description = "The function to run: its logical id in template.yaml, or its short name."
                    + " One of: ${COMPLETION-CANDIDATES}.")
    String name;

    @Option(names = "--event", paramLabel = "FILE",
            description = "The payload. Required for the guards: an EventBridge event (see events/), or any CloudTrail"
                    + " form they read. The sweep ignores its payload (a scheduled event); default: {}.")
    Path event;

    @Option(names = "--env-vars", paramLabel = "FILE",
            description = "Environment variables in sam local's env.json format; the entry of the function's"
                    + " logical id and \"Parameters\" are applied.")
    Path envVars;

    @Override
    public Integer call() {
        LocalFunction target = LocalFunction.byName(name).orElseThrow(() -> new ParameterException(spec.commandLine(),
                "unknown function '" + name + "' (one of " + String.join(", ", LocalFunction.names()) + ")"));
        if (event == null && target.needsEvent) {
            throw new ParameterException(spec.commandLine(), "Missing required option for " + target.shortName
                    + ": '--event=FILE' (the event the guard handles, e.g. one of events/)");
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Diagnostics diagnostics = new Diagnostics(out, err);
        byte[] payload = EMPTY_EVENT.getBytes(StandardCharsets.UTF_8);
        if (event != null) {
            try {
                payload = Files.readAllBytes(event);
            } catch (IOException e) {
                diagnostics.error(event.toString(), Diagnostics.reason(e));
                return GuardrailCli.UNUSABLE;
            }
        }
        FunctionEnvironment environment;
        try {
            environment = envVars == null ? FunctionEnvironment.of(System.getenv())
                    : FunctionEnvironment.of(System.getenv(), envVars, target.logicalId);
        } catch (FunctionEnvironment.EnvFileException e) {
            diagnostics.error(e.getMessage());
            return GuardrailCli.UNUSABLE;
        }
        if (envVars != null && environment.entriesFound().isEmpty()) {
            err.println("guardrail: warning: " + envVars + " has no \"" + target.logicalId + "\" or \""
                    + FunctionEnvironment.PARAMETERS + "\" entry; using this process's environment only");
            err.flush();
        }

        try (SdkSettings ignored = SdkSettings.apply(environment.fromEnvFile())) {
            RequestStreamHandler function;
            try {
                function = target.coldStart(environment.variables());
            } catch (PolicyException e) {
                // Names the variable: "GUARDRAIL_MODE: 'x' is not notify or rollback".
                diagnostics.error(target.shortName + ": configuration: " + e.getMessage());
                return GuardrailCli.UNUSABLE;
            } catch (RuntimeException e) {
                // The SDK clients could not be built, e.g. no region: configuration too.
                diagnostics.error(target.shortName + ": cannot start: " + describe(e));
                return GuardrailCli.UNUSABLE;
            }
            String region = environment.variables().getOrDefault("AWS_REGION", "us-east-1");
            ByteArrayOutputStream result = new ByteArrayOutputStream();
            try (InputStream in = new ByteArrayInputStream(payload)) {
                function.handleRequest(in, result, new LocalContext(target.logicalId, region, target.timeout, System.out));
            } catch (IOException | RuntimeException e) {
                System.out.flush();
                diagnostics.error(target.shortName + ": handler failed: " + describe(e));
                return HANDLER_FAILED;
            } finally {
                System.out.flush();
            }
            out.println(result.toString(StandardCharsets.UTF_8));
            out.flush();
            return GuardrailCli.OK;
        }
    }

    /** {@code ClassName: message}, as Lambda reports a function error's type and message. */
    private static String describe(Throwable e) {
        return e.getClass().getName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }
}
