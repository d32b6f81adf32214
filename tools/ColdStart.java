import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

/**
 * One cold start of a guard function, the way the Lambda Java runtime makes it, for tools/cold-start:
 * load the handler class and run its public no-arg constructor (the init phase: configuration from
 * the environment, SDK clients), then one {@code handleRequest} (the first event). Run it in a fresh
 * JVM with the function's shaded jar and the deployed function's environment:
 *
 * <pre>java -XX:TieredStopAtLevel=1 -cp functions/vpc-guard/target/vpc-guard.jar:target-tools/coldstart \
 *     ColdStart io.github.lambdaguardrail.guard.vpcguard.VpcGuardHandler event.json</pre>
 *
 * Prints the handler's log lines and result, then one line
 * {@code COLDSTART init_ms=<ms> first_event_ms=<ms> result=<handler result>}.
 * The event file is read before the clock starts. Exit status 1 if the handler throws.
 */
public final class ColdStart {

    private ColdStart() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: ColdStart <handler class> <event.json>");
            System.exit(2);
        }
        byte[] event = Files.readAllBytes(Path.of(args[1]));

        long t0 = System.nanoTime();
        RequestStreamHandler handler = (RequestStreamHandler) Class.forName(args[0]).getDeclaredConstructor().newInstance();
        long t1 = System.nanoTime();
        ByteArrayOutputStream result = new ByteArrayOutputStream();
        try (InputStream in = new java.io.ByteArrayInputStream(event)) {
            handler.handleRequest(in, result, new LocalContext(args[0]));
        } catch (Exception e) {
            System.out.flush();
            System.err.println("ColdStart: the handler threw " + e);
            System.exit(1);
        }
        long t2 = System.nanoTime();

        System.out.flush();
        System.out.printf("COLDSTART init_ms=%.1f first_event_ms=%.1f result=%s%n",
                (t1 - t0) / 1e6, (t2 - t1) / 1e6, result.toString(StandardCharsets.UTF_8));
        System.out.flush();
        // Like the runtime after a response, do not wait for stray non-daemon threads.
        System.exit(0);
    }

    /** The context the runtime would pass: a request id, the function name and a 60 s budget. */
    private static final class LocalContext implements Context {
        private final String requestId = UUID.randomUUID().toString();
        private final String functionName;
        private final long deadline = System.nanoTime() + 60_000_000_000L;

        LocalContext(String handlerClass) {
            this.functionName = handlerClass.substring(handlerClass.lastIndexOf('.') + 1);
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
            return "coldstart";
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
            return "arn:aws:lambda:us-east-1:123456789012:function:" + functionName;
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
            return (int) Math.max(0, (deadline - System.nanoTime()) / 1_000_000);
        }

        @Override
        public int getMemoryLimitInMB() {
            return 1024;
        }

        @Override
        public LambdaLogger getLogger() {
            return new LambdaLogger() {
                @Override
                public void log(String message) {
                    System.out.println(message);
                }

                @Override
                public void log(byte[] message) {
                    log(new String(message, StandardCharsets.UTF_8));
                }
            };
        }
    }
}
