package io.github.lambdaguardrail.engine;

import java.util.Map;

/**
 * A function's tags as the caller read them ({@code GetFunction}), or the fact that they could not
 * be read. Unreadable tags mean the exemptions by tag are unknown: the engine reports every
 * finding and plans no rollback, saying why (an exemption tag might have forbidden it), as it
 * does for an exemption tag whose value it cannot read.
 */
public sealed interface FunctionTags {

    /** No tags: a function without any, or a caller that knows none (the command line). */
    FunctionTags NONE = new Read(Map.of());

    /** The tags, never logged (tags can carry secrets). */
    record Read(Map<String, String> tags) implements FunctionTags {
        public Read {
            tags = Map.copyOf(tags);
        }
    }

    /** @param reason why they could not be read, e.g. {@code AccessDeniedException} from GetFunction's TagsError */
    record Unreadable(String reason) implements FunctionTags {
    }
}
