package io.github.lambdaguardrail.guard.sweep;

import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.core.exception.AbortedException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;

/**
 * Paces every HTTP attempt of a client, retries included, through one {@link RateLimiter}, and
 * counts attempts and throttled answers. Lambda's control-plane quotas are account-wide and
 * shared with the customers' own deployments (DESIGN §7), so the sweep stays well below them
 * rather than leaning on retries. Thread-safe.
 */
public final class RateLimitInterceptor implements ExecutionInterceptor, TrafficMeter {

    static final int TOO_MANY_REQUESTS = 429;

    private final RateLimiter limiter;
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong throttled = new AtomicLong();

    public RateLimitInterceptor(RateLimiter limiter) {
        this.limiter = limiter;
    }

    @Override
    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes executionAttributes) {
        try {
            limiter.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw AbortedException.create("interrupted while waiting for the scan's rate limit");
        }
        requests.incrementAndGet();
    }

    @Override
    public void afterTransmission(Context.AfterTransmission context, ExecutionAttributes executionAttributes) {
        if (context.httpResponse().statusCode() == TOO_MANY_REQUESTS) {
            throttled.incrementAndGet();
        }
    }

    public RateLimiter limiter() {
        return limiter;
    }

    @Override
    public long requests() {
        return requests.get();
    }

    @Override
    public long throttled() {
        return throttled.get();
    }
}
