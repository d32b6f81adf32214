package io.github.lambdaguardrail.engine;

import java.io.IOException;

/** Input that cannot be read on: truncated, not JSON, binary or empty. */
public final class UnreadableInputException extends IOException {

    private final int recordIndex;

    public UnreadableInputException(int recordIndex, String message, Throwable cause) {
        super(message, cause);
        this.recordIndex = recordIndex;
    }

    /** The index of the record being read when the input broke off (records before it were delivered). */
    public int recordIndex() {
        return recordIndex;
    }
}
