package io.github.lambdaguardrail.engine.rules;

import io.github.lambdaguardrail.engine.Actor;
import io.github.lambdaguardrail.engine.Finding;
import io.github.lambdaguardrail.engine.Mode;
import io.github.lambdaguardrail.engine.Origin;
import io.github.lambdaguardrail.engine.RuleId;
import io.github.lambdaguardrail.engine.RuleResult;
import io.github.lambdaguardrail.engine.Severity;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * {@code GUARDRAIL_TAMPERED}: any successful change to one of the guardrail's own resources (a
 * guard's configuration, code, concurrency or permissions, its EventBridge rules, the stack's KMS
 * key, its topics). A deploy by CloudFormation is reported too, at {@link Severity#MEDIUM}: the
 * stack's own updates look exactly like this. Immutable and thread-safe.
 */
public final class TamperRule {

    static final String CLOUDFORMATION = "cloudformation.amazonaws.com";

    private final Set<String> resources;
    /** EventBridge rule ARNs up to a trailing {@code *}: every rule whose ARN starts so is the guardrail's. */
    private final List<String> rulePrefixes;

    /**
     * @param resourceArns the guardrail's own resources (policy {@code guardrail.resources}), by exact
     *                     ARN; an EventBridge rule ARN may end in {@code *} for all the stack's rules
     *                     (only rules: a function named like the stack's must never pass for one of it)
     */
    public TamperRule(List<String> resourceArns) {
        this.resources = Set.copyOf(resourceArns.stream().filter(arn -> !isRulePrefix(arn)).toList());
        this.rulePrefixes = resourceArns.stream().filter(TamperRule::isRulePrefix)
                .map(arn -> arn.substring(0, arn.length() - 1)).toList();
    }

    /** An EventBridge rule ARN ending in {@code *} (the policy loader admits no other wildcard). */
    public static boolean isRulePrefix(String arn) {
        return arn.endsWith("*") && arn.contains(":events:") && arn.contains(":rule/");
    }

    /** Whether the ARN (a function ARN without qualifier, a rule, key or topic ARN) is the guardrail's. */
    public boolean isGuardrailResource(String arn) {
        return resources.contains(arn) || arn.contains(":rule/") && rulePrefixes.stream().anyMatch(arn::startsWith);
    }

    /** The finding for a change to {@code arn}, if it is the guardrail's; {@code what} says what changed. */
    public Optional<RuleResult> evaluate(String arn, String what) {
        if (!isGuardrailResource(arn)) {
            return Optional.empty();
        }
        return Optional.of(RuleResult.fail(RuleId.GUARDRAIL_TAMPERED, arn, what, Origin.INTRODUCED));
    }

    /**
     * The finding for a failed result: CRITICAL, or MEDIUM for a change CloudFormation made (a stack
     * update); never exempted, always notified.
     */
    public static Finding finding(RuleResult result, Actor actor) {
        Severity severity = actor.invokedBy().filter(CLOUDFORMATION::equals).isPresent() ? Severity.MEDIUM : Severity.CRITICAL;
        return new Finding(result.rule(), severity, result.subject() + ": " + result.evidence(), result.subject(),
                result.evidence(), Origin.INTRODUCED, Mode.NOTIFY, Optional.empty());
    }
}
