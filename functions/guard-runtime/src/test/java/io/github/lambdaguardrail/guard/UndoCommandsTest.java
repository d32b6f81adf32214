package io.github.lambdaguardrail.guard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.github.lambdaguardrail.engine.FunctionRef;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The undo of a removed statement: the add-permission command that writes it back exactly as
 * Lambda rendered it, or no command (with the reason) when none can. Each case: the statement's
 * {@code Principal}, {@code Action} and {@code Condition} (Sid {@code s}, Allow, the function as
 * Resource), and the expected command options after {@code --statement-id s}, or {@code none: }
 * and the reason.
 */
class UndoCommandsTest {

    private static final String ARN = "arn:aws:lambda:us-east-1:111122223333:function:invoice-renderer";
    private static final FunctionRef FUNCTION = new FunctionRef("invoice-renderer", Optional.empty(), ARN);

    static Stream<Arguments> cases() {
        return Stream.of(
                arguments("anyone", "\"*\"", "\"lambda:InvokeFunction\"", null,
                        "--action lambda:InvokeFunction --principal '*'"),
                arguments("an account, as Lambda renders it", "{\"AWS\":\"arn:aws:iam::999988887777:root\"}", "\"lambda:InvokeFunction\"", null,
                        "--action lambda:InvokeFunction --principal arn:aws:iam::999988887777:root"),
                arguments("a role: the role, never its whole account", "{\"AWS\":\"arn:aws:iam::999988887777:role/vendor-etl\"}",
                        "\"lambda:InvokeFunction\"", null,
                        "--action lambda:InvokeFunction --principal arn:aws:iam::999988887777:role/vendor-etl"),
                arguments("a user", "{\"AWS\":\"arn:aws:iam::999988887777:user/dana\"}", "\"lambda:InvokeFunction\"", null,
                        "--action lambda:InvokeFunction --principal arn:aws:iam::999988887777:user/dana"),
                arguments("a service with source ARN and account", "{\"Service\":\"s3.amazonaws.com\"}", "\"lambda:InvokeFunction\"",
                        "{\"StringEquals\":{\"AWS:SourceAccount\":\"111122223333\"},\"ArnLike\":{\"AWS:SourceArn\":\"arn:aws:s3:::*\"}}",
                        "--action lambda:InvokeFunction --principal s3.amazonaws.com --source-account 111122223333"
                                + " --source-arn 'arn:aws:s3:::*'"),
                arguments("anyone in an organisation", "\"*\"", "\"lambda:InvokeFunction\"",
                        "{\"StringEquals\":{\"aws:PrincipalOrgID\":\"o-exampleorg1\"}}",
                        "--action lambda:InvokeFunction --principal '*' --principal-org-id o-exampleorg1"),
                arguments("a public function URL, first half", "\"*\"", "\"lambda:InvokeFunctionUrl\"",
                        "{\"StringEquals\":{\"lambda:FunctionUrlAuthType\":\"NONE\"}}",
                        "--action lambda:InvokeFunctionUrl --principal '*' --function-url-auth-type NONE"),
                arguments("a public function URL, second half", "\"*\"", "\"lambda:InvokeFunction\"",
                        "{\"Bool\":{\"lambda:InvokedViaFunctionUrl\":\"true\"}}",
                        "--action lambda:InvokeFunction --principal '*' --invoked-via-function-url"),
                arguments("a wildcard action", "{\"AWS\":\"arn:aws:iam::111122223333:root\"}", "\"lambda:*\"", null,
                        "--action 'lambda:*' --principal arn:aws:iam::111122223333:root"),
                arguments("a unique id (a deleted role): never '*'", "{\"AWS\":\"AROAEXAMPLEROLE00001\"}", "\"lambda:InvokeFunction\"", null,
                        "none: add-permission cannot write the principal {\"AWS\":\"AROAEXAMPLEROLE00001\"} back as it was"),
                arguments("a federated principal", "{\"Federated\":\"cognito-identity.amazonaws.com\"}", "\"lambda:InvokeFunction\"", null,
                        "none: add-permission cannot write the principal {\"Federated\":\"cognito-identity.amazonaws.com\"} back as it was"),
                arguments("an assumed-role session", "{\"AWS\":\"arn:aws:sts::999988887777:assumed-role/vendor-etl/job\"}",
                        "\"lambda:InvokeFunction\"", null,
                        "none: add-permission cannot write the principal {\"AWS\":\"arn:aws:sts::999988887777:assumed-role/vendor-etl/job\"}"
                                + " back as it was"),
                arguments("two accounts", "{\"AWS\":[\"arn:aws:iam::999988887777:root\",\"arn:aws:iam::444455556666:root\"]}",
                        "\"lambda:InvokeFunction\"", null,
                        "none: add-permission cannot write the principal {\"AWS\":[\"arn:aws:iam::999988887777:root\","
                                + "\"arn:aws:iam::444455556666:root\"]} back as it was"),
                arguments("{\"AWS\": \"*\"}, which add-permission writes as \"*\"", "{\"AWS\":\"*\"}", "\"lambda:InvokeFunction\"", null,
                        "none: add-permission cannot write the principal {\"AWS\":\"*\"} back as it was"),
                arguments("two actions", "\"*\"", "[\"lambda:InvokeFunction\",\"lambda:GetFunction\"]", null,
                        "none: add-permission writes exactly one action, not [\"lambda:InvokeFunction\",\"lambda:GetFunction\"]"),
                arguments("a condition add-permission cannot write", "\"*\"", "\"lambda:InvokeFunction\"",
                        "{\"IpAddress\":{\"aws:SourceIp\":\"203.0.113.0/24\"}}",
                        "none: add-permission has no option for the condition IpAddress aws:SourceIp"),
                arguments("the source ARN under another operator", "{\"Service\":\"sns.amazonaws.com\"}", "\"lambda:InvokeFunction\"",
                        "{\"StringLike\":{\"AWS:SourceArn\":\"arn:aws:sns:us-east-1:111122223333:*\"}}",
                        "none: add-permission has no option for the condition StringLike AWS:SourceArn"),
                arguments("two source accounts", "{\"Service\":\"s3.amazonaws.com\"}", "\"lambda:InvokeFunction\"",
                        "{\"StringEquals\":{\"AWS:SourceAccount\":[\"111122223333\",\"444455556666\"]}}",
                        "none: condition StringEquals AWS:SourceAccount has [\"111122223333\",\"444455556666\"], not one value"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void undoReproducesTheStatementExactlyOrThereIsNone(String name, String principal, String action, String condition,
                                                        String expected) {
        String statement = "{\"Sid\":\"s\",\"Effect\":\"Allow\",\"Principal\":" + principal + ",\"Action\":" + action
                + ",\"Resource\":\"" + ARN + "\"" + (condition == null ? "" : ",\"Condition\":" + condition) + "}";

        UndoCommands.Undo undo = UndoCommands.addPermission(FUNCTION, statement);

        if (expected.startsWith("none: ")) {
            assertEquals(expected.substring("none: ".length()), assertInstanceOf(UndoCommands.Undo.None.class, undo).why());
        } else {
            assertEquals("aws lambda add-permission --function-name " + ARN + " --statement-id s " + expected,
                    assertInstanceOf(UndoCommands.Undo.Command.class, undo).text());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("statementsAddPermissionCannotWrite")
    void statementAddPermissionCannotWriteHasNoUndo(String name, String statement, String why) {
        FunctionRef alias = new FunctionRef("invoice-renderer", Optional.of("live"), ARN);

        UndoCommands.Undo undo = UndoCommands.addPermission(alias, statement);

        assertEquals(why, assertInstanceOf(UndoCommands.Undo.None.class, undo).why());
    }

    static Stream<Arguments> statementsAddPermissionCannotWrite() {
        String base = "\"Sid\":\"s\",\"Principal\":\"*\",\"Action\":\"lambda:InvokeFunction\"";
        return Stream.of(
                arguments("a Deny", "{" + base + ",\"Effect\":\"Deny\",\"Resource\":\"" + ARN + ":live\"}",
                        "add-permission writes only Allow statements"),
                arguments("another resource than the alias", "{" + base + ",\"Effect\":\"Allow\",\"Resource\":\"" + ARN + "\"}",
                        "the statement's Resource \"" + ARN + "\" is not " + ARN + ":live"),
                arguments("NotAction", "{" + base + ",\"Effect\":\"Allow\",\"Resource\":\"" + ARN + ":live\",\"NotAction\":\"x\"}",
                        "add-permission cannot write [NotAction]"));
    }

    @org.junit.jupiter.api.Test
    void aliasStatementIsReAddedWithItsQualifier() {
        String statement = "{\"Sid\":\"public-live-alias\",\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"lambda:InvokeFunction\","
                + "\"Resource\":\"" + ARN + ":live\"}";

        UndoCommands.Undo undo = UndoCommands.addPermission(new FunctionRef("invoice-renderer", Optional.of("live"), ARN), statement);

        assertEquals("aws lambda add-permission --function-name " + ARN + " --qualifier live --statement-id public-live-alias"
                + " --action lambda:InvokeFunction --principal '*'", assertInstanceOf(UndoCommands.Undo.Command.class, undo).text());
    }
}
