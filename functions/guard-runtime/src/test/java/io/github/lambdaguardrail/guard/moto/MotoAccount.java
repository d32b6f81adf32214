package io.github.lambdaguardrail.guard.moto;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.lambdaguardrail.engine.GuardrailEngine;
import io.github.lambdaguardrail.engine.WatchedApi;
import io.github.lambdaguardrail.guard.AwsClients;
import io.github.lambdaguardrail.guard.DynamoDbStateStore;
import io.github.lambdaguardrail.guard.Guard;
import io.github.lambdaguardrail.guard.GuardConfig;
import io.github.lambdaguardrail.guard.GuardFunction;
import io.github.lambdaguardrail.guard.GuardPermissions;
import io.github.lambdaguardrail.guard.GuardReport;
import io.github.lambdaguardrail.guard.JsonLog;
import io.github.lambdaguardrail.guard.SnsNotifier;
import io.github.lambdaguardrail.guard.sweep.FunctionScanner;
import io.github.lambdaguardrail.guard.sweep.MotoInventory;
import io.github.lambdaguardrail.guard.sweep.ScanClient;
import io.github.lambdaguardrail.guard.sweep.ScanSettings;
import io.github.lambdaguardrail.guard.sweep.SweepConfig;
import io.github.lambdaguardrail.guard.sweep.SweepFunction;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
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
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.iam.IamClient;
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
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.Credentials;

/**
 * One test's world in moto server, reached through the real SDK v2 clients: an IAM role for its
 * functions and one for the guard itself, the guard's DynamoDB state table (TTL on
 * {@code expiresAt}), the alert topic with an SQS queue subscribed (raw delivery off, so the SNS
 * envelope with the message attributes arrives), and the functions the test creates. Every name
 * carries a random suffix, so tests never see each other's resources, except the functions
 * {@link #replay} makes, named as in their sample event; {@link #close()} deletes them all. The
 * world is in moto's default account, or in another one ({@link #open(String)}: the account of the
 * sample events, or a fresh one for a sweep that must see only its own functions).
 *
 * <p>Two sets of clients: the test's own, to set up and inspect the world, and the guard's, built
 * into {@link AwsClients} with {@link AwsClients#overrides()}, whose every call is recorded in
 * {@link #guardCalls}. The guard logs to {@link #log()}. Two interceptors make moto answer as AWS
 * does where the guard depends on it: {@link MotoRendering} (function-URL conditions) and
 * {@link AtomicConditionalWrites} (DynamoDB conditional writes under concurrency).
 */
public final class MotoAccount implements AutoCloseable {

    /** moto's default account; CloudTrail records must name it to be actionable. */
    static final String ACCOUNT = "123456789012";
    static final String REGION = "us-east-1";
    static final URI ENDPOINT = MotoServer.ENDPOINT;
    /** The template's {@code POWERTOOLS_METRICS_NAMESPACE}. */
    static final String METRICS_NAMESPACE = "LambdaGuardrail";

    private static final String LAMBDA_TRUST = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
            + "\"Principal\":{\"Service\":\"lambda.amazonaws.com\"},\"Action\":\"sts:AssumeRole\"}]}";
    private static final byte[] CODE = zip("x.py", "def x(event, context):\n    return event\n");

    final String suffix = UUID.randomUUID().toString().substring(0, 8);
    private final String account;

    // The test's clients: set up and inspect the world. Not recorded.
    final LambdaClient lambda;
    /** Lambda without {@link MotoRendering}: statements exactly as moto stores them. */
    final LambdaClient lambdaAsMotoRendersIt;
    final SnsClient sns;
    final SqsClient sqs;
    final DynamoDbClient dynamo;
    final IamClient iam;
    /** Every call the guard makes, in order. */
    final RecordedCalls guardCalls = new RecordedCalls();

    final String functionRoleArn;
    /** The role the guard functions run as: {@code GUARDRAIL_SELF_ROLE_ARNS}. */
    final String guardRoleArn;
    final String table;
    final String topicArn;
    final String queueUrl;

    private final SdkHttpClient http;
    private final AwsCredentialsProvider credentials;
    private final AwsClients guardClients;
    private final ByteArrayOutputStream logBytes = new ByteArrayOutputStream();
    private final JsonLog log = new JsonLog(new PrintStream(logBytes, true, StandardCharsets.UTF_8));
    private final List<String> roles = new ArrayList<>();
    private final List<String> functions = new ArrayList<>();
    private final List<ScanClient> scanClients = new ArrayList<>();

    /** A request the test made and moto's response. */
    public record ApiCall<Q, R>(Q request, R response) {
    }

    private MotoAccount(String account) {
        MotoServer.require();
        this.account = account;
        http = UrlConnectionHttpClient.builder().build();
        credentials = credentialsFor(account, http);
        MotoRendering rendering = new MotoRendering();
        lambda = client(LambdaClient.builder(), rendering);
        lambdaAsMotoRendersIt = client(LambdaClient.builder());
        sns = client(SnsClient.builder());
        sqs = client(SqsClient.builder());
        dynamo = client(DynamoDbClient.builder());
        iam = client(IamClient.builder());
        guardClients = new AwsClients(client(LambdaClient.builder(), rendering, guardCalls),
                client(SnsClient.builder(), guardCalls),
                client(DynamoDbClient.builder(), new AtomicConditionalWrites(), guardCalls));

        functionRoleArn = createRole("fn-role-" + suffix);
        guardRoleArn = createRole("guard-role-" + suffix);
        table = "guard-state-" + suffix;
        dynamo.createTable(b -> b.tableName(table).billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(AttributeDefinition.builder().attributeName("pk").attributeType(ScalarAttributeType.S).build())
                .keySchema(KeySchemaElement.builder().attributeName("pk").keyType(KeyType.HASH).build()));
        dynamo.updateTimeToLive(b -> b.tableName(table)
                .timeToLiveSpecification(t -> t.attributeName("expiresAt").enabled(true)));
        topicArn = sns.createTopic(b -> b.name("guard-alerts-" + suffix)).topicArn();
        queueUrl = sqs.createQueue(b -> b.queueName("guard-alerts-" + suffix)).queueUrl();
        String queueArn = sqs.getQueueAttributes(b -> b.queueUrl(queueUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
        sns.subscribe(b -> b.topicArn(topicArn).protocol("sqs").endpoint(queueArn)
                .attributes(Map.of("RawMessageDelivery", "false")));
    }

    /** The account this world is in. */
    public String account() {
        return account;
    }

    /** A world in moto's default account. */
    static MotoAccount open() {
        return new MotoAccount(ACCOUNT);
    }

    /** A world in {@code account}: moto keeps every account apart, and its STS lets a caller into any. */
    public static MotoAccount open(String account) {
        return new MotoAccount(account);
    }

    /** A world in an account of its own, with nothing else in it. */
    public static MotoAccount openInNewAccount() {
        return open(String.valueOf(ThreadLocalRandom.current().nextLong(200_000_000_000L, 1_000_000_000_000L)));
    }

    /**
     * Credentials moto attributes to {@code account}: its default ones for its default account,
     * else those of a role in {@code account} assumed through moto's STS.
     */
    private static AwsCredentialsProvider credentialsFor(String account, SdkHttpClient http) {
        StaticCredentialsProvider motoDefault = StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing"));
        if (account.equals(ACCOUNT)) {
            return motoDefault;
        }
        try (StsClient sts = StsClient.builder().endpointOverride(ENDPOINT).region(Region.US_EAST_1)
                .credentialsProvider(motoDefault).httpClient(http).build()) {
            Credentials session = sts.assumeRole(b -> b.roleArn("arn:aws:iam::" + account + ":role/moto-tests")
                    .roleSessionName("moto-tests")).credentials();
            return StaticCredentialsProvider.create(AwsSessionCredentials.create(session.accessKeyId(),
                    session.secretAccessKey(), session.sessionToken()));
        }
    }


    // ---- the guard -------------------------------------------------------------------------

    /**
     * Every AWS call the guard made is one its role grants: the template grants exactly
     * {@link GuardPermissions#forApis} (deployment's TemplatePermissionsTest), so a call outside
     * it would fail with AccessDenied in a real account.
     */
    public void assertGuardCallsGranted(List<WatchedApi> apis) {
        Set<String> undeclared = new TreeSet<>(guardCalls.iamActions());
        undeclared.removeAll(GuardPermissions.forApis(apis));
        assertEquals(Set.of(), undeclared, "calls the guard made that its role does not grant");
    }

    /** The permission guard in rollback mode. */
    Guard permissionGuard() {
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
    Guard guard(List<WatchedApi> apis, Map<String, String> variables) {
        return Guard.create(GuardConfig.fromEnvironment(environment(variables)), apis, guardClients, log);
    }

    /** What a guard handler's package-private constructor takes: the guard of {@link #guard}, logging to {@link #log()}. */
    public GuardFunction guardFunction(List<WatchedApi> apis, Map<String, String> variables) {
        return new GuardFunction(guard(apis, variables), log, METRICS_NAMESPACE);
    }

    /**
     * What the sweep handler's package-private constructor takes, built as
     * {@code SweepFunction.fromEnvironment} builds it on this account: the scan reads through
     * {@link MotoInventory} (moto's gaps closed), the summary goes to the alert topic and the
     * known-good VPC configs to the state table.
     */
    public SweepFunction sweepFunction() {
        SweepConfig config = SweepConfig.fromEnvironment(environment(Map.of()));
        ScanSettings settings = ScanSettings.DEFAULT.withRateLimit(config.rateLimit());
        ScanClient scan = ScanClient.create(settings, b -> b.endpointOverride(ENDPOINT).region(Region.US_EAST_1)
                .credentialsProvider(credentials));
        scanClients.add(scan);
        FunctionScanner scanner = new FunctionScanner(new MotoInventory(scan), new GuardrailEngine(config.policy(), Set.of()),
                Optional.of(new DynamoDbStateStore(guardClients.dynamo(), config.stateTable())), settings, scan.traffic(), log);
        return new SweepFunction(scanner, new SnsNotifier(guardClients.sns(), config.topicArn()), REGION, config.account(), log);
    }

    /** A function's environment: this account's topic, table and guard role, plus {@code variables}. */
    private Map<String, String> environment(Map<String, String> variables) {
        Map<String, String> env = new HashMap<>(Map.of(
                "GUARDRAIL_TOPIC_ARN", topicArn,
                "GUARDRAIL_STATE_TABLE", table,
                "GUARDRAIL_SELF_ROLE_ARNS", guardRoleArn));
        env.putAll(variables);
        return env;
    }

    static GuardReport deliver(Guard guard, ObjectNode event) {
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
        return prefix + "-" + suffix + "-" + functions.size();
    }

    /** Creates a python3.12 function (handler {@code x}) outside any VPC, plus what {@code more} sets. */
    public ApiCall<CreateFunctionRequest, CreateFunctionResponse> createFunction(String prefix,
                                                                          Consumer<CreateFunctionRequest.Builder> more) {
        CreateFunctionRequest request = CreateFunctionRequest.builder().functionName(name(prefix))
                .runtime(Runtime.PYTHON3_12).handler("x").role(functionRoleArn)
                .code(FunctionCode.builder().zipFile(SdkBytes.fromByteArray(CODE)).build())
                .applyMutation(more).build();
        CreateFunctionResponse response = lambda.createFunction(request);
        functions.add(request.functionName());
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
     * named a qualifier). Failed calls and calls no guard watches change nothing. A function of
     * that name left over from an interrupted run is deleted first.
     */
    public void replay(SampleEvent event) {
        for (JsonNode record : event.records()) {
            if (!"lambda.amazonaws.com".equals(record.path("eventSource").asText()) || record.hasNonNull("errorCode")) {
                continue;
            }
            String call = record.path("eventName").asText();
            JsonNode request = record.path("requestParameters");
            String function = request.path("functionName").asText().replaceFirst("^arn:.*:function:", "");
            if (!functions.contains(function)) {
                quietly(() -> lambda.deleteFunction(b -> b.functionName(function)));
            }
            if (call.startsWith("CreateFunction") || call.startsWith("UpdateFunctionConfiguration")) {
                JsonNode vpc = record.path("responseElements").path("vpcConfig");
                Map<String, String> tags = new LinkedHashMap<>();
                request.path("tags").properties().forEach(tag -> tags.put(tag.getKey(), tag.getValue().asText()));
                createFunction(function, b -> b.functionName(function).tags(tags).applyMutation(f -> {
                    if (!vpc.path("subnetIds").isEmpty()) {
                        f.vpcConfig(v -> v.subnetIds(texts(vpc.path("subnetIds"))).securityGroupIds(texts(vpc.path("securityGroupIds"))));
                    }
                }));
            } else if (call.startsWith("AddPermission")) {
                if (!functions.contains(function)) {
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

    static String functionArn(String name) {
        return "arn:aws:lambda:" + REGION + ":" + ACCOUNT + ":function:" + name;
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
        return lambda.listTags(b -> b.resource("arn:aws:lambda:" + REGION + ":" + account + ":function:" + function)).tags();
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

    // ---- clean-up --------------------------------------------------------------------------

    @Override
    public void close() {
        for (String function : functions) {
            quietly(() -> lambda.deleteFunction(b -> b.functionName(function)));
        }
        quietly(() -> dynamo.deleteTable(b -> b.tableName(table)));
        quietly(() -> sns.deleteTopic(b -> b.topicArn(topicArn)));
        quietly(() -> sqs.deleteQueue(b -> b.queueUrl(queueUrl)));
        for (String role : roles) {
            quietly(() -> iam.deleteRole(b -> b.roleName(role)));
        }
        scanClients.forEach(ScanClient::close);
        guardClients.close();
        lambda.close();
        lambdaAsMotoRendersIt.close();
        sns.close();
        sqs.close();
        dynamo.close();
        iam.close();
        http.close();
    }

    private static void quietly(Runnable cleanup) {
        try {
            cleanup.run();
        } catch (RuntimeException e) {
            // Best effort: moto forgets everything when it stops.
        }
    }

    private String createRole(String name) {
        String arn = iam.createRole(b -> b.roleName(name).assumeRolePolicyDocument(LAMBDA_TRUST)).role().arn();
        roles.add(name);
        return arn;
    }

    private <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> C client(
            B builder, ExecutionInterceptor... interceptors) {
        var overrides = AwsClients.overrides().toBuilder();
        for (ExecutionInterceptor interceptor : interceptors) {
            overrides.addExecutionInterceptor(interceptor);
        }
        return builder.endpointOverride(ENDPOINT).region(Region.US_EAST_1).credentialsProvider(credentials)
                .httpClient(http).overrideConfiguration(overrides.build()).build();
    }

    static JsonNode read(String json) {
        try {
            return SdkJson.JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] zip(String file, String content) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            zip.putNextEntry(new ZipEntry(file));
            zip.write(content.getBytes(StandardCharsets.UTF_8));
            zip.closeEntry();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }
}
