package io.github.lambdaguardrail.guard;

import io.github.lambdaguardrail.engine.VpcConfig;
import java.time.Instant;
import java.util.Optional;

/**
 * The guard's memory: which CloudTrail events it has handled (idempotency under duplicate
 * delivery, shared by both guards), the alert of an event acted on whose alert is not sent yet,
 * and each function's last known-good VPC config.
 * IAM: {@code dynamodb:PutItem}, {@code dynamodb:UpdateItem}, {@code dynamodb:GetItem} on the state table.
 */
public interface StateStore {

    /** How the claim of an event found it. */
    sealed interface Claim {
        /**
         * This invocation handles the event; {@code attempt} counts the claims so far (1 = first).
         *
         * @param owner the token written with the claim: only its holder completes or releases it
         */
        record Fresh(int attempt, String owner) implements Claim {
        }

        /** The guard acted on the event but its alert was not sent: send this alert, act on nothing. */
        record AlertPending(Alert alert, String owner) implements Claim {
        }

        /** Handled already: this delivery is a duplicate. */
        record Done() implements Claim {
        }
    }

    /**
     * Claims an event for handling, until {@code holdUntil}: no other delivery takes it over before
     * then, so it must be a time by which this invocation has surely ended.
     *
     * @throws EventInProgressException while another invocation's claim has not run out, so the
     *                                  event is retried later rather than lost
     */
    Claim claim(String eventId, Instant holdUntil);

    /**
     * Gives up a claim whose alert could not be sent, keeping the alert, so that a later delivery
     * sends it without acting again ({@link Claim.AlertPending}); only while {@code owner} holds it.
     * One write: the happy path keeps no alert, as it sends it at once.
     *
     * @return false when another invocation holds the claim now (nothing was kept)
     */
    boolean keepAlert(String eventId, String owner, Alert alert);

    /**
     * Marks a claimed event handled (later deliveries of it are duplicates); only while
     * {@code owner} holds the claim.
     *
     * @return false when another invocation holds the claim now (it completes the event)
     */
    boolean complete(String eventId, String owner);

    /**
     * Gives up a claim after a failure, so Lambda's retry can take it (a recorded alert is kept);
     * only while {@code owner} holds it.
     *
     * @return false when another invocation holds the claim now, or it was completed
     */
    boolean release(String eventId, String owner);

    Optional<VpcConfig> lastKnownGoodVpc(String functionArn);

    void rememberKnownGoodVpc(String functionArn, VpcConfig vpc);
}
