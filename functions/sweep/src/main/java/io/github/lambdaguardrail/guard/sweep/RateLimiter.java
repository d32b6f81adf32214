package io.github.lambdaguardrail.guard.sweep;

import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * A token bucket holding one token, refilled at a fixed rate: callers get evenly spaced slots,
 * at least {@code 1/rate} seconds apart, however many threads ask. Any interval of {@code t}
 * seconds therefore starts at most {@code rate * t + 1} requests, and an idle limiter saves
 * no burst. Thread-safe.
 */
public final class RateLimiter {

    /** Waits; {@link Thread#sleep} in production, a fake clock in tests. */
    @FunctionalInterface
    interface Sleeper {
        void sleep(long nanos) throws InterruptedException;
    }

    private final double permitsPerSecond;
    private final long intervalNanos;
    private final LongSupplier nanoTime;
    private final Sleeper sleeper;
    private long nextSlot;
    private long granted;

    public RateLimiter(double permitsPerSecond) {
        this(permitsPerSecond, System::nanoTime, TimeUnit.NANOSECONDS::sleep);
    }

    RateLimiter(double permitsPerSecond, LongSupplier nanoTime, Sleeper sleeper) {
        if (!(permitsPerSecond > 0) || Double.isInfinite(permitsPerSecond)) {
            throw new IllegalArgumentException("permits per second must be a positive number, got " + permitsPerSecond);
        }
        this.permitsPerSecond = permitsPerSecond;
        this.intervalNanos = Math.max(1, Math.round(TimeUnit.SECONDS.toNanos(1) / permitsPerSecond));
        this.nanoTime = nanoTime;
        this.sleeper = sleeper;
        this.nextSlot = nanoTime.getAsLong();
    }

    /** Takes the next free slot, waiting until it comes. */
    public void acquire() throws InterruptedException {
        long wait;
        synchronized (this) {
            long now = nanoTime.getAsLong();
            long slot = Math.max(now, nextSlot);
            nextSlot = slot + intervalNanos;
            granted++;
            wait = slot - now;
        }
        if (wait > 0) {
            sleeper.sleep(wait);
        }
    }

    public double permitsPerSecond() {
        return permitsPerSecond;
    }

    /** How many slots were handed out so far. */
    public synchronized long granted() {
        return granted;
    }
}
