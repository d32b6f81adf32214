package io.github.lambdaguardrail.engine;

/** One record read from the input, classified. */
public sealed interface ParsedRecord {

    /** Position of the record in its input (0-based), for error messages. */
    int index();

    /** A successful call to a watched Lambda API. */
    record Watched(int index, LambdaEvent event) implements ParsedRecord {
    }

    /** A successful call that matters only on the guardrail's own resources. */
    record Guarded(int index, GuardrailCall call) implements ParsedRecord {
    }

    /** An EventBridge scheduled event: the heartbeat that proves a guard still runs. */
    record Scheduled(int index, String rule) implements ParsedRecord {
    }

    /** A Lambda record the engine does not evaluate: a failed call or an unwatched API. */
    record Ignored(int index, RecordHeader header, String reason) implements ParsedRecord {
    }

    /** A CloudTrail record from another service: counted, not evaluated. */
    record OtherService(int index, String eventSource) implements ParsedRecord {
    }

    /**
     * JSON that is not a usable CloudTrail record; {@code reason} says why, and {@code seen} holds
     * what could still be read of it (field name to text: {@code eventID}, {@code eventName},
     * {@code eventSource}, {@code function}), so that an alert can name it.
     */
    record Invalid(int index, String reason, java.util.Map<String, String> seen) implements ParsedRecord {

        public Invalid {
            seen = java.util.Map.copyOf(seen);
        }

        public Invalid(int index, String reason) {
            this(index, reason, java.util.Map.of());
        }
    }
}
