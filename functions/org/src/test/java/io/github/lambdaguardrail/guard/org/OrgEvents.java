package io.github.lambdaguardrail.guard.org;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * The CloudTrail records of organisation mode's tests, made from the repository's sample events by
 * {@link OrgWorld#cloudTrailRecord}, and the SQS events Lambda's event source builds from the
 * remediation queue's messages.
 */
final class OrgEvents {

    static final String ADD_PERMISSION = "addpermission-public-principal.json";

    private OrgEvents() {
    }

    /**
     * The record of {@code AddPermission} of {@code statement} (as Lambda returned it) to {@code function}
     * in {@code account} and {@code region}, by an IAM user of that account.
     */
    static ObjectNode addPermission(String account, String region, String function, String statement) {
        ObjectNode record = OrgWorld.cloudTrailRecord(ADD_PERMISSION, account, region);
        ((ObjectNode) record.get("requestParameters")).put("functionName", function)
                .put("statementId", read(statement).path("Sid").asText());
        ((ObjectNode) record.get("responseElements")).put("statement", statement);
        return record;
    }

    /** The same record as the member role's session made it: the remediator's own call. */
    static ObjectNode byMemberRole(ObjectNode record, String roleName) {
        ObjectNode copy = record.deepCopy();
        String account = copy.get("recipientAccountId").asText();
        ObjectNode identity = copy.putObject("userIdentity");
        identity.put("type", "AssumedRole").put("principalId", "AROAEXAMPLEROLE00001:" + MemberGuards.SESSION_NAME)
                .put("arn", "arn:aws:sts::" + account + ":assumed-role/" + roleName + "/" + MemberGuards.SESSION_NAME)
                .put("accountId", account).put("accessKeyId", "ASIAEXAMPLE0000001");
        identity.putObject("sessionContext").putObject("sessionIssuer").put("type", "Role")
                .put("principalId", "AROAEXAMPLEROLE00001").put("arn", "arn:aws:iam::" + account + ":role/" + roleName)
                .put("accountId", account).put("userName", roleName);
        return copy;
    }

    /** The CloudTrail eventID of an EventBridge event. */
    static String eventId(JsonNode event) {
        return event.get("detail").get("eventID").asText();
    }

    /** Lambda's SQS event for {@code messages} received from the queue {@code queueArn}. */
    static String sqsEvent(List<Message> messages, String queueArn) {
        ObjectNode event = OrgWorld.JSON.createObjectNode();
        ArrayNode records = event.putArray("Records");
        for (Message m : messages) {
            ObjectNode r = records.addObject();
            r.put("messageId", m.messageId()).put("receiptHandle", m.receiptHandle()).put("body", m.body());
            ObjectNode attributes = r.putObject("attributes");
            m.attributes().forEach((name, value) -> attributes.put(name.toString(), value));
            r.putObject("messageAttributes");
            r.put("md5OfBody", m.md5OfBody()).put("eventSource", "aws:sqs").put("eventSourceARN", queueArn)
                    .put("awsRegion", OrgWorld.HOME);
        }
        return event.toString();
    }

    /** The message group, as Lambda passes it. */
    static String group(Message message) {
        return message.attributes().get(MessageSystemAttributeName.MESSAGE_GROUP_ID);
    }

    static JsonNode read(String json) {
        try {
            return OrgWorld.JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
