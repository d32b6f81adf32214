package io.github.lambdaguardrail.guard.org;

import java.util.Map;
import java.util.function.Supplier;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/** The FIFO queue: one message group per member account and region. */
public final class SqsRemediationQueue implements RemediationQueue {

    private final Supplier<SqsClient> sqs;
    private final String queueUrl;

    /** @param sqs called on the first rollback: a compliant event builds no SQS client */
    public SqsRemediationQueue(Supplier<SqsClient> sqs, String queueUrl) {
        this.sqs = sqs;
        this.queueUrl = queueUrl;
    }

    @Override
    public String send(Remediation remediation) {
        return sqs.get().sendMessage(b -> b.queueUrl(queueUrl).messageBody(remediation.event())
                .messageGroupId(remediation.groupId()).messageDeduplicationId(remediation.deduplicationId())
                .messageAttributes(Map.of(
                        "action", string(remediation.action()),
                        "eventId", string(remediation.eventId())))).messageId();
    }

    private static MessageAttributeValue string(String value) {
        return MessageAttributeValue.builder().dataType("String").stringValue(value).build();
    }
}
