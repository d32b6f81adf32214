package io.github.lambdaguardrail.engine;

/** A successful call to a watched Lambda API, ready to evaluate. */
public record LambdaEvent(RecordHeader header, WatchedApi api, LambdaChange change) {
}
