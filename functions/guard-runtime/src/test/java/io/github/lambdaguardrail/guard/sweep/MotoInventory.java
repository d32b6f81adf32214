package io.github.lambdaguardrail.guard.sweep;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.GetFunctionUrlConfigResponse;
import software.amazon.awssdk.services.lambda.model.LambdaException;

/**
 * The sweep's {@link SdkFunctionInventory} against moto 5.2.5, with four of moto's gaps closed
 * so that the test asserts what AWS would answer. Every call still goes through the SDK reader or
 * the same paced client.
 * <ul>
 *   <li>moto keeps <em>one</em> resource policy per function, shared by {@code $LATEST}, every
 *       version and every alias ({@code publish_version} copies the function shallowly and an alias
 *       resolves to its version), so {@code GetPolicy} answers the same document for every
 *       qualifier. AWS keeps a policy per qualifier. From moto's document this reader keeps, for
 *       each qualifier, the statements whose {@code Resource} is that qualifier's ARN (moto sets it
 *       to the qualified ARN on AddPermission), and answers "no policy" when none is left.</li>
 *   <li>moto stores AddPermission's {@code FunctionUrlAuthType} as a top-level statement key where
 *       AWS stores the condition {@code {"StringEquals": {"lambda:FunctionUrlAuthType": "NONE"}}};
 *       this reader renders it as AWS does.</li>
 *   <li>moto's ListAliases and ListVersionsByFunction do not decode a function ARN in the path
 *       ({@code Function not found: ...function:arn%3Aaws%3A...}, or no versions at all); AWS
 *       takes a name or an ARN. This reader asks them by name.</li>
 *   <li>moto has no {@code ListFunctionUrlConfigs} (its server answers 404) and ignores
 *       CreateFunctionUrlConfig's {@code Qualifier} (the URL lands on the function); this reader
 *       lists the function's one URL config through {@code GetFunctionUrlConfig}.</li>
 * </ul>
 */
public final class MotoInventory implements FunctionInventory {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final FunctionInventory sdk;
    private final LambdaClient lambda;

    public MotoInventory(ScanClient client) {
        this.sdk = client.inventory();
        this.lambda = client.lambda();
    }

    @Override
    public List<ListedFunction> functions() {
        return sdk.functions();
    }

    @Override
    public Optional<LiveFunction> function(String functionArn) {
        return sdk.function(functionArn);
    }

    @Override
    public List<String> aliases(String functionArn) {
        return sdk.aliases(nameOf(functionArn));
    }

    @Override
    public List<String> versions(String functionArn) {
        return sdk.versions(nameOf(functionArn));
    }

    private static String nameOf(String functionArn) {
        return functionArn.substring(functionArn.lastIndexOf(':') + 1);
    }

    @Override
    public Optional<String> policy(String functionArn, Optional<String> qualifier) {
        String resource = qualifier.map(q -> functionArn + ":" + q).orElse(functionArn);
        return sdk.policy(functionArn, qualifier).flatMap(document -> statementsOf(document, resource));
    }

    @Override
    public List<UrlConfig> urlConfigs(String functionArn) {
        GetFunctionUrlConfigResponse url;
        try {
            url = lambda.getFunctionUrlConfig(b -> b.functionName(functionArn));
        } catch (LambdaException e) {
            if (e.statusCode() == 404) {
                return List.of();
            }
            throw e;
        }
        return List.of(new UrlConfig(url.functionArn(), url.authTypeAsString()));
    }

    static Optional<String> statementsOf(String document, String resource) {
        ObjectNode doc = (ObjectNode) read(document);
        ArrayNode kept = JSON.createArrayNode();
        for (JsonNode statement : doc.path("Statement")) {
            if (resource.equals(statement.path("Resource").asText())) {
                ObjectNode copy = statement.deepCopy();
                JsonNode authType = copy.remove("FunctionUrlAuthType");
                if (authType != null) {
                    ObjectNode condition = copy.has("Condition") ? (ObjectNode) copy.get("Condition") : copy.putObject("Condition");
                    ObjectNode equals = condition.has("StringEquals") ? (ObjectNode) condition.get("StringEquals")
                            : condition.putObject("StringEquals");
                    equals.put("lambda:FunctionUrlAuthType", authType.asText());
                }
                kept.add(copy);
            }
        }
        if (kept.isEmpty()) {
            return Optional.empty();
        }
        doc.set("Statement", kept);
        return Optional.of(doc.toString());
    }

    private static JsonNode read(String json) {
        try {
            return JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
