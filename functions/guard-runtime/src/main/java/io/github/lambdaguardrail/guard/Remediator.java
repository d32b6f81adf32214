package io.github.lambdaguardrail.guard;

import io.github.lambdaguardrail.engine.Action;

/**
 * Rolls back a change as the engine planned it. Every method is idempotent, undoes only what the
 * engine identified, first verifies that the live state is still what the action expects (and
 * reports {@code LEFT_ALONE} when it is not), and writes guarded by revision ids where the API
 * takes one. Transient AWS failures propagate after the SDK's retries, so Lambda retries the event.
 *
 * <p>IAM: {@code lambda:GetPolicy}, {@code lambda:RemovePermission}, {@code lambda:GetFunction},
 * {@code lambda:PutFunctionConcurrency}, {@code lambda:TagResource},
 * {@code lambda:UpdateFunctionConfiguration} (plus the EC2 network-interface permissions Lambda
 * checks for the restored VPC config).
 */
public interface Remediator {

    /**
     * Removes the statement the event added, guarded by the policy's revision id, and nothing else
     * (not the other half of a public function URL: that arrives as its own event).
     */
    ActionOutcome removePermission(Action.RemovePermission action);

    /**
     * Sets reserved concurrency to 0 and tags the function with the reason and how to undo it,
     * while its VPC config is still the one the event set.
     */
    ActionOutcome quarantine(Action.Quarantine action, String eventId);

    /**
     * Puts back the last known-good VPC config, every field, under the function's revision id while
     * its config is still the one the change left; DONE once Lambda reports the update Successful.
     */
    ActionOutcome restoreVpcConfig(Action.RestoreVpcConfig action);
}
