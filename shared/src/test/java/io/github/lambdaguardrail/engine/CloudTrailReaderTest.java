package io.github.lambdaguardrail.engine;

import static io.github.lambdaguardrail.engine.TestRecords.JSON;
import static io.github.lambdaguardrail.engine.TestRecords.OWN;
import static io.github.lambdaguardrail.engine.TestRecords.readAll;
import static io.github.lambdaguardrail.engine.TestRecords.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Input forms, hostile input and streaming. */
class CloudTrailReaderTest {

    private static final String PUBLIC = "{\"Sid\":\"allow-anyone\",\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"lambda:InvokeFunction\"}";

    private static ObjectNode grant() {
        return TestRecords.addPermission(OWN, "invoice-renderer", "allow-anyone", PUBLIC);
    }

    private static ObjectNode created() {
        return TestRecords.createFunction("data-scraper", null, null, Map.of());
    }

    /** {@code record} as {@code aws cloudtrail lookup-events} wraps it. */
    private static ObjectNode lookedUp(ObjectNode record) {
        ObjectNode event = JSON.createObjectNode();
        event.put("EventId", record.get("eventID").textValue());
        event.put("EventName", record.get("eventName").textValue());
        event.put("ReadOnly", "false");
        event.put("EventTime", "2026-03-02T09:14:27+00:00");
        event.put("EventSource", record.get("eventSource").textValue());
        event.putArray("Resources");
        event.put("CloudTrailEvent", text(record));
        return event;
    }

    private static List<ParsedRecord> lookupEvents(ObjectNode... events) throws IOException {
        ObjectNode output = JSON.createObjectNode();
        ArrayNode array = output.putArray("Events");
        for (ObjectNode event : events) {
            array.add(event);
        }
        return readAll(text(output));
    }

    private static List<String> eventNames(List<ParsedRecord> records) {
        return records.stream().map(r -> assertInstanceOf(ParsedRecord.Watched.class, r).event().header().eventName()).toList();
    }

    @Nested
    class InputForms {

        @Test
        void envelopeGivesOneWatchedRecordWithTheDetailHeader() throws IOException {
            List<ParsedRecord> records = readAll(text(TestRecords.envelope(grant())));
            assertEquals(1, records.size());
            LambdaEvent event = assertInstanceOf(ParsedRecord.Watched.class, records.get(0)).event();
            assertEquals(WatchedApi.ADD_PERMISSION, event.api());
            assertEquals(OWN, event.header().account());
            assertEquals("us-east-1", event.header().region());
            assertEquals(grant().get("eventID").textValue(), event.header().eventId());
        }

        @Test
        void envelopeSuppliesAccountAndRegionMissingFromTheRecord() throws IOException {
            ObjectNode record = grant();
            ObjectNode envelope = TestRecords.envelope(record.deepCopy());
            ObjectNode detail = (ObjectNode) envelope.get("detail");
            detail.remove("recipientAccountId");
            detail.remove("awsRegion");
            envelope.put("account", "444455556666");
            envelope.put("region", "eu-west-1");
            RecordHeader header = assertInstanceOf(ParsedRecord.Watched.class, CloudTrailReader.parse(envelope)).event().header();
            assertEquals("444455556666", header.account());
            assertEquals("eu-west-1", header.region());
        }

        @Test
        void bareRecordGivesOneWatchedRecord() throws IOException {
            assertEquals(List.of("AddPermission20150331v2"), eventNames(readAll(text(grant()))));
        }

        @Test
        void jsonArrayOfRecordsAndEnvelopesGivesEachInOrder() throws IOException {
            ArrayNode array = JSON.createArrayNode().add(grant()).add(TestRecords.envelope(created())).add(grant());
            assertEquals(List.of("AddPermission20150331v2", "CreateFunction20150331", "AddPermission20150331v2"),
                    eventNames(readAll(text(array))));
        }

        @Test
        void logFileGivesEveryRecordInOrderWithIndexes() throws IOException {
            ObjectNode log = JSON.createObjectNode();
            log.putArray("Records").add(created()).add(grant()).add(created());
            List<ParsedRecord> records = readAll(text(log));
            assertEquals(List.of("CreateFunction20150331", "AddPermission20150331v2", "CreateFunction20150331"), eventNames(records));
            assertEquals(List.of(0, 1, 2), records.stream().map(ParsedRecord::index).toList());
        }

        @Test
        void emptyLogFileGivesNoRecords() throws IOException {
            assertEquals(0, CloudTrailReader.read(in("{\"Records\": []}"), r -> { }));
        }

        @Test
        void gzippedLogFileIsDetectedFromTheContent() throws IOException {
            ObjectNode log = JSON.createObjectNode();
            log.putArray("Records").add(created()).add(grant());
            List<ParsedRecord> records = readAll(gzip(text(log).getBytes(StandardCharsets.UTF_8)));
            assertEquals(List.of("CreateFunction20150331", "AddPermission20150331v2"), eventNames(records));
        }

        @Test
        void gzippedEnvelopeIsRead() throws IOException {
            assertEquals(1, readAll(gzip(text(TestRecords.envelope(grant())).getBytes(StandardCharsets.UTF_8))).size());
        }

        @Test
        void concatenatedValuesOfEveryFormAreAllRead() throws IOException {
            ObjectNode log = JSON.createObjectNode();
            log.putArray("Records").add(created()).add(created());
            String input = text(TestRecords.envelope(grant())) + "\n" + text(grant()) + text(JSON.createArrayNode().add(created()))
                    + "  " + text(log) + "\n";
            int[] count = {0};
            assertEquals(5, CloudTrailReader.read(in(input), r -> count[0]++));
            assertEquals(5, count[0]);
        }

        @Test
        void lookupEventsOutputGivesTheRecordOfEachEventInOrder() throws IOException {
            try (InputStream in = CloudTrailReaderTest.class.getResourceAsStream("/lookup-events/lambda-changes.json")) {
                List<ParsedRecord> records = new ArrayList<>();
                CloudTrailReader.read(in, records::add);
                assertEquals(List.of("AddPermission20150331v2", "CreateFunction20150331", "CreateFunction20150331"),
                        eventNames(records));
                LambdaEvent grant = assertInstanceOf(ParsedRecord.Watched.class, records.get(0)).event();
                assertEquals("invoice-renderer", grant.change().function().name());
            }
        }

        @Test
        void lookupEventsPagesOneAfterAnotherAreAllRead() throws IOException {
            String page = "{\"Events\": [" + text(lookedUp(grant())) + "], \"NextToken\": \"abc\"}";
            assertEquals(List.of("AddPermission20150331v2", "AddPermission20150331v2"), eventNames(readAll(page + "\n" + page)));
        }

        @Test
        void emptyLookupEventsOutputGivesNoRecords() throws IOException {
            assertEquals(0, CloudTrailReader.read(in("{\"Events\": []}"), r -> { }));
        }

        @Test
        void readReturnsTheNumberOfRecordsDelivered() throws IOException {
            List<ParsedRecord> sink = new ArrayList<>();
            int n = CloudTrailReader.read(in(text(JSON.createArrayNode().add(grant()).add(grant()))), sink::add);
            assertEquals(2, n);
            assertEquals(2, sink.size());
        }
    }

    @Nested
    class BadInput {

        @ParameterizedTest
        @ValueSource(strings = {"", "   \n\t "})
        void emptyInputIsUnreadable(String input) {
            UnreadableInputException e = assertThrows(UnreadableInputException.class, () -> readAll(input));
            assertEquals(0, e.recordIndex());
            assertTrue(e.getMessage().contains("empty"), e.getMessage());
        }

        @Test
        void lookedUpEventWithoutItsRecordStringIsInvalidAndTheOthersAreRead() throws IOException {
            ObjectNode missing = lookedUp(grant());
            missing.remove("CloudTrailEvent");
            ObjectNode notAString = lookedUp(grant());
            notAString.set("CloudTrailEvent", grant());
            List<ParsedRecord> records = lookupEvents(missing, lookedUp(created()), notAString);
            assertEquals(3, records.size());
            for (int i : new int[] {0, 2}) {
                ParsedRecord.Invalid invalid = assertInstanceOf(ParsedRecord.Invalid.class, records.get(i));
                assertTrue(invalid.reason().contains("no CloudTrailEvent string"), invalid.reason());
            }
            assertEquals(List.of("CreateFunction20150331"), eventNames(records.subList(1, 2)));
        }

        @ParameterizedTest
        @ValueSource(strings = {"{\"eventVersion\": \"1.08\"", "{} {}", "{\"eventID\": \"a\", \"eventID\": \"b\"}"})
        void lookedUpRecordStringThatIsNotOneStrictJsonRecordIsInvalid(String recordText) throws IOException {
            ObjectNode event = lookedUp(grant());
            event.put("CloudTrailEvent", recordText);
            ParsedRecord.Invalid invalid = assertInstanceOf(ParsedRecord.Invalid.class, lookupEvents(event).get(0));
            assertTrue(invalid.reason().startsWith("CloudTrailEvent is not one JSON record"), invalid.reason());
        }

        /** A wrapper naming another event than the record it carries: nothing acted on from either. */
        @Test
        void lookedUpEventWhoseIdIsNotItsRecordsIsInvalid() throws IOException {
            ObjectNode event = lookedUp(grant());
            event.put("EventId", "00000000-0000-4000-8000-000000000000");
            ParsedRecord.Invalid invalid = assertInstanceOf(ParsedRecord.Invalid.class, lookupEvents(event).get(0));
            assertTrue(invalid.reason().contains("differs from its CloudTrailEvent's eventID"), invalid.reason());
        }

        @Test
        void lookupEventsOutputBreakingOffDeliversTheEventsBefore() {
            String truncated = "{\"Events\":[" + text(lookedUp(grant())) + "," + text(lookedUp(created())) + ",";
            List<ParsedRecord> delivered = new ArrayList<>();
            UnreadableInputException e = assertThrows(UnreadableInputException.class,
                    () -> CloudTrailReader.read(in(truncated), delivered::add));
            assertEquals(2, delivered.size());
            assertEquals(2, e.recordIndex());
        }

        @Test
        void truncatedArrayDeliversTheRecordsBeforeTheBreak() {
            String whole = text(JSON.createArrayNode().add(grant()).add(created()).add(grant()));
            String third = text(grant());
            String truncated = whole.substring(0, whole.length() - third.length() / 2);
            List<ParsedRecord> delivered = new ArrayList<>();
            UnreadableInputException e = assertThrows(UnreadableInputException.class,
                    () -> CloudTrailReader.read(in(truncated), delivered::add));
            assertEquals(2, delivered.size());
            assertEquals(2, e.recordIndex());
        }

        @Test
        void logFileEndingBetweenRecordsDeliversTheRecordsBefore() {
            String truncated = "{\"Records\":[" + text(grant()) + "," + text(created()) + ",";
            List<ParsedRecord> delivered = new ArrayList<>();
            UnreadableInputException e = assertThrows(UnreadableInputException.class,
                    () -> CloudTrailReader.read(in(truncated), delivered::add));
            assertEquals(2, delivered.size());
            assertEquals(2, e.recordIndex());
        }

        @Test
        void truncatedSingleRecordIsUnreadableAtIndexZero() {
            String whole = text(grant());
            UnreadableInputException e = assertThrows(UnreadableInputException.class,
                    () -> readAll(whole.substring(0, whole.length() / 2)));
            assertEquals(0, e.recordIndex());
        }

        @Test
        void truncatedGzipIsUnreadable() throws IOException {
            ObjectNode log = JSON.createObjectNode();
            ArrayNode records = log.putArray("Records");
            for (int i = 0; i < 50; i++) {
                records.add(grant());
            }
            byte[] gz = gzip(text(log).getBytes(StandardCharsets.UTF_8));
            byte[] cut = java.util.Arrays.copyOf(gz, gz.length / 2);
            List<ParsedRecord> delivered = new ArrayList<>();
            UnreadableInputException e = assertThrows(UnreadableInputException.class,
                    () -> CloudTrailReader.read(new java.io.ByteArrayInputStream(cut), delivered::add));
            assertEquals(delivered.size(), e.recordIndex());
        }

        @Test
        void binaryBytesAreUnreadable() {
            byte[] png = {(byte) 0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 'I', 'H', 'D', 'R', (byte) 0xff, (byte) 0xfe};
            assertThrows(UnreadableInputException.class, () -> readAll(png));
        }

        @Test
        void gzipMagicFollowedByGarbageIsUnreadable() {
            byte[] fake = {0x1f, (byte) 0x8b, 0x42, 0x42, 0x42, 0x42, 0x42, 0x42, 0x42, 0x42, 0x42, 0x42};
            assertThrows(UnreadableInputException.class, () -> readAll(fake));
        }

        @Test
        void trailingGarbageAfterARecordIsUnreadableAfterDeliveringIt() {
            List<ParsedRecord> delivered = new ArrayList<>();
            UnreadableInputException e = assertThrows(UnreadableInputException.class,
                    () -> CloudTrailReader.read(in(text(grant()) + " }{ nonsense"), delivered::add));
            assertEquals(1, delivered.size());
            assertEquals(1, e.recordIndex());
        }

        /** A key twice: which value counts is a parser's guess, so the input is unreadable in every form. */
        @ParameterizedTest
        @ValueSource(strings = {"bare", "envelope", "array", "log file"})
        void recordWithAKeyTwiceIsUnreadableAfterTheRecordsBeforeIt(String form) {
            String twice = text(grant()).replace("\"statementId\":", "\"functionName\":\"other-fn\",\"statementId\":");
            String first = text(created());
            String input = switch (form) {
                case "bare" -> first + twice;
                case "envelope" -> text(TestRecords.envelope(created())) + text(TestRecords.envelope(grant()))
                        .replace("\"detail-type\":", "\"source\":\"aws.s3\",\"detail-type\":");
                case "array" -> "[" + first + "," + twice + "]";
                default -> "{\"Records\":[" + first + "," + twice + "]}";
            };
            List<ParsedRecord> delivered = new ArrayList<>();
            UnreadableInputException e = assertThrows(UnreadableInputException.class,
                    () -> CloudTrailReader.read(in(input), delivered::add));
            assertEquals(1, delivered.size());
            assertEquals(1, e.recordIndex());
            assertTrue(e.getMessage().contains("Duplicate field"), e.getMessage());
        }

        @Test
        void logFileWithRecordsTwiceIsUnreadableAfterTheFirstRecords() {
            String input = "{\"Records\":[" + text(grant()) + "],\"Records\":[" + text(created()) + "]}";
            List<ParsedRecord> delivered = new ArrayList<>();
            UnreadableInputException e = assertThrows(UnreadableInputException.class,
                    () -> CloudTrailReader.read(in(input), delivered::add));
            assertEquals(1, delivered.size());
            assertTrue(e.getMessage().contains("Duplicate field 'Records'"), e.getMessage());
        }

        @Test
        void jsonThatIsNotAnEventIsInvalid() throws IOException {
            ParsedRecord.Invalid invalid = assertInstanceOf(ParsedRecord.Invalid.class, readAll("{\"foo\":1}").get(0));
            assertTrue(invalid.reason().contains("eventSource"), invalid.reason());
        }

        @Test
        void scalarValuesAreInvalidRecords() throws IOException {
            List<ParsedRecord> records = readAll("42 \"text\" null");
            assertEquals(3, records.size());
            records.forEach(r -> assertInstanceOf(ParsedRecord.Invalid.class, r));
        }

        @Test
        void recordWithoutEventIdIsInvalid() {
            ObjectNode record = grant();
            record.remove("eventID");
            assertInvalid(record, "eventID");
        }

        @Test
        void recordWithoutUserIdentityIsInvalid() {
            ObjectNode record = grant();
            record.remove("userIdentity");
            assertInvalid(record, "userIdentity");
        }

        @Test
        void recordWithoutAnyAccountIsInvalid() {
            ObjectNode record = grant();
            record.remove("recipientAccountId");
            ((ObjectNode) record.get("userIdentity")).remove("accountId");
            assertInvalid(record, "account");
        }

        @Test
        void eventNameThatIsANumberIsInvalid() {
            ObjectNode record = grant();
            record.put("eventName", 20150331);
            assertInvalid(record, "eventName");
        }

        @Test
        void vpcConfigThatIsAStringIsInvalid() {
            ObjectNode record = created();
            ((ObjectNode) record.get("requestParameters")).put("vpcConfig", "subnet-0a1b2c3d4e5f60011");
            assertInvalid(record, "vpcConfig");
        }

        @Test
        void subnetIdsThatAreNotStringsAreInvalid() {
            ObjectNode record = created();
            ((ObjectNode) record.get("responseElements")).set("vpcConfig", TestRecords.readTree("{\"subnetIds\":[1,2],\"securityGroupIds\":[]}"));
            assertInvalid(record, "subnetIds");
        }

        @Test
        void requestParametersThatAreNotAnObjectAreInvalid() {
            ObjectNode record = grant();
            record.put("requestParameters", "functionName=invoice-renderer");
            assertInvalid(record, "requestParameters");
        }

        @Test
        void functionNameThatIsNotANameOrArnIsInvalid() {
            ObjectNode record = TestRecords.addPermission(OWN, "../../etc/passwd", "allow-anyone", PUBLIC);
            assertInvalid(record, "function name");
        }

        @Test
        void updateWithoutResponseOrRequestVpcIsInvalidBecauseTheResultIsUnknown() {
            ObjectNode record = TestRecords.updateFunctionConfiguration("f", null, null);
            record.putNull("responseElements");
            assertInvalid(record, "responseElements");
        }

        @Test
        void statementThatIsNotJsonIsParsedAsUnparseable() {
            ObjectNode record = TestRecords.addPermission(OWN, "invoice-renderer", "allow-anyone", "Allow * lambda:InvokeFunction");
            LambdaChange.PermissionGranted granted = assertInstanceOf(LambdaChange.PermissionGranted.class,
                    TestRecords.watched(record).change());
            PolicyStatement.Unparseable statement = assertInstanceOf(PolicyStatement.Unparseable.class, granted.statement());
            assertEquals("allow-anyone", statement.sid());
            assertEquals("Allow * lambda:InvokeFunction", statement.raw());
        }

        @Test
        void statementRecordedAsAnObjectIsParsedAsTheSameStatement() {
            ObjectNode record = grant();
            ((ObjectNode) record.get("responseElements")).set("statement", TestRecords.readTree(PUBLIC));
            LambdaChange.PermissionGranted granted = assertInstanceOf(LambdaChange.PermissionGranted.class,
                    TestRecords.watched(record).change());
            PolicyStatement.Parsed statement = assertInstanceOf(PolicyStatement.Parsed.class, granted.statement());
            assertEquals(ResourcePolicy.statement(PUBLIC), statement);
            assertTrue(ResourcePolicy.sameStatement(PUBLIC, statement.raw()), statement.raw());
        }

        @ParameterizedTest
        @ValueSource(strings = {"42", "[]", "true"})
        void statementThatIsNeitherAStringNorAnObjectIsUnparseable(String json) {
            ObjectNode record = grant();
            ((ObjectNode) record.get("responseElements")).set("statement", TestRecords.readTree(json));
            LambdaChange.PermissionGranted granted = assertInstanceOf(LambdaChange.PermissionGranted.class,
                    TestRecords.watched(record).change());
            PolicyStatement.Unparseable statement = assertInstanceOf(PolicyStatement.Unparseable.class, granted.statement());
            assertEquals("allow-anyone", statement.sid());
            assertTrue(statement.reason().contains("neither a string nor an object"), statement.reason());
        }

        @Test
        void eventBridgeEventOfAnotherDetailTypeIsInvalid() {
            ObjectNode created = TestRecords.readTree("{\"version\":\"0\",\"id\":\"89d1a02d-5ec7-412e-82f5-13505f849b41\","
                    + "\"detail-type\":\"Object Created\",\"source\":\"aws.s3\",\"account\":\"111122223333\","
                    + "\"time\":\"2026-03-02T09:00:00Z\",\"region\":\"us-east-1\",\"resources\":[],"
                    + "\"detail\":{}}").deepCopy();
            assertInvalid(created, "Object Created");
        }

        @Test
        void scheduledEventOfEventBridgeIsAHeartbeat() throws IOException {
            List<ParsedRecord> records = TestRecords.readAll(TestRecords.projectRoot()
                    .resolve("events/guardrail/heartbeat-scheduled-event.json"));
            ParsedRecord.Scheduled beat = assertInstanceOf(ParsedRecord.Scheduled.class, records.get(0));
            assertTrue(beat.rule().startsWith("arn:aws:events:"), beat.rule());
        }

        @Test
        void scheduledEventFromAnotherSourceIsInvalid() {
            ObjectNode spoofed = TestRecords.readTree("{\"detail-type\":\"Scheduled Event\",\"source\":\"my.app\","
                    + "\"detail\":{}}").deepCopy();
            assertInvalid(spoofed, "Scheduled Event");
        }

        @Test
        void invalidWatchedEventSaysWhatCouldBeRead() throws IOException {
            List<ParsedRecord> records = TestRecords.readAll(TestRecords.projectRoot()
                    .resolve("shared/src/test/resources/invalid-addpermission-no-statementid.json"));
            ParsedRecord.Invalid invalid = assertInstanceOf(ParsedRecord.Invalid.class, records.get(0));
            assertTrue(invalid.reason().contains("statementId"), invalid.reason());
            assertTrue(invalid.seen().get("eventName").startsWith("AddPermission"), invalid.seen()::toString);
            assertTrue(invalid.seen().containsKey("eventID"), invalid.seen()::toString);
            assertTrue(invalid.seen().containsKey("functionName"), invalid.seen()::toString);
        }

        @Test
        void whatIsReadOfAnInvalidRecordIsBounded() {
            ObjectNode record = grant();
            ((ObjectNode) record.get("requestParameters")).remove("statementId");
            ((ObjectNode) record.get("requestParameters")).put("functionName", "f".repeat(100_000));
            ParsedRecord parsed = CloudTrailReader.parse(record);
            ParsedRecord.Invalid invalid = assertInstanceOf(ParsedRecord.Invalid.class, parsed);
            assertTrue(invalid.seen().values().stream().allMatch(v -> v.length() <= 260), invalid.seen()::toString);
        }

        @Test
        void envelopeWithoutDetailObjectIsInvalid() {
            ObjectNode envelope = TestRecords.envelope(grant());
            envelope.put("detail", "{}");
            assertInvalid(envelope, "detail");
        }

        @Test
        void recordOfAnotherServiceIsOtherService() {
            ObjectNode record = grant();
            record.put("eventSource", "s3.amazonaws.com");
            assertEquals("s3.amazonaws.com",
                    assertInstanceOf(ParsedRecord.OtherService.class, CloudTrailReader.parse(record)).eventSource());
        }

        @Test
        void failedCallIsIgnoredEvenWithoutRequestParameters() {
            ObjectNode record = grant();
            record.put("errorCode", "AccessDenied");
            record.putNull("requestParameters");
            record.putNull("responseElements");
            ParsedRecord.Ignored ignored = assertInstanceOf(ParsedRecord.Ignored.class, CloudTrailReader.parse(record));
            assertTrue(ignored.reason().contains("AccessDenied"));
            Verdict v = new GuardrailEngine(Policy.defaults(), java.util.Set.of()).evaluate(ignored, FunctionFacts.NONE).orElseThrow();
            assertEquals(Decision.SKIP, v.decision());
        }

        @Test
        void invalidAndOtherServiceRecordsHaveNoVerdict() {
            GuardrailEngine engine = new GuardrailEngine(Policy.defaults(), java.util.Set.of());
            assertTrue(engine.evaluate(new ParsedRecord.Invalid(0, "x"), FunctionFacts.NONE).isEmpty());
            assertTrue(engine.evaluate(new ParsedRecord.OtherService(0, "s3.amazonaws.com"), FunctionFacts.NONE).isEmpty());
        }

        private static void assertInvalid(ObjectNode record, String reasonPart) {
            ParsedRecord parsed = CloudTrailReader.parse(record);
            ParsedRecord.Invalid invalid = assertInstanceOf(ParsedRecord.Invalid.class, parsed, parsed::toString);
            assertTrue(invalid.reason().contains(reasonPart), invalid.reason());
        }
    }

    @Nested
    class Streaming {

        @Test
        void logFileOfTwoHundredThousandRecordsIsStreamedNotBuffered() throws IOException {
            int total = 200_000;
            GeneratedLogFile log = new GeneratedLogFile(total);
            long[] bytesAtFirstRecord = {-1};
            int[] watched = {0};
            int[] other = {0};
            int delivered = CloudTrailReader.read(log, record -> {
                if (bytesAtFirstRecord[0] < 0) {
                    bytesAtFirstRecord[0] = log.produced();
                }
                if (record instanceof ParsedRecord.Watched) {
                    watched[0]++;
                } else if (record instanceof ParsedRecord.OtherService) {
                    other[0]++;
                }
            });
            assertEquals(total, delivered);
            assertEquals(total / 10, watched[0]);
            assertEquals(total - total / 10, other[0]);
            assertTrue(log.finished(), "the whole log was read");
            assertTrue(bytesAtFirstRecord[0] < 1024 * 1024,
                    "first record delivered after only " + bytesAtFirstRecord[0] + " of " + log.produced() + " bytes");
            assertTrue(log.produced() > 50L * 1024 * 1024, "the log is larger than any buffer: " + log.produced());
        }
    }

    /**
     * A CloudTrail log file of {@code total} records produced on demand: nothing is held but the
     * record being emitted. Every tenth record is a Lambda AddPermission, the rest S3 calls.
     */
    static final class GeneratedLogFile extends InputStream {

        private static final byte[] HEAD = "{\"Records\":[\n".getBytes(StandardCharsets.UTF_8);
        private static final byte[] TAIL = "\n]}\n".getBytes(StandardCharsets.UTF_8);
        private final int total;
        private final String lambdaTemplate;
        private final String s3Template;
        private int next;
        private byte[] chunk = HEAD;
        private int pos;
        private long produced;
        private boolean finished;

        GeneratedLogFile(int total) {
            this.total = total;
            ObjectNode lambda = grant();
            lambda.put("eventID", "EVENT-ID");
            this.lambdaTemplate = text(lambda);
            ObjectNode s3 = TestRecords.readTree("{\"eventVersion\":\"1.08\",\"userIdentity\":{\"type\":\"IAMUser\","
                    + "\"arn\":\"arn:aws:iam::111122223333:user/loader\",\"accountId\":\"111122223333\"},"
                    + "\"eventTime\":\"2026-03-18T09:00:12Z\",\"eventSource\":\"s3.amazonaws.com\",\"eventName\":\"PutObject\","
                    + "\"awsRegion\":\"us-east-1\",\"sourceIPAddress\":\"198.51.100.77\",\"userAgent\":\"aws-sdk-java/2.57.8\","
                    + "\"requestParameters\":{\"bucketName\":\"orders-exports-111122223333\",\"key\":\"exports/part-00000.csv\"},"
                    + "\"responseElements\":null,\"requestID\":\"16AED706F3054479\",\"eventID\":\"EVENT-ID\",\"readOnly\":false,"
                    + "\"eventType\":\"AwsApiCall\",\"managementEvent\":false,\"recipientAccountId\":\"111122223333\"}").deepCopy();
            this.s3Template = text(s3);
        }

        long produced() {
            return produced;
        }

        boolean finished() {
            return finished;
        }

        private boolean advance() {
            if (next < total) {
                String template = next % 10 == 0 ? lambdaTemplate : s3Template;
                String record = template.replace("EVENT-ID", "00000000-0000-4000-8000-" + String.format("%012d", next));
                chunk = ((next == 0 ? "" : ",\n") + record).getBytes(StandardCharsets.UTF_8);
                next++;
            } else if (!finished) {
                chunk = TAIL;
                finished = true;
            } else {
                return false;
            }
            pos = 0;
            return true;
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (len == 0) {
                return 0;
            }
            while (pos >= chunk.length) {
                if (!advance()) {
                    return -1;
                }
            }
            int n = Math.min(len, chunk.length - pos);
            System.arraycopy(chunk, pos, b, off, n);
            pos += n;
            produced += n;
            return n;
        }
    }

    private static InputStream in(String s) {
        return new java.io.ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8));
    }

    static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(data);
        }
        return out.toByteArray();
    }
}
