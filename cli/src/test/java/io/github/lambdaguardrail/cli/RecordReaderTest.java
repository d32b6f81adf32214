package io.github.lambdaguardrail.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.lambdaguardrail.engine.CloudTrailReader;
import io.github.lambdaguardrail.engine.ParsedRecord;
import io.github.lambdaguardrail.engine.UnreadableInputException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link RecordReader} (with its {@link LogFileScanner} fast path) delivers exactly the records,
 * and breaks off at exactly the record, that the engine's {@link CloudTrailReader} does: over every
 * file of {@code events/}, over named edge cases, and over log files large enough to cross the
 * scanner's buffer boundaries. Then the window.
 */
class RecordReaderTest {

    private static final Path EVENTS = Path.of("..", "events");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String S3 = "{\"eventVersion\":\"1.08\",\"userIdentity\":{\"type\":\"IAMUser\",\"arn\":\"arn:aws:iam::111122223333:user/a\"},"
            + "\"eventTime\":\"2026-03-02T10:00:00Z\",\"eventSource\":\"s3.amazonaws.com\",\"eventName\":\"CreateBucket\","
            + "\"awsRegion\":\"us-east-1\",\"requestParameters\":{\"bucketName\":\"b\",\"policy\":\"{\\\"a\\\":[\\\"}\\\"]}\"},"
            + "\"responseElements\":null,\"eventID\":\"e-s3\",\"readOnly\":false,\"resources\":[{\"ARN\":\"arn:aws:s3:::b\"}]}";

    /** What a reader delivered: the records in the window, the indexes outside it, and where it broke off. */
    private record Read(List<ParsedRecord> records, List<Integer> outside, Integer errorIndex, String error) {
    }

    private static Read viaRecordReader(byte[] input, Window window) throws IOException {
        List<ParsedRecord> records = new ArrayList<>();
        List<Integer> outside = new ArrayList<>();
        try (InputStream in = new ByteArrayInputStream(input)) {
            new RecordReader(window).read(in, new RecordReader.Sink() {
                @Override
                public void outsideWindow(int index) {
                    outside.add(index);
                }

                @Override
                public void record(ParsedRecord record) {
                    records.add(record);
                }
            });
        } catch (UnreadableInputException e) {
            return new Read(records, outside, e.recordIndex(), e.getMessage());
        }
        return new Read(records, outside, null, null);
    }

    private static Read viaCloudTrailReader(byte[] input) throws IOException {
        List<ParsedRecord> records = new ArrayList<>();
        try (InputStream in = new ByteArrayInputStream(input)) {
            CloudTrailReader.read(in, records::add);
        } catch (UnreadableInputException e) {
            return new Read(records, List.of(), e.recordIndex(), e.getMessage());
        }
        return new Read(records, List.of(), null, null);
    }

    /** Same records, and the same break (index and kind of message: the parsers word it differently). */
    private static void assertReadAlike(byte[] input) throws IOException {
        Read expected = viaCloudTrailReader(input);
        Read actual = viaRecordReader(input, Window.ALL);
        assertEquals(expected.records(), actual.records());
        assertEquals(expected.errorIndex(), actual.errorIndex(), () -> "expected " + expected.error() + ", got " + actual.error());
        if (expected.error() != null) {
            assertEquals(kind(expected.error()), kind(actual.error()), actual.error());
        }
    }

    private static String kind(String message) {
        return message.startsWith("not valid JSON") ? "not valid JSON" : message;
    }

    private static byte[] gzip(byte[] content) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
            out.write(content);
        }
        return bytes.toByteArray();
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    static Stream<Path> eventFiles() throws IOException {
        return Files.list(EVENTS).filter(f -> f.toString().endsWith(".json")).sorted();
    }

    @ParameterizedTest
    @MethodSource("eventFiles")
    void everyEventsFileIsReadAsTheEngineReadsItPlainAndGzipped(Path file) throws IOException {
        byte[] content = Files.readAllBytes(file);

        assertReadAlike(content);
        assertReadAlike(gzip(content));
    }

    static Stream<Arguments> cases() throws IOException {
        String lambda = JSON.readTree(EVENTS.resolve("createfunction-no-vpc.json").toFile()).path("detail").toString();
        String lambdaRead = "{\"eventTime\":\"2026-03-02T11:00:00Z\",\"eventSource\":\"lambda.amazonaws.com\",\"eventName\":"
                + "\"GetFunction20150331v2\",\"awsRegion\":\"us-east-1\",\"recipientAccountId\":\"111122223333\",\"eventID\":\"e-r\","
                + "\"userIdentity\":{\"type\":\"IAMUser\",\"arn\":\"arn:aws:iam::111122223333:user/a\"}}";
        String envelope = Files.readString(EVENTS.resolve("createfunction-no-vpc.json"));
        return Stream.of(
                Arguments.of("compact log file", "{\"Records\":[" + S3 + "," + lambda + "," + lambdaRead + "]}"),
                Arguments.of("log file with whitespace", "\n {\n \"Records\" :\n [ " + S3 + " ,\n " + lambda + " ]\n }\n"),
                Arguments.of("empty Records", "{\"Records\":[]}"),
                Arguments.of("elements that are not objects", "{\"Records\":[1,\"x\",null,[]," + S3 + ",true]}"),
                Arguments.of("keys after Records", "{\"Records\":[" + S3 + "],\"Digest\":{\"a\":1}}"),
                Arguments.of("keys before Records", "{\"Digest\":1,\"Records\":[" + S3 + "," + lambda + "]}"),
                Arguments.of("two log files one after the other", "{\"Records\":[" + S3 + "]}{\"Records\":[" + lambda + "]}"),
                Arguments.of("a bare record", lambda),
                Arguments.of("an EventBridge event", envelope),
                Arguments.of("an array of records", "[" + S3 + "," + lambda + "]"),
                Arguments.of("a second eventSource naming Lambda",
                        "{\"Records\":[" + S3.replace("\"readOnly\"", "\"eventSource\":\"lambda.amazonaws.com\",\"readOnly\"") + "]}"),
                Arguments.of("an escaped key naming Lambda after another service",
                        "{\"Records\":[" + S3.replace("\"readOnly\"", "\"\\u0065ventSource\":\"lambda.amazonaws.com\",\"readOnly\"") + "]}"),
                Arguments.of("an escaped eventSource value", "{\"Records\":[" + S3.replace("s3.amazonaws.com", "s3.amazonaws.co\\u006d") + "]}"),
                Arguments.of("an EventBridge event inside Records", "{\"Records\":[" + envelope + "]}"),
                Arguments.of("detail-type after another service's eventSource",
                        "{\"Records\":[" + S3.replace("\"readOnly\"", "\"detail-type\":\"x\",\"readOnly\"") + "]}"),
                Arguments.of("eventSource null", "{\"Records\":[" + S3.replace("\"s3.amazonaws.com\"", "null") + "]}"),
                Arguments.of("eventSource a number", "{\"Records\":[" + S3.replace("\"s3.amazonaws.com\"", "42") + "]}"),
                Arguments.of("eventSource an object", "{\"Records\":[" + S3.replace("\"s3.amazonaws.com\"", "{\"a\":\"b\"}") + "]}"),
                Arguments.of("no eventSource", "{\"Records\":[" + S3.replace("\"eventSource\"", "\"source\"") + "]}"),
                Arguments.of("eventSource as a nested key only", "{\"Records\":[{\"x\":{\"eventSource\":\"s3.amazonaws.com\"}}]}"),
                Arguments.of("strings full of escapes and brackets", "{\"Records\":[" + S3.replace("\"b\",\"policy\"",
                        JSON.writeValueAsString("b\\\",\"]}{[\\\\ \u2028 \t") + ",\"policy\"") + "]}"),
                Arguments.of("a backslash outside a string", "{\"Records\":[" + S3.replace(",\"policy\"", ",\\\"policy\"") + "]}"),
                Arguments.of("non-ASCII text", "{\"Records\":[" + S3.replace("user/a", "user/zoë-日本") + "]}"),
                Arguments.of("deeply nested values", "{\"Records\":[" + S3.replace("null,\"eventID\"",
                        "[[[[[[[[[[{\"a\":[[[{}]]]}]]]]]]]]]],\"eventID\"") + "]}"),
                Arguments.of("empty input", ""),
                Arguments.of("whitespace only", " \n\t "),
                Arguments.of("not JSON", "Dear operator, this is not JSON."),
                Arguments.of("truncated inside a record", "{\"Records\":[" + S3 + "," + lambda.substring(0, 200)),
                Arguments.of("truncated inside a string", "{\"Records\":[" + S3 + "," + S3.substring(0, S3.indexOf("CreateBucket") + 3)),
                Arguments.of("truncated after a record", "{\"Records\":[" + S3 + "," + S3),
                Arguments.of("truncated after a comma", "{\"Records\":[" + S3 + ","),
                Arguments.of("truncated after the array", "{\"Records\":[" + S3 + "]"),
                Arguments.of("a comma missing between records", "{\"Records\":[" + S3 + S3 + "]}"),
                Arguments.of("a trailing comma", "{\"Records\":[" + S3 + ",]}"),
                Arguments.of("a mismatched bracket", "{\"Records\":[" + S3 + "," + S3.replace("[{\"ARN\"", "[{\"ARN\"").replace("}]}", "]]}")
                        + "]}"),
                Arguments.of("garbage after the log file", "{\"Records\":[" + S3 + "]} trailing"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void edgeCaseIsReadAsTheEngineReadsIt(String name, String input) throws IOException {
        assertReadAlike(utf8(input));
        assertReadAlike(gzip(utf8(input)));
    }

    @Test
    void logFilesThatCrossTheBufferBoundariesAreReadAsTheEngineReadsThem() throws IOException {
        ObjectNode lambda = (ObjectNode) JSON.readTree(EVENTS.resolve("addpermission-public-principal.json").toFile()).path("detail");
        ObjectNode s3 = (ObjectNode) JSON.readTree(S3);
        ArrayNode records = JSON.createArrayNode();
        for (int i = 0; i < 3000; i++) {
            ObjectNode record = (i % 3 == 0 ? lambda : s3).deepCopy();
            record.put("eventID", "e-" + i);
            // escapes at every offset, so that some backslash ends a buffer
            ((ObjectNode) record.with("requestParameters")).put("note", "\\\"{[".repeat(i % 7) + "x".repeat(i % 13));
            records.add(record);
        }
        ObjectNode huge = s3.deepCopy();
        ((ObjectNode) huge.with("requestParameters")).put("policy", "{\"Statement\":[\"\\\\\"]}".repeat(40_000));
        records.insert(1500, huge);
        ObjectNode log = JSON.createObjectNode();
        log.set("Records", records);
        byte[] content = JSON.writeValueAsBytes(log);
        assertTrue(content.length > 1_000_000, "larger than the scanner's first buffer");

        assertReadAlike(content);
        assertReadAlike(gzip(content));
        byte[] truncated = java.util.Arrays.copyOf(content, content.length - 1000);
        assertReadAlike(truncated);
    }

    @Test
    void scalarsInsideARecordOfAnotherServiceAreNotValidated() throws IOException {
        byte[] input = utf8("{\"Records\":[" + S3.replace("\"readOnly\":false", "\"readOnly\":fals") + "]}");

        assertNotNull(viaCloudTrailReader(input).error());
        Read read = viaRecordReader(input, Window.ALL);
        assertNull(read.error());
        assertEquals(List.of(new ParsedRecord.OtherService(0, "s3.amazonaws.com")), read.records());
    }

    @Test
    void windowDeliversTheRecordsInsideItAndTheIndexesOfTheOthers() throws IOException {
        String lambda = JSON.readTree(EVENTS.resolve("createfunction-no-vpc.json").toFile()).path("detail").toString();
        String early = S3.replace("2026-03-02T10:00:00Z", "2026-03-01T23:59:59Z");
        String late = lambda.replace("2026-03-11T15:22:40Z", "2026-03-03T00:00:00Z");
        String inside = lambda.replace("2026-03-11T15:22:40Z", "2026-03-02T23:59:59Z");
        byte[] input = utf8("{\"Records\":[" + early + "," + S3 + "," + late + "," + inside + "]}");
        Window window = new Window(Optional.of(Instant.parse("2026-03-02T00:00:00Z")), Optional.of(Instant.parse("2026-03-03T00:00:00Z")));

        Read read = viaRecordReader(input, window);

        assertNull(read.error());
        assertEquals(List.of(0, 2), read.outside());
        List<ParsedRecord> all = viaCloudTrailReader(input).records();
        assertEquals(List.of(all.get(1), all.get(3)), read.records());
    }
}
