package io.github.lambdaguardrail.engine;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.lambdaguardrail.engine.internal.RecordParser;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.util.function.Consumer;
import java.util.zip.GZIPInputStream;

/**
 * Reads CloudTrail records in every form the guardrail meets: an EventBridge envelope, a bare
 * record, a JSON array of either, a CloudTrail log file ({@code {"Records": [...]}}) and several
 * such values one after another; gzipped or not (detected from the content, not the name).
 * Records are streamed one at a time, so a multi-gigabyte log file is never held in memory.
 * Stateless and thread-safe.
 */
public final class CloudTrailReader {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonFactory FACTORY = JSON.getFactory();

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
        int[] count = {0};
        try (JsonParser parser = FACTORY.createParser(decompressed(in))) {
            parser.setCodec(JSON);
            JsonToken token = parser.nextToken();
            if (token == null) {
                throw new UnreadableInputException(0, "input is empty", null);
            }
            for (; token != null; token = parser.nextToken()) {
                switch (token) {
                    case START_ARRAY -> readArray(parser, sink, count);
                    case START_OBJECT -> readObject(parser, sink, count);
                    default -> deliver(sink, count, parser.readValueAsTree());
                }
            }
        } catch (UnreadableInputException e) {
            throw e;
        } catch (JsonProcessingException e) {
            throw new UnreadableInputException(count[0], "not valid JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new UnreadableInputException(count[0], "unreadable: " + e.getMessage(), e);
        }
        return count[0];
    }

    /** Gzip is recognised by its magic bytes; plain JSON passes through unbuffered (Jackson buffers). */
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
        boolean gzip = first == 0x1f && second == 0x8b;
        return gzip ? new BufferedInputStream(new GZIPInputStream(peek, 64 * 1024), 64 * 1024) : peek;
    }

    private static void readArray(JsonParser parser, Consumer<ParsedRecord> sink, int[] count) throws IOException {
        while (parser.nextToken() != JsonToken.END_ARRAY) {
            if (parser.currentToken() == null) {
                throw new UnreadableInputException(count[0], "input ends inside an array", null);
            }
            deliver(sink, count, parser.readValueAsTree());
        }
    }

    /**
     * An object is a log file when it has a {@code Records} array; its records are streamed. Any
     * other object is one record, assembled field by field.
     */
    private static void readObject(JsonParser parser, Consumer<ParsedRecord> sink, int[] count) throws IOException {
        ObjectNode single = JSON.createObjectNode();
        boolean logFile = false;
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String field = parser.currentName();
            JsonToken value = parser.nextToken();
            if ("Records".equals(field) && value == JsonToken.START_ARRAY) {
                logFile = true;
                readArray(parser, sink, count);
            } else {
                single.set(field, parser.readValueAsTree());
            }
        }
        if (parser.currentToken() != JsonToken.END_OBJECT) {
            throw new UnreadableInputException(count[0], "input ends inside an object", null);
        }
        if (!logFile) {
            deliver(sink, count, single);
        }
    }

    private static void deliver(Consumer<ParsedRecord> sink, int[] count, JsonNode node) {
        sink.accept(RecordParser.parse(node, count[0]++));
    }
}
