package io.github.lambdaguardrail.engine;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.lambdaguardrail.engine.internal.RecordParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.IntFunction;
import java.util.zip.GZIPInputStream;

/**
 * Reads CloudTrail records in every form the guardrail meets: an EventBridge envelope, a bare
 * record, a JSON array of either, a CloudTrail log file ({@code {"Records": [...]}}), the output
 * of {@code aws cloudtrail lookup-events} ({@code {"Events": [{"CloudTrailEvent": "..."}]}}) and several
 * such values one after another; gzipped or not (detected from the content, not the name).
 * Records are streamed one at a time, so a multi-gigabyte log file is never held in memory.
 *
 * <p>Every record is read strictly, whole, as the guards read an event. A replay of S3 history,
 * where most records come from other services, plugs in a {@link Framer} (the CLI's log-file
 * scanner) that frames each record of a log file without parsing it and hands it over by the
 * fields the parser reads; whatever it leaves is read here. Stateless and thread-safe.
 */
public final class CloudTrailReader {

    /**
     * For a {@link Framer}: the string fields of a bare record (dotted paths) that decide whether
     * it is {@link ParsedRecord.Ignored}, and its header: a record holding only these, with the
     * same values, parses to the same Ignored record. Kept in step with the parser.
     */
    public static final List<String> HEADER_FIELDS = List.of("eventSource", "eventTime", "eventID", "eventName",
            "recipientAccountId", "awsRegion", "errorCode", "userIdentity.type", "userIdentity.arn",
            "userIdentity.principalId", "userIdentity.invokedBy", "userIdentity.accountId",
            "userIdentity.sessionContext.sessionIssuer.arn");

    /**
     * For a {@link Framer}: the top-level fields a watched event's change is read from. With the
     * {@link #HEADER_FIELDS}, they are every field of a bare record the parser reads.
     */
    public static final List<String> CHANGE_FIELDS = List.of("requestParameters", "responseElements");

    private static final int BUFFER = 64 * 1024;

    /** Where {@link #read(InputStream, Sink)} delivers the records, in order. */
    public interface Sink {

        /**
         * Whether to hand over the record at {@code index} (counting every record of the input
         * from 0), given its eventTime: the record's, or the detail's of an EventBridge event;
         * null when it has none that is a string. A record not wanted is not handed over:
         * whether it would be invalid goes unreported (JSON that does not parse is still an error).
         */
        boolean wants(int index, String eventTime);

        /** A record wanted, classified. */
        void record(ParsedRecord record);
    }

    /**
     * What reads a log file before this reader, faster and less strictly (the replay's log-file
     * scanner; the guards use none): given the input, decompressed, it hands each record it frames
     * to {@code records}, in order, and returns the rest of the input, which this reader reads on
     * as JSON.
     */
    public interface Framer {

        InputStream frame(InputStream json, Framed records) throws IOException;
    }

    /** Where a {@link Framer} hands the records it framed: each is counted and offered to the sink as this reader's own. */
    public interface Framed {

        /** A record of another service, unparsed; {@code eventTime} is null when it has none that is a string. */
        void otherService(String eventSource, String eventTime);

        /** A Lambda record, by the fields the parser reads; {@code fields} is valid during the call only. */
        void lambda(LambdaFields fields) throws IOException;

        /** A record to parse whole: {@code length} bytes of {@code buffer} from {@code offset}. */
        void whole(byte[] buffer, int offset, int length) throws IOException;
    }

    /** The fields of a Lambda record that the parser reads, as a {@link Framer} found them. */
    public interface LambdaFields {

        /** The {@link #HEADER_FIELDS} the record has, read as the parser reads them: enough for a record the engine ignores. */
        ObjectNode header();

        /** The JSON text of the value of {@code field}, one of the {@link #CHANGE_FIELDS}; null when the record has none. */
        ByteBuffer value(String field);
    }

    private CloudTrailReader() {
    }

    /** Parses one already-read JSON value (an envelope or a bare record). */
    public static ParsedRecord parse(JsonNode node) {
        return RecordParser.parse(node, 0);
    }

    /**
     * Streams every record of {@code in} to {@code sink}, in order.
     *
     * @return the number of records delivered
     * @throws UnreadableInputException when the input is empty, not JSON, or breaks off; the
     *                                  records before the break have been delivered
     */
    public static int read(InputStream in, Consumer<ParsedRecord> sink) throws IOException {
        return read(in, new Sink() {
            @Override
            public boolean wants(int index, String eventTime) {
                return true;
            }

            @Override
            public void record(ParsedRecord record) {
                sink.accept(record);
            }
        });
    }

    /**
     * Streams every record of {@code in} to {@code sink}, in order, classifying only those it
     * {@link Sink#wants wants}.
     *
     * @return the number of records read, wanted or not
     * @throws UnreadableInputException as {@link #read(InputStream, Consumer)}
     */
    public static int read(InputStream in, Sink sink) throws IOException {
        return read(in, sink, (json, records) -> json);
    }

    /**
     * Streams every record of {@code in} to {@code sink} as {@link #read(InputStream, Sink)} does,
     * those {@code framer} frames first.
     *
     * @throws UnreadableInputException as {@link #read(InputStream, Consumer)}, also where the
     *                                  framer finds the input broken
     */
    public static int read(InputStream in, Sink sink, Framer framer) throws IOException {
        Reading reading = new Reading(sink);
        try {
            InputStream rest = framer.frame(decompressed(in), reading);
            try (JsonParser parser = Json.parser(rest)) {
                reading.all(parser);
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

    /**
     * Gzip is recognised by its magic number, not by the file name. Nothing is buffered here: a
     * framer and Jackson read in large blocks, and a single event must not cost a large buffer.
     */
    private static InputStream decompressed(InputStream in) throws IOException {
        PushbackInputStream peek = new PushbackInputStream(in, 2);
        int first = peek.read();
        int second = first < 0 ? -1 : peek.read();
        if (second >= 0) {
            peek.unread(second);
        }
        if (first >= 0) {
            peek.unread(first);
        }
        return first == 0x1f && second == 0x8b ? new GZIPInputStream(peek, BUFFER) : peek;
    }

    /** One call of {@link #read}: the records a {@link Framer} frames, then what it leaves to Jackson. */
    private static final class Reading implements Framed {

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
        public void lambda(LambdaFields fields) throws IOException {
            ObjectNode header = fields.header();
            ParsedRecord fromHeader = RecordParser.parseHeader(header, count);
            ParsedRecord record = switch (fromHeader) {
                // The header alone shows the record is not evaluated: its request and response are never parsed.
                case ParsedRecord.Ignored ignored -> ignored;
                case ParsedRecord.Watched watched -> RecordParser.parse(all(fields), count);
                case ParsedRecord.Guarded guarded -> RecordParser.parse(all(fields), count);
                case ParsedRecord.Scheduled scheduled -> RecordParser.parse(all(fields), count);
                case ParsedRecord.OtherService other -> RecordParser.parse(all(fields), count);
                case ParsedRecord.Invalid invalid -> RecordParser.parse(all(fields), count);
            };
            JsonNode time = header.get("eventTime");
            deliver(time == null ? null : time.textValue(), index -> record);
        }

        /** The header and, parsed, those of the change fields the parser reads of a record with that header. */
        private static ObjectNode all(LambdaFields fields) throws IOException {
            ObjectNode record = fields.header().deepCopy();
            for (String field : RecordParser.changeFieldsOf(record)) {
                ByteBuffer value = fields.value(field);
                if (value != null) {
                    record.set(field, Json.read(value.array(), value.arrayOffset() + value.position(), value.remaining()));
                }
            }
            return record;
        }

        @Override
        public void whole(byte[] buffer, int offset, int length) throws IOException {
            built(Json.read(buffer, offset, length));
        }

        void all(JsonParser parser) throws IOException {
            this.parser = parser;
            JsonToken token = parser.nextToken();
            if (token == null) {
                throw new UnreadableInputException(0, "input is empty", null);
            }
            for (; token != null; token = parser.nextToken()) {
                switch (token) {
                    case START_ARRAY -> array();
                    case START_OBJECT -> object();
                    default -> built(Json.value(parser));
                }
            }
        }

        /** The elements of an array: records, or the {@code Records} of a log file. */
        private void array() throws IOException {
            for (JsonToken token = parser.nextToken(); token != JsonToken.END_ARRAY; token = parser.nextToken()) {
                if (token == null) {
                    throw new UnreadableInputException(count, "input ends inside an array", null);
                }
                built(Json.value(parser));
            }
        }

        /**
         * An object is a log file when it has a {@code Records} array; its records are streamed.
         * Any other object is one record, assembled field by field.
         */
        private void object() throws IOException {
            ObjectNode single = Json.object();
            boolean logFile = false;
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                if ("Records".equals(field) && value == JsonToken.START_ARRAY) {
                    logFile = true;
                    array();
                } else if ("Events".equals(field) && value == JsonToken.START_ARRAY) {
                    logFile = true;
                    lookedUpEvents();
                } else {
                    single.set(field, Json.value(parser));
                }
            }
            if (parser.currentToken() != JsonToken.END_OBJECT) {
                throw new UnreadableInputException(count, "input ends inside an object", null);
            }
            if (!logFile) {
                built(single);
            }
        }

        /**
         * The {@code Events} of {@code aws cloudtrail lookup-events} output: each holds its record as
         * a JSON string in {@code CloudTrailEvent}, read as strictly as any record. An element
         * without that string, or whose {@code EventId} is not its record's {@code eventID}, is an
         * invalid record: nothing is acted on from a wrapper that disagrees with what it wraps.
         */
        private void lookedUpEvents() throws IOException {
            for (JsonToken token = parser.nextToken(); token != JsonToken.END_ARRAY; token = parser.nextToken()) {
                if (token == null) {
                    throw new UnreadableInputException(count, "input ends inside the Events array", null);
                }
                JsonNode event = Json.value(parser);
                JsonNode text = event.get("CloudTrailEvent");
                if (text == null || !text.isTextual()) {
                    invalid("an element of Events has no CloudTrailEvent string (aws cloudtrail lookup-events output has one)");
                    continue;
                }
                JsonNode record;
                try {
                    record = Json.read(text.textValue());
                } catch (JsonProcessingException e) {
                    invalid("CloudTrailEvent is not one JSON record: " + e.getOriginalMessage());
                    continue;
                }
                JsonNode wrapperId = event.get("EventId");
                JsonNode recordId = record.get("eventID");
                if (wrapperId != null && !(recordId != null && recordId.isTextual() && wrapperId.equals(recordId))) {
                    invalid("EventId " + wrapperId + " differs from its CloudTrailEvent's eventID " + recordId);
                    continue;
                }
                built(record);
            }
        }

        private void invalid(String reason) {
            deliver(null, index -> new ParsedRecord.Invalid(index, reason));
        }

        /** A record built whole (an EventBridge envelope, a bare record, anything else). */
        private void built(JsonNode node) {
            JsonNode record = node != null && node.has("detail-type") ? node.path("detail") : node;
            JsonNode time = record == null ? null : record.get("eventTime");
            deliver(time != null && time.isTextual() ? time.textValue() : null, index -> RecordParser.parse(node, index));
        }

        /** Counts the record and, if the sink wants it, classifies it and hands it over. */
        private void deliver(String eventTime, IntFunction<ParsedRecord> classify) {
            int index = count++;
            if (sink.wants(index, eventTime)) {
                sink.record(classify.apply(index));
            }
        }
    }
}
