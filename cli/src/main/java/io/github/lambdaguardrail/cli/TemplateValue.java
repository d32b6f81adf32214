package io.github.lambdaguardrail.cli;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A template value with its intrinsic functions resolved as far as they can be before deploy,
 * each with the line it was written on. What cannot be known before deploy is {@link Unresolved},
 * never a guess. Immutable.
 */
sealed interface TemplateValue {

    int line();

    record Text(String text, int line) implements TemplateValue {
    }

    record Items(List<TemplateValue> items, int line) implements TemplateValue {
        public Items {
            items = List.copyOf(items);
        }
    }

    record Fields(Map<String, TemplateValue> fields, int line) implements TemplateValue {
        public Fields {
            fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
        }
    }

    /** @param reason why the value is known only at deploy (an import, a parameter without default ...) */
    record Unresolved(String reason, int line) implements TemplateValue {
    }

    /** The first unresolved part of this value, if any. */
    default java.util.Optional<Unresolved> firstUnresolved() {
        return switch (this) {
            case Unresolved unresolved -> java.util.Optional.of(unresolved);
            case Text text -> java.util.Optional.empty();
            case Items list -> list.items().stream().flatMap(v -> v.firstUnresolved().stream()).findFirst();
            case Fields map -> map.fields().values().stream().flatMap(v -> v.firstUnresolved().stream()).findFirst();
        };
    }
}
