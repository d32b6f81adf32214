package io.github.lambdaguardrail.guard;

/**
 * Another invocation holds an unexpired claim on this event: it is being handled now, or that
 * invocation crashed. Thrown so that Lambda retries the event later instead of dropping it as a
 * duplicate; by then the claim is either done (a true duplicate) or expired (taken over).
 */
public final class EventInProgressException extends RuntimeException {

    public EventInProgressException(String eventId) {
        super("event " + eventId + " is claimed by another invocation; retry later");
    }
}
