package io.github.lambdaguardrail.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
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
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiPredicate;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link CloudTrailReader} with the {@link LogFileScanner} fast path delivers exactly the records,
 * and breaks off at exactly the record, that the strict reader delivers alone (as the guards read):
 * over every file of {@code events/}, over the real records of {@code aws-samples/} and variants
 * of them that the engine ignores (read from their header fields only), over named edge cases,
 * and over log files large enough to cross the scanner's buffer boundaries. Then the records it is
 * given a choice of, and what it does not validate.
 */
class LogFileScannerTest {

    private static final Path EVENTS = Path.of("..", "events");
    private static final Path SAMPLES = Path.of("..", "aws-samples", "cloudtrail");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String S3 = "{\"eventVersion\":\"1.08\",\"userIdentity\":{\"type\":\"IAMUser\",\"arn\":\"arn:aws:iam::111122223333:user/a\"},"
            + "\"eventTime\":\"2026-03-02T10:00:00Z\",\"eventSource\":\"s3.amazonaws.com\",\"eventName\":\"CreateBucket\","
            + "\"awsRegion\":\"us-east-1\",\"requestParameters\":{\"bucketName\":\"b\",\"policy\":\"{\\\"a\\\":[\\\"}\\\"]}\"},"
            + "\"responseElements\":null,\"eventID\":\"e-s3\",\"readOnly\":false,\"resources\":[{\"ARN\":\"arn:aws:s3:::b\"}]}";
    /** A Lambda call the engine ignores, with every header field. */
    private static final String LAMBDA_READ = "{\"eventVersion\":\"1.08\",\"userIdentity\":{\"type\":\"AssumedRole\","
            + "\"principalId\":\"AROAEXAMPLE:s\",\"arn\":\"arn:aws:sts::111122223333:assumed-role/deploy/s\",\"accountId\":\"111122223333\","
            + "\"sessionContext\":{\"sessionIssuer\":{\"type\":\"Role\",\"arn\":\"arn:aws:iam::111122223333:role/deploy\"},"
            + "\"attributes\":{\"mfaAuthenticated\":\"false\"}}},\"eventTime\":\"2026-03-02T11:00:00Z\",\"eventSource\":\"lambda.amazonaws.com\","
            + "\"eventName\":\"GetFunction20150331v2\",\"awsRegion\":\"us-east-1\",\"requestParameters\":{\"functionName\":\"f\"},"
            + "\"responseElements\":null,\"eventID\":\"e-r\",\"readOnly\":true,\"recipientAccountId\":\"111122223333\"}";

    /** What a reader delivered: the records it was given, the indexes it did not want, and where it broke off. */
    private record Read(List<ParsedRecord> records, List<Integer> unwanted, Integer errorIndex, String error) {
    }

    private static Read read(byte[] input, boolean scan, BiPredicate<Integer, String> wants) throws IOException {
        List<ParsedRecord> records = new ArrayList<>();
        List<Integer> unwanted = new ArrayList<>();
        try (InputStream in = new ByteArrayInputStream(input)) {
            CloudTrailReader.Sink sink = new CloudTrailReader.Sink() {
                @Override
                public boolean wants(int index, String eventTime) {
                    if (wants.test(index, eventTime)) {
                        return true;
                    }
                    unwanted.add(index);
                    return false;
                }

                @Override
                public void record(ParsedRecord record) {
                    records.add(record);
                }
            };
            if (scan) {
                CloudTrailReader.read(in, sink, LogFileScanner::frame);
            } else {
                CloudTrailReader.read(in, sink);
            }
        } catch (UnreadableInputException e) {
            return new Read(records, unwanted, e.recordIndex(), e.getMessage());
        }
        return new Read(records, unwanted, null, null);
    }

    private static Read viaScanner(byte[] input) throws IOException {
        return read(input, true, (index, time) -> true);
    }

    private static Read viaStrictReader(byte[] input) throws IOException {
        return read(input, false, (index, time) -> true);
    }

    /** Same records, and the same break (index and kind of message: the parsers word it differently). */
    private static void assertReadAlike(byte[] input) throws IOException {
        Read expected = viaStrictReader(input);
        Read actual = viaScanner(input);
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
    void everyEventsFileIsReadAsTheStrictReaderReadsItPlainAndGzipped(Path file) throws IOException {
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
                Arguments.of("an ignored Lambda call", "{\"Records\":[" + LAMBDA_READ + "," + S3 + "]}"),
                Arguments.of("a failed Lambda call", "{\"Records\":[" + failed(LAMBDA_READ) + "]}"),
                Arguments.of("errorCode null", "{\"Records\":[" + LAMBDA_READ.replace("\"readOnly\"", "\"errorCode\":null,\"readOnly\"") + "]}"),
                Arguments.of("errorCode empty", "{\"Records\":[" + LAMBDA_READ.replace("\"readOnly\"", "\"errorCode\":\"\",\"readOnly\"") + "]}"),
                Arguments.of("an escaped header value", "{\"Records\":[" + LAMBDA_READ.replace("user/", "user\\/").replace("role/deploy\"", "role\\/deploy\"") + "]}"),
                Arguments.of("an escaped key inside userIdentity", "{\"Records\":[" + LAMBDA_READ.replace("\"arn\":\"arn:aws:sts", "\"\\u0061rn\":\"arn:aws:sts") + "]}"),
                Arguments.of("userIdentity a string", "{\"Records\":[" + LAMBDA_READ.replaceFirst("\\{\"type\":\"AssumedRole\".*?\"false\"}}}", "\"root\"") + "]}"),
                Arguments.of("userIdentity an array", "{\"Records\":[" + LAMBDA_READ.replace("\"userIdentity\":{", "\"userIdentity\":[{").replace("\"false\"}}}", "\"false\"}}}]") + "]}"),
                Arguments.of("sessionIssuer an array", "{\"Records\":[" + LAMBDA_READ.replace("\"sessionIssuer\":{\"type\":\"Role\",\"arn\":\"arn:aws:iam::111122223333:role/deploy\"}",
                        "\"sessionIssuer\":[{\"arn\":\"x\"}]") + "]}"),
                Arguments.of("no sessionContext", "{\"Records\":[" + LAMBDA_READ.replaceFirst(",\"sessionContext\":.*?\"false\"}}", "") + "]}"),
                Arguments.of("an arn that is a number", "{\"Records\":[" + LAMBDA_READ.replace("\"arn:aws:sts::111122223333:assumed-role/deploy/s\"", "7") + "]}"),
                Arguments.of("a second eventName", "{\"Records\":[" + LAMBDA_READ.replace("\"readOnly\"", "\"eventName\":\"CreateFunction20150331\",\"readOnly\"") + "]}"),
                Arguments.of("a second userIdentity", "{\"Records\":[" + LAMBDA_READ.replace("\"readOnly\"", "\"userIdentity\":{\"arn\":\"x\"},\"readOnly\"") + "]}"),
                Arguments.of("header fields nested elsewhere only", "{\"Records\":[{\"eventSource\":\"lambda.amazonaws.com\",\"x\":"
                        + LAMBDA_READ.replace("\"eventSource\":\"lambda.amazonaws.com\",", "") + "}]}"),
                Arguments.of("the header after requestParameters", "{\"Records\":[{\"requestParameters\":{\"eventName\":\"AddPermission\",\"userIdentity\":{}},"
                        + LAMBDA_READ.substring(1) + "]}"),
                Arguments.of("no eventID", "{\"Records\":[" + LAMBDA_READ.replace("\"eventID\":\"e-r\",", "") + "]}"),
                Arguments.of("requestParameters a string", "{\"Records\":[" + LAMBDA_READ.replace("GetFunction20150331v2", "AddPermission20150331v2")
                        .replace("{\"functionName\":\"f\"}", "\"f\\\"}\"") + "]}"),
                Arguments.of("responseElements a number", "{\"Records\":[" + LAMBDA_READ.replace("GetFunction20150331v2", "CreateFunction20150331")
                        .replace("\"responseElements\":null", "\"responseElements\":-1.5e3") + "]}"),
                Arguments.of("responseElements nul", "{\"Records\":[" + LAMBDA_READ.replace("GetFunction20150331v2", "CreateFunction20150331")
                        .replace("\"responseElements\":null", "\"responseElements\":nul") + "]}"),
                Arguments.of("responseElements null at a buffer's end", "{\"Records\":[" + LAMBDA_READ.replace("GetFunction20150331v2", "CreateFunction20150331")
                        .replace("\"responseElements\":null,\"eventID\":\"e-r\",\"readOnly\":true,\"recipientAccountId\":\"111122223333\"}",
                                "\"eventID\":\"e-r\",\"readOnly\":true,\"recipientAccountId\":\"111122223333\",\"responseElements\":null}") + "]}"),
                Arguments.of("requestParameters twice", "{\"Records\":[" + LAMBDA_READ.replace("GetFunction20150331v2", "CreateFunction20150331")
                        .replace("\"readOnly\"", "\"requestParameters\":{\"functionName\":\"g\"},\"readOnly\"") + "]}"),
                Arguments.of("an ignored Lambda call pretty-printed", "{\"Records\":[" + JSON.readTree(LAMBDA_READ).toPrettyString() + "]}"),
                Arguments.of("userIdentity with values of every kind", "{\"Records\":[" + LAMBDA_READ.replace("\"accountId\":",
                        "\"n\":-1.5e3,\"t\":true,\"z\":null,\"a\":[[],{},\"]}\\\"\",[1,{\"arn\":\"x\"}]],\"o\":{\"arn\":\"y\"},\"accountId\":") + "]}"),
                Arguments.of("a key twice in userIdentity", "{\"Records\":[" + LAMBDA_READ.replace("\"accountId\":", "\"type\":\"IAMUser\",\"accountId\":") + "]}"),
                Arguments.of("sessionContext a string", "{\"Records\":[" + LAMBDA_READ.replaceFirst("\"sessionContext\":\\{.*?\"false\"}}", "\"sessionContext\":\"x\"") + "]}"),
                Arguments.of("an empty userIdentity", "{\"Records\":[" + LAMBDA_READ.replaceFirst("\\{\"type\":\"AssumedRole\".*?\"false\"}}}", "{ }") + "]}"),
                Arguments.of("a literal where userIdentity's key belongs", "{\"Records\":[" + LAMBDA_READ.replace("{\"type\":\"AssumedRole\",", "{1,\"type\":\"AssumedRole\",") + "]}"),
                Arguments.of("a watched event name", "{\"Records\":[" + LAMBDA_READ.replace("GetFunction20150331v2", "AddPermission20150331v2") + "]}"),
                Arguments.of("garbage after the log file", "{\"Records\":[" + S3 + "]} trailing"),
                Arguments.of("a key twice in requestParameters of a watched call", "{\"Records\":[" + S3 + "," + LAMBDA_READ
                        .replace("GetFunction20150331v2", "AddPermission20150331v2")
                        .replace("{\"functionName\":\"f\"}", "{\"functionName\":\"f\",\"statementId\":\"s\",\"functionName\":\"g\"}") + "]}"),
                Arguments.of("a key twice in responseElements of a watched call", "{\"Records\":[" + LAMBDA_READ
                        .replace("GetFunction20150331v2", "CreateFunction20150331")
                        .replace("\"responseElements\":null", "\"responseElements\":{\"functionName\":\"f\",\"vpcConfig\":{},\"vpcConfig\":null}") + "]}"),
                Arguments.of("a second eventSource in a record of another service", "{\"Records\":[" + S3.replace("\"readOnly\"",
                        "\"eventSource\":\"s3.amazonaws.com\",\"readOnly\"") + "]}"),
                Arguments.of("a second eventTime", "{\"Records\":[" + S3.replace("\"readOnly\"", "\"eventTime\":\"2026-03-02T10:00:01Z\",\"readOnly\"") + "]}"),
                Arguments.of("a key twice in sessionIssuer", "{\"Records\":[" + LAMBDA_READ.replace("\"type\":\"Role\",", "\"arn\":\"x\",") + "]}"),
                Arguments.of("Records twice", "{\"Records\":[" + S3 + "],\"Records\":[" + LAMBDA_READ + "]}"),
                Arguments.of("a key twice after the log file", "{\"Records\":[" + S3 + "],\"Digest\":1,\"Digest\":2}"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void edgeCaseIsReadAsTheStrictReaderReadsIt(String name, String input) throws IOException {
        assertReadAlike(utf8(input));
        assertReadAlike(gzip(utf8(input)));
    }

    @Test
    void logFilesThatCrossTheBufferBoundariesAreReadAsTheStrictReaderReadsThem() throws IOException {
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
    void logFileLargerThanAnyBufferIsFramedRecordByRecord() throws IOException {
        int total = 100_000;
        byte[] first = utf8("{\"Records\":[" + S3);
        byte[] next = utf8(",\n" + S3);
        byte[] last = utf8("]}");
        long[] produced = {0};
        InputStream log = new InputStream() {
            private int written;
            private byte[] chunk = first;
            private int pos;

            @Override
            public int read() {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                while (pos == chunk.length) {
                    if (written > total) {
                        return -1;
                    }
                    written++;
                    chunk = written < total ? next : written == total ? last : new byte[0];
                    pos = 0;
                }
                int n = Math.min(len, chunk.length - pos);
                System.arraycopy(chunk, pos, b, off, n);
                pos += n;
                produced[0] += n;
                return n;
            }
        };
        long[] producedAtFirstRecord = {-1};
        int[] others = {0};

        int read = CloudTrailReader.read(log, new CloudTrailReader.Sink() {
            @Override
            public boolean wants(int index, String eventTime) {
                return true;
            }

            @Override
            public void record(ParsedRecord record) {
                if (producedAtFirstRecord[0] < 0) {
                    producedAtFirstRecord[0] = produced[0];
                }
                others[0] += record instanceof ParsedRecord.OtherService ? 1 : 0;
            }
        }, LogFileScanner::frame);

        assertEquals(total, read);
        assertEquals(total, others[0]);
        assertTrue(produced[0] > LogFileScanner.MAX_RECORD, "larger than the largest record framed: " + produced[0]);
        assertTrue(producedAtFirstRecord[0] < 1024 * 1024, "first record delivered after " + producedAtFirstRecord[0] + " bytes");
    }

    /** The same record with errorCode, as CloudTrail records a failed call. */
    private static String failed(String record) {
        return record.replace("\"requestParameters\"", "\"errorCode\":\"AccessDeniedException\",\"errorMessage\":\"no\",\"requestParameters\"");
    }

    /** The bare records of a file of aws-samples or events: a log file, an EventBridge event, an array or a record. */
    private static List<ObjectNode> records(Path file) throws IOException {
        JsonNode root = JSON.readTree(file.toFile());
        List<ObjectNode> records = new ArrayList<>();
        for (JsonNode node : root.has("Records") ? root.get("Records") : root.isArray() ? root : List.of(root)) {
            records.add((ObjectNode) (node.has("detail-type") ? node.get("detail") : node));
        }
        return records;
    }

    @Test
    void realRecordsAndVariantsOfThemTheEngineIgnoresAreReadAsTheStrictReaderReadsThem() throws IOException {
        List<ObjectNode> records = new ArrayList<>();
        try (Stream<Path> samples = Files.list(SAMPLES); Stream<Path> events = eventFiles()) {
            for (Path file : Stream.concat(samples.filter(f -> f.toString().endsWith(".json")).sorted(), events).toList()) {
                records.addAll(records(file));
            }
        }
        ArrayNode log = JSON.createArrayNode();
        for (ObjectNode record : records) {
            log.add(record);
            if (!"lambda.amazonaws.com".equals(record.path("eventSource").asText())) {
                continue;
            }
            log.add(record.deepCopy().put("errorCode", "ResourceNotFoundException"));
            log.add(record.deepCopy().put("eventName", "ListTags20170331"));
            ObjectNode unwatchedWithoutArn = record.deepCopy().put("eventName", "GetPolicy20150331v2");
            ((ObjectNode) unwatchedWithoutArn.path("userIdentity")).remove("arn");
            log.add(unwatchedWithoutArn);
            ObjectNode headerLast = JSON.createObjectNode();
            headerLast.set("requestParameters", record.path("requestParameters"));
            headerLast.setAll(record.deepCopy().put("eventName", "GetAlias20150331"));
            log.add(headerLast);
            log.add(record.deepCopy().put("eventName", "GetFunction20150331v2").put("awsRegion", "ca-centralnorth-1r"));
        }
        byte[] content = JSON.writeValueAsBytes(JSON.createObjectNode().set("Records", log));

        assertReadAlike(content);
        long ignored = viaScanner(content).records().stream().filter(ParsedRecord.Ignored.class::isInstance).count();
        assertTrue(records.size() > 30 && ignored > records.size(), records.size() + " records, " + ignored + " ignored");
    }

    @Test
    void lambdaRecordTheEngineIgnoresIsClassifiedFromItsHeaderWithoutBeingParsed() throws IOException {
        String spaced = LAMBDA_READ.replace(":", " : ").replace(",\"", " ,\n \"").replace("\"accountId\"",
                "\"n\":-1.5e3,\"t\":true,\"a\":[[],{},\"]}\\\"\",[1,{\"arn\":\"x\"}]],\"o\":{\"arn\":\"y\"},\"accountId\"");
        String brokenInside = spaced.replace("\"readOnly\" : true", "\"readOnly\":tru");
        byte[] input = utf8("{\"Records\":[" + brokenInside + "," + failed(brokenInside) + "]}");

        assertNotNull(viaStrictReader(input).error());
        Read read = viaScanner(input);

        assertNull(read.error());
        assertEquals(viaStrictReader(utf8("{\"Records\":[" + spaced + "," + failed(spaced) + "]}")).records(), read.records());
        assertInstanceOf(ParsedRecord.Ignored.class, read.records().get(0));
    }

    @Test
    void lambdaRecordTheEngineEvaluatesIsReadFromTheFieldsItReadsWhichAreValidated() throws IOException {
        String watched = LAMBDA_READ.replace("GetFunction20150331v2", "AddPermission20150331v2")
                .replace("{\"functionName\":\"f\"}", "{\"functionName\":\"f\",\"statementId\":\"s\"}")
                .replace("\"responseElements\":null", "\"responseElements\":{\"statement\":" + JSON.writeValueAsString(
                        "{\"Sid\":\"s\",\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"lambda:InvokeFunction\"}") + "}");
        byte[] brokenElsewhere = utf8("{\"Records\":[" + watched.replace("\"readOnly\":true", "\"readOnly\":tru") + "]}");
        byte[] brokenInsideTheChange = utf8("{\"Records\":[" + watched.replace("\"statementId\":\"s\"", "\"statementId\":tru") + "]}");

        Read read = viaScanner(brokenElsewhere);
        Read broken = viaScanner(brokenInsideTheChange);

        assertNull(read.error(), read.error());
        assertEquals(viaStrictReader(utf8("{\"Records\":[" + watched + "]}")).records(), read.records());
        assertInstanceOf(ParsedRecord.Watched.class, read.records().get(0));
        assertEquals(0, broken.errorIndex(), broken.error());
        assertTrue(broken.error().startsWith("not valid JSON"), broken.error());
    }

    @Test
    void scalarsInsideARecordOfAnotherServiceAreNotValidated() throws IOException {
        byte[] input = utf8("{\"Records\":[" + S3.replace("\"readOnly\":false", "\"readOnly\":fals") + "]}");

        assertNotNull(viaStrictReader(input).error());
        Read read = viaScanner(input);
        assertNull(read.error());
        assertEquals(List.of(new ParsedRecord.OtherService(0, "s3.amazonaws.com")), read.records());
    }

    /**
     * As a bad literal, a key twice where the engine reads nothing (a record of another service, a
     * field no rule reads, the change fields of a call it ignores) goes unseen by the scanner, while
     * the strict reader stops there. Where the engine reads, both stop (see the cases above).
     */
    @Test
    void aKeyTwiceWhereTheEngineReadsNothingIsNotValidated() throws IOException {
        String otherService = S3.replace("\"readOnly\"", "\"readOnly\":true,\"readOnly\"");
        String unreadField = LAMBDA_READ.replace("\"readOnly\"", "\"readOnly\":false,\"readOnly\"");
        String ignoredChange = LAMBDA_READ.replace("{\"functionName\":\"f\"}", "{\"functionName\":\"f\",\"functionName\":\"g\"}");
        for (String record : List.of(otherService, unreadField, ignoredChange)) {
            byte[] input = utf8("{\"Records\":[" + record + "]}");

            assertTrue(viaStrictReader(input).error().contains("Duplicate field"), viaStrictReader(input).error());
            Read read = viaScanner(input);
            assertNull(read.error(), read.error());
            assertEquals(1, read.records().size());
        }
    }

    @Test
    void recordsNotWantedAreCountedButNotClassified() throws IOException {
        String broken = "{\"eventSource\":\"lambda.amazonaws.com\",\"eventTime\":\"2026-03-01T00:00:00Z\"}";
        String lambda = JSON.readTree(EVENTS.resolve("createfunction-no-vpc.json").toFile()).path("detail").toString();
        byte[] input = utf8("{\"Records\":[" + broken + "," + S3 + "," + LAMBDA_READ + "," + lambda + "]}");
        List<String> times = new ArrayList<>();

        Read read = read(input, true, (index, time) -> {
            times.add(time);
            return index % 2 == 1;
        });

        assertNull(read.error());
        assertEquals(List.of(0, 2), read.unwanted());
        List<ParsedRecord> all = viaStrictReader(input).records();
        assertInstanceOf(ParsedRecord.Invalid.class, all.get(0), "classified, it would be invalid");
        assertEquals(List.of(all.get(1), all.get(3)), read.records());
        assertEquals(List.of("2026-03-01T00:00:00Z", "2026-03-02T10:00:00Z", "2026-03-02T11:00:00Z", "2026-03-11T15:22:40Z"), times);
    }
}
