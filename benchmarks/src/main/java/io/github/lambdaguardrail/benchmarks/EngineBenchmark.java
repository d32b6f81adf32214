package io.github.lambdaguardrail.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.lambdaguardrail.engine.CloudTrailReader;
import io.github.lambdaguardrail.engine.FunctionFacts;
import io.github.lambdaguardrail.engine.GuardrailEngine;
import io.github.lambdaguardrail.engine.LambdaEvent;
import io.github.lambdaguardrail.engine.ParsedRecord;
import io.github.lambdaguardrail.engine.Policy;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Throughput of the engine in records per second on one thread. Every score is per record: the
 * single-record benchmarks handle one record per call (cycling through the samples), the log-file
 * benchmark divides by the {@value #LOG_FILE_RECORDS} records of its document.
 *
 * <ul>
 *   <li>{@link #parseAndEvaluate}: bytes of one bare CloudTrail record → {@code CloudTrailReader.read}
 *       → {@code engine.evaluate}, as a guard function does per event.</li>
 *   <li>{@link #parseOnly}: the same without the evaluation.</li>
 *   <li>{@link #parseFromTree}: bytes → {@code ObjectMapper.readTree} → {@code CloudTrailReader.parse}:
 *       a control for the per-call cost of {@code CloudTrailReader.read}'s stream set-up.</li>
 *   <li>{@link #evaluateOnly}: {@code engine.evaluate} of already-parsed {@link LambdaEvent}s.</li>
 *   <li>{@link #parseAndEvaluateLogFile}: one {@code {"Records":[...]}} document of 1,000 records,
 *       by default 70% from other services, streamed through the engine's strict reader and
 *       evaluated ({@code -p lambdaPercent=0,100} to see other services alone, or Lambda alone).
 *       {@code guardrail evaluate} frames log files with its own scanner first (in the CLI), which
 *       tools/replay-bench measures end to end.</li>
 * </ul>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2, timeUnit = TimeUnit.SECONDS)
@Measurement(iterations = 5, time = 2, timeUnit = TimeUnit.SECONDS)
@Threads(1)
@State(Scope.Thread)
public class EngineBenchmark {

    static final int LOG_FILE_RECORDS = 1000;

    /** The guard's role in the samples: {@code updatefunctionconfiguration-by-guard-role.json} is skipped. */
    static final String SELF_ROLE = "arn:aws:iam::111122223333:role/lambda-guardrail-VpcGuardRole-EXAMPLE";

    private final ObjectMapper json = new ObjectMapper();
    private GuardrailEngine engine;
    /** Bare CloudTrail records of the single-event samples, serialised. */
    private byte[][] records;
    /** The samples that are successful calls to a watched API, parsed. */
    private LambdaEvent[] events;
    private int nextRecord;
    private int nextEvent;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        engine = engine();
        records = SampleRecords.load().typicalRecordBytes().toArray(byte[][]::new);
        List<LambdaEvent> parsed = new ArrayList<>();
        for (byte[] record : records) {
            if (CloudTrailReader.parse(json.readTree(record)) instanceof ParsedRecord.Watched watched) {
                parsed.add(watched.event());
            }
        }
        events = parsed.toArray(LambdaEvent[]::new);
        if (events.length == 0) {
            throw new IllegalStateException("no sample is a watched Lambda call");
        }
    }

    static GuardrailEngine engine() {
        return new GuardrailEngine(Policy.defaults(), Set.of(SELF_ROLE));
    }

    /** The log file: {@value #LOG_FILE_RECORDS} records, {@code lambdaPercent}% Lambda. */
    @State(Scope.Thread)
    public static class LogFile {

        @Param({"30"})
        int lambdaPercent;

        GuardrailEngine engine;
        byte[] bytes;

        @Setup(Level.Trial)
        public void setUp() throws IOException {
            engine = engine();
            bytes = SampleRecords.load().mixedLogFile(LOG_FILE_RECORDS, lambdaPercent);
            int[] other = {0};
            int count = CloudTrailReader.read(new ByteArrayInputStream(bytes),
                    r -> other[0] += r instanceof ParsedRecord.OtherService ? 1 : 0);
            int expectedOther = LOG_FILE_RECORDS - LOG_FILE_RECORDS * lambdaPercent / 100;
            if (count != LOG_FILE_RECORDS || other[0] != expectedOther) {
                throw new IllegalStateException("log file has " + count + " records, " + other[0] + " from other services");
            }
        }
    }

    /** One record: bytes → {@code CloudTrailReader.read} → {@code engine.evaluate}. */
    @Benchmark
    public int parseAndEvaluate(Blackhole bh) throws IOException {
        return CloudTrailReader.read(new ByteArrayInputStream(nextRecord()),
                r -> bh.consume(engine.evaluate(r, FunctionFacts.NONE)));
    }

    /** One record: bytes → {@code CloudTrailReader.read}, no evaluation. */
    @Benchmark
    public int parseOnly(Blackhole bh) throws IOException {
        return CloudTrailReader.read(new ByteArrayInputStream(nextRecord()), bh::consume);
    }

    /** One record: bytes → Jackson tree → {@code CloudTrailReader.parse(JsonNode)}, no evaluation. */
    @Benchmark
    public ParsedRecord parseFromTree() throws IOException {
        return CloudTrailReader.parse(json.readTree(nextRecord()));
    }

    /** One already-parsed {@link LambdaEvent} through the rules. */
    @Benchmark
    public void evaluateOnly(Blackhole bh) {
        LambdaEvent event = events[nextEvent];
        nextEvent = nextEvent + 1 == events.length ? 0 : nextEvent + 1;
        bh.consume(engine.evaluate(event, FunctionFacts.NONE));
    }

    /** A 1,000-record log file, streamed and evaluated: the score is records per second. */
    @Benchmark
    @OperationsPerInvocation(LOG_FILE_RECORDS)
    public int parseAndEvaluateLogFile(LogFile logFile, Blackhole bh) throws IOException {
        GuardrailEngine logEngine = logFile.engine;
        return CloudTrailReader.read(new ByteArrayInputStream(logFile.bytes),
                r -> bh.consume(logEngine.evaluate(r, FunctionFacts.NONE)));
    }

    private byte[] nextRecord() {
        byte[] record = records[nextRecord];
        nextRecord = nextRecord + 1 == records.length ? 0 : nextRecord + 1;
        return record;
    }
}
