package io.github.lambdaguardrail.guard;

/** Tells operators. IAM: {@code sns:Publish} on the alert topic. */
public interface Notifier {

    void publish(Alert alert);
}
