package io.github.lambdaguardrail.cli;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Hands the AWS settings of {@code env.json} to the libraries that would read them from the
 * function's environment.
 *
 * <p>A JVM cannot change its own environment, and the AWS SDK reads {@code AWS_REGION},
 * {@code AWS_ENDPOINT_URL} and the credentials from {@code System.getenv()} when it builds a client
 * (the guard runtime leaves them to the SDK's standard chain). The SDK checks its system properties
 * before the environment in every one of those chains, so a value {@code env.json} supplies is set
 * as the matching system property ({@code aws.region}, {@code aws.endpointUrl}, ...) for the time
 * of the invocation, and wins over the process environment exactly as the overlay does. Values
 * {@code env.json} does not supply are left to the environment. Blank values count as unset.
 *
 * <p>{@link #close()} restores the previous system properties. Not thread-safe: system properties
 * are global.
 */
final class SdkSettings implements AutoCloseable {

    /** Environment variable → the SDK system property read before it. */
    static final Map<String, String> SYSTEM_PROPERTIES = Map.of(
            "AWS_ENDPOINT_URL", "aws.endpointUrl",
            "AWS_REGION", "aws.region",
            "AWS_ACCESS_KEY_ID", "aws.accessKeyId",
            "AWS_SECRET_ACCESS_KEY", "aws.secretAccessKey",
            "AWS_SESSION_TOKEN", "aws.sessionToken");

    private final Map<String, String> previous = new LinkedHashMap<>();

    private SdkSettings() {
    }

    /** Sets the system properties for what {@code fromEnvFile} supplies. */
    static SdkSettings apply(Map<String, String> fromEnvFile) {
        SdkSettings settings = new SdkSettings();
        SYSTEM_PROPERTIES.forEach((variable, property) -> {
            String value = fromEnvFile.get(variable);
            if (value != null && !value.isBlank()) {
                settings.previous.put(property, System.getProperty(property));
                System.setProperty(property, value.trim());
            }
        });
        return settings;
    }

    @Override
    public void close() {
        previous.forEach((property, value) -> {
            if (value == null) {
                System.clearProperty(property);
            } else {
                System.setProperty(property, value);
            }
        });
        previous.clear();
    }
}
