package io.github.lambdaguardrail.engine.rules;

import io.github.lambdaguardrail.engine.LambdaChange;
import io.github.lambdaguardrail.engine.Origin;
import io.github.lambdaguardrail.engine.PolicyStatement;
import io.github.lambdaguardrail.engine.RuleId;
import io.github.lambdaguardrail.engine.RuleResult;
import io.github.lambdaguardrail.engine.internal.StatementFacts;
import java.util.List;

/**
 * {@code FUNCTION_URL_PUBLIC}: either half of a public function URL (the
 * {@code lambda:InvokeFunctionUrl} statement with auth type {@code NONE}, or the
 * {@code lambda:InvokeFunction} statement restricted only by {@code lambda:InvokedViaFunctionUrl}),
 * or a URL config with auth type {@code NONE}; unless the policy allows public URLs.
 */
final class PublicFunctionUrlRule extends StatementRule {

    private static final String ALLOWED = "public function URLs are allowed by policy";

    @Override
    public RuleId id() {
        return RuleId.FUNCTION_URL_PUBLIC;
    }

    @Override
    public List<RuleResult> evaluate(LambdaChange change, RuleContext context) {
        return switch (change) {
            case LambdaChange.FunctionUrlConfigured url -> List.of(evaluate(url, context));
            // The statements a change granted: each half of a public URL is a statement.
            case LambdaChange.PermissionGranted granted -> super.evaluate(granted, context);
            case LambdaChange.ResourcePolicyReplaced replaced -> super.evaluate(replaced, context);
            case LambdaChange.FunctionConfigured configured -> List.of();
            case LambdaChange.TagsChanged tags -> List.of();
        };
    }

    private RuleResult evaluate(LambdaChange.FunctionUrlConfigured url, RuleContext context) {
        String subject = "function URL config";
        if (!"NONE".equals(url.authType())) {
            return RuleResult.pass(id(), subject, "auth type " + url.authType());
        }
        if (context.policy().permissions().allowPublicFunctionUrls()) {
            return RuleResult.pass(id(), subject, "auth type NONE; " + ALLOWED);
        }
        return RuleResult.fail(id(), subject, "auth type NONE: the URL needs no authentication", Origin.INTRODUCED);
    }

    @Override
    RuleResult check(PolicyStatement.Parsed statement, StatementFacts facts, String subject, RuleContext context) {
        boolean aboutUrls = hasAction(statement, "lambda:InvokeFunctionUrl") || facts.urlAuthTypeNone() || facts.invokedViaUrl();
        if (!aboutUrls) {
            return RuleResult.skip(id(), subject, "not a function URL grant");
        }
        if (!isPublicUrlHalf(statement, facts)) {
            return RuleResult.pass(id(), subject, "function URL grant is not public");
        }
        if (context.policy().permissions().allowPublicFunctionUrls()) {
            return RuleResult.pass(id(), subject, ALLOWED);
        }
        String half = facts.urlAuthTypeNone() ? "lambda:InvokeFunctionUrl with auth type NONE"
                : "lambda:InvokeFunction via function URL";
        return RuleResult.fail(id(), subject, "public function URL: principal * on " + half, Origin.INTRODUCED);
    }
}
