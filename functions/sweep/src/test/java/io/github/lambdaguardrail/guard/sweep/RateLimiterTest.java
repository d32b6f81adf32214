package io.github.lambdaguardrail.guard.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The sweep's token bucket, on a fake clock: slots are evenly spaced and never bunch up. */
class RateLimiterTest {

    /** A clock that only moves when the limiter sleeps, recording when each slot was granted. */
    private static final class FakeClock {
        final AtomicLong now = new AtomicLong(1_000_000_000L);
        final List<Long> granted = Collections.synchronizedList(new ArrayList<>());

        RateLimiter limiter(double rate) {
            return new RateLimiter(rate, now::get, nanos -> now.addAndGet(nanos));
        }

        void acquire(RateLimiter limiter) throws InterruptedException {
            limiter.acquire();
            granted.add(now.get());
        }
    }

    @Test
    void thirtyRequestsAtTwentyPerSecondTakeAtLeastOnePointFourFiveSeconds() throws Exception {
        FakeClock clock = new FakeClock();
        RateLimiter limiter = clock.limiter(20);
        long start = clock.now.get();
        for (int i = 0; i < 30; i++) {
            clock.acquire(limiter);
        }
        assertEquals(TimeUnit.MILLISECONDS.toNanos(1450), clock.now.get() - start);
        assertEquals(30, limiter.granted());
    }

    @Test
    void firstRequestGoesAtOnceAndEachNextOneIntervalLater() throws Exception {
        FakeClock clock = new FakeClock();
        RateLimiter limiter = clock.limiter(8);
        for (int i = 0; i < 5; i++) {
            clock.acquire(limiter);
        }
        long interval = TimeUnit.SECONDS.toNanos(1) / 8;
        for (int i = 0; i < 5; i++) {
            assertEquals(1_000_000_000L + i * interval, clock.granted.get(i));
        }
    }

    @Test
    void idleTimeSavesNoBurst() throws Exception {
        FakeClock clock = new FakeClock();
        RateLimiter limiter = clock.limiter(10);
        clock.acquire(limiter);
        clock.now.addAndGet(TimeUnit.SECONDS.toNanos(60));
        long afterIdle = clock.now.get();
        clock.acquire(limiter);
        clock.acquire(limiter);
        assertEquals(afterIdle, clock.granted.get(1), "the first request after a pause goes at once");
        assertEquals(afterIdle + TimeUnit.MILLISECONDS.toNanos(100), clock.granted.get(2), "and the next one waits again");
    }

    /**
     * Four threads on a clock that stands still: every slot is handed out once, each one interval
     * after the one before, so each caller waits for a slot no other caller got.
     */
    @Test
    void concurrentCallersShareOneRateAndNeverGetTheSameSlot() throws Exception {
        List<Long> waits = Collections.synchronizedList(new ArrayList<>());
        RateLimiter limiter = new RateLimiter(200, () -> 1_000_000_000L, waits::add);
        int threads = 4;
        int each = 10;
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread worker = new Thread(() -> {
                try {
                    start.await();
                    for (int i = 0; i < each; i++) {
                        limiter.acquire();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            workers.add(worker);
            worker.start();
        }
        start.countDown();
        for (Thread worker : workers) {
            worker.join();
        }
        assertEquals(threads * each, limiter.granted());
        // 40 slots at 200/s: the first at once, then one every 5 ms, up to 39 intervals (195 ms) later.
        List<Long> expected = new ArrayList<>();
        for (int i = 1; i < threads * each; i++) {
            expected.add(TimeUnit.MILLISECONDS.toNanos(5) * i);
        }
        List<Long> sorted = new ArrayList<>(waits);
        Collections.sort(sorted);
        assertEquals(expected, sorted);
    }

    @ParameterizedTest
    @ValueSource(doubles = {0, -1, Double.NaN, Double.POSITIVE_INFINITY})
    void rateMustBeAPositiveNumber(double rate) {
        assertThrows(IllegalArgumentException.class, () -> new RateLimiter(rate));
    }
}
