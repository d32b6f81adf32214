package io.github.lambdaguardrail.engine;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The API calls the guardrail evaluates, by CloudTrail event source and name. Lambda appends the
 * API version to event names ({@code AddPermission20150331v2}); a name matches when it is the base
 * name followed by nothing or by such a version suffix, so {@code CreateFunctionUrlConfig20211031}
 * is never mistaken for {@code CreateFunction}.
 */
public enum WatchedApi {
    CREATE_FUNCTION(Kind.CHANGE, Service.LAMBDA, "CreateFunction"),
    UPDATE_FUNCTION_CONFIGURATION(Kind.CHANGE, Service.LAMBDA, "UpdateFunctionConfiguration"),
    ADD_PERMISSION(Kind.CHANGE, Service.LAMBDA, "AddPermission"),
    PUT_RESOURCE_POLICY(Kind.CHANGE, Service.LAMBDA, "PutResourcePolicy"),
    CREATE_FUNCTION_URL_CONFIG(Kind.CHANGE, Service.LAMBDA, "CreateFunctionUrlConfig"),
    UPDATE_FUNCTION_URL_CONFIG(Kind.CHANGE, Service.LAMBDA, "UpdateFunctionUrlConfig"),
    TAG_RESOURCE(Kind.CHANGE, Service.LAMBDA, "TagResource"),
    UNTAG_RESOURCE(Kind.CHANGE, Service.LAMBDA, "UntagResource"),

    UPDATE_FUNCTION_CODE(Kind.GUARDRAIL_ONLY, Service.LAMBDA, "UpdateFunctionCode"),
    PUT_FUNCTION_CONCURRENCY(Kind.GUARDRAIL_ONLY, Service.LAMBDA, "PutFunctionConcurrency"),
    DELETE_FUNCTION_CONCURRENCY(Kind.GUARDRAIL_ONLY, Service.LAMBDA, "DeleteFunctionConcurrency"),
    REMOVE_PERMISSION(Kind.GUARDRAIL_ONLY, Service.LAMBDA, "RemovePermission"),
    DELETE_RESOURCE_POLICY(Kind.GUARDRAIL_ONLY, Service.LAMBDA, "DeleteResourcePolicy"),
    DELETE_FUNCTION(Kind.GUARDRAIL_ONLY, Service.LAMBDA, "DeleteFunction"),
    PUT_FUNCTION_EVENT_INVOKE_CONFIG(Kind.GUARDRAIL_ONLY, Service.LAMBDA, "PutFunctionEventInvokeConfig"),
    UPDATE_FUNCTION_EVENT_INVOKE_CONFIG(Kind.GUARDRAIL_ONLY, Service.LAMBDA, "UpdateFunctionEventInvokeConfig"),
    DELETE_FUNCTION_EVENT_INVOKE_CONFIG(Kind.GUARDRAIL_ONLY, Service.LAMBDA, "DeleteFunctionEventInvokeConfig"),
    /** Events and heartbeats invoke a guard's alias: pointing it elsewhere or deleting it silences the guard. */
    UPDATE_ALIAS(Kind.GUARDRAIL_ONLY, Service.LAMBDA, "UpdateAlias"),
    DELETE_ALIAS(Kind.GUARDRAIL_ONLY, Service.LAMBDA, "DeleteAlias"),
    DISABLE_RULE(Kind.GUARDRAIL_ONLY, Service.EVENTS, "DisableRule"),
    DELETE_RULE(Kind.GUARDRAIL_ONLY, Service.EVENTS, "DeleteRule"),
    PUT_RULE(Kind.GUARDRAIL_ONLY, Service.EVENTS, "PutRule"),
    PUT_TARGETS(Kind.GUARDRAIL_ONLY, Service.EVENTS, "PutTargets"),
    REMOVE_TARGETS(Kind.GUARDRAIL_ONLY, Service.EVENTS, "RemoveTargets"),
    DISABLE_KEY(Kind.GUARDRAIL_ONLY, Service.KMS, "DisableKey"),
    SCHEDULE_KEY_DELETION(Kind.GUARDRAIL_ONLY, Service.KMS, "ScheduleKeyDeletion"),
    PUT_KEY_POLICY(Kind.GUARDRAIL_ONLY, Service.KMS, "PutKeyPolicy"),
    DELETE_TOPIC(Kind.GUARDRAIL_ONLY, Service.SNS, "DeleteTopic"),
    SET_TOPIC_ATTRIBUTES(Kind.GUARDRAIL_ONLY, Service.SNS, "SetTopicAttributes"),
    REMOVE_TOPIC_PERMISSION(Kind.GUARDRAIL_ONLY, Service.SNS, "RemovePermission"),
    UNSUBSCRIBE(Kind.GUARDRAIL_ONLY, Service.SNS, "Unsubscribe");

    /** What the engine does with a call. */
    public enum Kind {
        /** Judged by the rules on any function (and a tamper when it touches the guardrail's own function). */
        CHANGE,
        /** Matters only when it touches one of the guardrail's own resources: then it is a tamper. */
        GUARDRAIL_ONLY
    }

    /** The services whose calls are watched, with their CloudTrail event source and EventBridge source. */
    public enum Service {
        LAMBDA("lambda.amazonaws.com", "aws.lambda"),
        EVENTS("events.amazonaws.com", "aws.events"),
        KMS("kms.amazonaws.com", "aws.kms"),
        SNS("sns.amazonaws.com", "aws.sns");

        private final String eventSource;
        private final String eventBridgeSource;

        Service(String eventSource, String eventBridgeSource) {
            this.eventSource = eventSource;
            this.eventBridgeSource = eventBridgeSource;
        }

        /** CloudTrail's {@code eventSource}. */
        public String eventSource() {
            return eventSource;
        }

        /** The {@code source} of the EventBridge event that carries the record. */
        public String eventBridgeSource() {
            return eventBridgeSource;
        }
    }

    private static final List<WatchedApi> ALL = List.of(values()); // values() copies its array on each call

    private final Kind kind;
    private final Service service;
    private final String baseName;

    WatchedApi(Kind kind, Service service, String baseName) {
        this.kind = kind;
        this.service = service;
        this.baseName = baseName;
    }

    public Kind kind() {
        return kind;
    }

    public Service service() {
        return service;
    }

    /** The event name without version suffix, which is also the EventBridge prefix to match. */
    public String baseName() {
        return baseName;
    }

    /** Per event source, the APIs by base name: one lookup per record, as replay reads millions. */
    private static final Map<String, Map<String, WatchedApi>> BY_SOURCE = bySource();

    private static Map<String, Map<String, WatchedApi>> bySource() {
        Map<String, Map<String, WatchedApi>> bySource = new HashMap<>();
        for (WatchedApi api : ALL) {
            bySource.computeIfAbsent(api.service.eventSource, s -> new HashMap<>()).put(api.baseName, api);
        }
        return Map.copyOf(bySource);
    }

    /** The watched API a CloudTrail event source and name stand for, if any. */
    public static Optional<WatchedApi> forEvent(String eventSource, String eventName) {
        Map<String, WatchedApi> byName = BY_SOURCE.get(eventSource);
        if (byName == null) {
            return Optional.empty();
        }
        int digit = 0; // base names hold no digit: the version suffix starts at the first one
        while (digit < eventName.length() && (eventName.charAt(digit) < '0' || eventName.charAt(digit) > '9')) {
            digit++;
        }
        WatchedApi api = byName.get(digit == eventName.length() ? eventName : eventName.substring(0, digit));
        return api != null && isVersionSuffix(eventName, digit) ? Optional.of(api) : Optional.empty();
    }

    /** Whether {@code name} from {@code from} on is nothing, or eight digits and then maybe {@code v} and digits. */
    private static boolean isVersionSuffix(String name, int from) {
        if (from == name.length()) {
            return true;
        }
        int date = from + 8;
        if (name.length() < date || !digits(name, from, date)) {
            return false;
        }
        return name.length() == date || name.charAt(date) == 'v' && name.length() > date + 1 && digits(name, date + 1, name.length());
    }

    private static boolean digits(String text, int from, int to) {
        for (int i = from; i < to; i++) {
            if (text.charAt(i) < '0' || text.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    /** The changes the VPC guard judges on every function: configuration, and tags (exemption audit). */
    public static List<WatchedApi> functionConfiguration() {
        return List.of(CREATE_FUNCTION, UPDATE_FUNCTION_CONFIGURATION, TAG_RESOURCE, UNTAG_RESOURCE);
    }

    /** The changes the permission guard judges on every function. */
    public static List<WatchedApi> resourcePolicy() {
        return List.of(ADD_PERMISSION, PUT_RESOURCE_POLICY, CREATE_FUNCTION_URL_CONFIG, UPDATE_FUNCTION_URL_CONFIG);
    }

    /**
     * Every call that can tamper with the guardrail when it touches one of its own resources: the
     * calls both guards receive for the guardrail's resources, so that each guard watches the other.
     */
    public static List<WatchedApi> tamper() {
        List<WatchedApi> tamper = new ArrayList<>();
        for (WatchedApi api : ALL) {
            if (api.kind == Kind.GUARDRAIL_ONLY || api.service == Service.LAMBDA && api != CREATE_FUNCTION
                    && api != TAG_RESOURCE && api != UNTAG_RESOURCE) {
                tamper.add(api);
            }
        }
        return List.copyOf(tamper);
    }
}
