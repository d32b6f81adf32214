package io.github.lambdaguardrail.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Values AWS never writes (found by tools/fuzz-evaluate): they are reported, never rolled back.
 * A statement holding them is unparseable; a record holding them in what the guard acts on is
 * unusable.
 */
class GarbageInputTest {

    private static final Policy ROLLBACK = Policy.defaults().withMode(Mode.ROLLBACK);

    private static Verdict grant(String statement) {
        return TestRecords.evaluate(TestRecords.addPermission(TestRecords.OWN, "invoice-renderer", "s1", statement), ROLLBACK);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"Sid\":\"s1\",\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"lambda:Invoke\u00e9\"}",
        "{\"Sid\":\"s1\",\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"lambda:InvokeFunction\",\"Condition\":{\"StringEquals\":{\"AWS:SourceAccount\":\"1111\u000122223333\"}}}",
        "{\"Sid\":\"s1\",\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"{\\\"a\\\":{\\\"a\\\":\"}",
        "{\"Sid\":\"s1\",\"Effect\":\"Allow\",\"Principal\":{\"Servic%\":\"s3.amazonaws.com\"},\"Action\":\"lambda:InvokeFunction\"}"})
    void statementAwsNeverWritesIsReportedAndNeverRolledBack(String statement) {
        Verdict v = grant(statement);
        assertEquals(Decision.NOTIFY, v.decision(), v::toString);
        assertEquals(List.of(new Action.Notify()), v.actions());
        assertTrue(v.note().orElseThrow().contains("could not be parsed"), v::toString);
    }

    @Test
    void statementLongerThanAResourcePolicyCanBeIsUnparseable() {
        String huge = "{\"Sid\":\"s1\",\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"lambda:InvokeFunction\",\"Condition\":"
                + "{\"StringEquals\":{\"aws:SourceArn\":\"arn:aws:s3:::" + "b".repeat(21_000) + "\"}}}";
        Verdict v = grant(huge);
        assertEquals(Decision.NOTIFY, v.decision());
    }

    @Test
    void compliantStatementStillPasses() {
        Verdict v = grant("{\"Sid\":\"s1\",\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"events.amazonaws.com\"},"
                + "\"Action\":\"lambda:InvokeFunction\",\"Condition\":{\"ArnLike\":{\"AWS:SourceArn\":"
                + "\"arn:aws:events:us-east-1:111122223333:rule/nightly\"}}}");
        assertEquals(Decision.ALLOW, v.decision(), v::toString);
    }

    @Test
    void exemptionTagThatIsNotAStringMakesTheRecordUnusable() {
        ObjectNode record = TestRecords.createFunction("relay", null, null, Map.of());
        ((ObjectNode) record.get("requestParameters")).putObject("tags").putNull("guardrail:exempt");
        ParsedRecord.Invalid invalid = assertInstanceOf(ParsedRecord.Invalid.class, CloudTrailReader.parse(record));
        assertTrue(invalid.reason().contains("guardrail:exempt"), invalid.reason());
    }

    @ParameterizedTest
    @ValueSource(strings = {"subnet-0a1b\u00e9", "subnet", "sg-0a1b2c3d"})
    void vpcConfigIdsAwsNeverWritesMakeTheRecordUnusable(String subnet) {
        ObjectNode record = TestRecords.updateFunctionConfiguration("payments-worker",
                TestRecords.vpcConfig(List.of(subnet), List.of("sg-0a1b2c3d"), null),
                TestRecords.vpcConfig(List.of(subnet), List.of("sg-0a1b2c3d"), "vpc-0a1b2c3d"));
        assertInstanceOf(ParsedRecord.Invalid.class, CloudTrailReader.parse(record));
    }
}
