package io.github.lambdaguardrail.guard.sweep;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.QueryParameter;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A WireMock extension that answers the six Lambda read APIs of the sweep from an in-memory
 * inventory, in the shapes AWS uses (REST paths with the function ARN percent-encoded, JSON
 * bodies, {@code NextMarker} pagination, {@code x-amzn-ErrorType} errors; cf. the recorded
 * responses in {@code aws-samples/lambda-api-responses/}). It can throttle a share of
 * all requests at random (429 {@code TooManyRequestsException}, seeded). Scenario stubs of a
 * higher priority add sustained throttling in front of it.
 */
final class FakeLambdaApi implements ResponseDefinitionTransformerV2 {

    static final String NAME = "fake-lambda-api";
    static final String ACCOUNT = "123456789012";
    static final String REGION = "us-east-1";
    static final String IN_VPC = "{\"SubnetIds\":[\"subnet-0a1b2c3d\"],\"SecurityGroupIds\":[\"sg-0a1b2c3d\"],"
            + "\"VpcId\":\"vpc-0a1b2c3d\"}";
    static final String THROTTLED_BODY = "{\"Reason\":\"CallerRateLimitExceeded\",\"Type\":\"User\",\"message\":\"Rate exceeded\"}";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern FUNCTION_PATH =
            Pattern.compile("/(2015-03-31|2021-10-31)/functions/([^/]+)(/aliases|/versions|/policy|/urls)?/?");

    /**
     * One function.
     *
     * @param vpc      the {@code VpcConfig} JSON, or empty for a function whose configuration has no such key
     * @param policies resource policy documents by qualifier ({@code ""}: the function's own)
     * @param urls     function URL auth types by qualifier ({@code ""}: the function's own URL)
     */
    record Fn(String name, Optional<String> vpc, List<String> aliases, List<String> versions, Map<String, String> policies,
              Map<String, String> urls, Map<String, String> tags) {
        String arn() {
            return arn(name);
        }

        static String arn(String name) {
            return "arn:aws:lambda:" + REGION + ":" + ACCOUNT + ":function:" + name;
        }
    }

    private volatile Map<String, Fn> functions = Map.of();
    private volatile int functionsPageSize = 50;
    private volatile int listPageSize = 50;
    private volatile double throttleShare;
    private volatile Random random = new Random(0);

    /** Serves this inventory from now on, without random throttling and with AWS's page sizes. */
    void serve(List<Fn> inventory) {
        Map<String, Fn> byArn = new LinkedHashMap<>();
        inventory.forEach(fn -> byArn.put(fn.arn(), fn));
        functions = byArn;
        functionsPageSize = 50;
        listPageSize = 50;
        throttleShare = 0;
    }

    /** Smaller pages: ListFunctions pages of {@code functionsPage}, alias, version and URL pages of {@code listPage}. */
    void pageSizes(int functionsPage, int listPage) {
        functionsPageSize = functionsPage;
        listPageSize = listPage;
    }

    /** Answers {@code share} of all requests, at random, with 429. */
    void throttleAtRandom(double share, long seed) {
        random = new Random(seed);
        throttleShare = share;
    }

    @Override
    public String getName() {
        return NAME;
    }

    @Override
    public boolean applyGlobally() {
        return false;
    }

    @Override
    public ResponseDefinition transform(ServeEvent serveEvent) {
        LoggedRequest request = serveEvent.getRequest();
        if (throttleShare > 0) {
            boolean throttle;
            synchronized (this) {
                throttle = random.nextDouble() < throttleShare;
            }
            if (throttle) {
                return throttled();
            }
        }
        String path = request.getUrl().split("\\?", 2)[0];
        if (path.equals("/2015-03-31/functions") || path.equals("/2015-03-31/functions/")) {
            List<Fn> all = new ArrayList<>(functions.values());
            return page(request, all, functionsPageSize, "Functions", fn -> configuration(fn, "$LATEST", fn.arn()));
        }
        Matcher m = FUNCTION_PATH.matcher(path);
        if (!m.matches()) {
            return error(400, "InvalidParameterValueException", "no such API in the fake: " + path);
        }
        String id = URLDecoder.decode(m.group(2), StandardCharsets.UTF_8);
        Fn fn = functions.containsKey(id) ? functions.get(id) : functions.get(Fn.arn(id));
        if (fn == null) {
            return error(404, "ResourceNotFoundException", "Function not found: " + id);
        }
        String api = m.group(3) == null ? "" : m.group(3);
        return switch (api) {
            case "" -> getFunction(fn);
            case "/aliases" -> page(request, fn.aliases(), listPageSize, "Aliases", alias -> JSON.createObjectNode()
                    .put("AliasArn", fn.arn() + ":" + alias).put("Name", alias).put("FunctionVersion", "1")
                    .put("Description", "").put("RevisionId", "0f2a9c1e-0000-4000-8000-000000000001"));
            case "/versions" -> {
                List<String> versions = new ArrayList<>(List.of("$LATEST"));
                versions.addAll(fn.versions());
                yield page(request, versions, listPageSize, "Versions",
                        v -> configuration(fn, v, fn.arn() + ":" + v));
            }
            case "/policy" -> {
                String qualifier = param(request, "Qualifier").orElse("");
                String policy = fn.policies().get(qualifier);
                yield policy == null ? error(404, "ResourceNotFoundException", "The resource you requested does not exist.")
                        : json(JSON.createObjectNode().put("Policy", policy).put("RevisionId", "4c8e5f2a-1111-4000-8000-000000000002"));
            }
            default -> page(request, new ArrayList<>(fn.urls().keySet()), listPageSize, "FunctionUrlConfigs",
                    q -> JSON.createObjectNode().put("FunctionUrl", "https://" + Integer.toHexString(fn.name().hashCode())
                                    + q + ".lambda-url." + REGION + ".on.aws/")
                            .put("FunctionArn", q.isEmpty() ? fn.arn() : fn.arn() + ":" + q).put("AuthType", fn.urls().get(q))
                            .put("CreationTime", "2026-10-03T14:27:18.600395Z")
                            .put("LastModifiedTime", "2026-10-03T14:27:18.600395Z").put("InvokeMode", "BUFFERED"));
        };
    }

    private static ResponseDefinition getFunction(Fn fn) {
        ObjectNode body = JSON.createObjectNode();
        body.set("Configuration", configuration(fn, "$LATEST", fn.arn()));
        body.putObject("Code").put("RepositoryType", "S3").put("Location", "https://awslambda-" + REGION
                + "-tasks.s3." + REGION + ".amazonaws.com/snapshots/" + ACCOUNT + "/" + fn.name());
        if (!fn.tags().isEmpty()) {
            ObjectNode tags = body.putObject("Tags");
            fn.tags().forEach(tags::put);
        }
        return json(body);
    }

    private static ObjectNode configuration(Fn fn, String version, String arn) {
        ObjectNode c = JSON.createObjectNode();
        c.put("FunctionName", fn.name()).put("FunctionArn", arn).put("Runtime", "java21")
                .put("Role", "arn:aws:iam::" + ACCOUNT + ":role/" + fn.name()).put("Handler", "example.Handler::handleRequest")
                .put("CodeSize", 1722).put("Timeout", 30).put("MemorySize", 512)
                .put("LastModified", "2026-10-18T13:35:54.616+0000").put("Version", version);
        fn.vpc().ifPresent(vpc -> {
            try {
                c.set("VpcConfig", JSON.readTree(vpc));
            } catch (java.io.IOException e) {
                throw new IllegalArgumentException(vpc, e);
            }
        });
        return c;
    }

    private static <T> ResponseDefinition page(LoggedRequest request, List<T> items, int pageSize, String field,
                                               Function<T, ObjectNode> render) {
        int from = param(request, "Marker").map(Integer::parseInt).orElse(0);
        int to = Math.min(items.size(), from + pageSize);
        ObjectNode body = JSON.createObjectNode();
        ArrayNode out = body.putArray(field);
        items.subList(from, to).forEach(item -> out.add(render.apply(item)));
        if (to < items.size()) {
            body.put("NextMarker", Integer.toString(to));
        }
        return json(body);
    }

    private static Optional<String> param(LoggedRequest request, String name) {
        QueryParameter p = request.queryParameter(name);
        return p != null && p.isPresent() ? Optional.of(p.firstValue()) : Optional.empty();
    }

    private static ResponseDefinition json(ObjectNode body) {
        return ResponseDefinitionBuilder.responseDefinition().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody(body.toString()).build();
    }

    static ResponseDefinition throttled() {
        return error(429, "TooManyRequestsException", null);
    }

    private static ResponseDefinition error(int status, String type, String message) {
        String body = message == null ? THROTTLED_BODY
                : JSON.createObjectNode().put("Type", "User").put("Message", message).toString();
        return ResponseDefinitionBuilder.responseDefinition().withStatus(status)
                .withHeader("Content-Type", "application/json").withHeader("x-amzn-ErrorType", type)
                .withHeader("x-amzn-RequestId", "5b1d3c2e-2222-4000-8000-000000000003").withBody(body).build();
    }
}
