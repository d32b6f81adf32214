package io.github.lambdaguardrail.guard.org;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.github.lambdaguardrail.guard.AwsClients;
import io.github.lambdaguardrail.guard.moto.DeliveredAlert;
import io.github.lambdaguardrail.guard.moto.MotoWorld;
import io.github.lambdaguardrail.runtime.ClientSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudformation.model.Capability;
import software.amazon.awssdk.services.cloudformation.model.Parameter;
import software.amazon.awssdk.services.cloudformation.model.PermissionModels;
import software.amazon.awssdk.services.cloudformation.model.StackSetOperationStatus;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResultEntry;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.NoSuchEntityException;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.Runtime;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.utils.SdkAutoCloseable;

/**
 * The JUnit 5 extension for a moto organisation: a central (delegated-administrator) account and two
 * member accounts, each governed in two regions, set up before each test as the README's
 * "Organisation" section deploys it, and moto reset after each test.
 *
 * <p>From the central account, two SELF_MANAGED StackSets deploy the member templates (moto does not
 * auto-deploy service-managed ones): {@code org/member-roles.yaml} once per member in {@link #HOME},
 * then {@code org/member-forwarder.yaml} per member in every one of {@link #REGIONS}. The central
 * account gets the bus {@link #CENTRAL_BUS} with AWS's organisation bus policy ({@code aws:PrincipalOrgID};
 * moto does not evaluate it) and a rule with the member forwarder's own pattern, read from
 * {@code org/member-forwarder.yaml}. Its target is an SQS capture queue ({@link #receiveForwarded}),
 * standing in for the evaluator function, which moto cannot target. The central account also gets
 * the guardrail's own resources as the central template makes them: the alert topic with an SQS
 * subscriber ({@link #receiveAlerts}), the state table, and the FIFO remediation queue
 * ({@link #receiveRemediations}).
 *
 * <p>Every client asks moto for its account with the {@code x-moto-account-id} header, as credentials of
 * that account would in AWS. moto's EventBridge delivers to its targets within PutEvents, so what a
 * test put has arrived (or never will) when {@link #putCloudTrailEvent} returns.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final OrgWorld org = new OrgWorld();
 * }</pre>
 * Test classes run one after the other (surefire's default), as the reset is moto-wide.
 */
public final class OrgWorld implements BeforeAllCallback, BeforeEachCallback, AfterEachCallback, AfterAllCallback {

    /** The central account: the delegated administrator that runs the guardrail. */
    public static final String CENTRAL = "111111111111";
    public static final List<String> MEMBERS = List.of("222222222222", "333333333333");
    /** The central account's region: its bus, its state table and topic, the roles StackSet. */
    public static final String HOME = "us-east-1";
    /** The governed regions: each has a forwarder in every member. */
    public static final List<String> REGIONS = List.of(HOME, "eu-west-1");
    public static final String ORGANIZATION_ID = "o-guardrail01";
    public static final String CENTRAL_BUS = "lambda-guardrail";
    public static final String CENTRAL_BUS_ARN = "arn:aws:events:" + HOME + ":" + CENTRAL + ":event-bus/" + CENTRAL_BUS;
    public static final String ROLES_STACK_SET = "lambda-guardrail-member-roles";
    public static final String FORWARDER_STACK_SET = "lambda-guardrail-member-forwarder";
    /** The central bus's rule, in place of the central template's rule to the evaluator. */
    public static final String CENTRAL_RULE = "member-lambda-api-calls";
    public static final String CAPTURE_QUEUE = "central-bus-capture";
    public static final String ALERTS = "lambda-guardrail-alerts";
    public static final String STATE_TABLE = "lambda-guardrail-state";
    public static final String REMEDIATION_QUEUE = "lambda-guardrail-remediation.fifo";
    /** The sample events' account, replaced by the member's in {@link #cloudTrailRecord}. */
    static final String SAMPLE_ACCOUNT = "111122223333";
    static final String SAMPLE_REGION = "us-east-1";

    static final ObjectMapper JSON = new ObjectMapper();
    static final Path ROOT = repositoryRoot();

    private static final String ACCOUNT_HEADER = "x-moto-account-id";
    private static final String FUNCTION_ROLE = "org-world-function";
    private static final String LAMBDA_TRUST = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
            + "\"Principal\":{\"Service\":\"lambda.amazonaws.com\"},\"Action\":\"sts:AssumeRole\"}]}";
    private static final Duration OPERATION_TIMEOUT = Duration.ofSeconds(30);
    /** How long {@link #receiveAlerts} waits for the alerts a test expects (SNS to SQS is asynchronous in moto). */
    private static final Duration ALERT_TIMEOUT = Duration.ofSeconds(5);

    private final MotoWorld central = MotoWorld.inAccount(CENTRAL);
    private final Map<ClientKey, SdkAutoCloseable> clients = new ConcurrentHashMap<>();
    private String captureQueueUrl;
    private MotoWorld.Topic alerts;
    private String remediationQueueUrl;

    private record ClientKey(Class<?> type, String account, String region) {
    }

    // ---- lifecycle ------------------------------------------------------------------------------

    /** Fails (never skips) when moto does not answer; else resets it. */
    @Override
    public void beforeAll(ExtensionContext context) {
        central.beforeAll(context);
    }

    /** The organisation as deployed: member stacks by StackSets, then the central bus, its policy and rule. */
    @Override
    public void beforeEach(ExtensionContext context) {
        deployMemberStackSets();
        createCentralBus();
        createGuardrailResources();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        captureQueueUrl = null;
        alerts = null;
        remediationQueueUrl = null;
        MotoWorld.reset();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        clients.values().forEach(SdkAutoCloseable::close);
        clients.clear();
        central.afterAll(context);
    }

    // ---- clients per account and region, closed after the class -------------------------------

    /**
     * The production client settings pointed at moto, in {@code account} and {@code region}: for a
     * handler under test, as the central functions' own settings (in {@link #CENTRAL}) or a member's.
     */
    public ClientSettings settings(String account, String region) {
        return MotoWorld.SETTINGS.withRegion(Region.of(region)).withInterceptors(new ExecutionInterceptor() {
            @Override
            public SdkHttpRequest modifyHttpRequest(Context.ModifyHttpRequest context, ExecutionAttributes attributes) {
                return context.httpRequest().toBuilder().putHeader(ACCOUNT_HEADER, account).build();
            }
        });
    }

    /**
     * Settings in {@code region} without the account header, for clients whose account comes from their
     * credentials (an STS session of a member role): moto reads the header before the credentials, so a
     * member client must not inherit the central account's header.
     */
    public ClientSettings settingsByCredentials(String region) {
        return MotoWorld.SETTINGS.withRegion(Region.of(region));
    }

    public LambdaClient lambda(String account, String region) {
        return client(LambdaClient.class, account, region, LambdaClient::builder);
    }

    public SqsClient sqs(String account, String region) {
        return client(SqsClient.class, account, region, SqsClient::builder);
    }

    public SnsClient sns(String account, String region) {
        return client(SnsClient.class, account, region, SnsClient::builder);
    }

    public DynamoDbClient dynamo(String account, String region) {
        return client(DynamoDbClient.class, account, region, DynamoDbClient::builder);
    }

    public EventBridgeClient events(String account, String region) {
        return client(EventBridgeClient.class, account, region, EventBridgeClient::builder);
    }

    public CloudFormationClient cloudFormation(String account, String region) {
        return client(CloudFormationClient.class, account, region, CloudFormationClient::builder);
    }

    public StsClient sts(String account, String region) {
        return client(StsClient.class, account, region, StsClient::builder);
    }

    /** IAM is global: its client is in {@link #HOME}. */
    public IamClient iam(String account) {
        return client(IamClient.class, account, HOME, IamClient::builder);
    }

    private <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C extends SdkAutoCloseable> C client(
            Class<C> type, String account, String region, Supplier<B> builder) {
        return type.cast(clients.computeIfAbsent(new ClientKey(type, account, region),
                key -> AwsClients.build(builder.get(), settings(account, region))));
    }

    // ---- the member side -------------------------------------------------------------------------

    /** A Python function ({@link MotoWorld#CODE}) outside any VPC in {@code account} and {@code region}; returns its ARN. */
    public String createFunction(String account, String region, String name) {
        return lambda(account, region).createFunction(b -> b.functionName(name).runtime(Runtime.PYTHON3_12)
                .handler("x.handler").role(functionRole(account))
                .code(c -> c.zipFile(SdkBytes.fromByteArray(MotoWorld.CODE)))).functionArn();
    }

    private String functionRole(String account) {
        IamClient iam = iam(account);
        try {
            return iam.getRole(b -> b.roleName(FUNCTION_ROLE)).role().arn();
        } catch (NoSuchEntityException absent) {
            return iam.createRole(b -> b.roleName(FUNCTION_ROLE).assumeRolePolicyDocument(LAMBDA_TRUST)).role().arn();
        }
    }

    /**
     * The CloudTrail record (the {@code detail}) of the sample event {@code events/<sample>}, as CloudTrail
     * would record the same call in {@code account} and {@code region}: the sample's account and region
     * replaced everywhere (recipientAccountId, awsRegion, the caller's and the function's ARNs, the
     * host header), fresh eventID and requestID, the current time.
     */
    public static ObjectNode cloudTrailRecord(String sample, String account, String region) {
        ObjectNode record;
        try {
            String detail = JSON.readTree(ROOT.resolve("events").resolve(sample).toFile()).get("detail").toString();
            record = (ObjectNode) JSON.readTree(detail.replace(SAMPLE_ACCOUNT, account).replace(SAMPLE_REGION, region));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        return record.put("eventID", UUID.randomUUID().toString()).put("requestID", UUID.randomUUID().toString())
                .put("eventTime", now);
    }

    /**
     * Puts {@code record} on the default bus of {@code account} in {@code region} as CloudTrail delivers
     * a Lambda API call there (source {@code aws.lambda}, detail-type "AWS API Call via CloudTrail");
     * moto emits no CloudTrail events itself. Returns the event's id on that bus.
     */
    public String putCloudTrailEvent(String account, String region, JsonNode record) {
        return putEvent(account, region, "aws.lambda", record);
    }

    /**
     * Puts {@code record} on the default bus of {@code account} in {@code region} (as {@link #putCloudTrailEvent})
     * and returns the one event the central bus's rule delivered for it: what the evaluator function receives.
     */
    public JsonNode forward(String account, String region, JsonNode record) {
        putCloudTrailEvent(account, region, record);
        List<JsonNode> delivered = receiveForwarded();
        assertEquals(1, delivered.size(), () -> "forwarded from " + account + "/" + region + ": " + delivered);
        return delivered.get(0);
    }

    /** The same with another {@code source} (a custom event posing as CloudTrail's, say). */
    public String putEvent(String account, String region, String source, JsonNode record) {
        PutEventsResultEntry entry = events(account, region).putEvents(b -> b.entries(e -> e.source(source)
                .detailType("AWS API Call via CloudTrail").detail(record.toString()))).entries().get(0);
        if (entry.errorCode() != null) {
            fail("PutEvents in " + account + "/" + region + " rejected the event: " + entry.errorCode() + " " + entry.errorMessage());
        }
        return entry.eventId();
    }

    // ---- the central side -------------------------------------------------------------------------

    /** The central account's world in {@link #HOME}: its own clients and set-up helpers. */
    public MotoWorld central() {
        return central;
    }

    /** The alert topic in the central account: its ARN, and the queue subscribed to it. */
    public MotoWorld.Topic alerts() {
        return alerts;
    }

    /** The FIFO queue from the evaluator to the remediator, one message group per member account and region. */
    public String remediationQueueUrl() {
        return remediationQueueUrl;
    }

    public String remediationQueueArn() {
        return sqs(CENTRAL, HOME).getQueueAttributes(b -> b.queueUrl(remediationQueueUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
    }

    /**
     * Up to {@code max} messages of the remediation queue with their system attributes (the message
     * group), as Lambda's event source receives them: they stay in flight until deleted.
     */
    public List<Message> receiveRemediations(int max) {
        return sqs(CENTRAL, HOME).receiveMessage(b -> b.queueUrl(remediationQueueUrl).maxNumberOfMessages(max)
                .messageSystemAttributeNames(MessageSystemAttributeName.ALL)).messages();
    }

    /**
     * Every alert published since the last call, taken off the alert topic's queue: waits up to
     * {@link #ALERT_TIMEOUT} until {@code expected} have arrived, then takes any more that are there
     * (so a test expecting fewer than came sees them all).
     */
    public List<DeliveredAlert> receiveAlerts(int expected) {
        SqsClient sqs = sqs(CENTRAL, HOME);
        List<DeliveredAlert> found = new ArrayList<>();
        long deadline = System.nanoTime() + ALERT_TIMEOUT.toNanos();
        List<Message> more;
        do {
            more = sqs.receiveMessage(b -> b.queueUrl(alerts.queueUrl()).maxNumberOfMessages(10)
                    .waitTimeSeconds(found.size() < expected ? 1 : 0)).messages();
            for (Message m : more) {
                found.add(DeliveredAlert.fromSqsBody(m.body()));
                sqs.deleteMessage(b -> b.queueUrl(alerts.queueUrl()).receiptHandle(m.receiptHandle()));
            }
        } while (!more.isEmpty() || found.size() < expected && System.nanoTime() < deadline);
        return found;
    }

    /** The URL of the queue the central bus's rule delivers to, in the central account's {@link #HOME}. */
    public String captureQueueUrl() {
        return captureQueueUrl;
    }

    /**
     * Every event the central bus's rule has delivered since the last call (EventBridge envelopes whose
     * {@code detail} is the CloudTrail record), in the order received; taken off the capture queue.
     */
    public List<JsonNode> receiveForwarded() {
        SqsClient sqs = sqs(CENTRAL, HOME);
        List<JsonNode> events = new ArrayList<>();
        while (true) {
            List<Message> messages = sqs.receiveMessage(b -> b.queueUrl(captureQueueUrl).maxNumberOfMessages(10)
                    .waitTimeSeconds(0)).messages();
            if (messages.isEmpty()) {
                return events;
            }
            for (Message message : messages) {
                try {
                    events.add(JSON.readTree(message.body()));
                } catch (IOException e) {
                    throw new UncheckedIOException("the capture queue holds a message that is not JSON: " + message.body(), e);
                }
                sqs.deleteMessage(b -> b.queueUrl(captureQueueUrl).receiptHandle(message.receiptHandle()));
            }
        }
    }

    /** The member forwarder's event pattern (JSON), read from {@code org/member-forwarder.yaml}. */
    public static String forwarderPattern() {
        try {
            // The pattern uses no intrinsic function, which Jackson's YAML reader would turn into its argument.
            JsonNode template = new YAMLMapper().readTree(ROOT.resolve("org/member-forwarder.yaml").toFile());
            JsonNode pattern = template.at("/Resources/ForwardRule/Properties/EventPattern");
            if (!pattern.isObject()) {
                throw new IllegalStateException("org/member-forwarder.yaml has no ForwardRule EventPattern");
            }
            return pattern.toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The stack ({@code StackId}) that StackSet {@code stackSet} created in {@code account} and {@code region}. */
    public String memberStackId(String stackSet, String account, String region) {
        return cloudFormation(CENTRAL, HOME).describeStackInstance(b -> b.stackSetName(stackSet)
                .stackInstanceAccount(account).stackInstanceRegion(region)).stackInstance().stackId();
    }

    // ---- set-up -----------------------------------------------------------------------------------

    /** As the README deploys them: the roles StackSet in one region, and only once it SUCCEEDED, the forwarder everywhere. */
    private void deployMemberStackSets() {
        deployStackSet(ROLES_STACK_SET, "org/member-roles.yaml", List.of(HOME),
                parameter("CentralAccountId", CENTRAL), parameter("CentralEventBusArn", CENTRAL_BUS_ARN),
                parameter("OrganizationId", ORGANIZATION_ID));
        deployStackSet(FORWARDER_STACK_SET, "org/member-forwarder.yaml", REGIONS, parameter("CentralEventBusArn", CENTRAL_BUS_ARN));
    }

    private void deployStackSet(String name, String template, List<String> regions, Parameter... parameters) {
        CloudFormationClient cloudFormation = cloudFormation(CENTRAL, HOME);
        String body;
        try {
            body = Files.readString(ROOT.resolve(template));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        cloudFormation.createStackSet(b -> b.stackSetName(name).templateBody(body).permissionModel(PermissionModels.SELF_MANAGED)
                .capabilities(Capability.CAPABILITY_NAMED_IAM).parameters(parameters));
        String operation = cloudFormation.createStackInstances(b -> b.stackSetName(name).accounts(MEMBERS).regions(regions))
                .operationId();
        Instant deadline = Instant.now().plus(OPERATION_TIMEOUT);
        StackSetOperationStatus status;
        do {
            status = cloudFormation.describeStackSetOperation(b -> b.stackSetName(name).operationId(operation))
                    .stackSetOperation().status();
        } while ((status == StackSetOperationStatus.RUNNING || status == StackSetOperationStatus.QUEUED)
                && Instant.now().isBefore(deadline) && pause());
        assertEquals(StackSetOperationStatus.SUCCEEDED, status, "StackSet " + name + " deploying " + template);
    }

    private static boolean pause() {
        try {
            Thread.sleep(100);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a StackSet operation", e);
        }
    }

    private static Parameter parameter(String key, String value) {
        return Parameter.builder().parameterKey(key).parameterValue(value).build();
    }

    /**
     * The central bus with the organisation-wide bus policy (one statement, any principal of the
     * organisation), a rule with the forwarder's pattern and the capture queue as its target.
     */
    private void createCentralBus() {
        EventBridgeClient events = events(CENTRAL, HOME);
        events.createEventBus(b -> b.name(CENTRAL_BUS));
        events.putPermission(b -> b.eventBusName(CENTRAL_BUS).policy(busPolicy()));
        events.putRule(b -> b.name(CENTRAL_RULE).eventBusName(CENTRAL_BUS).eventPattern(forwarderPattern()));
        SqsClient sqs = sqs(CENTRAL, HOME);
        captureQueueUrl = sqs.createQueue(b -> b.queueName(CAPTURE_QUEUE)).queueUrl();
        String queueArn = sqs.getQueueAttributes(b -> b.queueUrl(captureQueueUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
        events.putTargets(b -> b.rule(CENTRAL_RULE).eventBusName(CENTRAL_BUS).targets(t -> t.id("capture").arn(queueArn)));
    }

    /**
     * The central template's resources the functions use: the alert topic (an SQS subscriber standing in
     * for the operators), the state table and the FIFO remediation queue, whose visibility timeout outlasts
     * the remediator's run as the template sets it.
     */
    private void createGuardrailResources() {
        alerts = central.createTopicWithQueue(ALERTS);
        central.createStateTable(STATE_TABLE);
        remediationQueueUrl = sqs(CENTRAL, HOME).createQueue(b -> b.queueName(REMEDIATION_QUEUE).attributes(Map.of(
                QueueAttributeName.FIFO_QUEUE, "true", QueueAttributeName.VISIBILITY_TIMEOUT, "360"))).queueUrl();
    }

    /** AWS's design: PutEvents for every principal of the organisation, no account list (the policy is size-capped). */
    static String busPolicy() {
        ObjectNode policy = JSON.createObjectNode().put("Version", "2012-10-17");
        ObjectNode statement = policy.putArray("Statement").addObject().put("Sid", "OrganizationPutEvents")
                .put("Effect", "Allow").put("Principal", "*").put("Action", "events:PutEvents").put("Resource", CENTRAL_BUS_ARN);
        statement.putObject("Condition").putObject("StringEquals").put("aws:PrincipalOrgID", ORGANIZATION_ID);
        return policy.toString();
    }

    private static Path repositoryRoot() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("org/member-forwarder.yaml"))) {
                return dir;
            }
        }
        throw new IllegalStateException("no org/member-forwarder.yaml above " + Path.of("").toAbsolutePath());
    }
}
