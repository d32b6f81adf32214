import io.github.lambdaguardrail.cli.GuardrailCli;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The in-process side of tools/replay-bench: runs {@code guardrail evaluate --summary-only} over
 * one directory ITERATIONS times in this JVM, the way {@code ./guardrail} runs it once, and prints
 * per iteration the wall time and the MB/s of gzipped input, so that the JIT's warm-up and the
 * steady state can be told apart. Run it with the CLI jar on the class path:
 *
 * <pre>java -cp cli/target/guardrail-cli.jar:target-tools/replay-bench/classes ReplayBench DIR ITERATIONS [evaluate options...]</pre>
 *
 * Prints {@code REPLAY iteration=<n> seconds=<s> mb_per_s_gz=<x> status=<exit status>} lines.
 */
public final class ReplayBench {

    private ReplayBench() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: ReplayBench DIR ITERATIONS [evaluate options...]");
            System.exit(2);
        }
        Path dir = Path.of(args[0]);
        int iterations = Integer.parseInt(args[1]);
        long gzBytes;
        try (Stream<Path> files = Files.walk(dir)) {
            gzBytes = files.filter(f -> f.toString().endsWith(".json.gz")).mapToLong(f -> f.toFile().length()).sum();
        }
        List<String> evaluate = new ArrayList<>(List.of("evaluate", "--summary-only"));
        evaluate.addAll(List.of(args).subList(2, args.length));
        evaluate.add(dir.toString());
        for (int i = 1; i <= iterations; i++) {
            StringWriter err = new StringWriter();
            long start = System.nanoTime();
            int status = GuardrailCli.commandLine().setOut(new PrintWriter(Writer.nullWriter()))
                    .setErr(new PrintWriter(err)).execute(evaluate.toArray(String[]::new));
            double seconds = (System.nanoTime() - start) / 1e9;
            if (status > 1) {
                System.err.print(err);
                System.exit(status);
            }
            System.out.printf("REPLAY iteration=%d seconds=%.2f mb_per_s_gz=%.1f status=%d%n", i, seconds,
                    gzBytes / 1e6 / seconds, status);
        }
    }
}
