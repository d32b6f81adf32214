package io.github.lambdaguardrail.engine.prevent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The request context an SCP sees for the call behind a CloudTrail record, built from the record
 * the way Lambda and IAM fill it (Service Authorization Reference key lists):
 * <ul>
 * <li>{@code aws:PrincipalArn}: the caller's ARN; for an assumed role the role's ARN
 *     ({@code sessionIssuer.arn}), never the session's. {@code aws:PrincipalAccount}: the caller's account.</li>
 * <li>AddPermission: {@code lambda:Principal} is the request's {@code principal} as given;
 *     {@code lambda:FunctionUrlAuthType} its {@code functionUrlAuthType}, when given.</li>
 * <li>CreateFunction, UpdateFunctionConfiguration: {@code lambda:SubnetIds}, {@code lambda:SecurityGroupIds}
 *     from the request's {@code vpcConfig}; an update without one is judged on the function's existing
 *     configuration, which its response shows (AWS documents this for functions in a VPC; for one outside a
 *     VPC the keys are absent, the undocumented case the report warns about). {@code lambda:VpcIds} is the VPC
 *     Lambda looks up from the subnets (the response's {@code vpcId}); empty lists mean absent keys.</li>
 * <li>TagResource, UntagResource: {@code aws:TagKeys}, the keys set or removed.</li>
 * <li>CreateFunction: {@code aws:RequestTag/*} and {@code aws:TagKeys} from the request's tags. The function's
 *     existing tags ({@code aws:ResourceTag/*}) are not in the records and are absent, as they are to the engine
 *     without function facts.</li>
 * </ul>
 * Test code only.
 */
final class ScpRequests {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern EVENT_NAME = Pattern.compile("([A-Za-z]+?)(\\d{8}(v\\d+)?)?");

    private ScpRequests() {
    }

    /** The CloudTrail record of an EventBridge event file. */
    static JsonNode detail(Path eventFile) throws IOException {
        JsonNode event = JSON.readTree(Files.readAllBytes(eventFile));
        return event.has("detail") ? event.get("detail") : event;
    }

    static ScpEvaluator.Request of(JsonNode record) {
        Matcher name = EVENT_NAME.matcher(record.path("eventName").asText());
        if (!name.matches()) {
            throw new IllegalArgumentException("event name " + record.path("eventName"));
        }
        String action = "lambda:" + name.group(1);
        JsonNode identity = record.path("userIdentity");
        JsonNode request = record.path("requestParameters");
        JsonNode response = record.path("responseElements");
        Map<String, List<String>> keys = new LinkedHashMap<>();
        String principalArn = "AssumedRole".equals(identity.path("type").asText())
                ? identity.path("sessionContext").path("sessionIssuer").path("arn").asText()
                : identity.path("arn").asText();
        keys.put("aws:PrincipalArn", List.of(principalArn));
        keys.put("aws:PrincipalAccount", List.of(identity.path("accountId").asText()));
        switch (action) {
            case "lambda:AddPermission" -> {
                keys.put("lambda:Principal", List.of(request.path("principal").asText()));
                if (request.hasNonNull("functionUrlAuthType")) {
                    keys.put("lambda:FunctionUrlAuthType", List.of(request.path("functionUrlAuthType").asText()));
                }
            }
            case "lambda:CreateFunction", "lambda:UpdateFunctionConfiguration" -> {
                JsonNode vpc = request.has("vpcConfig") ? request.get("vpcConfig") : response.path("vpcConfig");
                List<String> subnets = texts(vpc.path("subnetIds"));
                putList(keys, "lambda:SubnetIds", subnets);
                putList(keys, "lambda:SecurityGroupIds", texts(vpc.path("securityGroupIds")));
                if (!subnets.isEmpty()) {
                    String vpcId = response.path("vpcConfig").path("vpcId").asText();
                    if (vpcId.isEmpty()) {
                        throw new IllegalArgumentException("subnets without the VPC id Lambda would look up");
                    }
                    keys.put("lambda:VpcIds", List.of(vpcId));
                }
                if (action.equals("lambda:CreateFunction")) {
                    List<String> tagKeys = new ArrayList<>();
                    request.path("tags").fields().forEachRemaining(tag -> {
                        keys.put("aws:RequestTag/" + tag.getKey(), List.of(tag.getValue().asText()));
                        tagKeys.add(tag.getKey());
                    });
                    putList(keys, "aws:TagKeys", tagKeys);
                }
            }
            case "lambda:TagResource", "lambda:UntagResource" -> {
                List<String> tagKeys = new ArrayList<>(texts(request.path("tagKeys")));
                request.path("tags").fieldNames().forEachRemaining(tagKeys::add);
                putList(keys, "aws:TagKeys", tagKeys);
                return new ScpEvaluator.Request(action, request.path("resource").asText(), keys);
            }
            default -> throw new IllegalArgumentException("no request context for " + action);
        }
        return new ScpEvaluator.Request(action, functionArn(record, request), keys);
    }

    /** The ARN the action is authorised on: the function's, with the qualifier when the request names one. */
    private static String functionArn(JsonNode record, JsonNode request) {
        String name = request.path("functionName").asText();
        String arn = name.startsWith("arn:") ? name
                : "arn:aws:lambda:" + record.path("awsRegion").asText() + ":" + record.path("recipientAccountId").asText()
                        + ":function:" + name;
        return request.hasNonNull("qualifier") ? arn + ":" + request.path("qualifier").asText() : arn;
    }

    private static void putList(Map<String, List<String>> keys, String key, List<String> values) {
        if (!values.isEmpty()) {
            keys.put(key, values);
        }
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(v -> out.add(v.asText()));
        return out;
    }
}
