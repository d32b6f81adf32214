package io.github.lambdaguardrail.guard.org;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * The events of organisation mode's tests: the repository's sample events moved to a member
 * account and region (every other field as AWS emits it), and the SQS events Lambda's event
 * source builds from the remediation queue's messages.
 */
final class OrgEvents {

    static final ObjectMapper JSON = new ObjectMapper();
    /** The repository's {@code events/} folder (surefire runs in the module's folder). */
    static final Path EVENTS = Path.of("../../events");
    private static final String SAMPLE_ACCOUNT = "111122223333";

    private OrgEvents() {
    }

    /**
     * {@code AddPermission} of {@code statement} (as Lambda returned it) to {@code function} in
     * {@code account} and {@code region}, by an IAM user of that account, with a fresh event id.
     */
    static ObjectNode addPermission(String account, String region, String function, String statement) {
        ObjectNode event = sample("addpermission-public-principal.json", account, region);
        ObjectNode detail = (ObjectNode) event.get("detail");
        ((ObjectNode) detail.get("requestParameters")).put("functionName", function);
        ((ObjectNode) detail.get("responseElements")).put("statement", statement);
        return event;
    }

    /** The same event as the member role's session made it (the remediator's own call). */
    static ObjectNode byMemberRole(ObjectNode event, String roleName) {
        ObjectNode copy = event.deepCopy();
        ObjectNode detail = (ObjectNode) copy.get("detail");
        String account = detail.get("recipientAccountId").asText();
        ObjectNode identity = detail.putObject("userIdentity");
        identity.put("type", "AssumedRole").put("principalId", "AROAEXAMPLEROLE00001:guardrail-remediator")
                .put("arn", "arn:aws:sts::" + account + ":assumed-role/" + roleName + "/guardrail-remediator")
                .put("accountId", account).put("accessKeyId", "ASIAEXAMPLE0000001");
        identity.putObject("sessionContext").putObject("sessionIssuer").put("type", "Role")
                .put("principalId", "AROAEXAMPLEROLE00001").put("arn", "arn:aws:iam::" + account + ":role/" + roleName)
                .put("accountId", account).put("userName", roleName);
        return copy;
    }

    /** A sample of {@code events/} in {@code account} and {@code region}, with fresh ids. */
    static ObjectNode sample(String file, String account, String region) {
        String text;
        try {
            text = Files.readString(EVENTS.resolve(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ObjectNode event = (ObjectNode) read(text.replace(SAMPLE_ACCOUNT, account)
                .replace("\"us-east-1\"", "\"" + region + "\"").replace(":us-east-1:", ":" + region + ":")
                .replace("lambda.us-east-1.", "lambda." + region + "."));
        event.put("id", UUID.randomUUID().toString());
        ((ObjectNode) event.get("detail")).put("eventID", UUID.randomUUID().toString());
        return event;
    }

    static String eventId(JsonNode event) {
        return event.get("detail").get("eventID").asText();
    }

    /** Lambda's SQS event for {@code messages} received from the queue {@code queueArn}. */
    static String sqsEvent(List<Message> messages, String queueArn) {
        ObjectNode event = JSON.createObjectNode();
        ArrayNode records = event.putArray("Records");
        for (Message m : messages) {
            ObjectNode r = records.addObject();
            r.put("messageId", m.messageId()).put("receiptHandle", m.receiptHandle()).put("body", m.body());
            ObjectNode attributes = r.putObject("attributes");
            m.attributes().forEach((name, value) -> attributes.put(name.toString(), value));
            r.putObject("messageAttributes");
            r.put("md5OfBody", m.md5OfBody()).put("eventSource", "aws:sqs").put("eventSourceARN", queueArn)
                    .put("awsRegion", "us-east-1");
        }
        return event.toString();
    }

    /** The message group, as Lambda passes it. */
    static String group(Message message) {
        return message.attributes().get(MessageSystemAttributeName.MESSAGE_GROUP_ID);
    }

    static JsonNode read(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
