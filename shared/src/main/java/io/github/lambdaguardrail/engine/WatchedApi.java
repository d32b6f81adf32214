package io.github.lambdaguardrail.engine;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

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

    // Greedy: letters and digits do not overlap, and a reluctant quantifier backtracks at every letter.
    private static final Pattern VERSIONED_NAME = Pattern.compile("([A-Za-z]+)(\\d{8}(v\\d+)?)?");
    private static final Map<String, WatchedApi> BY_BASE_NAME = Arrays.stream(values())
            .collect(Collectors.toUnmodifiableMap(WatchedApi::baseName, api -> api));

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
        Matcher m = VERSIONED_NAME.matcher(eventName);
        if (!m.matches()) {
            return Optional.empty();
        }
        return Optional.ofNullable(BY_BASE_NAME.get(m.group(1)));
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
