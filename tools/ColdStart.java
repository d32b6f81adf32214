import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import io.github.lambdaguardrail.cli.LocalContext;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One cold start of a guard function, the way the Lambda Java runtime makes it, for tools/cold-start:
 * load the handler class and run its public no-arg constructor (the init phase: configuration from
 * the environment, SDK clients), then one {@code handleRequest} (the first event) with the command
 * line's {@link LocalContext} (the template's timeout counting down, as the guard's claim lease
 * needs). Run it in a fresh JVM with the function's shaded jar first on the class path, the
 * command line's classes after it (only {@code LocalContext} is loaded from there), and the
 * deployed function's environment:
 *
 * <pre>java -XX:TieredStopAtLevel=1 -cp functions/vpc-guard/target/vpc-guard.jar:target-tools/coldstart:cli/target/classes \
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
            String function = args[0].substring(args[0].lastIndexOf('.') + 1);
            handler.handleRequest(in, result, new LocalContext(function, System.getenv().getOrDefault("AWS_REGION", "us-east-1"),
                    LocalContext.GLOBAL_TIMEOUT, System.out));
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
}
