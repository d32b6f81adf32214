package io.github.lambdaguardrail.engine.prevent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The test evaluator against the IAM rules it implements, so that the round trip rests on them. */
class ScpEvaluatorTest {

    /** Condition, request keys ({@code key=v1|v2}, {@code key=} for an empty list; left out: missing), whether it holds. */
    static Stream<Arguments> cases() {
        return Stream.of(
                arguments("{\"StringEquals\":{\"lambda:Principal\":\"*\"}}", "", false),
                arguments("{\"StringEquals\":{\"lambda:Principal\":\"*\"}}", "lambda:Principal=*", true),
                arguments("{\"StringEquals\":{\"lambda:Principal\":\"*\"}}", "lambda:Principal=123456789012", false),
                arguments("{\"StringNotEquals\":{\"lambda:VpcIds\":\"vpc-1\"}}", "", true),
                arguments("{\"StringNotEquals\":{\"lambda:VpcIds\":[\"vpc-1\",\"vpc-2\"]}}", "lambda:VpcIds=vpc-2", false),
                arguments("{\"StringNotEquals\":{\"lambda:VpcIds\":[\"vpc-1\",\"vpc-2\"]}}", "lambda:VpcIds=vpc-3", true),
                arguments("{\"StringNotLike\":{\"lambda:Principal\":\"arn:*\"}}", "", true),
                arguments("{\"ArnNotLike\":{\"aws:PrincipalArn\":\"arn:aws:iam::*:role/R\"}}", "", true),
                arguments("{\"Null\":{\"lambda:VpcIds\":\"true\"}}", "", true),
                arguments("{\"Null\":{\"lambda:VpcIds\":\"true\"}}", "lambda:VpcIds=vpc-1", false),
                arguments("{\"Null\":{\"lambda:VpcIds\":\"false\"}}", "lambda:VpcIds=vpc-1", true),
                arguments("{\"Null\":{\"lambda:SubnetIds\":\"true\"}}", "lambda:SubnetIds=", true),
                // ForAnyValue over a missing or empty key: false; ForAllValues: true.
                arguments("{\"ForAnyValue:StringEquals\":{\"lambda:SecurityGroupIds\":\"sg-1\"}}", "", false),
                arguments("{\"ForAnyValue:StringNotEquals\":{\"lambda:SecurityGroupIds\":\"sg-1\"}}", "", false),
                arguments("{\"ForAnyValue:StringNotEquals\":{\"lambda:SecurityGroupIds\":\"sg-1\"}}", "lambda:SecurityGroupIds=", false),
                arguments("{\"ForAllValues:StringEquals\":{\"lambda:SecurityGroupIds\":\"sg-1\"}}", "", true),
                arguments("{\"ForAllValues:StringEquals\":{\"lambda:SecurityGroupIds\":\"sg-1\"}}", "lambda:SecurityGroupIds=sg-1|sg-2", false),
                arguments("{\"ForAnyValue:StringNotEquals\":{\"lambda:SubnetIds\":[\"s-1\",\"s-2\"]}}", "lambda:SubnetIds=s-1|s-2", false),
                arguments("{\"ForAnyValue:StringNotEquals\":{\"lambda:SubnetIds\":[\"s-1\",\"s-2\"]}}", "lambda:SubnetIds=s-1|s-9", true),
                arguments("{\"ForAnyValue:StringEquals\":{\"lambda:SecurityGroupIds\":\"sg-bad\"}}", "lambda:SecurityGroupIds=sg-1|sg-bad", true),
                arguments("{\"ForAnyValue:StringLike\":{\"aws:TagKeys\":\"guardrail:*\"}}", "aws:TagKeys=team|guardrail:exempt", true),
                arguments("{\"ForAnyValue:StringLike\":{\"aws:TagKeys\":\"guardrail:*\"}}", "aws:TagKeys=team", false),
                // Wildcards, the literal ${*} and the policy variable.
                arguments("{\"StringLike\":{\"lambda:Principal\":\"*\"}}", "lambda:Principal=999988887777", true),
                arguments("{\"StringLike\":{\"lambda:Principal\":\"${*}\"}}", "lambda:Principal=999988887777", false),
                arguments("{\"StringLike\":{\"lambda:Principal\":\"${*}\"}}", "lambda:Principal=*", true),
                arguments("{\"StringNotLike\":{\"lambda:Principal\":\"${aws:PrincipalAccount}\"}}", "lambda:Principal=111122223333", false),
                arguments("{\"StringNotLike\":{\"lambda:Principal\":\"${aws:PrincipalAccount}\"}}", "lambda:Principal=999988887777", true),
                arguments("{\"StringNotLike\":{\"lambda:Principal\":\"*.amazonaws.com\"}}", "lambda:Principal=*", true),
                arguments("{\"ArnNotLike\":{\"aws:PrincipalArn\":\"arn:aws:iam::111122223333:role/*/R\"}}",
                        "aws:PrincipalArn=arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/R", false),
                arguments("{\"ArnNotLike\":{\"aws:PrincipalArn\":\"arn:aws:iam::111122223333:role/R\"}}",
                        "aws:PrincipalArn=arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/R", true),
                // Several operators and keys: AND.
                arguments("{\"StringNotEquals\":{\"lambda:VpcIds\":\"vpc-1\"},\"Null\":{\"lambda:VpcIds\":\"false\"}}", "", false));
    }

    @ParameterizedTest(name = "{0} with [{1}]: {2}")
    @MethodSource("cases")
    void conditionHoldsAsIamEvaluatesIt(String condition, String keys, boolean holds) {
        assertEquals(holds, evaluator(condition).denies(request(keys)));
    }

    @Test
    void singleValuedOperatorOnAMultivaluedKeyIsRefused() {
        assertThrows(IllegalArgumentException.class,
                () -> evaluator("{\"StringEquals\":{\"lambda:SubnetIds\":\"s-1\"}}").denies(request("lambda:SubnetIds=s-1")));
    }

    @Test
    void unknownOperatorIsRefused() {
        assertThrows(IllegalArgumentException.class,
                () -> evaluator("{\"StringEqualsIgnoreCase\":{\"lambda:Principal\":\"*\"}}").denies(request("lambda:Principal=*")));
    }

    private static ScpEvaluator evaluator(String condition) {
        return new ScpEvaluator("{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"S\",\"Effect\":\"Deny\","
                + "\"Action\":\"lambda:AddPermission\",\"Resource\":\"*\",\"Condition\":" + condition + "}]}");
    }

    private static ScpEvaluator.Request request(String keys) {
        Map<String, List<String>> context = new LinkedHashMap<>();
        context.put("aws:PrincipalAccount", List.of("111122223333"));
        for (String pair : keys.isEmpty() ? new String[0] : keys.split(" ")) {
            String[] kv = pair.split("=", 2);
            context.put(kv[0], kv[1].isEmpty() ? List.of() : List.of(kv[1].split("\\|")));
        }
        return new ScpEvaluator.Request("lambda:AddPermission", "arn:aws:lambda:us-east-1:111122223333:function:f", context);
    }
}
