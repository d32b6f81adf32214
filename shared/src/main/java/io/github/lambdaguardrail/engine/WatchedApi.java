package io.github.lambdaguardrail.engine;

import java.util.List;
import java.util.Optional;

/**
 * The Lambda APIs the guardrail evaluates. CloudTrail appends the API version to event names
 * ({@code AddPermission20150331v2}); a name matches when it is the base name followed by
 * nothing or by such a version suffix, so {@code CreateFunctionUrlConfig20211031} is never
 * mistaken for {@code CreateFunction}.
 */
public enum WatchedApi {
    CREATE_FUNCTION("CreateFunction"),
    UPDATE_FUNCTION_CONFIGURATION("UpdateFunctionConfiguration"),
    ADD_PERMISSION("AddPermission"),
    PUT_RESOURCE_POLICY("PutResourcePolicy"),
    CREATE_FUNCTION_URL_CONFIG("CreateFunctionUrlConfig"),
    UPDATE_FUNCTION_URL_CONFIG("UpdateFunctionUrlConfig");

    private static final List<WatchedApi> ALL = List.of(values()); // values() copies its array on each call

    private final String baseName;

    WatchedApi(String baseName) {
        this.baseName = baseName;
    }

    /** The event name without version suffix, which is also the EventBridge prefix to match. */
    public String baseName() {
        return baseName;
    }

    /** The watched API a CloudTrail event name stands for, if any. */
    public static Optional<WatchedApi> forEventName(String eventName) {
        for (WatchedApi api : ALL) {
            if (eventName.startsWith(api.baseName) && isVersionSuffix(eventName, api.baseName.length())) {
                return Optional.of(api);
            }
        }
        return Optional.empty();
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

    /** The APIs the VPC guard handles. */
    public static List<WatchedApi> functionConfiguration() {
        return List.of(CREATE_FUNCTION, UPDATE_FUNCTION_CONFIGURATION);
    }

    /** The APIs the permission guard handles. */
    public static List<WatchedApi> resourcePolicy() {
        return List.of(ADD_PERMISSION, PUT_RESOURCE_POLICY, CREATE_FUNCTION_URL_CONFIG, UPDATE_FUNCTION_URL_CONFIG);
    }
}
