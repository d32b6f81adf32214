import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import io.github.lambdaguardrail.cli.LocalContext;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.crac.Resource;

/**
 * One cold start of a guard function, the way the Lambda Java runtime makes it, for tools/cold-start:
 * load the handler class and run its public no-arg constructor (the init phase: configuration from
 * the environment; SDK clients are built when an event needs them), then one {@code handleRequest}
 * (the first event) with the command line's {@link LocalContext} (the template's timeout counting
 * down, as the guard's claim lease needs), then each further event in the same process (warm).
 * Run it in a fresh JVM with the function's shaded jar first on the class path, this tool's classes
 * (and the {@link ColdStartCalls} interceptor's resource) after it, then the command line's classes
 * (only {@code LocalContext} is loaded from there), and the deployed function's environment:
 *
 * <pre>java -XX:TieredStopAtLevel=1 -XX:MaxRAM=1g -cp functions/vpc-guard/target/vpc-guard.jar:target-tools/coldstart:cli/target/classes \
 *     ColdStart io.github.lambdaguardrail.guard.vpcguard.VpcGuardHandler first.json [warm.json...]</pre>
 *
 * With {@code COLDSTART_PRIMED=true} the handler's SnapStart hooks (the org.crac Resource it holds)
 * run before the first event, as around a snapshot: the first event is then what a
 * restored environment's would be, without the restore itself ({@code prime_ms}: the hooks).
 * Prints the handler's log lines and results, then one line
 * {@code COLDSTART prime_ms=<ms> init_ms=<ms> first_event_ms=<ms> first_calls=<n> first_operations=<Op,Op> classes_loaded=<n>
 * peak_rss_mb=<MB> warm_events=<n> warm_ms_median=<ms|-> warm_calls_median=<n|-> result=<first result>}:
 * classes loaded and the peak resident memory ({@code VmHWM}) are read after the first event.
 * The event files are read before the clock starts. Exit status 1 if the handler throws.
 */
public final class ColdStart {

    private ColdStart() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: ColdStart <handler class> <first event.json> [warm event.json...]");
            System.exit(2);
        }
        List<byte[]> events = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            events.add(Files.readAllBytes(Path.of(args[i])));
        }
        String function = args[0].substring(args[0].lastIndexOf('.') + 1);
        String region = System.getenv().getOrDefault("AWS_REGION", "us-east-1");

        long t0 = System.nanoTime();
        RequestStreamHandler handler = (RequestStreamHandler) Class.forName(args[0]).getDeclaredConstructor().newInstance();
        long primeMs = 0;
        if ("true".equals(System.getenv("COLDSTART_PRIMED"))) {
            // What SnapStart does around its snapshot, minus the snapshot: the handler's hooks run
            // (org.crac's global context refuses direct calls outside a CRaC JVM, so they are found
            // on the handler: the field holding its org.crac Resource).
            long p0 = System.nanoTime();
            Resource hooks = hooks(handler);
            hooks.beforeCheckpoint(null);
            hooks.afterRestore(null);
            ColdStartCalls.take();
            primeMs = (System.nanoTime() - p0) / 1_000_000;
        }
        long t1 = System.nanoTime();
        String first = invoke(handler, events.get(0), function, region);
        long t2 = System.nanoTime();
        List<String> firstCalls = ColdStartCalls.take();
        long classes = ManagementFactory.getClassLoadingMXBean().getTotalLoadedClassCount();
        long peakRssKb = peakRssKb();

        List<Double> warmMs = new ArrayList<>();
        List<Integer> warmCalls = new ArrayList<>();
        for (byte[] event : events.subList(1, events.size())) {
            long w0 = System.nanoTime();
            invoke(handler, event, function, region);
            warmMs.add((System.nanoTime() - w0) / 1e6);
            warmCalls.add(ColdStartCalls.take().size());
        }

        System.out.flush();
        System.out.printf("COLDSTART prime_ms=%d init_ms=%.1f first_event_ms=%.1f first_calls=%d first_operations=%s classes_loaded=%d"
                        + " peak_rss_mb=%.1f warm_events=%d warm_ms_median=%s warm_calls_median=%s result=%s%n",
                primeMs, (t1 - t0) / 1e6 - primeMs, (t2 - t1) / 1e6, firstCalls.size(), String.join(",", firstCalls), classes,
                peakRssKb / 1024.0, warmMs.size(), warmMs.isEmpty() ? "-" : String.format("%.1f", median(warmMs)),
                warmCalls.isEmpty() ? "-" : String.format("%.1f", median(warmCalls.stream().map(Integer::doubleValue).toList())),
                first);
        System.out.flush();
        // Like the runtime after a response, do not wait for stray non-daemon threads.
        System.exit(0);
    }

    private static Resource hooks(Object handler) throws IllegalAccessException {
        for (java.lang.reflect.Field field : handler.getClass().getDeclaredFields()) {
            if (Resource.class.isAssignableFrom(field.getType())) {
                field.setAccessible(true);
                return (Resource) field.get(handler);
            }
        }
        throw new IllegalStateException(handler.getClass().getName() + " holds no org.crac Resource: no SnapStart hooks");
    }

    private static String invoke(RequestStreamHandler handler, byte[] event, String function, String region) {
        ByteArrayOutputStream result = new ByteArrayOutputStream();
        try (InputStream in = new ByteArrayInputStream(event)) {
            handler.handleRequest(in, result, new LocalContext(function, region, LocalContext.GLOBAL_TIMEOUT, System.out));
        } catch (Exception e) {
            System.out.flush();
            System.err.println("ColdStart: the handler threw " + e);
            // A wrapped cause (a worker's NoClassDefFoundError, say) is what the harnesses look for.
            for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
                System.err.println("ColdStart:   caused by " + cause);
            }
            System.exit(1);
        }
        return result.toString(StandardCharsets.UTF_8);
    }

    /** The process's peak resident set ({@code VmHWM} of /proc/self/status), in KiB; 0 where there is none. */
    private static long peakRssKb() throws IOException {
        Path status = Path.of("/proc/self/status");
        if (!Files.exists(status)) {
            return 0;
        }
        return Files.readAllLines(status).stream().filter(l -> l.startsWith("VmHWM:"))
                .mapToLong(l -> Long.parseLong(l.replaceAll("[^0-9]", ""))).findFirst().orElse(0);
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}
