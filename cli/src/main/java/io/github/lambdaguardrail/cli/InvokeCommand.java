package io.github.lambdaguardrail.cli;

import io.github.lambdaguardrail.engine.PolicyException;
import io.github.lambdaguardrail.guard.GuardFunction;
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
 * {@code guardrail invoke}: runs a guard function's real handler code in this process, configured as
 * the deployed function is, against whatever AWS endpoint its environment names (moto, or an
 * account). The local stand-in for {@code sam local invoke}, which needs Docker.
 *
 * <p>What the handler's public constructor does, with the environment replaced: the function's
 * environment ({@link FunctionEnvironment}: this process's, overlaid with {@code env.json}) goes to
 * {@code GuardFunction.fromEnvironment} with the handler's APIs, which validates the
 * {@code GUARDRAIL_*} variables and builds the SDK clients (AWS settings: {@link SdkSettings});
 * then one call of {@code GuardFunction.handle}, as the handler's {@code handleRequest} makes it,
 * with the event file as payload and a {@link LocalContext}.
 *
 * <p>Standard output: the guard's log lines as Lambda would ship them to CloudWatch Logs (JSON, one
 * object per line, written by the guard itself to standard output, including the Embedded Metric
 * Format line of its metrics), then, as the last line, the handler's result: the invocation's
 * report ({@code {"records":1,...,"rollbacks":1,...}}). {@code | tail -n 1} gives the result alone.
 */
@Command(name = "invoke",
        mixinStandardHelpOptions = true,
        versionProvider = GuardrailCli.Version.class,
        sortOptions = false,
        description = {
            "Runs a guard function's handler in-process on one event, configured like the deployed function:"
                    + " this process's environment overlaid with the function's env.json entry (sam local format:"
                    + " {\"Parameters\": {...}, \"VpcGuardFunction\": {...}, \"PermissionGuardFunction\": {...}}).",
            "AWS region, endpoint and credentials come from that environment (AWS_REGION, AWS_ENDPOINT_URL, ...),"
                    + " so the guard acts on whatever account or emulator they name.",
            "Prints the guard's JSON log lines, then the handler's result (the invocation report) as the last line."},
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:the handler returned", "1:the handler threw (class and message on stderr)",
            "2:bad arguments, env.json or configuration (GUARDRAIL_* variables)"})
final class InvokeCommand implements Callable<Integer> {

    /** Exit status: the handler threw (Lambda would report a function error and retry). */
    static final int HANDLER_FAILED = 1;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "vpc-guard|permission-guard", description = "The guard function to run.")
    String guard;

    @Option(names = "--event", required = true, paramLabel = "FILE",
            description = "The payload: an EventBridge event (see events/), or any CloudTrail form the guards read.")
    Path event;

    @Option(names = "--env-vars", paramLabel = "FILE",
            description = "Environment variables in sam local's env.json format; the entry of the function's"
                    + " logical id (VpcGuardFunction, PermissionGuardFunction) and \"Parameters\" are applied.")
    Path envVars;

    @Override
    public Integer call() {
        GuardTarget target = GuardTarget.byName(guard).orElseThrow(() -> new ParameterException(spec.commandLine(),
                "unknown guard '" + guard + "' (one of " + GuardTarget.names() + ")"));
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Diagnostics diagnostics = new Diagnostics(out, err);
        byte[] payload;
        try {
            payload = Files.readAllBytes(event);
        } catch (IOException e) {
            diagnostics.error(event.toString(), Diagnostics.reason(e));
            return GuardrailCli.UNUSABLE;
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

        try (SdkSettings ignored = SdkSettings.apply(environment.fromEnvFile(), environment.variables())) {
            GuardFunction function;
            try {
                function = GuardFunction.fromEnvironment(environment.variables(), target.apis());
            } catch (PolicyException e) {
                // Names the variable: "GUARDRAIL_MODE: 'x' is not notify or rollback".
                diagnostics.error(target.cliName + ": configuration: " + e.getMessage());
                return GuardrailCli.UNUSABLE;
            } catch (RuntimeException e) {
                // The SDK clients could not be built, e.g. no region: configuration too.
                diagnostics.error(target.cliName + ": cannot start: " + describe(e));
                return GuardrailCli.UNUSABLE;
            }
            String region = environment.variables().getOrDefault("AWS_REGION", "us-east-1");
            ByteArrayOutputStream result = new ByteArrayOutputStream();
            try (InputStream in = new java.io.ByteArrayInputStream(payload)) {
                function.handle(in, result, new LocalContext(target.logicalId, region, System.out));
            } catch (IOException | RuntimeException e) {
                System.out.flush();
                diagnostics.error(target.cliName + ": handler failed: " + describe(e));
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
