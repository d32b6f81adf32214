package io.github.lambdaguardrail.engine.rules;

import io.github.lambdaguardrail.engine.LambdaChange;
import io.github.lambdaguardrail.engine.Origin;
import io.github.lambdaguardrail.engine.RuleId;
import io.github.lambdaguardrail.engine.RuleResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code GUARDRAIL_TAG_CHANGED}: a {@code TagResource} or {@code UntagResource} that sets or
 * removes the exemption tag or any {@code guardrail:*} tag (the quarantine record): whoever may tag
 * a function may exempt it, so every such change is reported with who made it. Other tags pass,
 * and their values are never repeated.
 */
final class GuardrailTagRule implements Rule {

    static final String PREFIX = "guardrail:";
    static final String SUBJECT = "tags";

    @Override
    public RuleId id() {
        return RuleId.GUARDRAIL_TAG_CHANGED;
    }

    @Override
    public List<RuleResult> evaluate(LambdaChange change, RuleContext context) {
        return switch (change) {
            case LambdaChange.TagsChanged tags -> evaluate(tags, context);
            case LambdaChange.FunctionConfigured configured -> List.of();
            case LambdaChange.PermissionGranted granted -> List.of();
            case LambdaChange.ResourcePolicyReplaced replaced -> List.of();
            case LambdaChange.FunctionUrlConfigured url -> List.of();
        };
    }

    private List<RuleResult> evaluate(LambdaChange.TagsChanged tags, RuleContext context) {
        String exemptKey = context.policy().exemptions().tagKey();
        List<String> changes = new ArrayList<>();
        for (Map.Entry<String, String> tag : tags.set().entrySet()) {
            if (isGuardrailTag(tag.getKey(), exemptKey)) {
                changes.add("set " + tag.getKey() + "=" + tag.getValue());
            }
        }
        for (String key : tags.removed()) {
            if (isGuardrailTag(key, exemptKey)) {
                changes.add("removed " + key);
            }
        }
        if (changes.isEmpty()) {
            return List.of(RuleResult.pass(id(), SUBJECT, "no guardrail tag changed"));
        }
        return List.of(RuleResult.fail(id(), SUBJECT, String.join(", ", changes), Origin.INTRODUCED));
    }

    private static boolean isGuardrailTag(String key, String exemptKey) {
        return key.equals(exemptKey) || key.startsWith(PREFIX);
    }
}
