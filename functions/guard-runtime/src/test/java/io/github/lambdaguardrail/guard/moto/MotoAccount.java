package io.github.lambdaguardrail.guard.moto;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.lambdaguardrail.engine.WatchedApi;
import io.github.lambdaguardrail.guard.AwsClients;
import io.github.lambdaguardrail.guard.Guard;
import io.github.lambdaguardrail.guard.GuardConfig;
import io.github.lambdaguardrail.guard.GuardFunction;
import io.github.lambdaguardrail.guard.GuardPermissions;
import io.github.lambdaguardrail.guard.GuardReport;
import io.github.lambdaguardrail.guard.LambdaRemediator;
import io.github.lambdaguardrail.runtime.EmfMetrics;
import io.github.lambdaguardrail.runtime.JsonLog;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Consumer;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.AddPermissionRequest;
import software.amazon.awssdk.services.lambda.model.AddPermissionResponse;
import software.amazon.awssdk.services.lambda.model.CreateFunctionRequest;
import software.amazon.awssdk.services.lambda.model.CreateFunctionResponse;
import software.amazon.awssdk.services.lambda.model.FunctionCode;
import software.amazon.awssdk.services.lambda.model.GetFunctionConfigurationResponse;
import software.amazon.awssdk.services.lambda.model.GetPolicyResponse;
import software.amazon.awssdk.services.lambda.model.ResourceNotFoundException;
import software.amazon.awssdk.services.lambda.model.Runtime;
import software.amazon.awssdk.services.lambda.model.UpdateFunctionConfigurationRequest;
import software.amazon.awssdk.services.lambda.model.UpdateFunctionConfigurationResponse;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.PublishRequest;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * One test's guard world in moto server ({@link MotoWorld} makes one per test that asks for it,
 * in the world's account, and resets moto after), reached through the real SDK v2 clients: an IAM
 * role for its functions and one for the guard itself, the guard's DynamoDB state table (TTL on
 * {@code expiresAt}), the alert topic with an SQS queue subscribed (raw delivery off, so the SNS
 * envelope with the message attributes arrives), and the functions the test creates. Every name
 * carries a random suffix, except the functions {@link #replay} makes, named as in their sample
 * event.
 *
 * <p>Two sets of clients: the test's own, to set up and inspect the world, and the guard's, built
 * by {@link AwsClients} on the production settings ({@link MotoWorld#settings()}), whose every call
 * is recorded in {@link #guardCalls} and, after the test, checked against what the guard's role
 * grants. The guard logs to {@link #log()}. Two interceptors make moto answer as AWS does where
 * the guard depends on it: {@link MotoRendering} (function-URL conditions) and
 * {@link AtomicConditionalWrites} (DynamoDB conditional writes under concurrency).
 */
public final class MotoAccount {

    /** The template's {@code POWERTOOLS_METRICS_NAMESPACE}. */
    static final String METRICS_NAMESPACE = "LambdaGuardrail";

    final String suffix = UUID.randomUUID().toString().substring(0, 8);
    /** The account the world is in: moto's, or the sample events' for the handler tests. */
    final String account;

    // The test's clients: set up and inspect the world. Not recorded.
    final LambdaClient lambda;
    /** Lambda without {@link MotoRendering}: statements exactly as moto stores them. */
    final LambdaClient lambdaAsMotoRendersIt;
    final SnsClient sns;
    final SqsClient sqs;
    final DynamoDbClient dynamo;
    /** Every call the guard makes, in order. */
    final RecordedCalls guardCalls = new RecordedCalls();

    final String functionRoleArn;
    /** The role the guard functions run as: {@code GUARDRAIL_SELF_ROLE_ARNS}. */
    final String guardRoleArn;
    final String table;
    final String topicArn;
    final String queueUrl;

    private final AwsClients guardClients;
    /** The APIs of every guard this test built: their calls must be granted. */
    private final Set<WatchedApi> guardApis = new TreeSet<>();
    private final ByteArrayOutputStream logBytes = new ByteArrayOutputStream();
    private final JsonLog log = new JsonLog(new PrintStream(logBytes, true, StandardCharsets.UTF_8));
    private int functions;

    /** A request the test made and moto's response. */
    public record ApiCall<Q, R>(Q request, R response) {
    }

    MotoAccount(MotoWorld world) {
        account = world.accountId();
        MotoRendering rendering = new MotoRendering();
        lambda = AwsClients.lambda(world.settings().withInterceptors(rendering));
        lambdaAsMotoRendersIt = world.lambda();
        sns = world.sns();
        sqs = world.sqs();
        dynamo = world.dynamo();
        guardClients = new AwsClients(AwsClients.lambda(world.settings().withInterceptors(rendering, guardCalls)),
                AwsClients.sns(world.settings().withInterceptors(guardCalls)),
                AwsClients.dynamo(world.settings().withInterceptors(new AtomicConditionalWrites(), guardCalls)));

        functionRoleArn = world.createRole("fn-role-" + suffix);
        guardRoleArn = world.createRole("guard-role-" + suffix);
        table = world.createStateTable("guard-state-" + suffix);
        MotoWorld.Topic alerts = world.createTopicWithQueue("guard-alerts-" + suffix);
        topicArn = alerts.arn();
        queueUrl = alerts.queueUrl();
    }

    // ---- the guard -------------------------------------------------------------------------

    /**
     * Every AWS call the guards made is one their roles grant: the template grants exactly
     * {@link GuardPermissions#forApis} (deployment's TemplatePermissionsTest), so a call outside
     * it would fail with AccessDenied in a real account.
     */
    void assertGuardCallsGranted() {
        Set<String> undeclared = new TreeSet<>(guardCalls.iamActions());
        undeclared.removeAll(GuardPermissions.forApis(List.copyOf(guardApis)));
        assertEquals(Set.of(), undeclared, "calls the guards made that their roles do not grant");
    }

    /**
     * The remediator of the guard watching {@code apis}, on the guards' recorded Lambda client; its
     * calls are checked against that guard's grants after the test.
     */
    LambdaRemediator remediator(List<WatchedApi> apis) {
        guardApis.addAll(apis);
        return new LambdaRemediator(guardClients::lambda);
    }

    /** The clients every guard of this account uses (recorded in {@link #guardCalls}). */
    AwsClients guardClients() {
        return guardClients;
    }

    /** The permission guard in rollback mode. */
    public Guard permissionGuard() {
        return guard(WatchedApi.resourcePolicy(), Map.of("GUARDRAIL_MODE", "rollback"));
    }

    /** The VPC guard in rollback mode. */
    Guard vpcGuard() {
        return guard(WatchedApi.functionConfiguration(), Map.of("GUARDRAIL_MODE", "rollback"));
    }

    /**
     * A guard configured as its function is, from environment variables: this account's topic,
     * table and guard role, plus {@code variables} (mode, dry run, policy settings).
     */
    public Guard guard(List<WatchedApi> apis, Map<String, String> variables) {
        guardApis.addAll(apis);
        return Guard.create(GuardConfig.fromEnvironment(environment(variables)), apis, guardClients, log);
    }

    /**
     * What a guard handler's package-private constructor takes: the guard of {@link #guard}, its
     * calls checked against its grants after the test, logging to {@link #log()}.
     */
    GuardFunction guardFunction(List<WatchedApi> apis, Map<String, String> variables) {
        return new GuardFunction(guard(apis, variables), guardClients, log, EmfMetrics.fromEnvironment(
                Map.of("POWERTOOLS_METRICS_NAMESPACE", METRICS_NAMESPACE), new PrintStream(logBytes, true, StandardCharsets.UTF_8)));
    }

    /** A function's environment as the template sets it: this account's topic, table and guard role, plus {@code variables}. */
    public Map<String, String> environment(Map<String, String> variables) {
        Map<String, String> env = new HashMap<>(Map.of(
                "GUARDRAIL_TOPIC_ARN", topicArn,
                "GUARDRAIL_STATE_TABLE", table,
                "GUARDRAIL_SELF_ROLE_ARNS", guardRoleArn));
        env.putAll(variables);
        return env;
    }

    public static GuardReport deliver(Guard guard, ObjectNode event) {
        return guard.handle(new ByteArrayInputStream(CloudTrailEvents.bytes(event)));
    }

    /** Everything the guard logged so far, one JSON object per line. */
    List<JsonNode> log() {
        List<JsonNode> lines = new ArrayList<>();
        for (String line : logBytes.toString(StandardCharsets.UTF_8).split("\n")) {
            if (!line.isBlank()) {
                lines.add(read(line));
            }
        }
        return lines;
    }

    /** The log lines with this message. */
    List<JsonNode> log(String message) {
        return log().stream().filter(l -> message.equals(l.path("message").asText())).toList();
    }

    /**
     * The email text of every alert the guard published: the topic message's {@code "default"}
     * entry (also its {@code "email"} entry), which SQS subscribers do not receive.
     */
    List<String> emailTexts() {
        return guardCalls.requests(PublishRequest.class).stream()
                .map(p -> read(p.message()).path("default").asText()).toList();
    }

    // ---- Lambda ----------------------------------------------------------------------------

    /** A unique name: the prefix and this account's suffix. */
    String name(String prefix) {
        return prefix + "-" + suffix + "-" + functions;
    }

    /** Creates a python3.12 function (handler {@code x}) outside any VPC, plus what {@code more} sets. */
    public ApiCall<CreateFunctionRequest, CreateFunctionResponse> createFunction(String prefix,
                                                                                 Consumer<CreateFunctionRequest.Builder> more) {
        CreateFunctionRequest request = CreateFunctionRequest.builder().functionName(name(prefix))
                .runtime(Runtime.PYTHON3_12).handler("x.handler").role(functionRoleArn)
                .code(FunctionCode.builder().zipFile(SdkBytes.fromByteArray(MotoWorld.CODE)).build())
                .applyMutation(more).build();
        CreateFunctionResponse response = lambda.createFunction(request);
        functions++;
        return new ApiCall<>(request, response);
    }

    public String createFunction(String prefix) {
        return createFunction(prefix, b -> { }).request().functionName();
    }

    public ApiCall<AddPermissionRequest, AddPermissionResponse> addPermission(Consumer<AddPermissionRequest.Builder> spec) {
        AddPermissionRequest request = AddPermissionRequest.builder().applyMutation(spec).build();
        return new ApiCall<>(request, lambda.addPermission(request));
    }

    ApiCall<UpdateFunctionConfigurationRequest, UpdateFunctionConfigurationResponse> updateConfiguration(
            Consumer<UpdateFunctionConfigurationRequest.Builder> spec) {
        UpdateFunctionConfigurationRequest request = UpdateFunctionConfigurationRequest.builder().applyMutation(spec).build();
        return new ApiCall<>(request, lambda.updateFunctionConfiguration(request));
    }

    /**
     * Puts this account where the successful Lambda calls of a sample event left it, so a guard
     * finds the live state the event describes: each function created or configured, with the
     * VPC config of the record's response and the tags of its request, and each statement added,
     * through AddPermission with the recorded parameters (on an alias of that name when the call
     * named a qualifier). Failed calls and calls no guard watches change nothing.
     */
    void replay(SampleEvent event) {
        Set<String> made = new TreeSet<>();
        for (JsonNode record : event.records()) {
            if (!"lambda.amazonaws.com".equals(record.path("eventSource").asText()) || record.hasNonNull("errorCode")) {
                continue;
            }
            String call = record.path("eventName").asText();
            JsonNode request = record.path("requestParameters");
            String function = request.path("functionName").asText().replaceFirst("^arn:.*:function:", "");
            if (call.startsWith("CreateFunction") || call.startsWith("UpdateFunctionConfiguration")) {
                JsonNode vpc = record.path("responseElements").path("vpcConfig");
                Map<String, String> tags = new LinkedHashMap<>();
                request.path("tags").properties().forEach(tag -> tags.put(tag.getKey(), tag.getValue().asText()));
                createFunction(function, b -> b.functionName(function).tags(tags).applyMutation(f -> {
                    if (!vpc.path("subnetIds").isEmpty()) {
                        f.vpcConfig(v -> v.subnetIds(texts(vpc.path("subnetIds"))).securityGroupIds(texts(vpc.path("securityGroupIds"))));
                    }
                }));
                made.add(function);
            } else if (call.startsWith("AddPermission")) {
                if (made.add(function)) {
                    createFunction(function, b -> b.functionName(function));
                }
                Optional<String> qualifier = text(request, "qualifier");
                qualifier.ifPresent(alias -> lambda.createAlias(b -> b.functionName(function).name(alias)
                        .functionVersion(lambda.publishVersion(v -> v.functionName(function)).version())));
                addPermission(b -> b.functionName(function).qualifier(qualifier.orElse(null))
                        .statementId(request.path("statementId").asText()).action(request.path("action").asText())
                        .principal(request.path("principal").asText()).sourceArn(text(request, "sourceArn").orElse(null))
                        .sourceAccount(text(request, "sourceAccount").orElse(null))
                        .principalOrgID(text(request, "principalOrgID").orElse(null))
                        .functionUrlAuthType(text(request, "functionUrlAuthType").orElse(null))
                        .invokedViaFunctionUrl(request.hasNonNull("invokedViaFunctionUrl")
                                ? request.get("invokedViaFunctionUrl").asBoolean() : null));
            }
        }
    }

    private static Optional<String> text(JsonNode object, String field) {
        return Optional.ofNullable(object.get(field)).filter(JsonNode::isTextual).map(JsonNode::asText);
    }

    private static List<String> texts(JsonNode array) {
        List<String> texts = new ArrayList<>();
        array.forEach(item -> texts.add(item.asText()));
        return texts;
    }

    /** A function's ARN in moto's account. */
    public static String functionArn(String name) {
        return functionArn(MotoWorld.ACCOUNT, name);
    }

    static String functionArn(String account, String name) {
        return "arn:aws:lambda:" + MotoWorld.REGION + ":" + account + ":function:" + name;
    }

    /** The function's (or qualifier's) policy statements by Sid, as moto holds them; empty without a policy. */
    Map<String, JsonNode> statements(String function, String qualifier) {
        Map<String, JsonNode> bySid = new LinkedHashMap<>();
        policy(function, qualifier).ifPresent(p -> read(p.policy()).path("Statement")
                .forEach(s -> bySid.put(s.path("Sid").asText(), s)));
        return bySid;
    }

    public Map<String, JsonNode> statements(String function) {
        return statements(function, null);
    }

    Optional<GetPolicyResponse> policy(String function, String qualifier) {
        try {
            return Optional.of(lambda.getPolicy(b -> b.functionName(function).qualifier(qualifier)));
        } catch (ResourceNotFoundException e) {
            return Optional.empty();
        }
    }

    /** Reserved concurrency from GetFunctionConcurrency (moto's GetFunction omits a reserved 0). */
    public Optional<Integer> reservedConcurrency(String function) {
        return Optional.ofNullable(lambda.getFunctionConcurrency(b -> b.functionName(function)).reservedConcurrentExecutions());
    }

    Map<String, String> tags(String function) {
        return lambda.listTags(b -> b.resource(functionArn(account, function))).tags();
    }

    GetFunctionConfigurationResponse configuration(String function) {
        return lambda.getFunctionConfiguration(b -> b.functionName(function));
    }

    // ---- state table -----------------------------------------------------------------------

    /** Every item of the guard's state table, keyed by {@code pk}. */
    public Map<String, Map<String, AttributeValue>> stateItems() {
        Map<String, Map<String, AttributeValue>> items = new LinkedHashMap<>();
        dynamo.scanPaginator(b -> b.tableName(table).consistentRead(true))
                .items().forEach(item -> items.put(item.get("pk").s(), item));
        return items;
    }

    // ---- alerts ----------------------------------------------------------------------------

    /**
     * Reads the alert queue with long polling until {@code expected} alerts arrived (at most about
     * 5 s), then keeps reading until the queue stays empty for a second, so extra alerts are
     * counted too. Every message read is deleted.
     */
    public List<DeliveredAlert> awaitAlerts(int expected) {
        List<DeliveredAlert> alerts = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (alerts.size() < expected && System.nanoTime() < deadline) {
            alerts.addAll(receive(1));
        }
        List<DeliveredAlert> more;
        do {
            more = receive(1);
            alerts.addAll(more);
        } while (!more.isEmpty());
        return alerts;
    }

    /** Drains the alert queue, waiting a little for late deliveries. */
    List<DeliveredAlert> drainAlerts() {
        return awaitAlerts(0);
    }

    private List<DeliveredAlert> receive(int waitSeconds) {
        List<Message> messages = sqs.receiveMessage(b -> b.queueUrl(queueUrl).maxNumberOfMessages(10)
                .waitTimeSeconds(waitSeconds)).messages();
        List<DeliveredAlert> alerts = new ArrayList<>();
        for (Message m : messages) {
            alerts.add(DeliveredAlert.fromSqsBody(m.body()));
            sqs.deleteMessage(b -> b.queueUrl(queueUrl).receiptHandle(m.receiptHandle()));
        }
        return alerts;
    }

    /** Closes the clients of this world's own; {@link MotoWorld} resets moto. */
    void close() {
        guardClients.close();
        lambda.close();
    }

    static JsonNode read(String json) {
        try {
            return SdkJson.JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
