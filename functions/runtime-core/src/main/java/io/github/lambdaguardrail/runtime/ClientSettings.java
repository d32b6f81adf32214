package io.github.lambdaguardrail.runtime;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.regions.Region;

/**
 * How {@link SdkClients} builds an SDK client: where it goes, how long it waits and how it
 * retries. Whatever is left empty comes from the SDK's standard chain ({@code AWS_REGION},
 * {@code AWS_ENDPOINT_URL}, the default credentials chain). Immutable.
 *
 * @param region         empty: the SDK's region chain
 * @param endpoint       empty: the SDK's endpoint chain (the service's own, or {@code AWS_ENDPOINT_URL})
 * @param credentials    empty: the SDK's default credentials chain (tests pass fixed ones)
 * @param retries        empty: the SDK's standard retry strategy as it is (3 attempts, backoff with
 *                       jitter on throttling and 5xx); else that strategy with these attempts and delays
 * @param socketTimeout  the longest wait for the wire (the connection itself gets {@link #CONNECTION_TIMEOUT})
 * @param attemptTimeout one HTTP attempt
 * @param callTimeout    one call, all its attempts and backoffs included
 * @param interceptors   run on every call, in this order (the sweep's pacing, tests' recorders)
 * @param profileFile    whether the SDK reads {@code ~/.aws/config} and {@code ~/.aws/credentials}
 *                       for what is left empty here (endpoints, FIPS, defaults mode); a function in
 *                       Lambda has none, and reading them costs its cold start
 */
public record ClientSettings(Optional<Region> region, Optional<URI> endpoint, Optional<AwsCredentialsProvider> credentials,
                             Optional<Retries> retries, Duration socketTimeout, Duration attemptTimeout,
                             Duration callTimeout, List<ExecutionInterceptor> interceptors, boolean profileFile) {

    public static final Duration CONNECTION_TIMEOUT = Duration.ofSeconds(2);

    /**
     * The functions' clients: the SDK's chains, standard retries, 5 s per attempt and 20 s per call,
     * so a hung call fails well within the function's timeout.
     */
    public static final ClientSettings DEFAULT = new ClientSettings(Optional.empty(), Optional.empty(), Optional.empty(),
            Optional.empty(), Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(20), List.of(), true);

    /**
     * A function's clients in {@code env}: in Lambda (and {@code sam local}, which sets
     * {@code AWS_LAMBDA_FUNCTION_NAME} too) {@link #DEFAULT} with the region of {@code AWS_REGION}, the
     * credentials a function has ({@link FunctionCredentials}) and no profile file, so that building
     * a client looks nothing up that Lambda never has; elsewhere ({@code ./guardrail invoke}) the
     * SDK's chains, so a developer's profile works.
     */
    public static ClientSettings forEnvironment(Map<String, String> env) {
        String region = env.getOrDefault("AWS_REGION", "").trim();
        if (env.getOrDefault("AWS_LAMBDA_FUNCTION_NAME", "").isBlank() || region.isEmpty()) {
            return DEFAULT;
        }
        return new ClientSettings(Optional.of(Region.of(region)), Optional.empty(), Optional.of(new FunctionCredentials()),
                DEFAULT.retries, DEFAULT.socketTimeout, DEFAULT.attemptTimeout, DEFAULT.callTimeout, List.of(), false);
    }

    public ClientSettings {
        interceptors = List.copyOf(interceptors);
    }

    /**
     * The SDK's standard retry strategy with other attempts and delays: exponential backoff with
     * full jitter, a longer base delay after throttling.
     *
     * @param maxAttempts         attempts per call, the first included
     * @param baseDelay           first backoff after a 5xx or I/O error (doubling)
     * @param throttlingBaseDelay first backoff after a throttled call (doubling)
     * @param maxDelay            the longest single backoff
     */
    public record Retries(int maxAttempts, Duration baseDelay, Duration throttlingBaseDelay, Duration maxDelay) {
    }

    public ClientSettings withRegion(Region value) {
        return new ClientSettings(Optional.of(value), endpoint, credentials, retries, socketTimeout, attemptTimeout,
                callTimeout, interceptors, profileFile);
    }

    public ClientSettings withEndpoint(URI value) {
        return new ClientSettings(region, Optional.of(value), credentials, retries, socketTimeout, attemptTimeout,
                callTimeout, interceptors, profileFile);
    }

    public ClientSettings withCredentials(AwsCredentialsProvider value) {
        return new ClientSettings(region, endpoint, Optional.of(value), retries, socketTimeout, attemptTimeout,
                callTimeout, interceptors, profileFile);
    }

    public ClientSettings withRetries(Retries value) {
        return new ClientSettings(region, endpoint, credentials, Optional.of(value), socketTimeout, attemptTimeout,
                callTimeout, interceptors, profileFile);
    }

    public ClientSettings withTimeouts(Duration socket, Duration attempt, Duration call) {
        return new ClientSettings(region, endpoint, credentials, retries, socket, attempt, call, interceptors, profileFile);
    }

    /** These settings with {@code more} interceptors after the ones already set. */
    public ClientSettings withInterceptors(ExecutionInterceptor... more) {
        List<ExecutionInterceptor> all = new ArrayList<>(interceptors);
        all.addAll(List.of(more));
        return new ClientSettings(region, endpoint, credentials, retries, socketTimeout, attemptTimeout, callTimeout, all,
                profileFile);
    }
}
