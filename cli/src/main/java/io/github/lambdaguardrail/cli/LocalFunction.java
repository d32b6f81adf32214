package io.github.lambdaguardrail.cli;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import io.github.lambdaguardrail.guard.GuardFunction;
import io.github.lambdaguardrail.guard.org.OrgEvaluatorFunction;
import io.github.lambdaguardrail.guard.org.OrgEvaluatorHandler;
import io.github.lambdaguardrail.guard.org.OrgRemediatorFunction;
import io.github.lambdaguardrail.guard.org.OrgRemediatorHandler;
import io.github.lambdaguardrail.guard.org.OrgSweepFunction;
import io.github.lambdaguardrail.guard.org.OrgSweepHandler;
import io.github.lambdaguardrail.guard.permissionguard.PermissionGuardHandler;
import io.github.lambdaguardrail.guard.securityhub.SecurityHubExportFunction;
import io.github.lambdaguardrail.guard.securityhub.SecurityHubExportHandler;
import io.github.lambdaguardrail.guard.sweep.SweepFunction;
import io.github.lambdaguardrail.guard.sweep.SweepHandler;
import io.github.lambdaguardrail.guard.vpcguard.VpcGuardHandler;
import java.time.Duration;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The functions of {@code template.yaml} that {@code guardrail invoke} runs, one constant per
 * {@code AWS::Serverless::Function}: its short name, its logical id (the name {@code sam local invoke}
 * takes and the key of its entry in {@code env.json}), the handler class Lambda runs, its timeout,
 * whether it needs an event, and its cold start: what the handler's public no-arg constructor
 * builds, with the function's environment passed in instead of {@code System.getenv()}. The
 * result is called as the handler's {@code handleRequest} calls it. {@code LocalFunctionTest}
 * holds this table to the template, so a function added there without a constant here fails the
 * build. Immutable.
 */
enum LocalFunction {

    VPC_GUARD("vpc-guard", "VpcGuardFunction", VpcGuardHandler.class, LocalContext.GLOBAL_TIMEOUT, true,
            env -> GuardFunction.fromEnvironment(env, VpcGuardHandler.APIS)::handle),
    PERMISSION_GUARD("permission-guard", "PermissionGuardFunction", PermissionGuardHandler.class,
            LocalContext.GLOBAL_TIMEOUT, true,
            env -> GuardFunction.fromEnvironment(env, PermissionGuardHandler.APIS)::handle),
    /** Its payload is a scheduled event, which it ignores. */
    SWEEP("sweep", "SweepFunction", SweepHandler.class, Duration.ofSeconds(900), false, env -> {
        SweepFunction sweep = SweepFunction.fromEnvironment(env);
        return (input, output, context) -> sweep.handle(output, context);
    }),
    /** With SecurityHub=true: Lambda's SNS event of an alert; it reads no GUARDRAIL_* variable. */
    SECURITYHUB_EXPORT("securityhub-export", "SecurityHubExportFunction", SecurityHubExportHandler.class,
            LocalContext.GLOBAL_TIMEOUT, true, env -> SecurityHubExportFunction.fromEnvironment(env)::handle),
    /** Organisation mode: an EventBridge event from the central bus. */
    ORG_EVALUATOR("org-evaluator", "OrgEvaluatorFunction", OrgEvaluatorHandler.class, LocalContext.GLOBAL_TIMEOUT, true,
            env -> OrgEvaluatorFunction.fromEnvironment(env)::handle),
    /** Organisation mode: Lambda's SQS event of remediation-queue messages; prints the messages to deliver again. */
    ORG_REMEDIATOR("org-remediator", "OrgRemediatorFunction", OrgRemediatorHandler.class, LocalContext.GLOBAL_TIMEOUT, true,
            env -> OrgRemediatorFunction.fromEnvironment(env)::handle),
    /** Organisation mode: its payload is a scheduled event, which it ignores. */
    ORG_SWEEP("org-sweep", "OrgSweepFunction", OrgSweepHandler.class, Duration.ofSeconds(900), false, env -> {
        OrgSweepFunction sweep = OrgSweepFunction.fromEnvironment(env);
        return (input, output, context) -> sweep.handle(output, context);
    });

    /** The method Lambda calls on every handler class (the part after {@code ::} in the template). */
    static final String HANDLER_METHOD = "handleRequest";

    final String shortName;
    final String logicalId;
    final Class<? extends RequestStreamHandler> handler;
    final Duration timeout;
    final boolean needsEvent;
    private final Function<Map<String, String>, RequestStreamHandler> coldStart;

    LocalFunction(String shortName, String logicalId, Class<? extends RequestStreamHandler> handler, Duration timeout,
                  boolean needsEvent, Function<Map<String, String>, RequestStreamHandler> coldStart) {
        this.shortName = shortName;
        this.logicalId = logicalId;
        this.handler = handler;
        this.timeout = timeout;
        this.needsEvent = needsEvent;
        this.coldStart = coldStart;
    }

    /**
     * Reads and validates the function's configuration from {@code env} and builds its clients, as
     * the handler's constructor does; throws what that throws ({@code PolicyException} naming the
     * variable, or the SDK's exception when a client cannot be built).
     */
    RequestStreamHandler coldStart(Map<String, String> env) {
        return coldStart.apply(env);
    }

    /** The template's {@code Handler} property: {@code class::method}. */
    String handlerName() {
        return handler.getName() + "::" + HANDLER_METHOD;
    }

    /** By logical id or short name, case-sensitive (as {@code sam local invoke} takes logical ids). */
    static Optional<LocalFunction> byName(String name) {
        return Arrays.stream(values()).filter(f -> f.logicalId.equals(name) || f.shortName.equals(name)).findFirst();
    }

    /** Every name {@link #byName} accepts: each function's logical id, then its short name. */
    static List<String> names() {
        return Arrays.stream(values()).flatMap(f -> List.of(f.logicalId, f.shortName).stream()).toList();
    }

    /** {@link #names()} for picocli: the help's {@code ${COMPLETION-CANDIDATES}} and shell completion. */
    static final class Names implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return names().iterator();
        }
    }
}
