package io.github.lambdaguardrail.cli;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;

/**
 * The Lambda {@link Context} of one local invocation, as {@code sam local invoke} fills it: a fresh
 * request id, the logical id as function name, {@code $LATEST}, and the remaining time counted down
 * from the function's timeout in the template ({@link LocalFunction#timeout}), which a guard's
 * claim lease is computed from. The logger writes lines to standard output, like Lambda's. Used by
 * {@code guardrail invoke} and by the cold-start harness ({@code tools/ColdStart.java}).
 */
public final class LocalContext implements Context {

    /** {@code Globals.Function.Timeout} and {@code MemorySize} in template.yaml. */
    public static final Duration GLOBAL_TIMEOUT = Duration.ofSeconds(60);
    static final int MEMORY_MB = 1024;
    /** The account {@code sam local} and moto use when none is known. */
    static final String LOCAL_ACCOUNT = "123456789012";

    private final String requestId = UUID.randomUUID().toString();
    private final String functionName;
    private final String region;
    private final long deadline;
    private final PrintStream out;

    public LocalContext(String functionName, String region, Duration timeout, PrintStream out) {
        this.functionName = functionName;
        this.region = region;
        this.deadline = System.nanoTime() + timeout.toNanos();
        this.out = out;
    }

    @Override
    public String getAwsRequestId() {
        return requestId;
    }

    @Override
    public String getLogGroupName() {
        return "/aws/lambda/" + functionName;
    }

    @Override
    public String getLogStreamName() {
        return "local/[$LATEST]" + requestId.replace("-", "");
    }

    @Override
    public String getFunctionName() {
        return functionName;
    }

    @Override
    public String getFunctionVersion() {
        return "$LATEST";
    }

    @Override
    public String getInvokedFunctionArn() {
        return "arn:aws:lambda:" + region + ":" + LOCAL_ACCOUNT + ":function:" + functionName;
    }

    @Override
    public CognitoIdentity getIdentity() {
        return null;
    }

    @Override
    public ClientContext getClientContext() {
        return null;
    }

    @Override
    public int getRemainingTimeInMillis() {
        return (int) Math.max(0, Duration.ofNanos(deadline - System.nanoTime()).toMillis());
    }

    @Override
    public int getMemoryLimitInMB() {
        return MEMORY_MB;
    }

    @Override
    public LambdaLogger getLogger() {
        return new LambdaLogger() {
            @Override
            public void log(String message) {
                out.println(message);
            }

            @Override
            public void log(byte[] message) {
                log(new String(message, StandardCharsets.UTF_8));
            }
        };
    }
}
