package io.github.lambdaguardrail.runtime;

import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A value built on first use, at most once, then kept: an SDK client costs hundreds of
 * milliseconds of a cold start, and an event that needs no AWS call should not pay for one.
 * Thread-safe.
 */
public final class Lazy<T> implements Supplier<T> {

    private final Supplier<? extends T> build;
    private volatile T value;

    private Lazy(Supplier<? extends T> build) {
        this.build = build;
    }

    public static <T> Lazy<T> of(Supplier<? extends T> build) {
        return new Lazy<>(build);
    }

    /** A value that is already built. */
    public static <T> Lazy<T> built(T value) {
        Lazy<T> lazy = new Lazy<>(() -> value);
        lazy.value = Objects.requireNonNull(value);
        return lazy;
    }

    @Override
    public T get() {
        T result = value;
        if (result == null) {
            synchronized (this) {
                result = value;
                if (result == null) {
                    result = Objects.requireNonNull(build.get());
                    value = result;
                }
            }
        }
        return result;
    }

    /** Whether {@link #get} has built the value. */
    public boolean isBuilt() {
        return value != null;
    }

    /** Runs {@code action} on the value if it was built; builds nothing. */
    public void ifBuilt(Consumer<? super T> action) {
        T result = value;
        if (result != null) {
            action.accept(result);
        }
    }
}
