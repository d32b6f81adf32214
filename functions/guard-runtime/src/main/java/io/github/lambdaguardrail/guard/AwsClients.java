package io.github.lambdaguardrail.guard;

import java.time.Duration;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.sns.SnsClient;

/**
 * The SDK clients, built once per container: the light URL-connection HTTP client, standard
 * retry mode set explicitly (backoff with jitter on throttling and 5xx), and bounded timeouts so
 * a hung call fails within the function's timeout. Region, credentials and endpoint come from the
 * SDK's standard chain ({@code AWS_REGION}, {@code AWS_ENDPOINT_URL}, ...).
 */
public record AwsClients(LambdaClient lambda, SnsClient sns, DynamoDbClient dynamo) implements AutoCloseable {

    static final Duration ATTEMPT_TIMEOUT = Duration.ofSeconds(5);
    static final Duration CALL_TIMEOUT = Duration.ofSeconds(20);

    public static AwsClients fromEnvironment() {
        SdkHttpClient http = UrlConnectionHttpClient.builder()
                .connectionTimeout(Duration.ofSeconds(2)).socketTimeout(ATTEMPT_TIMEOUT).build();
        ClientOverrideConfiguration overrides = overrides();
        return new AwsClients(
                LambdaClient.builder().httpClient(http).overrideConfiguration(overrides).build(),
                SnsClient.builder().httpClient(http).overrideConfiguration(overrides).build(),
                DynamoDbClient.builder().httpClient(http).overrideConfiguration(overrides).build());
    }

    /** Standard retries and timeouts, shared by every client (tests use it for their clients too). */
    public static ClientOverrideConfiguration overrides() {
        return ClientOverrideConfiguration.builder()
                .retryStrategy(RetryMode.STANDARD)
                .apiCallAttemptTimeout(ATTEMPT_TIMEOUT)
                .apiCallTimeout(CALL_TIMEOUT)
                .build();
    }

    @Override
    public void close() {
        lambda.close();
        sns.close();
        dynamo.close();
    }
}
