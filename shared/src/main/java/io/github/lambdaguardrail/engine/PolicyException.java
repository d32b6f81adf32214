package io.github.lambdaguardrail.engine;

/** A policy that cannot be used; the message names the key and what is wrong with it. */
public final class PolicyException extends RuntimeException {

    private final String key;

    public PolicyException(String key, String problem) {
        super(key + ": " + problem);
        this.key = key;
    }

    /** The offending key: a JSON path such as {@code vpc.allowedSubnetIds[2]} or a variable name. */
    public String key() {
        return key;
    }
}
