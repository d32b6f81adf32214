package io.github.lambdaguardrail.guard.org;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * One event handed to the remediator of its account and region: the queue keeps each pair's
 * events in order ({@link #groupId}) and drops a second copy of the same event and action sent
 * within its deduplication interval ({@link #deduplicationId}).
 *
 * @param action what the remediator is to do: the rollback the engine planned from the record
 *               ({@code REMOVE_PERMISSION}, {@code QUARANTINE}, {@code RESTORE_VPC_CONFIG}), which it
 *               plans again with the live state, or {@link #KNOWN_GOOD_VPC}
 * @param event  the EventBridge event as the evaluator received it: one CloudTrail record
 */
public record Remediation(String account, String region, String eventId, String action, String event) {

    /** Remember the compliant VPC config the event set, read from the live function. */
    public static final String KNOWN_GOOD_VPC = "REMEMBER_KNOWN_GOOD_VPC";

    /** {@code account:region}: one member's Lambda quota, in order. */
    public String groupId() {
        return account + ":" + region;
    }

    /** A digest of the event id and action: any event id fits SQS's 128 characters and alphabet. */
    public String deduplicationId() {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest((eventId + "/" + action).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
