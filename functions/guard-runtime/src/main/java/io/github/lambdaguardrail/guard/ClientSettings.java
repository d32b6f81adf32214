package io.github.lambdaguardrail.guard;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.regions.Region;

/**
 * How {@link AwsClients} builds an SDK client: where it goes, how long it waits and how it
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
 */
public record ClientSettings(Optional<Region> region, Optional<URI> endpoint, Optional<AwsCredentialsProvider> credentials,
                             Optional<Retries> retries, Duration socketTimeout, Duration attemptTimeout,
                             Duration callTimeout, List<ExecutionInterceptor> interceptors) {

    public static final Duration CONNECTION_TIMEOUT = Duration.ofSeconds(2);

    /**
     * The guards' clients: the SDK's chains, standard retries, 5 s per attempt and 20 s per call,
     * so a hung call fails well within the function's timeout.
     */
    public static final ClientSettings DEFAULT = new ClientSettings(Optional.empty(), Optional.empty(), Optional.empty(),
            Optional.empty(), Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(20), List.of());

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
                callTimeout, interceptors);
    }

    public ClientSettings withEndpoint(URI value) {
        return new ClientSettings(region, Optional.of(value), credentials, retries, socketTimeout, attemptTimeout,
                callTimeout, interceptors);
    }

    public ClientSettings withCredentials(AwsCredentialsProvider value) {
        return new ClientSettings(region, endpoint, Optional.of(value), retries, socketTimeout, attemptTimeout,
                callTimeout, interceptors);
    }

    public ClientSettings withRetries(Retries value) {
        return new ClientSettings(region, endpoint, credentials, Optional.of(value), socketTimeout, attemptTimeout,
                callTimeout, interceptors);
    }

    public ClientSettings withTimeouts(Duration socket, Duration attempt, Duration call) {
        return new ClientSettings(region, endpoint, credentials, retries, socket, attempt, call, interceptors);
    }

    /** These settings with {@code more} interceptors after the ones already set. */
    public ClientSettings withInterceptors(ExecutionInterceptor... more) {
        List<ExecutionInterceptor> all = new ArrayList<>(interceptors);
        all.addAll(List.of(more));
        return new ClientSettings(region, endpoint, credentials, retries, socketTimeout, attemptTimeout, callTimeout, all);
    }
}
