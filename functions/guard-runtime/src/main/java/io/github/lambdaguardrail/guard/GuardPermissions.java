package io.github.lambdaguardrail.guard;

import io.github.lambdaguardrail.engine.WatchedApi;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The IAM actions a guard's code calls, declared beside the code that calls them, so the
 * template can grant exactly these and a test can prove it (and that the code calls nothing else).
 */
public final class GuardPermissions {

    /**
     * Every guard: function facts, the state table and alerts. GetFunction returns a function's
     * tags only to a caller also allowed {@code lambda:ListTags}.
     */
    static final Set<String> COMMON = Set.of(
            "lambda:GetFunction", "lambda:ListTags",
            "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem",
            "sns:Publish");

    /** Per planned action: what {@link LambdaRemediator} calls to carry it out. */
    static final Map<String, Set<String>> BY_ACTION = Map.of(
            "REMOVE_PERMISSION", Set.of("lambda:GetPolicy", "lambda:RemovePermission"),
            "QUARANTINE", Set.of("lambda:GetFunction", "lambda:ListTags", "lambda:TagResource", "lambda:PutFunctionConcurrency"),
            "RESTORE_VPC_CONFIG", Set.of("lambda:GetFunction", "lambda:UpdateFunctionConfiguration"));

    private GuardPermissions() {
    }

    /** The actions a guard may roll back for the APIs it watches. */
    public static Set<String> actionTypes(List<WatchedApi> apis) {
        Set<String> types = new TreeSet<>();
        for (WatchedApi api : apis) {
            switch (api) {
                case CREATE_FUNCTION, UPDATE_FUNCTION_CONFIGURATION -> types.addAll(List.of("QUARANTINE", "RESTORE_VPC_CONFIG"));
                case ADD_PERMISSION -> types.add("REMOVE_PERMISSION");
                default -> {
                    // notify only: the other changes, tag changes and every change to the guardrail itself
                }
            }
        }
        return types;
    }

    /** Every IAM action the code of a guard watching {@code apis} can call. */
    public static Set<String> forApis(List<WatchedApi> apis) {
        Set<String> actions = new TreeSet<>(COMMON);
        actionTypes(apis).forEach(type -> actions.addAll(BY_ACTION.get(type)));
        return actions;
    }
}
