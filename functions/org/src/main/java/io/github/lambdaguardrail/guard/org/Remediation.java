package io.github.lambdaguardrail.guard.org;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * One event handed to the remediator of its account and region: the queue keeps each pair's
 * events in order ({@link #groupId}) and drops a second copy of the same event and purpose sent
 * within its deduplication interval ({@link #deduplicationId}).
 *
 * @param purpose what the remediator is to do: {@link #ROLLBACK} or {@link #KNOWN_GOOD_VPC}
 * @param event   the EventBridge event as the evaluator received it: one CloudTrail record
 */
public record Remediation(String account, String region, String eventId, String purpose, String event) {

    /** Judge the event with the live state and undo what it did. */
    public static final String ROLLBACK = "rollback";
    /** Remember the compliant VPC config the event set, read from the live function. */
    public static final String KNOWN_GOOD_VPC = "known-good-vpc";

    /** {@code account:region}: one member's Lambda quota, in order. */
    public String groupId() {
        return account + ":" + region;
    }

    /** A digest of the event id and purpose: any event id fits SQS's 128 characters and alphabet. */
    public String deduplicationId() {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest((eventId + "/" + purpose).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
