package io.github.lambdaguardrail.guard;

import io.github.lambdaguardrail.engine.VpcConfig;
import java.util.Optional;

/**
 * The guard's memory: which CloudTrail events it has handled (idempotency under duplicate
 * delivery) and each function's last known-good VPC config.
 * IAM: {@code dynamodb:PutItem}, {@code dynamodb:UpdateItem}, {@code dynamodb:DeleteItem},
 * {@code dynamodb:GetItem} on the state table.
 */
public interface StateStore {

    /**
     * Claims an event for handling: true when this invocation should handle it, false when it
     * was handled already.
     *
     * @throws EventInProgressException while another invocation's claim has not run out, so the
     *                                  event is retried later rather than lost
     */
    boolean claim(String eventId);

    /** Marks a claimed event handled; later deliveries of it are duplicates. */
    void complete(String eventId);

    /** Gives up a claim after a failure, so Lambda's retry can handle the event. */
    void release(String eventId);

    Optional<VpcConfig> lastKnownGoodVpc(String functionArn);

    void rememberKnownGoodVpc(String functionArn, VpcConfig vpc);
}
