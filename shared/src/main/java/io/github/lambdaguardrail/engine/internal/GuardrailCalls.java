package io.github.lambdaguardrail.engine.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.lambdaguardrail.engine.GuardrailCall;
import io.github.lambdaguardrail.engine.RecordHeader;
import io.github.lambdaguardrail.engine.WatchedApi;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads the resource a {@link WatchedApi.Kind#GUARDRAIL_ONLY} call names, as an ARN where the
 * record allows, and what the call did to it. A record without the field that names the resource
 * is not usable: it could hide a tamper, so it is reported as invalid rather than passed.
 */
final class GuardrailCalls {

    private GuardrailCalls() {
    }

    static GuardrailCall of(RecordHeader header, WatchedApi api, JsonNode record, JsonNode request) {
        String partition = Functions.partitionOf(header.region());
        return switch (api.service()) {
            case LAMBDA -> lambda(header, api, request);
            case EVENTS -> rule(header, api, request, partition);
            case KMS -> key(header, api, record, request, partition);
            case SNS -> topic(header, api, request);
        };
    }

    private static GuardrailCall lambda(RecordHeader header, WatchedApi api, JsonNode request) {
        String field = api == WatchedApi.DELETE_RESOURCE_POLICY ? "resourceArn" : "functionName";
        String function = Functions.ref(required(request, field), Optional.empty(), header).arn();
        String detail = switch (api) {
            case PUT_FUNCTION_CONCURRENCY -> "reserved concurrency set to "
                    + request.path("reservedConcurrentExecutions").asText("?");
            case DELETE_FUNCTION_CONCURRENCY -> "reserved concurrency removed";
            case REMOVE_PERMISSION -> "statement '" + RecordParser.text(request, "statementId").orElse("?") + "' removed";
            case DELETE_RESOURCE_POLICY -> "resource policy deleted";
            case UPDATE_FUNCTION_CODE -> "code replaced";
            case DELETE_FUNCTION -> "function deleted";
            default -> "asynchronous invocation config changed (" + api.baseName() + ")";
        };
        return new GuardrailCall(header, api, function, detail);
    }

    private static GuardrailCall rule(RecordHeader header, WatchedApi api, JsonNode request, String partition) {
        boolean targets = api == WatchedApi.PUT_TARGETS || api == WatchedApi.REMOVE_TARGETS;
        String name = required(request, targets ? "rule" : "name");
        String bus = RecordParser.text(request, "eventBusName").orElse("default");
        String busName = bus.contains("/") ? bus.substring(bus.lastIndexOf('/') + 1) : bus;
        String arn = name.startsWith("arn:") ? name : "arn:" + partition + ":events:" + header.region() + ":"
                + header.account() + ":rule/" + ("default".equals(busName) ? "" : busName + "/") + name;
        String detail = switch (api) {
            case DISABLE_RULE -> "rule disabled";
            case DELETE_RULE -> "rule deleted";
            case PUT_RULE -> "rule changed (state " + RecordParser.text(request, "state").orElse("unchanged") + ")";
            case PUT_TARGETS -> "targets set: " + targets(request.path("targets"), "arn");
            default -> "targets removed: " + targets(request.path("ids"), null);
        };
        return new GuardrailCall(header, api, arn, detail);
    }

    private static GuardrailCall key(RecordHeader header, WatchedApi api, JsonNode record, JsonNode request,
                                     String partition) {
        String keyId = required(request, "keyId");
        String arn = keyId.startsWith("arn:") ? keyId : "arn:" + partition + ":kms:" + header.region() + ":"
                + header.account() + ":key/" + keyId;
        for (JsonNode resource : record.path("resources")) {
            Optional<String> listed = RecordParser.text(resource, "ARN");
            if (listed.isPresent() && listed.get().contains(":key/") && !keyId.startsWith("alias/")) {
                arn = listed.get();
            }
        }
        String detail = switch (api) {
            case DISABLE_KEY -> "key disabled";
            case SCHEDULE_KEY_DELETION -> "key deletion scheduled (pending window "
                    + request.path("pendingWindowInDays").asText("30") + " days)";
            default -> "key policy replaced";
        };
        return new GuardrailCall(header, api, arn, detail);
    }

    private static GuardrailCall topic(RecordHeader header, WatchedApi api, JsonNode request) {
        if (api == WatchedApi.UNSUBSCRIBE) {
            String subscription = required(request, "subscriptionArn");
            int cut = subscription.lastIndexOf(':');
            return new GuardrailCall(header, api, cut > 0 ? subscription.substring(0, cut) : subscription,
                    "subscription " + RecordParser.bounded(subscription) + " removed");
        }
        String topic = required(request, "topicArn");
        String detail = switch (api) {
            case DELETE_TOPIC -> "topic deleted";
            case SET_TOPIC_ATTRIBUTES -> "attribute " + RecordParser.text(request, "attributeName").orElse("?") + " changed";
            default -> "topic permission '" + RecordParser.text(request, "label").orElse("?") + "' removed";
        };
        return new GuardrailCall(header, api, topic, detail);
    }

    /** The ids or ARNs of targets, at most five of them (EventBridge allows 5 per rule). */
    private static String targets(JsonNode list, String field) {
        List<String> names = new ArrayList<>();
        for (JsonNode target : list) {
            JsonNode value = field == null ? target : target.path(field);
            if (value.isTextual() && names.size() < 5) {
                names.add(RecordParser.bounded(value.textValue()));
            }
        }
        return names.isEmpty() ? "?" : String.join(", ", names);
    }

    private static String required(JsonNode request, String field) {
        return RecordParser.text(request, field)
                .orElseThrow(() -> new RecordParser.BadRecord("requestParameters has no " + field));
    }
}
