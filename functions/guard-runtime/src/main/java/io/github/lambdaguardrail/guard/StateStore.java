package io.github.lambdaguardrail.guard;

import io.github.lambdaguardrail.engine.VpcConfig;
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
        /** This invocation handles the event; {@code attempt} counts the claims so far (1 = first). */
        record Fresh(int attempt) implements Claim {
        }

        /** The guard acted on the event but its alert was not sent: send this alert, act on nothing. */
        record AlertPending(Alert alert) implements Claim {
        }

        /** Handled already: this delivery is a duplicate. */
        record Done() implements Claim {
        }
    }

    /**
     * Claims an event for handling.
     *
     * @throws EventInProgressException while another invocation's claim has not run out, so the
     *                                  event is retried later rather than lost
     */
    Claim claim(String eventId);

    /** Keeps the alert of an event acted on, so that a later delivery can send it without acting again. */
    void recordAlert(String eventId, Alert alert);

    /** Marks a claimed event handled; later deliveries of it are duplicates. */
    void complete(String eventId);

    /** Gives up a claim after a failure, so Lambda's retry can take it (a recorded alert is kept). */
    void release(String eventId);

    Optional<VpcConfig> lastKnownGoodVpc(String functionArn);

    void rememberKnownGoodVpc(String functionArn, VpcConfig vpc);
}
