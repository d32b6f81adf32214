package io.github.lambdaguardrail.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.lambdaguardrail.engine.CloudTrailReader;
import io.github.lambdaguardrail.engine.ParsedRecord;
import io.github.lambdaguardrail.engine.UnreadableInputException;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.Optional;
import java.util.function.IntFunction;
import java.util.zip.GZIPInputStream;

/**
 * Reads CloudTrail input for {@code evaluate}: the same forms, the same records ({@link
 * CloudTrailReader#parse} classifies them) and the same breaks as {@link CloudTrailReader#read},
 * plus each record's place in the {@link Window}. Built for replaying S3 history, where most
 * records come from other services: a log file as CloudTrail writes it goes through {@link
 * LogFileScanner}, which never parses a record of another service (and so does not validate its
 * insides); whatever the scanner leaves is parsed with Jackson, one record at a time. Records are
 * streamed; a file is never held in memory.
 *
 * <p>With a window set, a record whose eventTime is missing or not an ISO-8601 instant is reported
 * as invalid (fail closed: it is neither skipped nor assumed inside). Records outside the window
 * are not classified at all: a broken record from outside the window is not an error.
 *
 * <p>Immutable and thread-safe; each {@link #read} call uses its own parser.
 */
final class RecordReader {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonFactory FACTORY = JSON.getFactory();
    private static final int BUFFER = 64 * 1024;

    /** Where the records go, in order; indexes count every record of the input from 0. */
    interface Sink {

        /** A record whose eventTime is outside the window. */
        void outsideWindow(int index);

        /** A record in the window (every record when the window is open). */
        void record(ParsedRecord record);
    }

    private final Window window;

    RecordReader(Window window) {
        this.window = window;
    }

    /**
     * Streams every record of {@code in} to {@code sink}.
     *
     * @return the number of records read
     * @throws UnreadableInputException when the input is empty, not JSON, or breaks off; the
     *                                  records before the break have been delivered
     */
    int read(InputStream in, Sink sink) throws IOException {
        Reading reading = new Reading(sink);
        try {
            InputStream rest = new LogFileScanner(decompressed(in)).scan(reading);
            try (JsonParser parser = FACTORY.createParser(rest)) {
                parser.setCodec(JSON);
                reading.parser = parser;
                reading.all();
            }
        } catch (UnreadableInputException e) {
            throw e;
        } catch (JsonProcessingException e) {
            throw new UnreadableInputException(reading.count, "not valid JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new UnreadableInputException(reading.count, "unreadable: " + e.getMessage(), e);
        }
        return reading.count;
    }

    /** Gzip is recognised by its magic number, not by the file name. */
    private static InputStream decompressed(InputStream in) throws IOException {
        BufferedInputStream buffered = new BufferedInputStream(in, BUFFER);
        buffered.mark(2);
        int first = buffered.read();
        int second = buffered.read();
        buffered.reset();
        return first == 0x1f && second == 0x8b ? new GZIPInputStream(buffered, BUFFER) : buffered;
    }

    /** One call of {@link #read}: the records {@link LogFileScanner} frames, then what it leaves to Jackson. */
    private final class Reading implements LogFileScanner.Records {

        private final Sink sink;
        private JsonParser parser;
        private int count;

        Reading(Sink sink) {
            this.sink = sink;
        }

        @Override
        public void otherService(String eventSource, String eventTime) {
            deliver(eventTime, index -> new ParsedRecord.OtherService(index, eventSource));
        }

        @Override
        public void whole(byte[] buffer, int offset, int length) throws IOException {
            built(JSON.readTree(buffer, offset, length));
        }

        void all() throws IOException {
            JsonToken token = parser.nextToken();
            if (token == null) {
                throw new UnreadableInputException(0, "input is empty", null);
            }
            for (; token != null; token = parser.nextToken()) {
                switch (token) {
                    case START_ARRAY -> array();
                    case START_OBJECT -> object();
                    default -> built(parser.readValueAsTree());
                }
            }
        }

        /** The elements of an array: records, or the {@code Records} of a log file. */
        private void array() throws IOException {
            for (JsonToken token = parser.nextToken(); token != JsonToken.END_ARRAY; token = parser.nextToken()) {
                if (token == null) {
                    throw new UnreadableInputException(count, "input ends inside an array", null);
                }
                built(parser.readValueAsTree());
            }
        }

        /** A log file ({@code Records} is streamed) or, for any other object, one record. */
        private void object() throws IOException {
            ObjectNode single = JSON.createObjectNode();
            boolean logFile = false;
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                if ("Records".equals(field) && value == JsonToken.START_ARRAY) {
                    logFile = true;
                    array();
                } else {
                    single.set(field, parser.readValueAsTree());
                }
            }
            if (parser.currentToken() != JsonToken.END_OBJECT) {
                throw new UnreadableInputException(count, "input ends inside an object", null);
            }
            if (!logFile) {
                built(single);
            }
        }

        /** A record built whole (an EventBridge envelope, a bare record, anything else). */
        private void built(JsonNode node) {
            JsonNode record = node != null && node.has("detail-type") ? node.path("detail") : node;
            JsonNode time = record == null ? null : record.get("eventTime");
            deliver(time != null && time.isTextual() ? time.textValue() : null,
                    index -> withIndex(CloudTrailReader.parse(node), index));
        }

        /** Places the record in the window, then, unless it is outside, classifies it. */
        private void deliver(String eventTime, IntFunction<ParsedRecord> classify) {
            int index = count++;
            Optional<Instant> time = window.isOpen() ? Optional.empty() : Window.eventTime(eventTime);
            if (time.isPresent() && !window.contains(time.get())) {
                sink.outsideWindow(index);
                return;
            }
            ParsedRecord record = classify.apply(index);
            if (window.isOpen() || time.isPresent() || record instanceof ParsedRecord.Invalid) {
                sink.record(record);
            } else {
                sink.record(new ParsedRecord.Invalid(index, (eventTime == null ? "record has no eventTime"
                        : "eventTime '" + eventTime + "' is not an ISO-8601 instant") + ": cannot tell whether it is in the window"));
            }
        }
    }

    /** {@link CloudTrailReader#parse} numbers every record 0: the record with its place in the input. */
    private static ParsedRecord withIndex(ParsedRecord record, int index) {
        if (record.index() == index) {
            return record;
        }
        if (record instanceof ParsedRecord.Watched watched) {
            return new ParsedRecord.Watched(index, watched.event());
        }
        if (record instanceof ParsedRecord.Ignored ignored) {
            return new ParsedRecord.Ignored(index, ignored.header(), ignored.reason());
        }
        if (record instanceof ParsedRecord.OtherService other) {
            return new ParsedRecord.OtherService(index, other.eventSource());
        }
        ParsedRecord.Invalid invalid = (ParsedRecord.Invalid) record;
        return new ParsedRecord.Invalid(index, invalid.reason());
    }
}
