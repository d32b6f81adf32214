package io.github.lambdaguardrail.guard;

import java.util.Optional;
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
import software.amazon.awssdk.services.securityhub.SecurityHubClient;
import software.amazon.awssdk.services.sns.SnsClient;

/**
 * The one factory of SDK clients, for the guards, the sweep, the command line and the tests:
 * the light URL-connection HTTP client, a retry strategy set explicitly and bounded timeouts,
 * as {@link ClientSettings} say. As a record, the clients of a guard, built once per container.
 *
 * @param securityHub only for a guard that sends its findings to Security Hub ({@link GuardConfig#securityHub}):
 *                    a guard that does not never builds it
 */
public record AwsClients(LambdaClient lambda, SnsClient sns, DynamoDbClient dynamo, Optional<SecurityHubClient> securityHub)
        implements AutoCloseable {

    /** The clients of a guard that sends nothing to Security Hub. */
    public AwsClients(LambdaClient lambda, SnsClient sns, DynamoDbClient dynamo) {
        this(lambda, sns, dynamo, Optional.empty());
    }

    /** A guard's clients with {@link ClientSettings#DEFAULT}, Security Hub's only if {@code securityHub}. */
    public static AwsClients fromEnvironment(boolean securityHub) {
        return create(ClientSettings.DEFAULT, securityHub);
    }

    /** The three clients of a guard, sharing one HTTP client. */
    public static AwsClients create(ClientSettings settings) {
        return create(settings, false);
    }

    /** The clients of a guard, sharing one HTTP client: Security Hub's too if {@code securityHub}. */
    public static AwsClients create(ClientSettings settings, boolean securityHub) {
        SdkHttpClient http = http(settings).build();
        return new AwsClients(
                configure(LambdaClient.builder(), settings).httpClient(http).build(),
                configure(SnsClient.builder(), settings).httpClient(http).build(),
                configure(DynamoDbClient.builder(), settings).httpClient(http).build(),
                securityHub ? Optional.of(configure(SecurityHubClient.builder(), settings).httpClient(http).build())
                        : Optional.empty());
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

    public static SecurityHubClient securityHub(ClientSettings settings) {
        return build(SecurityHubClient.builder(), settings);
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
        securityHub.ifPresent(SecurityHubClient::close);
    }
}
