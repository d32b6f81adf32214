package io.github.lambdaguardrail.guard.sweep;

/** Counts the HTTP requests of a scan (retries included) and how many of them were throttled. */
public interface TrafficMeter {

    TrafficMeter NONE = new TrafficMeter() {
        @Override
        public long requests() {
            return 0;
        }

        @Override
        public long throttled() {
            return 0;
        }
    };

    long requests();

    /** Requests answered with 429 (TooManyRequestsException); the SDK retried those it could. */
    long throttled();
}
