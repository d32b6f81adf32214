package io.github.lambdaguardrail.guard;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.lambdaguardrail.engine.Json;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.MessageAttributeValue;

/**
 * {@link Notifier} on SNS: {@code MessageStructure=json} gives email subscribers the text and
 * SQS, Lambda and HTTPS subscribers the JSON document; message attributes let operators filter
 * subscriptions by severity, rule, decision, account and region. Thread-safe.
 */
public final class SnsNotifier implements Notifier {


    private final Supplier<SnsClient> sns;
    private final String topicArn;

    /** @param sns called on the first alert: a guard builds its SNS client then ({@link AwsClients}) */
    public SnsNotifier(Supplier<SnsClient> sns, String topicArn) {
        this.sns = sns;
        this.topicArn = topicArn;
    }

    @Override
    public void publish(Alert alert) {
        String document = Json.write(alert.document());
        ObjectNode message = Json.object();
        message.put("default", alert.text());
        message.put("email", alert.text());
        message.put("email-json", document);
        message.put("sqs", document);
        message.put("lambda", document);
        message.put("http", document);
        message.put("https", document);
        sns.get().publish(b -> b.topicArn(topicArn).subject(alert.subject()).messageStructure("json")
                .message(Json.write(message)).messageAttributes(Map.of(
                        "severity", string(alert.severity().name()),
                        "ruleIds", MessageAttributeValue.builder().dataType("String.Array")
                                .stringValue(stringArray(alert.ruleIds())).build(),
                        "decision", string(alert.decision()),
                        "account", string(alert.account()),
                        "region", string(alert.region()))));
    }

    /** A JSON array of strings, built as a tree: valueToTree would load Jackson's bean serializers on a cold start. */
    private static String stringArray(List<String> values) {
        ArrayNode array = Json.array();
        values.forEach(array::add);
        return Json.write(array);
    }

    private static MessageAttributeValue string(String value) {
        return MessageAttributeValue.builder().dataType("String").stringValue(value).build();
    }
}
