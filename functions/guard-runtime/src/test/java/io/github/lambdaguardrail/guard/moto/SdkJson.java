package io.github.lambdaguardrail.guard.moto;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.SdkField;
import software.amazon.awssdk.core.SdkPojo;
import software.amazon.awssdk.core.util.SdkAutoConstructList;
import software.amazon.awssdk.core.util.SdkAutoConstructMap;

/**
 * Renders an SDK request or response the way CloudTrail records it in {@code requestParameters}
 * and {@code responseElements}: member names in lowerCamelCase, absent members left out, binary
 * payloads (the code zip) left out. Only for building CloudTrail records from real calls in tests.
 */
final class SdkJson {

    static final ObjectMapper JSON = new ObjectMapper();

    private SdkJson() {
    }

    static ObjectNode toCloudTrail(SdkPojo pojo) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        for (SdkField<?> field : pojo.sdkFields()) {
            JsonNode value = value(field.getValueOrDefault(pojo));
            if (value != null) {
                out.set(lowerCamel(field.memberName()), value);
            }
        }
        return out;
    }

    private static JsonNode value(Object value) {
        if (value == null || value instanceof SdkAutoConstructList || value instanceof SdkAutoConstructMap
                || value instanceof SdkBytes) {
            return null;
        }
        if (value instanceof SdkPojo pojo) {
            return toCloudTrail(pojo);
        }
        if (value instanceof Collection<?> items) {
            ArrayNode array = JsonNodeFactory.instance.arrayNode();
            items.forEach(item -> array.add(value(item)));
            return array;
        }
        if (value instanceof Map<?, ?> entries) {
            ObjectNode object = JsonNodeFactory.instance.objectNode();
            entries.forEach((k, v) -> object.set(String.valueOf(k), value(v)));
            return object;
        }
        if (value instanceof Instant instant) {
            return JsonNodeFactory.instance.textNode(instant.toString());
        }
        return JSON.valueToTree(value);
    }

    private static String lowerCamel(String memberName) {
        return Character.toLowerCase(memberName.charAt(0)) + memberName.substring(1);
    }
}
