package io.github.lambdaguardrail.engine;

/** One record read from the input, classified. */
public sealed interface ParsedRecord {

    /** Position of the record in its input (0-based), for error messages. */
    int index();

    /** A successful call to a watched Lambda API. */
    record Watched(int index, LambdaEvent event) implements ParsedRecord {
    }

    /** A Lambda record the engine does not evaluate: a failed call or an unwatched API. */
    record Ignored(int index, RecordHeader header, String reason) implements ParsedRecord {
    }

    /** A CloudTrail record from another service: counted, not evaluated. */
    record OtherService(int index, String eventSource) implements ParsedRecord {
    }

    /** JSON that is not a usable CloudTrail record; {@code reason} says why. */
    record Invalid(int index, String reason) implements ParsedRecord {
    }
}
