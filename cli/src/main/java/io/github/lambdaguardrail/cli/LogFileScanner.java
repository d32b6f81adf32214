package io.github.lambdaguardrail.cli;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.lambdaguardrail.engine.CloudTrailReader;
import io.github.lambdaguardrail.engine.WatchedApi;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * The replay's fast path through a CloudTrail log file as CloudTrail writes it,
 * {@code {"Records":[{…},{…}]}}, plugged into the engine's strict {@link CloudTrailReader} as its
 * {@link CloudTrailReader.Framer}: it frames each record by its brackets and strings without
 * parsing it. The first pass looks at a record's top level only, keeping where the value of each
 * field the parser reads begins and ends, and skips every nested value. A record that names
 * another service is handed over by its {@code eventSource} and {@code eventTime}, never parsed.
 * Of a Lambda record, a second pass reads the {@link CloudTrailReader#HEADER_FIELDS} from the
 * framed bytes, enough for a record the engine ignores (a failed call, an unwatched API: most
 * Lambda records); the reader parses the {@link CloudTrailReader#CHANGE_FIELDS} only when the
 * header does not decide. Any record it cannot read with certainty goes to the reader whole: no or
 * several {@code eventSource} keys, a field twice, a value of another kind than the parser reads,
 * an escape sequence in a key or in a header value, an EventBridge {@code detail-type} or
 * {@code detail}.
 *
 * <p>It lives beside the replay, not in the engine: the guards read every event whole with the
 * strict reader, and Jackson streaming in its place (skipChildren() over what the parser does not
 * read) took twice the CPU of a replay (README, "Replay").
 *
 * <p>At the first thing it does not handle (another first key than {@code Records}, an element
 * that is not an object, the end of the array) it stops and hands over the rest of the input,
 * preceded by {@code {"Records":[}, so that a JSON parser goes on as if the array had just
 * opened. Between records, a missing or trailing comma is an error; within a record, only the
 * brackets, the strings and the characters outside strings are checked: a record with a bad
 * number, literal, comma or colon inside ({@code tru}, {@code "a" "b"}), or with a key twice where
 * the engine reads nothing (a record of another service, a field no rule reads), passes unless it
 * is parsed whole, where the strict reader would stop. A key twice where the engine
 * reads (a header field, a nested header field, anything in the change fields it parses) stops
 * both.
 *
 * <p>A record is held whole in a buffer while it is framed (CloudTrail records are at most a few
 * hundred KB); one larger than {@link #MAX_RECORD} is an error. Not thread-safe: one per input.
 */
final class LogFileScanner {

    /** The largest record framed; a record is held in memory whole while it is framed. */
    static final int MAX_RECORD = 32 * 1024 * 1024;

    private static final int MAX_DEPTH = 1000;
    private static final int PREFIX_BUFFER = 256;
    /** The buffer of a log file: records are read in blocks of about this size; it grows for a larger record. */
    private static final int LOG_FILE_BUFFER = 64 * 1024;
    private static final byte[] RECORDS = "\"Records\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CONTINUATION = "{\"Records\":[".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] LAMBDA_SOURCE = WatchedApi.Service.LAMBDA.eventSource().getBytes(StandardCharsets.US_ASCII);
    /** Services other than Lambda with calls the engine judges (changes to the guardrail's own resources). */
    private static final List<byte[]> GUARDED_SOURCES = Arrays.stream(WatchedApi.Service.values())
            .filter(s -> s != WatchedApi.Service.LAMBDA)
            .map(s -> s.eventSource().getBytes(StandardCharsets.US_ASCII)).toList();

    // For quoteOrBackslash: eight bytes at a time.
    private static final VarHandle WORDS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGH_BITS = 0x8080808080808080L;
    private static final long QUOTES = ONES * '"';
    private static final long BACKSLASHES = ONES * '\\';
    /** Times a word with a 1 in byte k only, gives k in the top byte. */
    private static final long BYTE_INDEXES = 0x0001020304050607L;

    private static final Field ROOT = Field.tree(CloudTrailReader.HEADER_FIELDS, CloudTrailReader.CHANGE_FIELDS,
            List.of("detail-type", "detail"));
    private static final Field SOURCE = ROOT.child("eventSource");
    private static final Field TIME = ROOT.child("eventTime");
    private static final Field NAME = ROOT.child("eventName");
    private static final List<Field> CHANGE = CloudTrailReader.CHANGE_FIELDS.stream().map(ROOT::child).toList();
    private static final int FIELDS = ROOT.children.length;

    private final InputStream in;
    /** Small until the input is known to be a log file: a single event must not cost a large buffer. */
    private byte[] buffer = new byte[PREFIX_BUFFER];
    private int pos;
    private int limit;
    private boolean eof;
    // Allocated once the input is known to be a log file (a single event must not cost them).
    private byte[] stack;

    // The record being framed: offsets into buffer, shifted when the buffer is compacted.
    private int recordStart;
    /** Per top-level field read: the offsets of its value (start -1: none) and how often its key occurs. */
    private int[] starts;
    private int[] ends;
    private int[] occurrences;
    private FieldsRead lambdaFields;
    /** Whether the string {@link #stringEnd} found last holds an escape sequence. */
    private boolean stringEscaped;

    private LogFileScanner(InputStream in) {
        this.in = in;
    }

    /**
     * Frames the records of {@code json}, if it is a log file that starts the CloudTrail way, and
     * returns the rest of the input: the whole input when it does not, else {@code {"Records":[}
     * and what follows the last record framed. A {@link CloudTrailReader.Framer}.
     */
    static InputStream frame(InputStream json, CloudTrailReader.Framed records) throws IOException {
        return new LogFileScanner(json).scan(records);
    }

    private InputStream scan(CloudTrailReader.Framed records) throws IOException {
        if (!logFilePrefix()) {
            return rest(false);
        }
        buffer = Arrays.copyOf(buffer, LOG_FILE_BUFFER);
        stack = new byte[64];
        starts = new int[FIELDS];
        ends = new int[FIELDS];
        occurrences = new int[FIELDS];
        lambdaFields = new FieldsRead();
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

    /**
     * Frames the record at pos (its '{') and hands it over. Only its top level is looked at: the
     * offsets of the value of each top-level field in {@link #ROOT} are kept (a value of any kind,
     * quotes included), every nested value is skipped. {@code certain}: no top-level key is
     * escaped or names an EventBridge envelope's field, so the record is classified by its
     * eventSource and eventTime.
     */
    private void record(CloudTrailReader.Framed records) throws IOException {
        recordStart = pos;
        Arrays.fill(starts, -1);
        Arrays.fill(occurrences, 0);
        boolean certain = true;
        boolean expectKey = true;
        Field pending = null; // the field whose value comes next, if any
        Field literal = null; // the field whose value is the literal being read, if any
        int i = pos + 1;
        byte[] buf = buffer;
        int lim = limit;
        while (true) {
            if (i == lim) {
                i = readOn(i, "a record");
                buf = buffer;
                lim = limit;
            }
            byte b = buf[i++];
            if (b == '"') {
                int start = i;
                i = quoteOrBackslash(buf, i, lim);
                boolean escaped = false;
                if (i >= lim || buf[i] != '"') {
                    start -= recordStart;
                    i = stringEnd(i);
                    buf = buffer;
                    lim = limit;
                    start += recordStart;
                    escaped = stringEscaped;
                }
                int end = i++;
                if (expectKey) {
                    expectKey = false;
                    pending = escaped ? null : ROOT.child(buf, start, end);
                    if (pending != null) {
                        occurrences[pending.slot]++;
                        certain &= pending.kind != Kind.ENVELOPE;
                    } else {
                        certain &= !escaped;
                    }
                } else if (pending != null) {
                    starts[pending.slot] = start - 1;
                    ends[pending.slot] = i;
                    pending = null;
                }
                continue;
            }
            switch (b) {
                case '{', '[' -> {
                    stack[0] = b;
                    int start = i - 1 - recordStart;
                    i = skipContainer(i, 1);
                    buf = buffer;
                    lim = limit;
                    if (pending != null) {
                        starts[pending.slot] = start + recordStart;
                        ends[pending.slot] = i;
                        pending = null;
                    }
                }
                case '}' -> {
                    if (literal != null) {
                        ends[literal.slot] = i - 1;
                    }
                    pos = i;
                    deliver(records, certain);
                    return;
                }
                case ']' -> throw new JsonParseException(null, "mismatched ']' in a record");
                case ',', ' ', '\n', '\r', '\t' -> {
                    if (literal != null) {
                        ends[literal.slot] = i - 1;
                        literal = null;
                    }
                    expectKey |= b == ',';
                }
                case ':' -> {
                    // between a key and its value
                }
                default -> {
                    if (!isLiteral(b)) {
                        throw new JsonParseException(null, "unexpected character '" + (char) (b & 0xff) + "' in a record");
                    }
                    if (pending != null) {
                        starts[pending.slot] = i - 1;
                        literal = pending;
                        pending = null;
                    }
                }
            }
        }
    }

    /**
     * Skips the rest of a nested container: {@code stack[depth - 1]} is its bracket and {@code i}
     * the index after it. Returns the index after its closing bracket.
     */
    private int skipContainer(int i, int depth) throws IOException {
        int outer = depth - 1;
        byte[] buf = buffer;
        int lim = limit;
        while (true) {
            if (i == lim) {
                i = readOn(i, "a record");
                buf = buffer;
                lim = limit;
            }
            byte b = buf[i++];
            if (b == '"') {
                i = quoteOrBackslash(buf, i, lim);
                if (i < lim && buf[i] == '"') {
                    i++;
                    continue;
                }
                i = stringEnd(i) + 1;
                buf = buffer;
                lim = limit;
            } else if (b == '{' || b == '[') {
                if (depth == MAX_DEPTH) {
                    throw new JsonParseException(null, "record nested deeper than " + MAX_DEPTH);
                }
                if (depth == stack.length) {
                    stack = Arrays.copyOf(stack, depth * 2);
                }
                stack[depth++] = b;
            } else if (b == '}' || b == ']') {
                if (stack[depth - 1] != (b == '}' ? '{' : '[')) {
                    throw new JsonParseException(null, "mismatched '" + (char) b + "' in a record");
                }
                if (--depth == outer) {
                    return i;
                }
            } else if (b != ',' && b != ':' && !isWhitespace(b) && !isLiteral(b)) {
                throw new JsonParseException(null, "unexpected character '" + (char) (b & 0xff) + "' in a record");
            }
        }
    }

    /**
     * The first index from {@code i} on, below {@code lim}, of a quote or a backslash; {@code lim}
     * when there is none. Eight bytes at a time, as most of a log file is inside strings: the
     * lowest byte of a word that is one of them (the "has a zero byte" test on word ^ pattern).
     */
    private static int quoteOrBackslash(byte[] buf, int i, int lim) {
        while (i + 8 <= lim) {
            long word = (long) WORDS.get(buf, i);
            long quotes = word ^ QUOTES;
            long backslashes = word ^ BACKSLASHES;
            long found = ((quotes - ONES) & ~quotes | (backslashes - ONES) & ~backslashes) & HIGH_BITS;
            if (found != 0) {
                // The index of the lowest byte found (Long.numberOfTrailingZeros is a call under C1).
                return i + (int) ((((found & -found) >>> 7) * BYTE_INDEXES) >>> 56);
            }
            i += 8;
        }
        while (i < lim && buf[i] != '"' && buf[i] != '\\') {
            i++;
        }
        return i;
    }

    /** Reads on at the end of what was read, inside {@code what}: {@code i} shifted as the buffer moved. */
    private int readOn(int i, String what) throws IOException {
        int before = recordStart;
        if (!more()) {
            throw new JsonParseException(null, "input ends inside " + what);
        }
        return i - (before - recordStart);
    }

    /**
     * The index of the quote that ends the string whose first byte is at {@code i}, reading on as
     * needed (which shifts offsets: see {@link #more}); {@link #stringEscaped} says whether the
     * string holds an escape sequence.
     */
    private int stringEnd(int i) throws IOException {
        byte[] buf = buffer;
        int lim = limit;
        boolean escaped = false;
        while (true) {
            i = quoteOrBackslash(buf, i, lim);
            if (i < lim) {
                if (buf[i] == '"') {
                    stringEscaped = escaped;
                    return i;
                }
                escaped = true;
                if (i + 1 < lim) {
                    i += 2; // the backslash and the byte it escapes
                    continue;
                }
            }
            // More input needed: at the end of what was read, or at a backslash that ends it.
            i = readOn(i, "a string");
            buf = buffer;
            lim = limit;
        }
    }

    /**
     * A framed record: of another service when its eventSource is certain and not Lambda, a
     * Lambda record when its fields read as the parser expects them, else whole.
     */
    private void deliver(CloudTrailReader.Framed records, boolean certain) throws IOException {
        int length = pos - recordStart;
        boolean plainTime = isPlainString(TIME);
        if (!certain || occurrences[SOURCE.slot] != 1 || !isPlainString(SOURCE) || occurrences[TIME.slot] > 1
                || starts[TIME.slot] >= 0 && buffer[starts[TIME.slot]] == '"' && !plainTime) {
            records.whole(buffer, recordStart, length);
        } else if (!equals(starts[SOURCE.slot] + 1, ends[SOURCE.slot] - 1, LAMBDA_SOURCE)) {
            String source = content(SOURCE);
            if (isGuardedSource() && (occurrences[NAME.slot] != 1 || !isPlainString(NAME)
                    || WatchedApi.forEvent(source, content(NAME)).isPresent())) {
                // A watched call of such a service is parsed whole, as the guards parse it.
                records.whole(buffer, recordStart, length);
            } else {
                records.otherService(source, plainTime ? content(TIME) : null);
            }
        } else if (lambdaFields.read()) {
            records.lambda(lambdaFields);
        } else {
            records.whole(buffer, recordStart, length);
        }
    }

    private boolean isGuardedSource() {
        for (byte[] source : GUARDED_SOURCES) {
            if (equals(starts[SOURCE.slot] + 1, ends[SOURCE.slot] - 1, source)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether the top-level field's value was read and is a string without escape sequences: a
     * framed string holds no bare quote, so its first quote or backslash is its closing quote.
     */
    private boolean isPlainString(Field field) {
        int start = starts[field.slot];
        int closingQuote = ends[field.slot] - 1;
        return start >= 0 && buffer[start] == '"' && quoteOrBackslash(buffer, start + 1, closingQuote + 1) == closingQuote;
    }

    private String content(Field field) {
        return new String(buffer, starts[field.slot] + 1, ends[field.slot] - starts[field.slot] - 2, StandardCharsets.UTF_8);
    }

    /**
     * What {@link #deliver} hands over of a Lambda record: its fields, read from the offsets of
     * their values in the buffer, where the whole record is, framed.
     */
    private final class FieldsRead implements CloudTrailReader.LambdaFields {

        private ObjectNode header;
        /** The end of the value being read: nothing at or after it is looked at. */
        private int end;

        /**
         * Reads the header, if every field of it is there at most once and as the parser reads
         * it: a string without escape sequences, or an object of such fields.
         */
        boolean read() {
            header = JsonNodeFactory.instance.objectNode();
            for (Field field : ROOT.children) {
                int start = starts[field.slot];
                end = ends[field.slot];
                if (occurrences[field.slot] > 1) {
                    return false;
                }
                boolean asExpected = start < 0 || switch (field.kind) {
                    case STRING -> isPlainString(field);
                    case OBJECT -> buffer[start] == '{' && object(field, start + 1, header.putObject(field.name)) == end;
                    case VALUE, ENVELOPE -> true;
                };
                if (!asExpected) {
                    return false;
                }
                if (start >= 0 && field.kind == Kind.STRING) {
                    header.put(field.name, content(field));
                }
            }
            return true;
        }

        @Override
        public ObjectNode header() {
            return header;
        }

        @Override
        public ByteBuffer value(String field) {
            for (Field change : CHANGE) {
                if (change.name.equals(field)) {
                    int start = starts[change.slot];
                    return start < 0 ? null : ByteBuffer.wrap(buffer, start, ends[change.slot] - start);
                }
            }
            throw new IllegalArgumentException(field + " is not one of " + CloudTrailReader.CHANGE_FIELDS);
        }

        /**
         * Reads the fields of {@code object} from the object whose first byte after '{' is at
         * {@code i} into {@code node}: the index after its '}', or -1 when a field is not as
         * the parser reads it (an escaped key, a value of another kind, a key twice) or the
         * object is not well formed.
         */
        private int object(Field object, int i, ObjectNode node) {
            byte[] buf = buffer;
            i = skipSpace(buf, i);
            if (i < end && buf[i] == '}') {
                return i + 1;
            }
            while (i < end && buf[i] == '"') {
                int keyEnd = quoteOrBackslash(buf, i + 1);
                if (keyEnd < 0 || buf[keyEnd] == '\\') {
                    return -1;
                }
                Field field = object.child(buf, i + 1, keyEnd);
                i = skipSpace(buf, keyEnd + 1);
                if (i >= end || buf[i] != ':') {
                    return -1;
                }
                i = skipSpace(buf, i + 1);
                if (i >= end) {
                    return -1;
                }
                if (field == null) {
                    i = skipValue(buf, i);
                } else if (node.has(field.name)) {
                    return -1;
                } else if (field.kind == Kind.OBJECT && buf[i] == '{') {
                    i = object(field, i + 1, node.putObject(field.name));
                } else if (field.kind == Kind.STRING && buf[i] == '"') {
                    int valueEnd = quoteOrBackslash(buf, i + 1);
                    if (valueEnd < 0 || buf[valueEnd] == '\\') {
                        return -1;
                    }
                    node.put(field.name, new String(buf, i + 1, valueEnd - i - 1, StandardCharsets.UTF_8));
                    i = valueEnd + 1;
                } else {
                    return -1;
                }
                i = i < 0 ? end : skipSpace(buf, i);
                if (i < end && buf[i] == '}') {
                    return i + 1;
                }
                if (i >= end || buf[i] != ',') {
                    return -1;
                }
                i = skipSpace(buf, i + 1);
            }
            return -1;
        }

        /** The index after the value at {@code i} (a string, a container or a literal), or -1 if it is not one. */
        private int skipValue(byte[] buf, int i) {
            int depth = 0;
            do {
                if (i >= end) {
                    return -1;
                }
                byte b = buf[i++];
                if (b == '"') {
                    while (true) {
                        i = quoteOrBackslash(buf, i);
                        if (i < 0 || buf[i] == '"') {
                            break;
                        }
                        i += 2;
                    }
                    if (i < 0) {
                        return -1;
                    }
                    i++;
                } else if (b == '{' || b == '[') {
                    depth++;
                } else if (b == '}' || b == ']') {
                    depth--;
                } else if (depth == 0) {
                    if (!isLiteral(b)) {
                        return -1;
                    }
                    while (i < end && isLiteral(buf[i])) {
                        i++;
                    }
                }
            } while (depth > 0);
            return depth == 0 ? i : -1;
        }

        /** The index of the first quote or backslash from {@code i} on, or -1. */
        private int quoteOrBackslash(byte[] buf, int i) {
            int found = LogFileScanner.quoteOrBackslash(buf, i, end);
            return found < end ? found : -1;
        }

        private int skipSpace(byte[] buf, int i) {
            while (i < end && isWhitespace(buf[i])) {
                i++;
            }
            return i;
        }
    }

    private boolean equals(int start, int end, byte[] expected) {
        return Arrays.equals(buffer, start, end, expected, 0, expected.length);
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
            for (int slot = 0; slot < starts.length; slot++) {
                if (starts[slot] >= 0) { // -1: no value
                    starts[slot] -= shift;
                    ends[slot] -= shift;
                }
            }
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

    /**
     * What a {@link Field} holds: a string, an object of fields, any JSON value (kept as offsets,
     * parsed on demand), or a field of an EventBridge envelope (whose presence says the object is
     * not a bare record).
     */
    private enum Kind { OBJECT, STRING, VALUE, ENVELOPE }

    /**
     * A field the scanner looks for; {@code slot}, of a top-level field, indexes the per-record
     * arrays (-1 for the root and nested fields, which the header pass reads into JSON directly).
     */
    private static final class Field {

        private static final int HASH_BUCKETS = 64;

        final String name;
        final byte[] bytes;
        final int slot;
        final Kind kind;
        Field[] children = new Field[0];
        /** The children by {@link #hash} of their names, chained through {@link #nextInBucket}. */
        final Field[] byHash = new Field[HASH_BUCKETS];
        Field nextInBucket;

        private Field(String name, int slot, Kind kind) {
            this.name = name;
            this.bytes = name.getBytes(StandardCharsets.UTF_8);
            this.slot = slot;
            this.kind = kind;
        }

        /** The tree of dotted paths ({@code userIdentity.arn}) of strings, of values and of envelope keys. */
        static Field tree(List<String> strings, List<String> values, List<String> envelope) {
            Field root = new Field("", -1, Kind.OBJECT);
            int slots = 0;
            for (String name : envelope) {
                slots = add(root, name, Kind.ENVELOPE, slots);
            }
            for (String path : strings) {
                slots = add(root, path, Kind.STRING, slots);
            }
            for (String path : values) {
                slots = add(root, path, Kind.VALUE, slots);
            }
            return root;
        }

        private static int add(Field root, String path, Kind kind, int slots) {
            String[] names = path.split("\\.");
            Field at = root;
            for (int n = 0; n < names.length; n++) {
                boolean last = n == names.length - 1;
                Field child = at.child(names[n]);
                if (child == null) {
                    child = new Field(names[n], at == root ? slots++ : -1, last ? kind : Kind.OBJECT);
                    at.children = Arrays.copyOf(at.children, at.children.length + 1);
                    at.children[at.children.length - 1] = child;
                    int bucket = hash(child.bytes.length, child.bytes[child.bytes.length - 1]);
                    child.nextInBucket = at.byHash[bucket];
                    at.byHash[bucket] = child;
                } else if (last || child.kind != Kind.OBJECT) {
                    throw new IllegalArgumentException(path + ": overlaps another field");
                }
                if ((kind == Kind.VALUE || kind == Kind.ENVELOPE) && !last) {
                    throw new IllegalArgumentException(path + ": values are read at the top level only");
                }
                at = child;
            }
            return slots;
        }

        /** A hash of a name from its length and last byte, cheap enough to test every key of a record. */
        static int hash(int length, byte last) {
            return (length * 7 + last) & (HASH_BUCKETS - 1);
        }

        Field child(String name) {
            return Arrays.stream(children).filter(child -> child.name.equals(name)).findFirst().orElse(null);
        }

        /** The child named by {@code buf[start, end)}, or null: one probe of {@link #byHash} for most keys. */
        Field child(byte[] buf, int start, int end) {
            int length = end - start;
            if (length == 0) {
                return null;
            }
            for (Field child = byHash[hash(length, buf[end - 1])]; child != null; child = child.nextInBucket) {
                byte[] name = child.bytes;
                if (name.length == length) {
                    int at = 0;
                    while (at < length && name[at] == buf[start + at]) {
                        at++;
                    }
                    if (at == length) {
                        return child;
                    }
                }
            }
            return null;
        }
    }
}
