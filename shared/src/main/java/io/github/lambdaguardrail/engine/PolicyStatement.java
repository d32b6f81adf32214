package io.github.lambdaguardrail.engine;

import java.util.List;

/**
 * A resource-policy statement as CloudTrail recorded it: either parsed, or kept as the raw text
 * with the reason it could not be parsed. Rules fail closed on an unparseable statement.
 */
public sealed interface PolicyStatement {

    /** The statement id, or an empty string for a Sid-less statement. */
    String sid();

    /** The statement as recorded, for comparison with the live policy before any removal. */
    String raw();

    /**
     * A parsed statement.
     *
     * @param allow      {@code Effect} is {@code Allow}
     * @param actions    actions as written ({@code Action} string or array)
     * @param resource   the {@code Resource} ARN, qualified for a version or alias
     * @param conditions every condition, keys lower-cased
     */
    record Parsed(String sid, boolean allow, Principal principal, List<String> actions, String resource,
                  List<Condition> conditions, String raw) implements PolicyStatement {

        public Parsed {
            actions = List.copyOf(actions);
            conditions = List.copyOf(conditions);
        }
    }

    /** A statement that is missing or is not a JSON policy statement. */
    record Unparseable(String sid, String reason, String raw) implements PolicyStatement {
    }
}
