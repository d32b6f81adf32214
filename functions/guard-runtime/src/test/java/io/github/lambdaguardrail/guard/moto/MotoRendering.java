package io.github.lambdaguardrail.guard.moto;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;
import software.amazon.awssdk.core.SdkResponse;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.lambda.model.AddPermissionResponse;
import software.amazon.awssdk.services.lambda.model.GetPolicyResponse;

/**
 * Makes moto's resource-policy statements read as AWS renders them, for the fields moto gets
 * wrong; everything else passes through untouched.
 *
 * <p>moto 5.2.5 keeps an AddPermission principal that is neither a service nor an account root ARN
 * as a bare string ({@code "Principal": "arn:aws:iam::999988887777:role/vendor-etl"},
 * {@code "Principal": "999988887777"}); AWS renders it as {@code {"AWS": ...}}, an account id as
 * its root ARN. The same rewrite applies.
 *
 * <p>moto 5.2.5 accepts AddPermission's {@code FunctionUrlAuthType} and {@code InvokedViaFunctionUrl}
 * but stores them as top-level statement keys ({@code "FunctionUrlAuthType": "NONE"},
 * {@code "InvokedViaFunctionUrl": true}), where AWS stores the conditions
 * {@code {"StringEquals": {"lambda:FunctionUrlAuthType": "NONE"}}} and
 * {@code {"Bool": {"lambda:InvokedViaFunctionUrl": "true"}}}. The statement cannot be stored in
 * AWS's shape by other means: moto decodes AddPermission's body with a JSON object hook that
 * turns every nested object (a {@code Condition}, a {@code Principal} object) into a policy and
 * answers 500, and it has no PutResourcePolicy. So this interceptor rewrites those two keys in
 * the AddPermission and GetPolicy responses the clients receive. Statement ids, the policy's
 * revision id and every removal stay moto's own. When moto renders them as AWS does, it has
 * nothing to rewrite ({@code FunctionUrlPairMotoTest} checks that it still has to).
 */
final class MotoRendering implements ExecutionInterceptor {

    static final String URL_AUTH_TYPE = "FunctionUrlAuthType";
    static final String INVOKED_VIA_URL = "InvokedViaFunctionUrl";

    @Override
    public SdkResponse modifyResponse(Context.ModifyResponse context, ExecutionAttributes attributes) {
        SdkResponse response = context.response();
        if (response instanceof AddPermissionResponse added && added.statement() != null) {
            return added.toBuilder().statement(statement(added.statement())).build();
        }
        if (response instanceof GetPolicyResponse policy && policy.policy() != null) {
            return policy.toBuilder().policy(document(policy.policy())).build();
        }
        return response;
    }

    static String statement(String json) {
        JsonNode node = read(json);
        return node instanceof ObjectNode statement && asAwsRendersIt(statement) ? statement.toString() : json;
    }

    static String document(String json) {
        JsonNode doc = read(json);
        boolean changed = false;
        for (JsonNode statement : doc.path("Statement")) {
            if (statement instanceof ObjectNode object) {
                changed |= asAwsRendersIt(object);
            }
        }
        return changed ? doc.toString() : json;
    }

    private static boolean asAwsRendersIt(ObjectNode statement) {
        boolean changed = false;
        JsonNode principal = statement.get("Principal");
        if (principal != null && principal.isTextual() && !"*".equals(principal.textValue())) {
            String value = principal.textValue();
            statement.putObject("Principal").put("AWS", value.matches("\\d{12}") ? "arn:aws:iam::" + value + ":root" : value);
            changed = true;
        }
        JsonNode authType = statement.remove(URL_AUTH_TYPE);
        if (authType != null) {
            condition(statement, "StringEquals").put("lambda:FunctionUrlAuthType", authType.asText());
            changed = true;
        }
        JsonNode viaUrl = statement.remove(INVOKED_VIA_URL);
        if (viaUrl != null) {
            condition(statement, "Bool").put("lambda:InvokedViaFunctionUrl", viaUrl.asText());
            changed = true;
        }
        return changed;
    }

    private static ObjectNode condition(ObjectNode statement, String operator) {
        ObjectNode condition = statement.has("Condition") ? (ObjectNode) statement.get("Condition") : statement.putObject("Condition");
        return condition.has(operator) ? (ObjectNode) condition.get(operator) : condition.putObject(operator);
    }

    private static JsonNode read(String json) {
        try {
            return SdkJson.JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
