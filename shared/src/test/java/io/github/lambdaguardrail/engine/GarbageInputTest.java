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

    @Test
    void nullWhereAwsWritesAListOfIdsMakesTheRecordUnusable() {
        ObjectNode nullSubnets = TestRecords.updateFunctionConfiguration("ledger-sync",
                TestRecords.vpcConfig(List.of("subnet-0a1b2c3d"), List.of("sg-0a1b2c3d"), null),
                TestRecords.vpcConfig(List.of("subnet-0a1b2c3d"), List.of("sg-0a1b2c3d"), "vpc-0a1b2c3d"));
        ((ObjectNode) nullSubnets.at("/responseElements/vpcConfig")).putNull("subnetIds");
        assertTrue(CloudTrailReader.parse(nullSubnets) instanceof ParsedRecord.Invalid invalid
                && invalid.reason().contains("responseElements.vpcConfig.subnetIds"));
    }

    @Test
    void tagsThatAreNotAnObjectMakeTheRecordUnusable() {
        ObjectNode record = TestRecords.createFunction("relay", null, null, Map.of());
        ((ObjectNode) record.get("requestParameters")).put("tags", 7);
        ParsedRecord.Invalid invalid = assertInstanceOf(ParsedRecord.Invalid.class, CloudTrailReader.parse(record));
        assertTrue(invalid.reason().contains("requestParameters.tags is not an object"), invalid.reason());
    }

    @ParameterizedTest
    @ValueSource(strings = {"*\u202e", "LAMBDA_NOT_IN_VPC\u0000", "\u200b*", "\ud800"})
    void tagValueNoAwsApiAcceptsMakesTheRecordUnusable(String value) {
        ObjectNode record = TestRecords.createFunction("relay", null, null, Map.of("guardrail:exempt", value));
        ParsedRecord.Invalid invalid = assertInstanceOf(ParsedRecord.Invalid.class, CloudTrailReader.parse(record));
        assertTrue(invalid.reason().contains("guardrail:exempt"), invalid.reason());
    }

    @Test
    void tagKeyOrValueLongerThanAwsAllowsMakesTheRecordUnusable() {
        assertInstanceOf(ParsedRecord.Invalid.class, CloudTrailReader.parse(
                TestRecords.createFunction("relay", null, null, Map.of("k".repeat(129), "v"))));
        assertInstanceOf(ParsedRecord.Invalid.class, CloudTrailReader.parse(
                TestRecords.createFunction("relay", null, null, Map.of("team", "v".repeat(257)))));
    }

    @Test
    void tagsAwsAcceptsAreRead() {
        ObjectNode record = TestRecords.createFunction("relay", null, null,
                Map.of("guardrail:exempt", "PERMISSION_PUBLIC, LAMBDA_NOT_IN_VPC", "\u00e9quipe", "caf\u00e9 \u4e2d", "k".repeat(128), ""));
        ParsedRecord.Watched watched = assertInstanceOf(ParsedRecord.Watched.class, CloudTrailReader.parse(record));
        assertEquals(3, assertInstanceOf(LambdaChange.FunctionConfigured.class, watched.event().change()).tags().size());
    }

    /** AddPermission with SourceAccount 111122223333: Lambda writes it into the statement as this condition. */
    private static Verdict grantAskingForSourceAccount(String condition) {
        ObjectNode record = TestRecords.addPermission(TestRecords.OWN, "status-page-probe", "s1",
                "{\"Sid\":\"s1\",\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"lambda:InvokeFunction\","
                        + "\"Resource\":\"arn:aws:lambda:us-east-1:111122223333:function:status-page-probe\",\"Condition\":" + condition + "}");
        ((ObjectNode) record.get("requestParameters")).put("sourceAccount", "111122223333");
        return TestRecords.evaluate(record, ROLLBACK);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"StringEquals\":{\"AWS:SourceAccoun\\u0074x\":\"111122223333\"}}",
        "{\"StringEquals\":{\"AWS:SourceAccount\":9223372036854775807}}",
        "{\"StringEquals\":{\"AWS:SourceAccount\":\"111122223334\"}}",
        "{\"StringEqualz\":{\"AWS:SourceAccount\":\"111122223333\"}}",
        "{\"ArnLike\":{\"AWS:SourceArn\":\"arn:aws:s3:::b\"}}"})
    void statementWithoutTheConditionTheRequestAskedForIsReportedAndNeverRolledBack(String condition) {
        Verdict v = grantAskingForSourceAccount(condition);
        assertEquals(List.of(new Action.Notify()), v.actions(), v::toString);
        assertTrue(v.note().orElseThrow().contains("could not be parsed"), v::toString);
        assertTrue(v.findings().stream().anyMatch(f -> f.evidence().contains("requestParameters.sourceAccount")), v::toString);
    }

    @Test
    void statementCarryingTheRequestedConditionIsJudgedOnIt() {
        Verdict v = grantAskingForSourceAccount("{\"StringEquals\":{\"aws:sourceaccount\":\"111122223333\"}}");
        assertEquals(Decision.ALLOW, v.decision(), v::toString);
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
