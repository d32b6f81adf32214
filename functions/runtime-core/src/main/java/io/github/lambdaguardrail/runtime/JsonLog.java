package io.github.lambdaguardrail.runtime;

import com.amazonaws.services.lambda.runtime.Context;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.lambdaguardrail.engine.Json;
import io.github.lambdaguardrail.engine.ParsedRecord;
import java.io.PrintStream;
import java.time.Instant;
import java.util.function.Consumer;

/**
 * Structured logs: one JSON object per line on standard output, which Lambda ships to CloudWatch
 * Logs. Callers add identifiers (rule id, decision, function ARN, event id), never request bodies.
 * Not Powertools Logging: its log4j2 backend made the cold start 14-24 % slower (README, Operations).
 */
public final class JsonLog {


    private final PrintStream out;

    public JsonLog(PrintStream out) {
        this.out = out;
    }

    public void info(String message, Consumer<ObjectNode> fields) {
        write("INFO", message, fields);
    }

    public void warn(String message, Consumer<ObjectNode> fields) {
        write("WARN", message, fields);
    }

    public void error(String message, Consumer<ObjectNode> fields) {
        write("ERROR", message, fields);
    }

    /**
     * The last line of an invocation, also of a failed one: its request id ({@code ""} without a
     * Lambda context) and what it did.
     */
    public void invocationDone(Context context, ObjectNode report) {
        info("invocation done", f -> f.put("requestId", context == null ? "" : context.getAwsRequestId()).set("report", report));
    }

    /** A scheduled heartbeat: proof that the function still runs. */
    public void notJudged(ParsedRecord.Scheduled beat) {
        info("heartbeat", f -> f.put("rule", beat.rule()));
    }

    /** An event of another service than Lambda: the rules should not have delivered it. */
    public void notJudged(ParsedRecord.OtherService other) {
        warn("event from another service skipped", f -> f.put("eventSource", other.eventSource()));
    }

    /** A Lambda call the engine does not judge (a failed call, a read), with why. */
    public void notJudged(ParsedRecord.Ignored ignored) {
        info("event skipped", f -> f.put("eventId", ignored.header().eventId())
                .put("eventName", ignored.header().eventName()).put("reason", ignored.reason()));
    }

    private void write(String level, String message, Consumer<ObjectNode> fields) {
        ObjectNode line = Json.object();
        line.put("timestamp", Instant.now().toString());
        line.put("level", level);
        line.put("message", message);
        fields.accept(line);
        synchronized (out) {
            out.println(Json.write(line));
        }
    }
}
