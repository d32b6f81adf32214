package io.github.lambdaguardrail.guard.org;

/** Where the evaluator hands events to the members' remediators. IAM: {@code sqs:SendMessage} on the queue. */
public interface RemediationQueue {

    /** Sends one event; returns the queue's message id. Transient AWS failures propagate after the SDK's retries. */
    String send(Remediation remediation);
}
