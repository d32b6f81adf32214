package io.github.lambdaguardrail.guard;

import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.sns.SnsClient;

/**
 * The one factory of SDK clients, for the guards, the sweep, the command line and the tests:
 * the light URL-connection HTTP client, a retry strategy set explicitly and bounded timeouts,
 * as {@link ClientSettings} say. As a record, the clients of a guard, built once per container.
 */
public record AwsClients(LambdaClient lambda, SnsClient sns, DynamoDbClient dynamo) implements AutoCloseable {

    /** A guard's clients with {@link ClientSettings#DEFAULT}. */
    public static AwsClients fromEnvironment() {
        return create(ClientSettings.DEFAULT);
    }

    /** The three clients of a guard, sharing one HTTP client. */
    public static AwsClients create(ClientSettings settings) {
        SdkHttpClient http = http(settings).build();
        return new AwsClients(
                configure(LambdaClient.builder(), settings).httpClient(http).build(),
                configure(SnsClient.builder(), settings).httpClient(http).build(),
                configure(DynamoDbClient.builder(), settings).httpClient(http).build());
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
        return configure(builder, settings).httpClientBuilder(http(settings)).build();
    }

    private static <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> B configure(B builder,
                                                                                                   ClientSettings settings) {
        settings.region().ifPresent(builder::region);
        settings.endpoint().ifPresent(builder::endpointOverride);
        settings.credentials().ifPresent(builder::credentialsProvider);
        return builder.overrideConfiguration(overrides(settings));
    }

    private static UrlConnectionHttpClient.Builder http(ClientSettings settings) {
        return UrlConnectionHttpClient.builder()
                .connectionTimeout(ClientSettings.CONNECTION_TIMEOUT).socketTimeout(settings.socketTimeout());
    }

    private static ClientOverrideConfiguration overrides(ClientSettings settings) {
        ClientOverrideConfiguration.Builder overrides = ClientOverrideConfiguration.builder()
                .apiCallAttemptTimeout(settings.attemptTimeout())
                .apiCallTimeout(settings.callTimeout());
        settings.retries().ifPresentOrElse(r -> overrides.retryStrategy(AwsRetryStrategy.standardRetryStrategy().toBuilder()
                        .maxAttempts(r.maxAttempts())
                        .backoffStrategy(BackoffStrategy.exponentialDelay(r.baseDelay(), r.maxDelay()))
                        .throttlingBackoffStrategy(BackoffStrategy.exponentialDelay(r.throttlingBaseDelay(), r.maxDelay()))
                        .build()),
                () -> overrides.retryStrategy(RetryMode.STANDARD));
        overrides.addExecutionInterceptor(new MissingResourceNamed());
        settings.interceptors().forEach(overrides::addExecutionInterceptor);
        return overrides.build();
    }

    @Override
    public void close() {
        lambda.close();
        sns.close();
        dynamo.close();
    }
}
