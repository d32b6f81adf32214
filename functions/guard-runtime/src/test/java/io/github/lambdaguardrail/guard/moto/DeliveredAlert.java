package io.github.lambdaguardrail.guard.moto;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One alert as an SQS subscriber of the alert topic receives it: the SNS envelope (raw message
 * delivery off) with the subject, the message attributes operators filter on, and the message,
 * which for {@code MessageStructure=json} is the topic message's {@code "sqs"} entry, the JSON
 * document.
 *
 * @param envelope the SNS notification as the queue received it, whole (what a Lambda subscriber's
 *                 event record carries as {@code Sns}, with that entry's message)
 */
public record DeliveredAlert(String subject, JsonNode document, Map<String, String> attributes, JsonNode envelope) {

    public static DeliveredAlert fromSqsBody(String body) {
        JsonNode envelope = read(body);
        Map<String, String> attributes = new LinkedHashMap<>();
        envelope.path("MessageAttributes").properties()
                .forEach(e -> attributes.put(e.getKey(), e.getValue().path("Value").asText()));
        return new DeliveredAlert(envelope.path("Subject").asText(), read(envelope.path("Message").asText()), attributes,
                envelope);
    }

    public String decision() {
        return attributes.get("decision");
    }

    /** The {@code ruleIds} attribute ({@code String.Array}). */
    public List<String> ruleIds() {
        List<String> ids = new ArrayList<>();
        read(attributes.getOrDefault("ruleIds", "[]")).forEach(id -> ids.add(id.asText()));
        return ids;
    }

    /** The document's {@code outcomes}: what the guard did. */
    public List<JsonNode> outcomes() {
        List<JsonNode> outcomes = new ArrayList<>();
        document.path("outcomes").forEach(outcomes::add);
        return outcomes;
    }

    private static JsonNode read(String json) {
        try {
            return SdkJson.JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
