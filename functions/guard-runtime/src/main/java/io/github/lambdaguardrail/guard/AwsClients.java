package io.github.lambdaguardrail.guard;

import io.github.lambdaguardrail.runtime.ClientSettings;
import io.github.lambdaguardrail.runtime.FunctionCredentials;
import io.github.lambdaguardrail.runtime.Lazy;
import io.github.lambdaguardrail.runtime.SdkClients;
import java.util.Optional;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.sns.SnsClient;

/**
 * The SDK clients of the guards, the sweep, the organisation functions, the command line and the
 * tests: configured as every function's are ({@link SdkClients}), and a call that finds the state
 * table or the topic missing names it ({@link MissingResourceNamed}). As an instance, the clients
 * of a guard: each is built on its first use (an event that needs no AWS call builds none), then
 * kept for the container's life. Thread-safe.
 */
public final class AwsClients implements AutoCloseable {

    private final Lazy<LambdaClient> lambda;
    private final Lazy<SnsClient> sns;
    private final Lazy<DynamoDbClient> dynamo;
    private final Optional<Lazy<SdkHttpClient>> http;
    private final Optional<FunctionCredentials> credentials;

    private AwsClients(Lazy<LambdaClient> lambda, Lazy<SnsClient> sns, Lazy<DynamoDbClient> dynamo,
                       Optional<Lazy<SdkHttpClient>> http, Optional<FunctionCredentials> credentials) {
        this.lambda = lambda;
        this.sns = sns;
        this.dynamo = dynamo;
        this.http = http;
        this.credentials = credentials;
    }

    /** Clients built already (tests record or render their calls); closing closes them. */
    public AwsClients(LambdaClient lambda, SnsClient sns, DynamoDbClient dynamo) {
        this(Lazy.built(lambda), Lazy.built(sns), Lazy.built(dynamo), Optional.empty(), Optional.empty());
    }

    /** The clients of a guard, sharing one HTTP client, each built on first use. */
    public static AwsClients create(ClientSettings settings) {
        Lazy<SdkHttpClient> http = Lazy.of(() -> SdkClients.httpClient(settings).build());
        return new AwsClients(
                Lazy.of(() -> configure(LambdaClient.builder(), settings).httpClient(http.get()).build()),
                Lazy.of(() -> configure(SnsClient.builder(), settings).httpClient(http.get()).build()),
                Lazy.of(() -> configure(DynamoDbClient.builder(), settings).httpClient(http.get()).build()),
                Optional.of(http),
                settings.credentials().filter(FunctionCredentials.class::isInstance).map(FunctionCredentials.class::cast));
    }

    public LambdaClient lambda() {
        return lambda.get();
    }

    public SnsClient sns() {
        return sns.get();
    }

    public DynamoDbClient dynamo() {
        return dynamo.get();
    }

    /**
     * Builds every client now, as a SnapStart snapshot should hold them ({@link GuardFunction#beforeCheckpoint}).
     */
    void buildAll() {
        lambda();
        sns();
        dynamo();
    }

    /** Whether any client was built: none is before an event needs one. */
    boolean anyBuilt() {
        return lambda.isBuilt() || sns.isBuilt() || dynamo.isBuilt();
    }

    /**
     * After a SnapStart restore: the next call resolves the function's credentials afresh, as the
     * restored environment has them (a no-op for clients with other credentials).
     */
    void renewCredentials() {
        credentials.ifPresent(FunctionCredentials::renew);
    }

    public static LambdaClient lambda(ClientSettings settings) {
        return build(LambdaClient.builder(), settings);
    }

    public static SnsClient sns(ClientSettings settings) {
        return build(SnsClient.builder(), settings);
    }

    public static DynamoDbClient dynamo(ClientSettings settings) {
        return build(DynamoDbClient.builder(), settings);
    }

    /** Any service's client (tests build IAM and SQS clients this way), with an HTTP client of its own. */
    public static <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> C build(B builder,
                                                                                              ClientSettings settings) {
        return SdkClients.build(builder, naming(settings));
    }

    private static <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> B configure(B builder,
                                                                                                   ClientSettings settings) {
        return SdkClients.configure(builder, naming(settings));
    }

    /** {@code settings} with {@link MissingResourceNamed} after their interceptors (none of which changes an exception). */
    private static ClientSettings naming(ClientSettings settings) {
        return settings.withInterceptors(new MissingResourceNamed());
    }

    @Override
    public void close() {
        lambda.ifBuilt(LambdaClient::close);
        sns.ifBuilt(SnsClient::close);
        dynamo.ifBuilt(DynamoDbClient::close);
        http.ifPresent(client -> client.ifBuilt(SdkHttpClient::close));
        credentials.ifPresent(FunctionCredentials::close);
    }
}
