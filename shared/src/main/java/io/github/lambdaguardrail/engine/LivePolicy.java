package io.github.lambdaguardrail.engine;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * A resource policy (of a function, or of one of its versions or aliases) as {@code GetPolicy}
 * showed it just before the engine judged a change to it.
 */
public sealed interface LivePolicy {

    /** No resource policy at all ({@code GetPolicy} answered ResourceNotFound). */
    record Missing() implements LivePolicy {
    }

    /**
     * @param document   {@code GetPolicy}'s {@code Policy} text, as returned (empty when it had none)
     * @param revisionId {@code GetPolicy}'s {@code RevisionId}, which guards a removal
     */
    record Found(String document, String revisionId) implements LivePolicy {

        /** Whether the document is a policy: a document that is not cannot show a statement is gone. */
        public boolean readable() {
            try {
                JsonNode node = Json.read(document);
                return node != null && node.isObject() && node.has("Statement");
            } catch (JsonProcessingException e) {
                return false;
            }
        }

        /** The statements with this Sid (AddPermission allows one; PutResourcePolicy may have written more). */
        public List<PolicyStatement> statements(String sid) {
            return ResourcePolicy.statements(document).stream().filter(s -> s.sid().equals(sid)).toList();
        }
    }
}
