package io.github.lambdaguardrail.engine;

import java.util.List;
import java.util.Locale;

/**
 * One condition of a policy statement: operator, key and values.
 *
 * @param operator the operator as written, e.g. {@code ArnLike}
 * @param key      the condition key in lower case (condition keys are case-insensitive)
 * @param values   the values; a single string becomes a one-element list
 */
public record Condition(String operator, String key, List<String> values) {

    public Condition {
        key = key.toLowerCase(Locale.ROOT);
        values = List.copyOf(values);
    }
}
