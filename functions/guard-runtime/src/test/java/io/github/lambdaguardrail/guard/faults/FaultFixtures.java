package io.github.lambdaguardrail.guard.faults;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.matching.RequestPatternBuilder;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.github.lambdaguardrail.engine.Action;
import io.github.lambdaguardrail.engine.CloudTrailReader;
import io.github.lambdaguardrail.engine.FunctionFacts;
import io.github.lambdaguardrail.engine.GuardrailEngine;
import io.github.lambdaguardrail.engine.Verdict;
import io.github.lambdaguardrail.guard.AwsClients;
import io.github.lambdaguardrail.guard.GuardConfig;
import io.github.lambdaguardrail.runtime.ClientSettings;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;

/**
 * What the fault tests share: one WireMock server on 127.0.0.1 standing in for the Lambda, SNS
 * and DynamoDB endpoints, the real SDK v2 clients pointed at it (URL-connection HTTP client,
 * {@link ClientSettings#DEFAULT}: standard retry mode and the production timeouts), the sample
 * events of {@code events/}, the fixtures of {@code src/test/resources/faults/} (origins in its
 * README) and a guard configuration in rollback mode.
 */
final class FaultFixtures {

    static final String ACCOUNT = "111122223333";
    static final String TOPIC_ARN = "arn:aws:sns:us-east-1:111122223333:alerts";
    static final String TABLE = "guardrail-state";
    static final Map<String, String> ENV = Map.of(
            "GUARDRAIL_MODE", "rollback",
            "GUARDRAIL_TOPIC_ARN", TOPIC_ARN,
            "GUARDRAIL_STATE_TABLE", TABLE);

    /** The module runs its tests from {@code functions/guard-runtime}. */
    static final Path EVENTS = Path.of("..", "..", "events");

    static final String JSON_1_0 = "application/x-amz-json-1.0";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final StaticCredentialsProvider CREDENTIALS =
            StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"));

    private FaultFixtures() {
    }

    /** A fresh server per test class; the extension resets stubs, scenarios and the request log before each test. */
    static WireMockExtension wireMock() {
        return WireMockExtension.newInstance()
                .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"))
                .build();
    }

    static GuardConfig config() {
        return GuardConfig.fromEnvironment(ENV);
    }

    // ---- SDK clients ----------------------------------------------------------------------

    /** Real clients on the production settings, pointed at WireMock. */
    static AwsClients clients(WireMockExtension wm) {
        return AwsClients.create(settings(wm));
    }

    /** The production client settings ({@link ClientSettings#DEFAULT}), pointed at WireMock. */
    static ClientSettings settings(WireMockExtension wm) {
        return ClientSettings.DEFAULT.withEndpoint(URI.create(wm.baseUrl())).withRegion(Region.US_EAST_1)
                .withCredentials(CREDENTIALS);
    }

    /**
     * The production settings with a 500 ms attempt timeout instead of 5 s and a 2 s call timeout
     * instead of 20 s (the same 1:4 ratio), so timeout tests take a second or two instead of
     * fifteen. Retries are unchanged (standard).
     */
    static ClientSettings shortTimeouts(WireMockExtension wm) {
        ClientSettings production = settings(wm);
        return production.withTimeouts(production.socketTimeout(), Duration.ofMillis(500), Duration.ofSeconds(2));
    }

    // ---- events -----------------------------------------------------------------------------

    static byte[] event(String file) {
        try {
            return Files.readAllBytes(EVENTS.resolve(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String eventId(String file) {
        try {
            return JSON.readTree(event(file)).path("detail").path("eventID").textValue();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The engine's verdict for a sample event under {@link #config()}, without function facts. */
    static Verdict verdict(String file) {
        List<Verdict> verdicts = new ArrayList<>();
        GuardrailEngine engine = new GuardrailEngine(config().policy(), Set.of());
        try {
            CloudTrailReader.read(new ByteArrayInputStream(event(file)),
                    r -> verdicts.add(engine.evaluate(r, FunctionFacts.NONE).orElseThrow()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return verdicts.get(0);
    }

    /** The {@code REMOVE_PERMISSION} action the engine plans for a sample event in rollback mode. */
    static Action.RemovePermission removal(String file) {
        return verdict(file).actions().stream().filter(Action.RemovePermission.class::isInstance)
                .map(Action.RemovePermission.class::cast).findFirst()
                .orElseThrow(() -> new AssertionError(file + " plans no REMOVE_PERMISSION"));
    }

    // ---- fixtures ---------------------------------------------------------------------------

    static String resource(String name) {
        try (InputStream in = FaultFixtures.class.getResourceAsStream("/faults/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no test resource faults/" + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A {@code GetPolicy} response body: the policy document of a fixture, compacted into the
     * {@code Policy} string as Lambda returns it, with the given revision id.
     */
    static String getPolicyBody(String policyFixture, String revisionId) {
        try {
            JsonNode document = JSON.readTree(resource(policyFixture));
            return JSON.createObjectNode().put("Policy", JSON.writeValueAsString(document))
                    .put("RevisionId", revisionId).toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---- Lambda REST paths (a function ARN in a path is percent-encoded: match by pattern) ---

    /** The unqualified ARN of a function in the sample account, as it appears in a request path. */
    static String arnInPath(String functionName) {
        return "arn(%3A|:)aws(%3A|:)lambda(%3A|:)us-east-1(%3A|:)" + ACCOUNT + "(%3A|:)function(%3A|:)" + functionName;
    }

    /** GetPolicy (GET) and the prefix of RemovePermission (DELETE). */
    static String policyPath(String functionName) {
        return "/2015-03-31/functions/" + arnInPath(functionName) + "/policy";
    }

    /** RemovePermission (DELETE) of one statement. */
    static String statementPath(String functionName, String statementId) {
        return policyPath(functionName) + "/" + statementId;
    }

    /** GetFunction (GET). */
    static String functionPath(String functionName) {
        return "/2015-03-31/functions/" + arnInPath(functionName);
    }

    /** PutFunctionConcurrency (PUT). */
    static String concurrencyPath(String functionName) {
        return "/2017-10-31/functions/" + arnInPath(functionName) + "/concurrency";
    }

    /** TagResource (POST). */
    static String tagsPath(String functionName) {
        return "/2017-03-31/tags/" + arnInPath(functionName);
    }

    // ---- responses ------------------------------------------------------------------------

    static ResponseDefinitionBuilder lambdaJson(String body) {
        return aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody(body);
    }

    /** A Lambda error as the REST-JSON protocol carries it: status, {@code x-amzn-ErrorType}, JSON body. */
    static ResponseDefinitionBuilder lambdaError(int status, String errorType, String bodyFixture) {
        return aResponse().withStatus(status).withHeader("Content-Type", "application/json")
                .withHeader("x-amzn-ErrorType", errorType).withBody(resource(bodyFixture));
    }

    static ResponseDefinitionBuilder throttled() {
        return lambdaError(429, "TooManyRequestsException", "error-429-too-many-requests.json");
    }

    static ResponseDefinitionBuilder serviceError(int status) {
        return lambdaError(status, "ServiceException", "error-5xx-service.json");
    }

    static ResponseDefinitionBuilder preconditionFailed() {
        return lambdaError(412, "PreconditionFailedException", "error-412-precondition-failed.json");
    }

    static ResponseDefinitionBuilder resourceNotFound() {
        return lambdaError(404, "ResourceNotFoundException", "error-404-resource-not-found.json");
    }

    // ---- SNS (Query protocol: form-encoded POST /, XML out) -----------------------------------

    static MappingBuilder snsPublish() {
        return post(urlEqualTo("/")).withRequestBody(containing("Action=Publish"));
    }

    static RequestPatternBuilder snsPublishRequests() {
        return postRequestedFor(urlEqualTo("/")).withRequestBody(containing("Action=Publish"));
    }

    /** The parameters of a form-encoded (Query protocol) request body. */
    static Map<String, String> form(String body) {
        Map<String, String> params = new LinkedHashMap<>();
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            String key = eq < 0 ? pair : pair.substring(0, eq);
            String value = eq < 0 ? "" : pair.substring(eq + 1);
            params.put(URLDecoder.decode(key, StandardCharsets.UTF_8),
                    URLDecoder.decode(value, StandardCharsets.UTF_8));
        }
        return params;
    }

    static ResponseDefinitionBuilder snsPublished() {
        return aResponse().withStatus(200).withHeader("Content-Type", "text/xml").withBody(resource("sns-publish-response.xml"));
    }

    static ResponseDefinitionBuilder snsInternalError() {
        return aResponse().withStatus(500).withHeader("Content-Type", "text/xml").withBody(resource("sns-error-500-internal.xml"));
    }

    // ---- DynamoDB (JSON 1.0: POST / with X-Amz-Target) ----------------------------------------

    static MappingBuilder dynamo(String operation) {
        return post(urlEqualTo("/")).withHeader("X-Amz-Target", equalTo("DynamoDB_20120810." + operation));
    }

    static RequestPatternBuilder dynamoRequests(String operation) {
        return postRequestedFor(urlEqualTo("/")).withHeader("X-Amz-Target", equalTo("DynamoDB_20120810." + operation));
    }

    /** A request on the state item of one CloudTrail event (never a PutItem: the store only updates and reads it). */
    static RequestPatternBuilder dynamoRequests(String operation, String eventId) {
        return dynamoRequests(operation).withRequestBody(matchingJsonPath("$.Key.pk.S", equalTo("event#" + eventId)));
    }

    /**
     * The four writes {@code DynamoDbStateStore} makes on an event's item. All four are
     * {@code UpdateItem}; they are told apart by a part of their update expression that only
     * that write has.
     */
    enum StateWrite {
        /** {@code SET #status = :inProgress, ... ADD attempts :one}, conditional, returning ALL_NEW. */
        CLAIM("claim", "ADD attempts"),
        /** {@code SET #status = :released, alert = :alert REMOVE leaseUntil}: a failed alert kept for a retry. */
        KEEP_ALERT("keepAlert", "alert = :alert"),
        /** {@code SET #status = :done REMOVE leaseUntil, alert}. */
        COMPLETE("complete", "#status = :done"),
        /** {@code SET #status = :released REMOVE leaseUntil}, conditional on IN_PROGRESS. */
        RELEASE("release", "#status = :released REMOVE");

        private final String method;
        private final String expressionPart;

        StateWrite(String method, String expressionPart) {
            this.method = method;
            this.expressionPart = expressionPart;
        }

        MappingBuilder stub() {
            return dynamo("UpdateItem").withRequestBody(matchingJsonPath("$.UpdateExpression", containing(expressionPart)));
        }

        RequestPatternBuilder requests(String eventId) {
            return dynamoRequests("UpdateItem", eventId)
                    .withRequestBody(matchingJsonPath("$.UpdateExpression", containing(expressionPart)));
        }

        /** How {@link #calls} names it: {@code UpdateItem} and the {@code StateStore} method. */
        String call() {
            return "UpdateItem " + method;
        }

        static Optional<StateWrite> of(String updateExpression) {
            return Arrays.stream(values()).filter(w -> updateExpression.contains(w.expressionPart)).findFirst();
        }
    }

    /** A JSON 1.0 answer. */
    static ResponseDefinitionBuilder dynamoJson(String body) {
        return aResponse().withStatus(200).withHeader("Content-Type", JSON_1_0).withBody(body);
    }

    /**
     * The state table answers every call: the claim is the event's first ({@code attempts} 1),
     * the other writes succeed, no known-good VPC config is stored.
     */
    static void stubStateTable(WireMockExtension wm) {
        for (String operation : List.of("PutItem", "GetItem", "UpdateItem")) {
            wm.stubFor(dynamo(operation).atPriority(10).willReturn(dynamoJson("{}")));
        }
        stubClaim(wm, 1);
    }

    /**
     * The claim succeeds as attempt {@code attempts} (what {@code ADD attempts :one} leaves). The
     * returned item (ALL_NEW) holds the attributes the claim set; its key is left out, the store
     * reads only {@code attempts} and {@code alert}.
     */
    static void stubClaim(WireMockExtension wm, int attempts) {
        wm.stubFor(StateWrite.CLAIM.stub().willReturn(dynamoJson(claimed(attempts, null))));
    }

    /**
     * The claims of successive deliveries of one event: attempt 1, 2, ... in turn (a WireMock
     * scenario), as the item's {@code attempts} counter grows.
     */
    static void stubClaimsInTurn(WireMockExtension wm, int deliveries) {
        for (int attempt = 1; attempt <= deliveries; attempt++) {
            wm.stubFor(StateWrite.CLAIM.stub().inScenario("deliveries")
                    .whenScenarioStateIs(attempt == 1 ? Scenario.STARTED : "claimed " + (attempt - 1))
                    .willReturn(dynamoJson(claimed(attempt, null))).willSetStateTo("claimed " + attempt));
        }
    }

    /** The claim of a delivery after one that acted but could not publish: the item still holds the kept alert. */
    static void stubClaimWithKeptAlert(WireMockExtension wm, int attempts, String alertJson) {
        wm.stubFor(StateWrite.CLAIM.stub().willReturn(dynamoJson(claimed(attempts, alertJson))));
    }

    private static String claimed(int attempts, String alertJson) {
        ObjectNode attributes = JSON.createObjectNode();
        attributes.putObject("status").put("S", "IN_PROGRESS");
        attributes.putObject("leaseUntil").put("N", "1773828116");
        attributes.putObject("expiresAt").put("N", "1774432826");
        attributes.putObject("attempts").put("N", Integer.toString(attempts));
        if (alertJson != null) {
            attributes.putObject("alert").put("S", alertJson);
        }
        ObjectNode body = JSON.createObjectNode();
        body.set("Attributes", attributes);
        return body.toString();
    }

    /**
     * The claim's condition fails (the item is DONE, or IN_PROGRESS under an unexpired lease),
     * and the consistent read that follows finds the item with {@code status}.
     */
    static void stubClaimTaken(WireMockExtension wm, String eventId, String status) {
        wm.stubFor(StateWrite.CLAIM.stub().willReturn(aResponse().withStatus(400).withHeader("Content-Type", JSON_1_0)
                .withBody("{\"__type\":\"com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException\","
                        + "\"message\":\"The conditional request failed\"}")));
        wm.stubFor(dynamo("GetItem").willReturn(dynamoJson(
                "{\"Item\":{\"pk\":{\"S\":\"event#" + eventId + "\"},\"status\":{\"S\":\"" + status + "\"}}}")));
    }

    /** A {@code vpc#} item: the last known-good VPC config of a function. */
    static void stubKnownGoodVpc(WireMockExtension wm, String functionArn, List<String> subnetIds,
                                 List<String> securityGroupIds, String vpcId) {
        ObjectNode item = JSON.createObjectNode();
        item.putObject("pk").put("S", "vpc#" + functionArn);
        subnetIds.forEach(item.putObject("subnetIds").putArray("SS")::add);
        securityGroupIds.forEach(item.putObject("securityGroupIds").putArray("SS")::add);
        item.putObject("vpcId").put("S", vpcId);
        ObjectNode body = JSON.createObjectNode();
        body.set("Item", item);
        wm.stubFor(dynamo("GetItem").withRequestBody(matchingJsonPath("$.Key.pk.S", equalTo("vpc#" + functionArn)))
                .willReturn(dynamoJson(body.toString())));
    }

    /** The alert JSON a {@code keepAlert} request kept (its {@code :alert} value). */
    static String keptAlert(LoggedRequest keepAlert) {
        try {
            return JSON.readTree(keepAlert.getBodyAsString()).path("ExpressionAttributeValues").path(":alert")
                    .path("S").textValue();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---- what reached the server, in order ------------------------------------------------------

    private static final List<Map.Entry<Pattern, String>> LAMBDA_OPERATIONS = List.of(
            Map.entry(Pattern.compile("GET /2015-03-31/functions/[^/]+"), "GetFunction"),
            Map.entry(Pattern.compile("GET /2015-03-31/functions/[^/]+/policy"), "GetPolicy"),
            Map.entry(Pattern.compile("DELETE /2015-03-31/functions/[^/]+/policy/[^/]+"), "RemovePermission"),
            Map.entry(Pattern.compile("PUT /2015-03-31/functions/[^/]+/configuration"), "UpdateFunctionConfiguration"),
            Map.entry(Pattern.compile("PUT /2017-10-31/functions/[^/]+/concurrency"), "PutFunctionConcurrency"),
            Map.entry(Pattern.compile("POST /2017-03-31/tags/[^/]+"), "TagResource"));

    /**
     * Every request the server received, oldest first, named by its operation: the Lambda
     * operation, {@code Publish}, the DynamoDB operation (an {@code UpdateItem} with the
     * {@link StateWrite} it is). One entry per HTTP request, so the SDK's retries show.
     */
    static List<String> calls(WireMockExtension wm) {
        List<ServeEvent> served = new ArrayList<>(wm.getAllServeEvents());
        // getAllServeEvents lists the newest first.
        Collections.reverse(served);
        return served.stream().map(e -> operation(e.getRequest())).toList();
    }

    private static String operation(LoggedRequest request) {
        String target = request.getHeader("X-Amz-Target");
        if (target != null) {
            String operation = target.substring(target.indexOf('.') + 1);
            if (!operation.equals("UpdateItem")) {
                return operation;
            }
            try {
                String expression = JSON.readTree(request.getBodyAsString()).path("UpdateExpression").asText();
                return StateWrite.of(expression).map(StateWrite::call).orElse("UpdateItem " + expression);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        if (request.getBodyAsString().contains("Action=Publish")) {
            return "Publish";
        }
        String path = request.getUrl().replaceFirst("\\?.*", "");
        String call = request.getMethod().getName() + " " + path;
        return LAMBDA_OPERATIONS.stream().filter(op -> op.getKey().matcher(call).matches()).map(Map.Entry::getValue)
                .findFirst().orElse(call);
    }

    // ---- alerts as published ----------------------------------------------------------------------

    /**
     * One SNS {@code Publish} request as the notifier sent it: the subject, the message attributes
     * (name to string value), the text email subscribers get and the JSON document the others get.
     */
    record Published(String subject, Map<String, String> attributes, String text, JsonNode document, String message) {

        String decision() {
            return attributes.get("decision");
        }

        /** The {@code status} of each outcome in the document, in order. */
        List<String> outcomeStatuses() {
            List<String> statuses = new ArrayList<>();
            document.path("outcomes").forEach(o -> statuses.add(o.path("status").asText()));
            return statuses;
        }
    }

    /** Every {@code Publish} request the server received (answered or not), oldest first. */
    static List<Published> published(WireMockExtension wm) {
        return wm.findAll(snsPublishRequests()).stream().map(r -> published(form(r.getBodyAsString()))).toList();
    }

    private static Published published(Map<String, String> params) {
        Map<String, String> attributes = new LinkedHashMap<>();
        for (Map.Entry<String, String> param : params.entrySet()) {
            Matcher name = Pattern.compile("MessageAttributes\\.entry\\.(\\d+)\\.Name").matcher(param.getKey());
            if (name.matches()) {
                attributes.put(param.getValue(), params.get("MessageAttributes.entry." + name.group(1) + ".Value.StringValue"));
            }
        }
        try {
            JsonNode message = JSON.readTree(params.get("Message"));
            return new Published(params.get("Subject"), attributes, message.path("default").asText(),
                    JSON.readTree(message.path("sqs").asText()), params.get("Message"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---- logs -------------------------------------------------------------------------------

    /** A {@code JsonLog} target whose lines the test can read back. */
    static final class CapturedLog {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

        List<JsonNode> lines() {
            List<JsonNode> lines = new ArrayList<>();
            for (String line : bytes.toString(StandardCharsets.UTF_8).split("\n")) {
                if (!line.isBlank()) {
                    try {
                        lines.add(JSON.readTree(line));
                    } catch (IOException e) {
                        throw new AssertionError("log line is not JSON: " + line, e);
                    }
                }
            }
            return lines;
        }

        List<JsonNode> at(String level, String message) {
            return lines().stream().filter(l -> level.equals(l.path("level").asText())
                    && message.equals(l.path("message").asText())).toList();
        }

        @Override
        public String toString() {
            return bytes.toString(StandardCharsets.UTF_8);
        }
    }
}
