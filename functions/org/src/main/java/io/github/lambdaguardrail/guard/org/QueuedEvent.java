package io.github.lambdaguardrail.guard.org;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.github.lambdaguardrail.engine.Json;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * One message of the remediation queue, as Lambda's SQS event source delivers it.
 *
 * @param groupId the message's {@code MessageGroupId}, as the evaluator set it ({@code account:region})
 * @param body    the EventBridge event the evaluator received
 */
public record QueuedEvent(String messageId, String groupId, String body) {

    /** Lambda's largest synchronous payload: an SQS batch never exceeds it. */
    static final int MAX_BATCH_BYTES = 6 * 1024 * 1024;

    /**
     * Reads an SQS event ({@code {"Records": [...]}}). Throws {@link IllegalArgumentException},
     * naming what is wrong, for anything else: a batch that cannot be read is retried whole, and
     * the queue's dead-letter alarm fires if it never can.
     */
    public static List<QueuedEvent> readBatch(InputStream input) throws IOException {
        byte[] bytes = input.readNBytes(MAX_BATCH_BYTES + 1);
        if (bytes.length > MAX_BATCH_BYTES) {
            throw new IllegalArgumentException("SQS event: over " + MAX_BATCH_BYTES + " bytes, larger than Lambda delivers");
        }
        JsonNode root;
        try {
            root = Json.read(bytes, 0, bytes.length);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("SQS event: not JSON (" + e.getOriginalMessage() + ")");
        }
        JsonNode records = root == null ? null : root.get("Records");
        if (records == null || !records.isArray()) {
            throw new IllegalArgumentException("SQS event: no Records array");
        }
        List<QueuedEvent> events = new ArrayList<>();
        for (JsonNode record : records) {
            String id = text(record, "messageId");
            if (id == null || !"aws:sqs".equals(text(record, "eventSource"))) {
                throw new IllegalArgumentException("SQS event: record " + events.size() + " is not an SQS message with a messageId");
            }
            JsonNode attributes = record.path("attributes");
            String group = attributes.isObject() ? text(attributes, "MessageGroupId") : null;
            String body = text(record, "body");
            events.add(new QueuedEvent(id, group == null ? "" : group, body == null ? "" : body));
        }
        return events;
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value != null && value.isTextual() ? value.asText() : null;
    }
}
