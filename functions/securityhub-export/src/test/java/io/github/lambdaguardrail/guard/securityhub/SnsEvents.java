package io.github.lambdaguardrail.guard.securityhub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;

/**
 * The event Lambda invokes an SNS subscriber with ({@code {"Records": [{"EventSource": "aws:sns",
 * "EventVersion", "EventSubscriptionArn", "Sns": {...}}]}}), as aws-lambda-java-events'
 * {@code SNSEvent} models it. Its {@code Sns} object is the notification an SQS subscriber receives
 * with raw delivery off, two keys spelled differently ({@code SigningCertUrl}, {@code UnsubscribeUrl}
 * for {@code SigningCertURL}, {@code UnsubscribeURL}); for a {@code MessageStructure=json} publish,
 * the message is the publish's {@code lambda} entry where SQS gets its {@code sqs} entry, which the
 * guards' SnsNotifier sets to the same document.
 */
final class SnsEvents {

    static final ObjectMapper JSON = new ObjectMapper();

    private SnsEvents() {
    }

    /** The Lambda event of the notification an SQS subscriber of the same topic received. */
    static byte[] fromSqsNotification(JsonNode notification) {
        ObjectNode sns = JSON.createObjectNode();
        notification.properties().forEach(e -> sns.set(switch (e.getKey()) {
            case "SigningCertURL" -> "SigningCertUrl";
            case "UnsubscribeURL" -> "UnsubscribeUrl";
            default -> e.getKey();
        }, e.getValue()));
        return event(sns, notification.path("TopicArn").asText());
    }

    /** The Lambda event of a notification carrying {@code message} with the alert's attributes {@code attributes}. */
    static byte[] of(String messageId, String message, Map<String, String> attributes) {
        String topicArn = "arn:aws:sns:us-east-1:111122223333:lambda-guardrail-AlertTopic-EXAMPLE";
        ObjectNode sns = JSON.createObjectNode().put("Type", "Notification").put("MessageId", messageId)
                .put("TopicArn", topicArn).put("Subject", "[Lambda Guardrail] alert").put("Message", message)
                .put("Timestamp", "2026-03-02T09:14:31.000Z").put("SignatureVersion", "1").put("Signature", "EXAMPLE")
                .put("SigningCertUrl", "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-EXAMPLE.pem")
                .put("UnsubscribeUrl", "https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=" + topicArn
                        + ":" + UUID.randomUUID());
        ObjectNode values = sns.putObject("MessageAttributes");
        attributes.forEach((name, value) -> values.putObject(name).put("Type", "String").put("Value", value));
        return event(sns, topicArn);
    }

    private static byte[] event(ObjectNode sns, String topicArn) {
        ObjectNode event = JSON.createObjectNode();
        event.putArray("Records").addObject().put("EventVersion", "1.0")
                .put("EventSubscriptionArn", topicArn + ":" + UUID.randomUUID()).put("EventSource", "aws:sns").set("Sns", sns);
        return event.toString().getBytes(StandardCharsets.UTF_8);
    }
}
