package io.github.lambdaguardrail.guard.sweep;

import io.github.lambdaguardrail.runtime.ClientSettings;
import java.time.Duration;

/**
 * How a scan treats the Lambda API: its pace, its patience and its scope. Immutable.
 *
 * @param rateLimit           HTTP requests per second for the whole scan, retries included
 *                            (default {@value #DEFAULT_RATE_LIMIT}: about half the 15 requests/s
 *                            control-plane quota the account's deployments also use)
 * @param parallelism         functions read at the same time; the rate limit still holds
 * @param maxAttempts         attempts per call, the first included, before a throttled or failed
 *                            call counts as an error of its function
 * @param baseDelay           first backoff after a 5xx or I/O error (full jitter, doubling)
 * @param throttlingBaseDelay first backoff after a throttled call (full jitter, doubling)
 * @param maxDelay            the longest single backoff
 * @param callTimeout         one call, all its attempts and backoffs included
 * @param functionNamePrefix  only functions whose names start with it ({@code ""}: all)
 */
public record ScanSettings(double rateLimit, int parallelism, int maxAttempts, Duration baseDelay,
                           Duration throttlingBaseDelay, Duration maxDelay, Duration callTimeout,
                           String functionNamePrefix) {

    public static final double DEFAULT_RATE_LIMIT = 8;
    /** A sanity bound far above every Lambda quota (local endpoints in tests go that fast). */
    public static final double MAX_RATE_LIMIT = 1000;
    /** The longest wait for Lambda's answer to one attempt. */
    static final Duration WIRE_TIMEOUT = Duration.ofSeconds(10);
    public static final ScanSettings DEFAULT = new ScanSettings(DEFAULT_RATE_LIMIT, 2, 10, Duration.ofMillis(100),
            Duration.ofMillis(500), Duration.ofSeconds(20), Duration.ofMinutes(5), "");

    public ScanSettings {
        if (!(rateLimit > 0 && rateLimit <= MAX_RATE_LIMIT)) {
            throw new IllegalArgumentException("rate limit must be above 0 and at most " + MAX_RATE_LIMIT
                    + " requests/s, got " + rateLimit);
        }
        if (parallelism < 1 || parallelism > 16) {
            throw new IllegalArgumentException("parallelism must be 1 to 16, got " + parallelism);
        }
        if (maxAttempts < 1 || maxAttempts > 20) {
            throw new IllegalArgumentException("max attempts must be 1 to 20, got " + maxAttempts);
        }
        if (baseDelay.isNegative() || throttlingBaseDelay.isNegative() || maxDelay.isNegative()
                || callTimeout.isNegative() || callTimeout.isZero()) {
            throw new IllegalArgumentException("delays must not be negative and the call timeout must be positive");
        }
        if (functionNamePrefix == null) {
            throw new IllegalArgumentException("function name prefix must not be null (use \"\" for all)");
        }
    }

    public ScanSettings withRateLimit(double requestsPerSecond) {
        return new ScanSettings(requestsPerSecond, parallelism, maxAttempts, baseDelay, throttlingBaseDelay, maxDelay,
                callTimeout, functionNamePrefix);
    }

    public ScanSettings withParallelism(int threads) {
        return new ScanSettings(rateLimit, threads, maxAttempts, baseDelay, throttlingBaseDelay, maxDelay, callTimeout,
                functionNamePrefix);
    }

    public ScanSettings withBackoff(int attempts, Duration base, Duration throttlingBase, Duration max) {
        return new ScanSettings(rateLimit, parallelism, attempts, base, throttlingBase, max, callTimeout, functionNamePrefix);
    }

    public ScanSettings withFunctionNamePrefix(String prefix) {
        return new ScanSettings(rateLimit, parallelism, maxAttempts, baseDelay, throttlingBaseDelay, maxDelay, callTimeout,
                prefix);
    }

    /**
     * The Lambda client of one scan, built by {@code AwsClients}: {@code base}'s region, endpoint
     * and credentials; every attempt paced by {@code pacer}; the SDK's standard retry strategy with
     * more attempts than its default, so sustained throttling slows the scan down instead of
     * failing it. Build one per scan and close it after.
     */
    public ClientSettings lambdaClient(ClientSettings base, RateLimitInterceptor pacer) {
        return retriesAndTimeouts(base).withInterceptors(pacer);
    }

    /** {@link #lambdaClient} without the pacer, for a caller that adds its own (a member's client). */
    public ClientSettings retriesAndTimeouts(ClientSettings base) {
        return base.withRetries(new ClientSettings.Retries(maxAttempts, baseDelay, throttlingBaseDelay, maxDelay))
                .withTimeouts(WIRE_TIMEOUT, attemptTimeout(), callTimeout);
    }

    /**
     * One attempt: the wait for a rate-limit slot (at most {@code parallelism / rateLimit}
     * seconds) plus {@link #WIRE_TIMEOUT} on the wire.
     */
    public Duration attemptTimeout() {
        return WIRE_TIMEOUT.plusMillis((long) Math.ceil(1000 * parallelism / rateLimit));
    }
}
