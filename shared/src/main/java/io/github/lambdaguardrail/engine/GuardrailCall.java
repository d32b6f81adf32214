package io.github.lambdaguardrail.engine;

/**
 * A successful call that matters only when it touches one of the guardrail's own resources
 * ({@link WatchedApi.Kind#GUARDRAIL_ONLY}): a function's code, concurrency or permissions, an
 * EventBridge rule or its targets, the KMS key, an SNS topic.
 *
 * @param resource the resource the call named, as an ARN where the record allows (a function name
 *                 is resolved to its ARN; a rule name to the rule's ARN on its bus; a KMS key id
 *                 stays an id when the record carries no ARN)
 * @param detail   what the call did to it, in a few words, e.g. {@code reserved concurrency 0}
 */
public record GuardrailCall(RecordHeader header, WatchedApi api, String resource, String detail) {
}
