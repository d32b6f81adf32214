package io.github.lambdaguardrail.guard.moto;

import static org.junit.jupiter.api.Assertions.fail;

import io.github.lambdaguardrail.guard.AwsClients;
import io.github.lambdaguardrail.runtime.ClientSettings;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.CreateFunctionRequest;
import software.amazon.awssdk.services.lambda.model.Runtime;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.utils.SdkAutoCloseable;

/**
 * The JUnit 5 extension that opens and closes the moto world of a test class: moto server at
 * {@code -Dmoto.endpoint} (required, never skipped), an account (moto's default one unless
 * {@link #inAccount}) and moto's region, the production client settings pointed at them
 * ({@link #settings()}) and the test's own SDK clients, and a reset of moto before and after the
 * class (and after each test that used a {@link MotoAccount}), so no test sees another's resources
 * (nor those an interrupted run left) and none has to delete its own.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final MotoWorld moto = new MotoWorld();     // moto.lambda(), moto.createRole(...), ...
 *                                                    // or MotoWorld.inAccount("111122223333")
 *
 * @ExtendWith(MotoWorld.class)                       // or: a guard's world per test,
 * class SomeMotoTest {                               // injected, and checked after the test
 *     SomeMotoTest(MotoAccount moto) { ... }
 * }
 * }</pre>
 * Test classes run one after the other (surefire's default), as the reset is moto-wide.
 */
public final class MotoWorld implements BeforeAllCallback, AfterAllCallback, AfterEachCallback, ParameterResolver {

    /** moto server, at {@code -Dmoto.endpoint} as {@code make test} passes it. */
    public static final URI ENDPOINT = URI.create(System.getProperty("moto.endpoint", "http://127.0.0.1:5000"));
    /** moto's account; CloudTrail records must name it to be actionable. */
    public static final String ACCOUNT = "123456789012";
    public static final String REGION = "us-east-1";
    /** The production client settings ({@link ClientSettings#DEFAULT}) pointed at moto, in its account. */
    public static final ClientSettings SETTINGS = ClientSettings.DEFAULT.withEndpoint(ENDPOINT).withRegion(Region.of(REGION))
            .withCredentials(StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing")));
    /** The same for the AWS SDK's and CLI's standard chain: a function's or a command's environment. */
    public static final Map<String, String> ENVIRONMENT = Map.of("AWS_ENDPOINT_URL", ENDPOINT.toString(),
            "AWS_REGION", REGION, "AWS_ACCESS_KEY_ID", "testing", "AWS_SECRET_ACCESS_KEY", "testing");
    /** A Python function's code: {@code x.handler} returns its event. */
    public static final byte[] CODE = zip("x.py", "def handler(event, context):\n    return event\n");

    private static final String LAMBDA_TRUST = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
            + "\"Principal\":{\"Service\":\"lambda.amazonaws.com\"},\"Action\":\"sts:AssumeRole\"}]}";

    /** moto serves a request in the account this header names (its multi-account support). */
    private static final String ACCOUNT_HEADER = "x-moto-account-id";

    private final String accountId;
    private final ClientSettings settings;
    private final List<SdkAutoCloseable> clients = new ArrayList<>();
    private LambdaClient lambda;
    private IamClient iam;
    private SnsClient sns;
    private SqsClient sqs;
    private DynamoDbClient dynamo;
    private MotoAccount account;

    /** A world in moto's account ({@link #ACCOUNT}). */
    public MotoWorld() {
        this(ACCOUNT, SETTINGS);
    }

    private MotoWorld(String accountId, ClientSettings settings) {
        this.accountId = accountId;
        this.settings = settings;
    }

    /**
     * A world in {@code account}: every client of it, the test's and the guard's, asks moto for that
     * account, as credentials of that account would in AWS. moto keeps each account's resources apart.
     */
    public static MotoWorld inAccount(String account) {
        return new MotoWorld(account, SETTINGS.withInterceptors(new ExecutionInterceptor() {
            @Override
            public SdkHttpRequest modifyHttpRequest(Context.ModifyHttpRequest context, ExecutionAttributes attributes) {
                return context.httpRequest().toBuilder().putHeader(ACCOUNT_HEADER, account).build();
            }
        }));
    }

    /** The account this world is in. */
    public String accountId() {
        return accountId;
    }

    /** The production client settings pointed at moto, in this world's account. */
    public ClientSettings settings() {
        return settings;
    }

    /**
     * Fails (never skips) when moto server does not answer, saying how to start it; else resets it,
     * forgetting what an interrupted run left behind.
     */
    @Override
    public void beforeAll(ExtensionContext context) {
        URI probe = ENDPOINT.resolve("/moto-api/");
        String problem;
        try {
            HttpResponse<Void> response = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build()
                    .send(HttpRequest.newBuilder(probe).timeout(Duration.ofSeconds(3)).GET().build(),
                            HttpResponse.BodyHandlers.discarding());
            if (response.statusCode() == 200) {
                reset();
                return;
            }
            problem = "HTTP " + response.statusCode();
        } catch (IOException e) {
            problem = e.toString();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            problem = e.toString();
        }
        fail("moto server does not answer at " + probe + " (" + problem + "). Run `tools/moto-start` first "
                + "(`make test` does), or point -Dmoto.endpoint at a running moto server.");
    }

    /** After a test that used a guard's world: its calls checked against the guard's grants, then moto reset. */
    @Override
    public void afterEach(ExtensionContext context) {
        if (account == null) {
            return;
        }
        try {
            account.assertGuardCallsGranted();
        } finally {
            account.close();
            account = null;
            reset();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        synchronized (clients) {
            clients.forEach(SdkAutoCloseable::close);
            clients.clear();
        }
        reset();
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == MotoAccount.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        if (account == null) {
            account = new MotoAccount(this);
        }
        return account;
    }

    // ---- the test's own clients (not recorded), closed after the class ----------------------

    public synchronized LambdaClient lambda() {
        return lambda = lambda != null ? lambda : client(LambdaClient.builder());
    }

    public synchronized IamClient iam() {
        return iam = iam != null ? iam : client(IamClient.builder());
    }

    public synchronized SnsClient sns() {
        return sns = sns != null ? sns : client(SnsClient.builder());
    }

    public synchronized SqsClient sqs() {
        return sqs = sqs != null ? sqs : client(SqsClient.builder());
    }

    public synchronized DynamoDbClient dynamo() {
        return dynamo = dynamo != null ? dynamo : client(DynamoDbClient.builder());
    }

    /** Another client on {@link #settings()}, closed after the class. */
    public <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C extends SdkAutoCloseable> C client(B builder) {
        return keep(() -> AwsClients.build(builder, settings));
    }

    /** A client {@code build} makes (with interceptors of the test's, say), closed after the class. */
    <C extends SdkAutoCloseable> C keep(Supplier<C> build) {
        C client = build.get();
        synchronized (clients) {
            clients.add(client);
        }
        return client;
    }

    // ---- what every moto test sets up ----------------------------------------------------------

    /** An IAM role Lambda can assume, for functions or a guard; returns its ARN. */
    public String createRole(String name) {
        return iam().createRole(b -> b.roleName(name).assumeRolePolicyDocument(LAMBDA_TRUST)).role().arn();
    }

    /** A Python function ({@link #CODE}) outside any VPC, plus what {@code more} sets; returns its ARN. */
    public String createFunction(String name, String roleArn, java.util.function.Consumer<CreateFunctionRequest.Builder> more) {
        return lambda().createFunction(CreateFunctionRequest.builder().functionName(name).runtime(Runtime.PYTHON3_12)
                .handler("x.handler").role(roleArn).code(c -> c.zipFile(SdkBytes.fromByteArray(CODE)))
                .applyMutation(more).build()).functionArn();
    }

    /** The guards' state table as the template makes it: key {@code pk}, TTL on {@code expiresAt}. */
    public String createStateTable(String name) {
        dynamo().createTable(b -> b.tableName(name).billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(AttributeDefinition.builder().attributeName("pk").attributeType(ScalarAttributeType.S).build())
                .keySchema(KeySchemaElement.builder().attributeName("pk").keyType(KeyType.HASH).build()));
        dynamo().updateTimeToLive(b -> b.tableName(name)
                .timeToLiveSpecification(t -> t.attributeName("expiresAt").enabled(true)));
        return name;
    }

    /**
     * A topic and an SQS queue subscribed to it, raw delivery off (so the SNS envelope with the
     * message attributes arrives), both named {@code name}.
     */
    public Topic createTopicWithQueue(String name) {
        String topicArn = sns().createTopic(b -> b.name(name)).topicArn();
        String queueUrl = sqs().createQueue(b -> b.queueName(name)).queueUrl();
        String queueArn = sqs().getQueueAttributes(b -> b.queueUrl(queueUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
        sns().subscribe(b -> b.topicArn(topicArn).protocol("sqs").endpoint(queueArn)
                .attributes(Map.of("RawMessageDelivery", "false")));
        return new Topic(topicArn, queueUrl);
    }

    /** A topic and the URL of the queue subscribed to it. */
    public record Topic(String arn, String queueUrl) {
    }

    /** Forgets every resource in moto (its {@code /moto-api/reset}), in every account and region. */
    public static void reset() {
        try {
            HttpResponse<Void> response = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build()
                    .send(HttpRequest.newBuilder(ENDPOINT.resolve("/moto-api/reset")).timeout(Duration.ofSeconds(10))
                            .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("moto reset answered HTTP " + response.statusCode());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while resetting moto", e);
        }
    }

    static byte[] zip(String file, String content) {
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
