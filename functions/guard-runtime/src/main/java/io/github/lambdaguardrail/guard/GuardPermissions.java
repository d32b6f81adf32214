package io.github.lambdaguardrail.guard;

import io.github.lambdaguardrail.engine.Action;
import io.github.lambdaguardrail.engine.GuardrailEngine;
import io.github.lambdaguardrail.engine.WatchedApi;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The IAM actions a guard needs, derived from what its code does: the reads every guard makes,
 * and the {@link Action.Kind#permissions} of every kind of action the engine can plan for the
 * calls it watches. The template grants exactly these, and a test proves it (another, that the
 * code calls nothing else).
 */
public final class GuardPermissions {

    /**
     * Every guard, whatever it plans: the function's facts ({@code GetFunction} returns a
     * function's tags only to a caller also allowed {@code lambda:ListTags}) and the state table.
     */
    static final Set<String> COMMON = Set.of(
            "lambda:GetFunction", "lambda:ListTags",
            "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem");

    private GuardPermissions() {
    }

    /** The kinds of action a guard watching {@code apis} can carry out: those the engine can plan for any of them. */
    public static Set<Action.Kind> plannable(List<WatchedApi> apis) {
        Set<Action.Kind> kinds = EnumSet.noneOf(Action.Kind.class);
        apis.forEach(api -> kinds.addAll(GuardrailEngine.plannable(api)));
        return kinds;
    }

    /** Every IAM action a guard watching {@code apis} needs. */
    public static Set<String> forApis(List<WatchedApi> apis) {
        Set<String> actions = new TreeSet<>(COMMON);
        plannable(apis).forEach(kind -> actions.addAll(kind.permissions()));
        return actions;
    }
}
