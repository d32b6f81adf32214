package io.github.lambdaguardrail.cli;

import com.fasterxml.jackson.core.JsonParseException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The fast path of {@link RecordReader} through a CloudTrail log file as CloudTrail writes it,
 * {@code {"Records":[{…},{…}]}}: it frames each record by its brackets and strings without parsing
 * it, reads the record's top-level {@code eventSource} and {@code eventTime}, and never parses a
 * record that names another service. Every other record goes to Jackson whole: a Lambda record,
 * and any record it cannot classify with certainty (no or several {@code eventSource} keys, a
 * value that is not a plain string, an escape sequence in a top-level key, an EventBridge
 * {@code detail-type} or {@code detail}), so those are read exactly as {@link
 * io.github.lambdaguardrail.engine.CloudTrailReader} reads them.
 *
 * <p>At the first thing it does not handle (another first key than {@code Records}, an element
 * that is not an object, the end of the array) it stops and hands over the rest of the input,
 * preceded by {@code {"Records":[}, so that a JSON parser goes on as if the array had just
 * opened. Between records, a missing or trailing comma is an error; within a record, only the
 * brackets, the strings and the characters outside strings are checked: a record of another
 * service with a bad number, literal, comma or colon inside ({@code tru}, {@code "a" "b"}) passes,
 * where a JSON parser would stop. A Lambda record is parsed whole, so it is validated.
 *
 * <p>A record is held whole in a buffer while it is framed (CloudTrail records are at most a few
 * hundred KB); one larger than {@link #MAX_RECORD} is an error. Not thread-safe: one per input.
 */
final class LogFileScanner {

    /** The largest record framed; a record is held in memory whole while it is framed. */
    static final int MAX_RECORD = 32 * 1024 * 1024;

    private static final int MAX_DEPTH = 1000;
    private static final byte[] RECORDS = "\"Records\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CONTINUATION = "{\"Records\":[".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] EVENT_SOURCE = "eventSource".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] EVENT_TIME = "eventTime".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DETAIL = "detail".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DETAIL_TYPE = "detail-type".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] LAMBDA_SOURCE = "lambda.amazonaws.com".getBytes(StandardCharsets.US_ASCII);

    /** Where the records go. */
    interface Records {

        /** A record of another service, unparsed; {@code eventTime} is null when it has none that is a string. */
        void otherService(String eventSource, String eventTime);

        /** A record to parse whole: {@code length} bytes of {@code buffer} from {@code offset}. */
        void whole(byte[] buffer, int offset, int length) throws IOException;
    }

    /** What a top-level key of the record is, for the value that follows it. */
    private enum Key { NONE, SOURCE, TIME, OTHER }

    private final InputStream in;
    private byte[] buffer = new byte[256 * 1024];
    private int pos;
    private int limit;
    private boolean eof;
    private byte[] stack = new byte[64];

    // The record being framed: offsets into buffer, shifted when the buffer is compacted.
    private int recordStart;
    private int sourceStart;
    private int sourceEnd;
    private int timeStart;
    private int timeEnd;

    LogFileScanner(InputStream in) {
        this.in = in;
    }

    /**
     * Scans the records, if the input is a log file that starts the CloudTrail way, and returns
     * the rest of the input: the whole input when it does not, else {@code {"Records":[} and what
     * follows the last record scanned.
     */
    InputStream scan(Records records) throws IOException {
        if (!logFilePrefix()) {
            return rest(false);
        }
        boolean afterComma = false;
        while (true) {
            int next = skipWhitespace();
            if (next == ']' && afterComma) {
                throw new JsonParseException(null, "expected a record after ',', found ']'");
            }
            if (next != '{') {
                return rest(true);
            }
            record(records);
            next = skipWhitespace();
            afterComma = next == ',';
            if (afterComma) {
                pos++;
            } else if (next == ']') {
                return rest(true);
            } else {
                throw new JsonParseException(null, next < 0 ? "input ends after a record, inside the Records array"
                        : "expected ',' or ']' after a record, found '" + (char) next + "'");
            }
        }
    }

    /** Consumes {@code {"Records":[} (with any whitespace); on anything else, consumes nothing. */
    private boolean logFilePrefix() throws IOException {
        int at = 0;
        at = skipWhitespaceAt(at);
        if (!byteAt(at, '{')) {
            return false;
        }
        at = skipWhitespaceAt(at + 1);
        for (byte expected : RECORDS) {
            if (!byteAt(at++, expected)) {
                return false;
            }
        }
        at = skipWhitespaceAt(at);
        if (!byteAt(at, ':')) {
            return false;
        }
        at = skipWhitespaceAt(at + 1);
        if (!byteAt(at, '[')) {
            return false;
        }
        pos = at + 1;
        return true;
    }

    private boolean byteAt(int at, int expected) throws IOException {
        return available(at) && buffer[at] == expected;
    }

    private int skipWhitespaceAt(int at) throws IOException {
        while (available(at) && isWhitespace(buffer[at])) {
            at++;
        }
        return at;
    }

    /** Whether buffer[at] holds input, reading on as needed (before the first record only: no compaction). */
    private boolean available(int at) throws IOException {
        while (at >= limit && !eof && limit < buffer.length) {
            fill();
        }
        return at < limit;
    }

    /** The byte at pos after whitespace, or -1 at the end of the input. */
    private int skipWhitespace() throws IOException {
        while (true) {
            if (pos == limit) {
                recordStart = pos;
                if (!more()) {
                    return -1;
                }
            }
            byte b = buffer[pos];
            if (!isWhitespace(b)) {
                return b & 0xff;
            }
            pos++;
        }
    }

    /** A byte of a number, true, false or null (the letters are checked no further). */
    private static boolean isLiteral(byte b) {
        return b >= '0' && b <= '9' || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b == '-' || b == '+' || b == '.';
    }

    private static boolean isWhitespace(byte b) {
        return b == ' ' || b == '\n' || b == '\r' || b == '\t';
    }

    /** Frames the record at pos (its '{') and hands it over. */
    private void record(Records records) throws IOException {
        recordStart = pos;
        sourceStart = -1;
        timeStart = -1;
        int sourceKeys = 0;
        int timeKeys = 0;
        boolean certain = true;
        boolean sourceEscaped = false;
        boolean timeEscaped = false;
        int depth = 0;
        boolean expectKey = false;
        Key key = Key.NONE;
        int i = pos;
        byte[] buf = buffer;
        int lim = limit;
        while (true) {
            if (i == lim) {
                int before = recordStart;
                if (!more()) {
                    throw new JsonParseException(null, "input ends inside a record");
                }
                i -= before - recordStart;
                buf = buffer;
                lim = limit;
            }
            byte b = buf[i++];
            if (b == '"') {
                int start = i;
                boolean escaped = false;
                while (true) {
                    while (i < lim) { // most of a log file is inside strings: keep this loop small
                        byte c = buf[i];
                        if (c == '"' || c == '\\') {
                            break;
                        }
                        i++;
                    }
                    if (i < lim) {
                        if (buf[i] == '"') {
                            break;
                        }
                        escaped = true;
                        if (i + 1 < lim) {
                            i += 2; // the backslash and the byte it escapes
                            continue;
                        }
                    }
                    // More input needed: at the end of what was read, or at a backslash that ends it.
                    int before = recordStart;
                    if (!more()) {
                        throw new JsonParseException(null, "input ends inside a string");
                    }
                    i -= before - recordStart;
                    start -= before - recordStart;
                    buf = buffer;
                    lim = limit;
                }
                int end = i++;
                if (depth == 1) {
                    if (expectKey) {
                        expectKey = false;
                        if (escaped) {
                            certain = false;
                            key = Key.OTHER;
                        } else if (equals(start, end, EVENT_SOURCE)) {
                            sourceKeys++;
                            key = Key.SOURCE;
                        } else if (equals(start, end, EVENT_TIME)) {
                            timeKeys++;
                            key = Key.TIME;
                        } else {
                            if (equals(start, end, DETAIL) || equals(start, end, DETAIL_TYPE)) {
                                certain = false;
                            }
                            key = Key.OTHER;
                        }
                    } else if (key == Key.SOURCE) {
                        sourceStart = start;
                        sourceEnd = end;
                        sourceEscaped = escaped;
                        key = Key.NONE;
                    } else if (key == Key.TIME) {
                        timeStart = start;
                        timeEnd = end;
                        timeEscaped = escaped;
                        key = Key.NONE;
                    } else {
                        key = Key.NONE;
                    }
                }
                continue;
            }
            switch (b) {
                case '{', '[' -> {
                    if (depth == 1) {
                        certain &= key != Key.SOURCE;
                        key = Key.NONE;
                    }
                    if (depth == MAX_DEPTH) {
                        throw new JsonParseException(null, "record nested deeper than " + MAX_DEPTH);
                    }
                    if (depth == stack.length) {
                        stack = Arrays.copyOf(stack, depth * 2);
                    }
                    stack[depth++] = b;
                    expectKey = depth == 1;
                }
                case '}', ']' -> {
                    if (depth == 0 || stack[depth - 1] != (b == '}' ? '{' : '[')) {
                        throw new JsonParseException(null, "mismatched '" + (char) b + "' in a record");
                    }
                    depth--;
                    if (depth == 0) {
                        pos = i;
                        deliver(records, certain && sourceKeys == 1 && sourceStart >= 0 && !sourceEscaped
                                && timeKeys <= 1 && !timeEscaped);
                        return;
                    }
                }
                case ',' -> {
                    if (depth == 1) {
                        expectKey = true;
                        key = Key.NONE;
                    }
                }
                case ':', ' ', '\n', '\r', '\t' -> {
                    // structure and whitespace
                }
                default -> {
                    if (!isLiteral(b)) {
                        throw new JsonParseException(null, "unexpected character '" + (char) (b & 0xff) + "' in a record");
                    }
                    if (depth == 1) {
                        // a literal value (number, true, false, null): not a string
                        certain &= key != Key.SOURCE;
                        if (key == Key.TIME) {
                            timeStart = -1;
                        }
                        key = Key.NONE;
                    }
                }
            }
        }
    }

    /** A framed record: of another service when certain and its eventSource is not Lambda, else whole. */
    private void deliver(Records records, boolean certain) throws IOException {
        if (certain && !equals(sourceStart, sourceEnd, LAMBDA_SOURCE)) {
            String source = new String(buffer, sourceStart, sourceEnd - sourceStart, StandardCharsets.UTF_8);
            String time = timeStart < 0 ? null : new String(buffer, timeStart, timeEnd - timeStart, StandardCharsets.UTF_8);
            records.otherService(source, time);
        } else {
            records.whole(buffer, recordStart, pos - recordStart);
        }
    }

    private boolean equals(int start, int end, byte[] expected) {
        if (end - start != expected.length) {
            return false;
        }
        byte[] buf = buffer;
        for (int i = 0; i < expected.length; i++) {
            if (buf[start + i] != expected[i]) {
                return false;
            }
        }
        return true;
    }

    /**
     * Reads more input, keeping the record being framed (from recordStart) and moving it to the
     * front of the buffer, which grows when the record fills it. Offsets in the buffer shift by
     * the old recordStart: callers adjust theirs.
     *
     * @return false at the end of the input
     */
    private boolean more() throws IOException {
        if (eof) {
            return false;
        }
        int keep = limit - recordStart;
        int shift = recordStart;
        if (recordStart > 0) {
            System.arraycopy(buffer, recordStart, buffer, 0, keep);
            limit = keep;
            pos -= shift;
            recordStart = 0;
            sourceStart -= shift;
            sourceEnd -= shift;
            timeStart -= shift;
            timeEnd -= shift;
        } else if (limit == buffer.length) {
            if (buffer.length >= MAX_RECORD) {
                throw new JsonParseException(null, "record larger than " + (MAX_RECORD >> 20) + " MB");
            }
            buffer = Arrays.copyOf(buffer, Math.min(buffer.length * 2, MAX_RECORD));
        }
        return fill() > 0 || more();
    }

    /** Appends what the input has to the buffer; -1 at its end. */
    private int fill() throws IOException {
        int read = in.read(buffer, limit, buffer.length - limit);
        if (read < 0) {
            eof = true;
            return -1;
        }
        limit += read;
        return read;
    }

    /** What a JSON parser reads on with: {@code {"Records":[} if asked, the unscanned bytes, the input. */
    private InputStream rest(boolean continuation) {
        InputStream unscanned = new ByteArrayInputStream(buffer, pos, limit - pos);
        InputStream tail = new SequenceInputStream(unscanned, in);
        return continuation ? new SequenceInputStream(new ByteArrayInputStream(CONTINUATION), tail) : tail;
    }
}
