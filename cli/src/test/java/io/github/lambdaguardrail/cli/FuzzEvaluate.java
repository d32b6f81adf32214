package io.github.lambdaguardrail.cli;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.ContainerNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.Writer;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;

/**
 * Fuzzes {@code guardrail evaluate} in-process: mutates the project's sample events
 * ({@code events/*.json}, {@code events/guardrail/*.json}, {@code aws-samples/cloudtrail/*.json})
 * with byte flips, truncations, duplicated keys, huge strings, deep nesting, wrong types, gzip of
 * garbage, random unicode, mutated embedded statements and odd document shapes, runs
 * {@code evaluate --mode rollback} on each (many per JVM, each with a timeout) and reports:
 * <ul>
 *   <li>crashes: an exception out of the command line, an exit status other than 0, 1 and 2, a
 *       run stopped by an internal error, or out of memory;</li>
 *   <li>hangs: a run over the timeout;</li>
 *   <li>peak memory: heap used (sampled) and the process's peak RSS;</li>
 *   <li>ROLLBACK on garbage: a ROLLBACK verdict on a mutant that is not a well-formed record
 *       ({@link #wellFormed}), which the original did not have (neither for that record nor for
 *       that change). The new ROLLBACKs of well-formed mutants (a value changed into another
 *       printable one, a field left out) are counted apart: the record now says something else,
 *       e.g. another account, or no condition.</li>
 * </ul>
 * Records diagnosed with an internal error (the command line survived a bug of the engine) are
 * counted and shown apart. All randomness comes from the seed: input {@code n} is made from
 * {@code seed} and {@code n} alone, so {@code --only n} remakes it. Bounded in time: it stops at
 * the budget, whatever the number of inputs done.
 *
 * <pre>tools/fuzz-evaluate [--seed S] [--inputs N] [--minutes M] [--timeout-seconds T] [--only N]</pre>
 */
public final class FuzzEvaluate {

    /** The kinds of mutation, applied in turn. */
    enum Op {
        BYTE_FLIP, TRUNCATE, DUPLICATE_KEY, HUGE_STRING, DEEP_NESTING, WRONG_TYPE, GZIP_GARBAGE, RANDOM_UNICODE,
        EMBEDDED_STATEMENT, DOCUMENT_SHAPE, COMBINED
    }

    /** What to run. {@code only}: one input number to remake and run, or -1. */
    record Settings(long seed, int inputs, Duration budget, Duration timeout, Path root, Path work, int only) {

        static Settings defaults(Path root, Path work) {
            return new Settings(System.currentTimeMillis() % 1_000_000, 5000, Duration.ofMinutes(4), Duration.ofSeconds(20),
                    root, work, -1);
        }
    }

    /** One run that went wrong, with the file kept to reproduce it. */
    record Finding(int input, Op op, String detail, String evidence, Path kept) {
    }

    /** The figures of a fuzz run. */
    record Report(Settings settings, int inputs, int runs, Duration elapsed, boolean stoppedByBudget,
                  Map<Integer, Integer> statuses, Map<Op, Integer> byOp, List<Finding> crashes, List<Finding> hangs,
                  List<Finding> garbageRollbacks, List<Finding> valueChangeRollbacks, List<Finding> unsafeOutput,
                  List<Finding> internalErrors,
                  int wellFormedMutants, long peakHeapUsed, String peakHeapInput, long maxHeap, long peakRss) {

        boolean clean() {
            return crashes.isEmpty() && hangs.isEmpty() && garbageRollbacks.isEmpty() && unsafeOutput.isEmpty();
        }

        String text() {
            StringBuilder b = new StringBuilder();
            b.append(String.format(Locale.ROOT, "fuzz-evaluate: seed %d, %d inputs (%d runs of guardrail evaluate) in %.1f s%s%n",
                    settings.seed(), inputs, runs, elapsed.toMillis() / 1000.0,
                    stoppedByBudget ? " (stopped by the time budget of " + settings.budget().toSeconds() + " s)" : ""));
            b.append("  rerun: tools/fuzz-evaluate --seed ").append(settings.seed()).append(" --inputs ").append(settings.inputs())
                    .append("   (one input: --only N)\n");
            b.append("  mutations: ");
            byOp.forEach((op, count) -> b.append(op.name().toLowerCase(Locale.ROOT).replace('_', '-')).append(' ').append(count).append("  "));
            b.append("\n  exit status: ");
            statuses.forEach((status, count) -> b.append(status).append(": ").append(count).append("  "));
            b.append("\n");
            line(b, "crashes (exception, status not 0/1/2, run stopped)", crashes);
            line(b, "hangs (over " + settings.timeout().toSeconds() + " s)", hangs);
            line(b, "ROLLBACK on garbage (new, on mutants that are not well-formed records)", garbageRollbacks);
            line(b, "new ROLLBACK on well-formed mutants (of " + wellFormedMutants + "; a value changed or left out: not garbage)",
                    valueChangeRollbacks);
            line(b, "runs printing a control or format character (could forge lines or drive the terminal)", unsafeOutput);
            line(b, "records diagnosed with an internal error (survived; engine bugs)", internalErrors);
            b.append(String.format(Locale.ROOT, "  peak heap used: %d MB (sampled; max heap %d MB; during %s)%n",
                    peakHeapUsed >> 20, maxHeap >> 20, peakHeapInput));
            b.append(String.format(Locale.ROOT, "  peak RSS of the JVM: %s%n", peakRss < 0 ? "unknown" : (peakRss >> 20) + " MB"));
            b.append("  verdict: ").append(clean() ? "CLEAN (no crash, no hang, no ROLLBACK on garbage, no unsafe output)"
                    : "NOT CLEAN").append('\n');
            return b.toString();
        }

        private static void line(StringBuilder b, String label, List<Finding> findings) {
            b.append(String.format(Locale.ROOT, "  %-95s %d%n", label, findings.size()));
            findings.stream().limit(Integer.getInteger("fuzz.show", 5)).forEach(f -> b.append("      #").append(f.input()).append(' ').append(f.op()).append(' ')
                    .append(f.detail()).append(": ").append(f.evidence())
                    .append(f.kept() == null ? "" : "  [" + f.kept() + "]").append('\n'));
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper STRICT = JsonMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
    private static final int MAX_CAPTURED = 8 << 20;
    private static final Pattern RECORD_SOURCE = Pattern.compile(", record (\\d+)\\)$");

    private FuzzEvaluate() {
    }

    public static void main(String[] args) throws Exception {
        Path root = Path.of(".");
        Settings defaults = Settings.defaults(root, root.resolve("target-tools/fuzz-evaluate"));
        long seed = defaults.seed();
        int inputs = defaults.inputs();
        Duration budget = defaults.budget();
        Duration timeout = defaults.timeout();
        Path work = defaults.work();
        int only = -1;
        for (int i = 0; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : "";
            switch (args[i]) {
                case "--seed" -> seed = Long.parseLong(value);
                case "--inputs" -> inputs = Integer.parseInt(value);
                case "--minutes" -> budget = Duration.ofMillis((long) (Double.parseDouble(value) * 60_000));
                case "--timeout-seconds" -> timeout = Duration.ofSeconds(Long.parseLong(value));
                case "--root" -> root = Path.of(value);
                case "--work" -> work = Path.of(value);
                case "--only" -> only = Integer.parseInt(value);
                default -> {
                    System.err.println("fuzz-evaluate: unknown argument " + args[i]);
                    System.exit(2);
                }
            }
            i++;
        }
        Report report = run(new Settings(seed, inputs, budget, timeout, root, work, only), System.err);
        System.out.print(report.text());
        System.out.flush();
        // Abandoned (hung) runs may still hold a thread: end here.
        System.exit(report.clean() ? 0 : 1);
    }

    /** Runs the fuzzing and returns its figures; {@code progress} gets a line every few hundred inputs. */
    static Report run(Settings settings, PrintStream progress) throws IOException {
        List<Sample> samples = samples(settings.root());
        Files.createDirectories(settings.work());
        Path kept = settings.work().resolve("kept");
        MemorySampler memory = new MemorySampler();
        memory.start();
        Runner runner = new Runner(settings.timeout());
        long started = System.nanoTime();
        long deadline = started + settings.budget().toNanos();
        for (Sample sample : samples) {
            Outcome outcome = runner.run(sample.bytes(), settings.work().resolve("original.json"), List.of());
            if (outcome.status() < 0 || outcome.status() > 1 || !outcome.err().isEmpty()) {
                throw new IllegalStateException("sample " + sample.path() + " is not clean: status " + outcome.status() + "\n"
                        + outcome.err());
            }
            sample.rollbacks.addAll(rollbacks(outcome.out(), settings.work().resolve("original.json")));
        }
        Map<Integer, Integer> statuses = new TreeMap<>();
        Map<Op, Integer> byOp = new EnumMap<>(Op.class);
        List<Finding> crashes = new ArrayList<>();
        List<Finding> hangs = new ArrayList<>();
        List<Finding> garbage = new ArrayList<>();
        List<Finding> valueChanges = new ArrayList<>();
        List<Finding> unsafe = new ArrayList<>();
        List<Finding> internal = new ArrayList<>();
        int done = 0;
        int runs = 0;
        int wellFormed = 0;
        boolean stoppedByBudget = false;
        int first = settings.only() >= 0 ? settings.only() : 0;
        int last = settings.only() >= 0 ? settings.only() + 1 : settings.inputs();
        for (int n = first; n < last; n++) {
            if (System.nanoTime() > deadline) {
                stoppedByBudget = true;
                break;
            }
            Random random = new Random(settings.seed() * 1_000_003L + n);
            Op op = Op.values()[n % Op.values().length];
            Sample sample = samples.get(random.nextInt(samples.size()));
            Mutant mutant = new Mutator(random).mutate(sample, op);
            byOp.merge(op, 1, Integer::sum);
            Path file = settings.work().resolve("input-" + n + (mutant.gzipped() ? ".json.gz" : ".json"));
            memory.current = "#" + n + " " + op + " " + mutant.detail() + " of " + sample.path().getFileName();
            List<List<String>> variants = new ArrayList<>();
            variants.add(List.of());
            if (n % 4 == 0) {
                variants.add(List.of("--format", "json", "--since", "2000-01-01", "--threads", "2"));
            }
            boolean wellFormedMutant = wellFormed(sample.tree(), mutant.bytes());
            wellFormed += wellFormedMutant ? 1 : 0;
            for (List<String> options : variants) {
                Outcome outcome = runner.run(mutant.bytes(), file, options);
                runs++;
                String where = sample.path().getFileName() + (options.isEmpty() ? "" : " " + String.join(" ", options));
                if (outcome.hung()) {
                    hangs.add(finding("hang", n, op, mutant, where, kept, file));
                    continue;
                }
                statuses.merge(outcome.status(), 1, Integer::sum);
                String crash = crash(outcome);
                if (crash != null) {
                    crashes.add(finding(crash, n, op, mutant, where, kept, file));
                    continue;
                }
                String unsafeLine = Stream.concat(outcome.out().lines(), outcome.err().lines())
                        .filter(l -> l.chars().anyMatch(FuzzEvaluate::unsafe)).findFirst().orElse(null);
                if (unsafeLine != null) {
                    String shown = unsafeLine.substring(0, Math.min(200, unsafeLine.length())).chars()
                            .mapToObj(c -> unsafe(c) ? String.format("\\u%04x", c) : String.valueOf((char) c))
                            .collect(Collectors.joining());
                    unsafe.add(finding("prints " + shown, n, op, mutant, where, kept, file));
                }
                String internalError = outcome.err().lines().filter(l -> l.contains(": internal error: ")).findFirst().orElse(null);
                if (internalError != null) {
                    internal.add(finding(internalError.substring(internalError.indexOf("internal error")), n, op, mutant, where, kept, file));
                }
                if (!options.isEmpty()) {
                    continue;
                }
                for (Rollback rollback : rollbacks(outcome.out(), file)) {
                    if (sample.rolledBack(rollback)) {
                        continue;
                    }
                    String evidence = "new ROLLBACK at record " + rollback.record() + ": " + rollback.change();
                    (wellFormedMutant ? valueChanges : garbage).add(finding(evidence, n, op, mutant, where, kept, file));
                }
            }
            Files.deleteIfExists(file);
            done++;
            if (progress != null && done % 500 == 0) {
                progress.printf(Locale.ROOT, "fuzz-evaluate: %d inputs, %.0f s%n", done, (System.nanoTime() - started) / 1e9);
            }
        }
        runner.close();
        memory.stop();
        return new Report(settings, done, runs, Duration.ofNanos(System.nanoTime() - started), stoppedByBudget, statuses, byOp,
                crashes, hangs, garbage, valueChanges, unsafe, internal, wellFormed, memory.peak.get(), memory.peakDuring,
                Runtime.getRuntime().maxMemory(), peakRss());
    }

    /**
     * A character that must not reach a terminal from a record's value: C0/C1 controls (the line
     * breaks are gone once the output is split into lines), DEL, the line and paragraph separators,
     * format characters (bidirectional overrides).
     */
    static boolean unsafe(int c) {
        return Character.isISOControl(c) || c == 0x2028 || c == 0x2029 || Character.getType(c) == Character.FORMAT;
    }

    /** Why a run counts as a crash, or null. */
    private static String crash(Outcome outcome) {
        if (outcome.thrown() != null) {
            return "uncaught " + outcome.thrown();
        }
        if (outcome.status() < 0 || outcome.status() > 2) {
            return "exit status " + outcome.status();
        }
        return outcome.err().lines().filter(l -> l.startsWith("guardrail: internal error")
                || l.startsWith("guardrail: out of memory")).findFirst().orElse(null);
    }

    private static Finding finding(String evidence, int n, Op op, Mutant mutant, String where, Path kept, Path file) {
        Path copy = null;
        try {
            Files.createDirectories(kept);
            copy = kept.resolve(file.getFileName());
            if (!Files.exists(copy)) {
                Files.write(copy, mutant.bytes());
            }
        } catch (IOException e) {
            copy = null;
        }
        return new Finding(n, op, mutant.detail() + " of " + where, evidence, copy);
    }

    // ---------------------------------------------------------------- samples and verdicts

    /** A sample event file, its tree and the rollbacks its records had. */
    private record Sample(Path path, byte[] bytes, JsonNode tree, Set<Rollback> rollbacks) {

        /** Whether the original rolled back this record, or made this change anywhere (records may move). */
        boolean rolledBack(Rollback rollback) {
            return rollbacks.stream().anyMatch(r -> r.record() == rollback.record() || r.change().equals(rollback.change()));
        }
    }

    /** A ROLLBACK verdict: the record number (1 for a single record) and the verdict line without its source. */
    private record Rollback(int record, String change) {
    }

    private static List<Sample> samples(Path root) throws IOException {
        List<Sample> samples = new ArrayList<>();
        for (String dir : List.of("events", "events/guardrail", "aws-samples/cloudtrail")) {
            try (Stream<Path> files = Files.list(root.resolve(dir))) {
                for (Path file : files.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
                    byte[] bytes = Files.readAllBytes(file);
                    samples.add(new Sample(file, bytes, JSON.readTree(bytes), new HashSet<>()));
                }
            }
        }
        if (samples.isEmpty()) {
            throw new IllegalStateException("no sample events under " + root.toAbsolutePath());
        }
        return samples;
    }

    /**
     * The ROLLBACK verdicts of a text run over {@code file}. A ROLLBACK line whose source is not
     * the file (output forged by a value) counts as record 0, which no original has.
     */
    private static Set<Rollback> rollbacks(String out, Path file) {
        Set<Rollback> found = new HashSet<>();
        String whole = "  (" + file + ")";
        for (String line : out.lines().toList()) {
            if (!line.startsWith("ROLLBACK")) {
                continue;
            }
            int sourceAt = line.lastIndexOf("  (" + file);
            String change = sourceAt < 0 ? line : line.substring(0, sourceAt);
            if (line.endsWith(whole)) {
                found.add(new Rollback(1, change));
                continue;
            }
            Matcher m = RECORD_SOURCE.matcher(line);
            found.add(new Rollback(sourceAt >= 0 && m.find() ? Integer.parseInt(m.group(1)) : 0, change));
        }
        return found;
    }

    /**
     * Whether a mutant is still a well-formed record, one AWS could have written: strict JSON (no
     * duplicate key, nothing after it; gunzipped first if it is gzip), the original's shape with
     * fields at most left out (no new field, no other type, arrays at most shorter), and every
     * changed string printable ASCII and not much longer than it was. A JSON document held in a
     * string (a statement) must stay one, by the same test. Its new ROLLBACKs are not garbage's:
     * the record now says something else (another account, a condition left out).
     */
    static boolean wellFormed(JsonNode original, byte[] mutant) {
        byte[] bytes = mutant;
        if (bytes.length > 1 && bytes[0] == 0x1f && bytes[1] == (byte) 0x8b) {
            try (var in = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(bytes))) {
                bytes = in.readAllBytes();
            } catch (IOException e) {
                return false;
            }
        }
        JsonNode tree = strict(bytes);
        return tree != null && sameShape(original, tree);
    }

    /** The one JSON value of {@code bytes}, read strictly; null when it is not exactly one. */
    private static JsonNode strict(byte[] bytes) {
        try (JsonParser parser = STRICT.createParser(bytes)) {
            JsonNode tree = STRICT.readTree(parser);
            return tree == null || tree.isMissingNode() || parser.nextToken() != null ? null : tree;
        } catch (IOException e) {
            return null;
        }
    }

    private static boolean sameShape(JsonNode a, JsonNode b) {
        if (a.getNodeType() != b.getNodeType()) {
            return false;
        }
        if (a.isObject()) {
            for (Iterator<String> names = b.fieldNames(); names.hasNext(); ) {
                String name = names.next();
                if (!a.has(name) || !sameShape(a.get(name), b.get(name))) {
                    return false;
                }
            }
            return true;
        }
        if (a.isArray()) {
            if (b.size() > a.size()) {
                return false;
            }
            for (int i = 0; i < b.size(); i++) {
                // An element left out shifts the others: each must be shaped like one of the originals.
                JsonNode element = b.get(i);
                if (b.size() == a.size() ? !sameShape(a.get(i), element)
                        : java.util.stream.StreamSupport.stream(a.spliterator(), false).noneMatch(o -> sameShape(o, element))) {
                    return false;
                }
            }
            return true;
        }
        if (a.isTextual() && !a.textValue().equals(b.textValue())) {
            String was = a.textValue();
            String is = b.textValue();
            if (is.length() > Math.max(2 * was.length(), was.length() + 64) || !is.chars().allMatch(c -> c >= 0x20 && c < 0x7f)) {
                return false;
            }
            if (was.startsWith("{") || was.startsWith("[")) {
                JsonNode inner = strict(was.getBytes(StandardCharsets.UTF_8));
                if (inner != null && inner.isContainerNode()) {
                    JsonNode changed = strict(is.getBytes(StandardCharsets.UTF_8));
                    return changed != null && sameShape(inner, changed);
                }
            }
        }
        return true;
    }

    // ---------------------------------------------------------------- mutations

    /** A mutated input; {@code detail} says what was done where. */
    record Mutant(byte[] bytes, String detail, boolean gzipped) {
    }

    /** Makes mutants with one {@link Random}; not thread-safe. */
    static final class Mutator {

        private static final String HOLE = "\u0001FUZZ-HOLE\u0001";
        private static final String QUOTED_HOLE = "\"\\u0001FUZZ-HOLE\\u0001\"";
        private static final String KEY_HOLE = "\"\\u0001FUZZ-KEY\\u0001\"";
        private static final List<String> SEMANTIC = List.of("requestParameters", "responseElements", "awsRegion", "eventName",
                "eventSource", "recipientAccountId", "errorCode", "eventTime", "eventID", "userIdentity", "account", "region",
                "detail", "Records");

        private final Random random;

        Mutator(Random random) {
            this.random = random;
        }

        Mutant mutate(Sample sample, Op op) {
            try {
                return switch (op) {
                    case BYTE_FLIP -> byteFlip(sample.bytes());
                    case TRUNCATE -> truncate(sample.bytes());
                    case DUPLICATE_KEY -> duplicateKey(sample.tree().deepCopy());
                    case HUGE_STRING -> hugeString(sample.tree().deepCopy());
                    case DEEP_NESTING -> deepNesting(sample.tree().deepCopy());
                    case WRONG_TYPE -> wrongType(sample.tree().deepCopy());
                    case GZIP_GARBAGE -> gzipGarbage(sample);
                    case RANDOM_UNICODE -> randomUnicode(sample.tree().deepCopy());
                    case EMBEDDED_STATEMENT -> embeddedStatement(sample.tree().deepCopy());
                    case DOCUMENT_SHAPE -> documentShape(sample);
                    case COMBINED -> combined(sample);
                };
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        private Mutant byteFlip(byte[] original) {
            byte[] bytes = original.clone();
            int flips = 1 + random.nextInt(4);
            StringBuilder detail = new StringBuilder("flip");
            for (int i = 0; i < flips; i++) {
                int at = random.nextInt(bytes.length);
                bytes[at] = random.nextBoolean() ? (byte) (bytes[at] ^ (1 << random.nextInt(8))) : (byte) random.nextInt(256);
                detail.append(' ').append(at);
            }
            return new Mutant(bytes, detail.toString(), false);
        }

        private Mutant truncate(byte[] original) {
            int at = random.nextInt(4) == 0 ? original.length - 1 - random.nextInt(Math.min(8, original.length))
                    : random.nextInt(original.length);
            return new Mutant(Arrays.copyOf(original, Math.max(at, 0)), "truncated at " + at, false);
        }

        private Mutant duplicateKey(JsonNode tree) throws IOException {
            String pointer = pick(tree, node -> node.isObject() && node.size() > 0);
            if (pointer == null) {
                return byteFlip(JSON.writeValueAsBytes(tree));
            }
            ObjectNode object = (ObjectNode) tree.at(pointer);
            List<String> names = new ArrayList<>();
            object.fieldNames().forEachRemaining(names::add);
            String name = names.get(random.nextInt(names.size()));
            JsonNode value = switch (random.nextInt(6)) {
                case 0 -> object.get(name);
                case 1 -> otherValue(object.get(name));
                case 2 -> NullNode.instance;
                case 3 -> TextNode.valueOf("*");
                case 4 -> TextNode.valueOf("arn:aws:iam::444455556666:root");
                default -> JSON.createObjectNode();
            };
            // The duplicate goes first or last: parsers keep one of the two.
            ObjectNode copy = JSON.createObjectNode();
            boolean before = random.nextBoolean();
            if (before) {
                copy.set("\u0001FUZZ-KEY\u0001", value);
            }
            copy.setAll(object);
            if (!before) {
                copy.set("\u0001FUZZ-KEY\u0001", value);
            }
            JsonNode mutated = pointer.isEmpty() ? copy : tree;
            if (!pointer.isEmpty()) {
                replace(tree, pointer, copy);
            }
            String text = JSON.writeValueAsString(mutated).replace(KEY_HOLE, JSON.writeValueAsString(name));
            return new Mutant(utf8(text), "duplicate key '" + name + "' at " + pointer + (before ? " (before)" : " (after)"), false);
        }

        private Mutant hugeString(JsonNode tree) throws IOException {
            int length = switch (random.nextInt(20)) {
                case 0 -> 21_000_000; // over Jackson's limit for one string
                case 1, 2, 3, 4 -> 1_000_000;
                case 5, 6, 7, 8, 9, 10 -> 100_000;
                default -> 10_000;
            };
            String[] units = {"a", "-a", "7", "*", "x-", "arn:aws:iam::111122223333:root,", "é", "\\", "{\"a\":", " "};
            String unit = units[random.nextInt(units.length)];
            String huge = unit.repeat(Math.max(1, length / unit.length()));
            if (random.nextInt(8) == 0) {
                // a huge key instead of a huge value
                String pointer = pick(tree, JsonNode::isObject);
                if (pointer != null) {
                    ((ObjectNode) tree.at(pointer)).put(huge, "value");
                    return new Mutant(JSON.writeValueAsBytes(tree), "huge key (" + length + " × '" + unit + "') in " + pointer, false);
                }
            }
            String pointer = pick(tree, JsonNode::isValueNode);
            if (pointer == null) {
                return byteFlip(JSON.writeValueAsBytes(tree));
            }
            String original = tree.at(pointer).isTextual() ? tree.at(pointer).textValue() : "";
            String shaped = shaped(original, length);
            if (shaped != null && random.nextInt(3) == 0) {
                replace(tree, pointer, TextNode.valueOf(shaped));
                return new Mutant(JSON.writeValueAsBytes(tree), "huge string shaped like the value (" + shaped.length() + ") at "
                        + pointer, false);
            }
            // After the original value, or its first two characters ("us-a-a-a..."), or alone.
            String prefix = switch (random.nextInt(3)) {
                case 0 -> original;
                case 1 -> original.substring(0, Math.min(2, original.length()));
                default -> "";
            };
            replace(tree, pointer, TextNode.valueOf(prefix + huge));
            return new Mutant(JSON.writeValueAsBytes(tree), "huge string (" + length + " × '" + unit + "') at " + pointer, false);
        }

        /**
         * A huge value of the original's own shape: one of its segments repeated
         * ("us-east-1" → "us-east-east-...-east-1", an ARN with a thousand path parts), or null.
         */
        private String shaped(String original, int length) {
            List<String> separators = Stream.of("-", ":", "/", ".", ",").filter(original::contains).toList();
            if (separators.isEmpty()) {
                return null;
            }
            String separator = separators.get(random.nextInt(separators.size()));
            String[] parts = original.split(Pattern.quote(separator), -1);
            int repeated = random.nextInt(parts.length);
            String unit = separator + parts[repeated];
            StringBuilder b = new StringBuilder(length + original.length());
            for (int i = 0; i < parts.length; i++) {
                b.append(i == 0 ? "" : separator).append(parts[i]);
                if (i == repeated) {
                    b.append(unit.repeat(Math.max(1, length / Math.max(1, unit.length()))));
                }
            }
            return b.toString();
        }

        private Mutant deepNesting(JsonNode tree) throws IOException {
            int[] depths = {50, 499, 501, 999, 1001, 5_000, 100_000, 1_000_000};
            int depth = depths[random.nextInt(depths.length)];
            String nested = switch (random.nextInt(4)) {
                case 0 -> "[".repeat(depth) + "]".repeat(depth);
                case 1 -> "{\"a\":".repeat(depth) + "1" + "}".repeat(depth);
                case 2 -> "[{\"eventSource\":\"lambda.amazonaws.com\",\"x\":".repeat(depth) + "0" + "}]".repeat(depth);
                default -> "[".repeat(depth); // never closed
            };
            String pointer = random.nextInt(5) == 0 ? "" : pick(tree, node -> true);
            if (pointer == null || pointer.isEmpty()) {
                return new Mutant(utf8(nested), "nesting " + depth + " as the document", false);
            }
            replace(tree, pointer, TextNode.valueOf(HOLE));
            String text = JSON.writeValueAsString(tree).replace(QUOTED_HOLE, nested);
            return new Mutant(utf8(text), "nesting " + depth + " at " + pointer, false);
        }

        private Mutant wrongType(JsonNode tree) throws IOException {
            String pointer = pick(tree, node -> true);
            if (pointer == null || pointer.isEmpty()) {
                return new Mutant(utf8("\"" + tree.getNodeType() + "\""), "document replaced by a string", false);
            }
            if (random.nextInt(5) == 0) {
                remove(tree, pointer);
                return new Mutant(JSON.writeValueAsBytes(tree), "removed " + pointer, false);
            }
            JsonNode value = otherValue(tree.at(pointer));
            replace(tree, pointer, value);
            return new Mutant(JSON.writeValueAsBytes(tree), pointer + " → " + value.getNodeType(), false);
        }

        /** A value of another type than {@code node}. */
        private JsonNode otherValue(JsonNode node) {
            List<JsonNode> options = new ArrayList<>(List.of(NullNode.instance, IntNode.valueOf(random.nextInt(1000) - 500),
                    BooleanNode.valueOf(random.nextBoolean()), JSON.createObjectNode(), JSON.createArrayNode(),
                    DoubleNode.valueOf(1e308 * 10), LongNode.valueOf(Long.MAX_VALUE), TextNode.valueOf("")));
            if (node != null && !node.isMissingNode()) {
                options.add(TextNode.valueOf(node.toString()));
                options.add(JSON.createArrayNode().add(node));
                options.add(JSON.createObjectNode().set("value", node));
            }
            List<JsonNode> other = options.stream().filter(o -> node == null || o.getNodeType() != node.getNodeType()
                    || (o.isContainerNode() && o.size() != node.size())).toList();
            return other.get(random.nextInt(other.size()));
        }

        private Mutant gzipGarbage(Sample sample) throws IOException {
            return switch (random.nextInt(8)) {
                case 0 -> {
                    byte[] noise = new byte[random.nextInt(65_536)];
                    random.nextBytes(noise);
                    yield new Mutant(gzip(noise), "gzip of " + noise.length + " random bytes", true);
                }
                case 1 -> {
                    byte[] gz = gzip(sample.bytes());
                    int flips = 1 + random.nextInt(3);
                    for (int i = 0; i < flips; i++) {
                        int at = 10 + random.nextInt(gz.length - 10);
                        gz[at] = (byte) (gz[at] ^ (1 << random.nextInt(8)));
                    }
                    yield new Mutant(gz, "gzip with " + flips + " bits flipped", true);
                }
                case 2 -> {
                    byte[] gz = gzip(sample.bytes());
                    int at = random.nextInt(gz.length);
                    yield new Mutant(Arrays.copyOf(gz, at), "gzip truncated at " + at + " of " + gz.length, true);
                }
                case 3 -> {
                    int records = 1 + random.nextInt(50_000);
                    String flood = "{\"Records\":[" + String.join(",",
                            Collections.nCopies(records, "{\"eventSource\":\"lambda.amazonaws.com\"}")) + "]}";
                    yield new Mutant(gzip(utf8(flood)), "gzip of " + records + " broken records", true);
                }
                case 4 -> {
                    Op inner = Op.values()[random.nextInt(Op.GZIP_GARBAGE.ordinal())];
                    Mutant mutant = mutate(sample, inner);
                    yield new Mutant(gzip(mutant.bytes()), "gzip of " + inner + " " + mutant.detail(), true);
                }
                case 5 -> {
                    byte[] noise = new byte[2 + random.nextInt(64)];
                    random.nextBytes(noise);
                    noise[0] = 0x1f;
                    noise[1] = (byte) 0x8b;
                    yield new Mutant(noise, "gzip magic then " + (noise.length - 2) + " random bytes", true);
                }
                case 6 -> {
                    ByteArrayOutputStream two = new ByteArrayOutputStream();
                    two.write(gzip(sample.bytes()));
                    two.write(gzip(sample.bytes()));
                    yield new Mutant(two.toByteArray(), "two gzip members", true);
                }
                default -> new Mutant(gzip(gzip(sample.bytes())), "gzip of gzip", true);
            };
        }

        private Mutant randomUnicode(JsonNode tree) throws IOException {
            String pointer = pick(tree, JsonNode::isTextual);
            if (pointer == null) {
                return byteFlip(JSON.writeValueAsBytes(tree));
            }
            String value = tree.at(pointer).textValue();
            int at = random.nextInt(value.length() + 1);
            replace(tree, pointer, TextNode.valueOf(value.substring(0, at) + HOLE + value.substring(at)));
            String text = JSON.writeValueAsString(tree);
            String hole = "\\u0001FUZZ-HOLE\\u0001";
            int cut = text.indexOf(hole);
            byte[] insert = switch (random.nextInt(7)) {
                case 0 -> utf8(jsonEscaped(randomCodePoints(1 + random.nextInt(8))));
                case 1 -> utf8(new String(Character.toChars(random.nextInt(0x110000 - 0x10000) + 0x10000))
                        + randomCodePoints(3).replaceAll("[\\p{Cntrl}\"\\\\\\p{Cs}]", ""));
                case 2 -> utf8("\\ud800x\\udfff\\u0000\\u202e\\u2028");  // escapes: unpaired surrogates, NUL, RLO, LS
                case 3 -> new byte[] {(byte) 0xc3, 0x28, (byte) 0xff, (byte) 0xc0, (byte) 0xaf, (byte) 0xed, (byte) 0xa0, (byte) 0x80};
                case 4 -> new byte[] {0x00, 0x0a, 0x0d, 0x1b, '[', '3', '1', 'm'}; // raw controls: invalid JSON
                case 5 -> utf8("\u202eROLLBACK\u2066\u200b\ufeff\u0301");
                default -> utf8("\\nROLLBACK  FORGED  arn:aws:lambda:us-east-1:111122223333:function:x\\n"); // a line of its own
            };
            byte[] before = utf8(text.substring(0, cut));
            byte[] after = utf8(text.substring(cut + hole.length()));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.write(before);
            out.write(insert);
            out.write(after);
            return new Mutant(out.toByteArray(), "unicode in " + pointer, false);
        }

        private String randomCodePoints(int count) {
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < count; i++) {
                int[] ranges = {0x0, 0x20, 0x7f, 0xa0, 0x300, 0x370, 0x2000, 0x2070, 0xd800, 0xe000, 0xfff0, 0x10000, 0x1f600, 0x1f650};
                int r = random.nextInt(ranges.length / 2) * 2;
                b.appendCodePoint(ranges[r] + random.nextInt(ranges[r + 1] - ranges[r]));
            }
            return b.toString();
        }

        /** Inside a JSON string: controls, quotes, backslashes and surrogates (paired or not) escaped, the rest raw. */
        private static String jsonEscaped(String text) {
            StringBuilder b = new StringBuilder();
            text.chars().forEach(c -> b.append(c < 0x20 || c == '"' || c == '\\' || (c >= 0xd800 && c < 0xe000)
                    ? String.format(Locale.ROOT, "\\u%04x", c) : String.valueOf((char) c)));
            return b.toString();
        }

        /** Mutates a JSON document held in a string field (an AddPermission statement, a policy). */
        private Mutant embeddedStatement(JsonNode tree) throws IOException {
            String pointer = pick(tree, node -> node.isTextual() && node.textValue().startsWith("{") && parses(node.textValue()));
            if (pointer == null) {
                return wrongType(tree);
            }
            JsonNode inner = JSON.readTree(tree.at(pointer).textValue());
            Op[] ops = {Op.WRONG_TYPE, Op.HUGE_STRING, Op.DUPLICATE_KEY, Op.RANDOM_UNICODE, Op.DEEP_NESTING, Op.BYTE_FLIP, Op.TRUNCATE};
            Op op = ops[random.nextInt(ops.length)];
            byte[] innerBytes = JSON.writeValueAsBytes(inner);
            Sample innerSample = new Sample(Path.of("statement"), innerBytes, inner, Set.of());
            Mutant mutant = mutate(innerSample, op);
            replace(tree, pointer, TextNode.valueOf(new String(mutant.bytes(), StandardCharsets.UTF_8)));
            return new Mutant(JSON.writeValueAsBytes(tree), "embedded " + pointer + ": " + op + " " + mutant.detail(), false);
        }

        private Mutant documentShape(Sample sample) throws IOException {
            String doc = new String(sample.bytes(), StandardCharsets.UTF_8).strip();
            return switch (random.nextInt(10)) {
                case 0 -> new Mutant(utf8("[" + doc + "]"), "in an array", false);
                case 1 -> new Mutant(utf8("{\"Records\":[" + doc + ", 1, \"x\", null, [], {}, true]}"), "in Records with odd elements", false);
                case 2 -> {
                    int copies = 2 + random.nextInt(50);
                    yield new Mutant(utf8((doc + "\n").repeat(copies)), copies + " documents in a row", false);
                }
                case 3 -> {
                    int copies = 100 + random.nextInt(3000);
                    yield new Mutant(utf8("{\"Records\":[" + String.join(",", Collections.nCopies(copies, doc)) + "]}"),
                            copies + " records", false);
                }
                case 4 -> {
                    ByteArrayOutputStream out = new ByteArrayOutputStream();
                    out.write(new byte[] {(byte) 0xef, (byte) 0xbb, (byte) 0xbf});
                    out.write(sample.bytes());
                    yield new Mutant(out.toByteArray(), "byte-order mark first", false);
                }
                case 5 -> {
                    String[] tails = {"}", "]", "x", "\u0000", ",", "{\"Records\":", "\"", "1e99999"};
                    String tail = tails[random.nextInt(tails.length)];
                    yield new Mutant(utf8(doc + tail), "trailing '" + tail.replace("\u0000", "\\0") + "'", false);
                }
                case 6 -> new Mutant(utf8("{\"Records\":" + doc + "}"), "Records not an array", false);
                case 7 -> new Mutant(utf8("{\"Records\":[{\"Records\":[" + doc + "]}]}"), "Records inside Records", false);
                case 8 -> {
                    String[] empties = {"", " \n\t", "null", "[]", "{}", "{\"Records\":[]}", "[[]]", "\"Records\"", "0", "{\"Records\":null}"};
                    String empty = empties[random.nextInt(empties.length)];
                    yield new Mutant(utf8(empty), "document '" + empty.strip() + "'", false);
                }
                default -> {
                    JsonNode tree = sample.tree().deepCopy();
                    if (tree.has("detail")) {
                        ((ObjectNode) tree).set("detail", JSON.createArrayNode().add(tree.get("detail")));
                        yield new Mutant(JSON.writeValueAsBytes(tree), "detail in an array", false);
                    }
                    yield new Mutant(utf8("{\"detail\":" + doc + ",\"source\":\"aws.lambda\"}"), "record as the detail of an envelope", false);
                }
            };
        }

        private Mutant combined(Sample sample) throws IOException {
            Op a = Op.values()[random.nextInt(Op.COMBINED.ordinal())];
            Op b = Op.values()[random.nextInt(Op.COMBINED.ordinal())];
            Mutant first = mutate(sample, a);
            JsonNode tree;
            try {
                tree = first.gzipped() ? null : JSON.readTree(first.bytes());
            } catch (IOException e) {
                tree = null;
            }
            if (tree == null || tree.isMissingNode()) {
                Mutant second = byteFlip(first.bytes().length == 0 ? new byte[] {'{'} : first.bytes());
                return new Mutant(second.bytes(), a + " " + first.detail() + ", then " + second.detail(), first.gzipped());
            }
            Mutant second = mutate(new Sample(sample.path(), first.bytes(), tree, Set.of()), b);
            return new Mutant(second.bytes(), a + " " + first.detail() + ", then " + b + " " + second.detail(), second.gzipped());
        }

        /**
         * A random node's JSON pointer among those {@code wanted}; half the time among the fields
         * the engine reads. Null when there is none.
         */
        private String pick(JsonNode tree, Predicate<JsonNode> wanted) {
            List<String> all = new ArrayList<>();
            collect(tree, "", all, wanted);
            if (all.isEmpty()) {
                return null;
            }
            if (random.nextBoolean()) {
                List<String> semantic = all.stream().filter(p -> SEMANTIC.stream().anyMatch(p::contains)).toList();
                if (!semantic.isEmpty()) {
                    return semantic.get(random.nextInt(semantic.size()));
                }
            }
            return all.get(random.nextInt(all.size()));
        }

        /** Every pointer in {@code tree} whose node is {@code wanted}, in document order; iterative, as mutants nest deeply. */
        private static void collect(JsonNode tree, String root, List<String> into, Predicate<JsonNode> wanted) {
            record At(JsonNode node, String pointer) {
            }
            java.util.Deque<At> pending = new java.util.ArrayDeque<>();
            pending.push(new At(tree, root));
            while (!pending.isEmpty()) {
                At at = pending.pop();
                if (wanted.test(at.node())) {
                    into.add(at.pointer());
                }
                List<At> children = new ArrayList<>();
                if (at.node().isObject()) {
                    at.node().properties().forEach(e -> children.add(new At(e.getValue(),
                            at.pointer() + "/" + e.getKey().replace("~", "~0").replace("/", "~1"))));
                } else if (at.node().isArray()) {
                    for (int i = 0; i < at.node().size(); i++) {
                        children.add(new At(at.node().get(i), at.pointer() + "/" + i));
                    }
                }
                for (int i = children.size() - 1; i >= 0; i--) {
                    pending.push(children.get(i));
                }
            }
        }

        private static void replace(JsonNode tree, String pointer, JsonNode value) {
            JsonPointer at = JsonPointer.compile(pointer);
            ContainerNode<?> parent = (ContainerNode<?>) tree.at(at.head());
            if (parent instanceof ObjectNode object) {
                object.set(at.last().getMatchingProperty(), value);
            } else {
                ((ArrayNode) parent).set(at.last().getMatchingIndex(), value);
            }
        }

        private static void remove(JsonNode tree, String pointer) {
            JsonPointer at = JsonPointer.compile(pointer);
            ContainerNode<?> parent = (ContainerNode<?>) tree.at(at.head());
            if (parent instanceof ObjectNode object) {
                object.remove(at.last().getMatchingProperty());
            } else {
                ((ArrayNode) parent).remove(at.last().getMatchingIndex());
            }
        }

        private static boolean parses(String text) {
            try {
                return JSON.readTree(text).isContainerNode();
            } catch (IOException e) {
                return false;
            }
        }

        private static byte[] gzip(byte[] bytes) throws IOException {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
                gz.write(bytes);
            }
            return out.toByteArray();
        }

        private static byte[] utf8(String text) {
            return text.getBytes(StandardCharsets.UTF_8);
        }
    }

    // ---------------------------------------------------------------- running

    /** One run of the command line: its status (or what it threw), stdout and stderr. */
    private record Outcome(int status, Throwable thrown, boolean hung, String out, String err) {
    }

    /** Runs {@code guardrail evaluate} in this JVM, one run at a time, each on a thread with a timeout. */
    private static final class Runner {

        private final Duration timeout;
        private final AtomicInteger threads = new AtomicInteger();
        private ExecutorService executor = newExecutor();

        Runner(Duration timeout) {
            this.timeout = timeout;
        }

        private ExecutorService newExecutor() {
            return Executors.newSingleThreadExecutor(task -> {
                Thread thread = new Thread(task, "fuzz-evaluate-" + threads.incrementAndGet());
                thread.setDaemon(true);
                return thread;
            });
        }

        Outcome run(byte[] input, Path file, List<String> options) throws IOException {
            Files.write(file, input);
            List<String> args = new ArrayList<>(List.of("evaluate", "--mode", "rollback", "--threads", "1"));
            args.addAll(options);
            args.add(file.toString());
            Captured out = new Captured();
            Captured err = new Captured();
            Future<Integer> run = executor.submit(() -> GuardrailCli.commandLine().setOut(new PrintWriter(out))
                    .setErr(new PrintWriter(err)).execute(args.toArray(String[]::new)));
            try {
                int status = run.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                return new Outcome(status, null, false, out.toString(), err.toString());
            } catch (TimeoutException e) {
                run.cancel(true);
                executor.shutdownNow();
                executor = newExecutor(); // the hung thread is abandoned (a daemon)
                return new Outcome(-1, null, true, out.toString(), err.toString());
            } catch (ExecutionException e) {
                return new Outcome(-1, e.getCause(), false, out.toString(), err.toString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }

        void close() {
            executor.shutdownNow();
        }
    }

    /** A writer that keeps the first {@link #MAX_CAPTURED} characters. Thread-safe. */
    private static final class Captured extends Writer {

        private final StringBuilder text = new StringBuilder();

        @Override
        public synchronized void write(char[] chars, int offset, int length) {
            int room = MAX_CAPTURED - text.length();
            if (room > 0) {
                text.append(chars, offset, Math.min(room, length));
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }

        @Override
        public synchronized String toString() {
            return text.toString();
        }
    }

    /** Samples the heap used every few milliseconds and keeps the peak and what ran then. */
    private static final class MemorySampler {

        final AtomicLong peak = new AtomicLong();
        volatile String current = "the samples' baseline";
        volatile String peakDuring = "";
        private volatile boolean running = true;
        private final Thread thread = new Thread(this::sample, "fuzz-evaluate-memory");

        void start() {
            thread.setDaemon(true);
            thread.start();
        }

        void stop() {
            running = false;
            sampleOnce();
        }

        private void sample() {
            while (running) {
                sampleOnce();
                try {
                    Thread.sleep(2);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        private void sampleOnce() {
            long used = ManagementFactory.getMemoryPoolMXBeans().stream().filter(p -> p.getType() == MemoryType.HEAP)
                    .mapToLong(p -> p.getUsage().getUsed()).sum();
            if (used > peak.get()) {
                peak.set(used);
                peakDuring = current;
            }
        }
    }

    /** The JVM's peak resident set size (VmHWM), or -1 where /proc is not there. */
    private static long peakRss() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }
}
