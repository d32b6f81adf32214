package io.github.lambdaguardrail.engine;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.github.lambdaguardrail.engine.internal.StatementFacts;
import io.github.lambdaguardrail.engine.internal.StatementParser;
import java.util.List;
import java.util.Locale;

/**
 * Reading a live resource policy the way the rules read CloudTrail's statements, so that the
 * code that removes a statement judges it exactly as the engine did. Stateless and thread-safe.
 */
public final class ResourcePolicy {

    private ResourcePolicy() {
    }

    /** Every statement of a policy document ({@code GetPolicy}'s {@code Policy}). */
    public static List<PolicyStatement> statements(String policyDocument) {
        return StatementParser.parseDocument(policyDocument);
    }

    /** Parses one statement's JSON text. */
    public static PolicyStatement statement(String json) {
        return StatementParser.parse(json, "");
    }

    /** Whether two statement texts are the same JSON (key order and white space aside). */
    public static boolean sameStatement(String a, String b) {
        try {
            return Json.read(a).equals(Json.read(b));
        } catch (JsonProcessingException e) {
            return false;
        }
    }

    /** The half of a public function URL a statement is, if it is one. */
    public enum UrlHalf { NONE, INVOKE_FUNCTION_URL, INVOKE_FUNCTION_VIA_URL }

    /**
     * Either half of a public function URL: principal {@code *}, nothing narrowing the caller, and
     * {@code lambda:InvokeFunctionUrl} with auth type {@code NONE}, or {@code lambda:InvokeFunction}
     * restricted only by {@code lambda:InvokedViaFunctionUrl}.
     */
    public static UrlHalf publicUrlHalf(PolicyStatement statement) {
        return switch (statement) {
            case PolicyStatement.Parsed parsed -> publicUrlHalf(parsed, StatementFacts.of(parsed));
            case PolicyStatement.Unparseable unparseable -> UrlHalf.NONE;
        };
    }

    /** {@link #publicUrlHalf(PolicyStatement)} with the statement's facts already worked out. */
    public static UrlHalf publicUrlHalf(PolicyStatement.Parsed parsed, StatementFacts facts) {
        if (!parsed.allow() || !parsed.principal().anyone() || facts.narrowsCaller()) {
            return UrlHalf.NONE;
        }
        if (hasAction(parsed, "lambda:InvokeFunctionUrl") && facts.urlAuthTypeNone()) {
            return UrlHalf.INVOKE_FUNCTION_URL;
        }
        if (hasAction(parsed, "lambda:InvokeFunction") && facts.invokedViaUrl()) {
            return UrlHalf.INVOKE_FUNCTION_VIA_URL;
        }
        return UrlHalf.NONE;
    }

    /** Whether the statement names the action (actions are case-insensitive). */
    public static boolean hasAction(PolicyStatement.Parsed statement, String action) {
        String wanted = action.toLowerCase(Locale.ROOT);
        return statement.actions().stream().anyMatch(a -> a.toLowerCase(Locale.ROOT).equals(wanted));
    }
}
