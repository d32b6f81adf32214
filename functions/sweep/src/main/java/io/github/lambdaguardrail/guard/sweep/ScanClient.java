package io.github.lambdaguardrail.guard.sweep;

import java.time.Duration;
import java.util.function.Consumer;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.LambdaClientBuilder;

/**
 * The Lambda client of one scan: every attempt paced by a {@link RateLimitInterceptor}, and the
 * SDK's standard retry strategy set explicitly with more attempts than its default (exponential
 * backoff with full jitter, a longer base delay for throttling), so sustained throttling slows
 * the scan down instead of failing it. Region, credentials and endpoint come from the SDK's
 * standard chain unless {@code customizer} sets them (the command line's regions, tests'
 * endpoints). Build one per scan and close it after.
 */
public record ScanClient(LambdaClient lambda, RateLimitInterceptor traffic) implements AutoCloseable {

    public static ScanClient create(ScanSettings settings, Consumer<LambdaClientBuilder> customizer) {
        RateLimitInterceptor traffic = new RateLimitInterceptor(new RateLimiter(settings.rateLimit()));
        LambdaClientBuilder builder = LambdaClient.builder()
                .httpClientBuilder(UrlConnectionHttpClient.builder()
                        .connectionTimeout(Duration.ofSeconds(2)).socketTimeout(Duration.ofSeconds(10)))
                .overrideConfiguration(overrides(settings, traffic));
        customizer.accept(builder);
        return new ScanClient(builder.build(), traffic);
    }

    static ClientOverrideConfiguration overrides(ScanSettings settings, RateLimitInterceptor traffic) {
        return ClientOverrideConfiguration.builder()
                .retryStrategy(AwsRetryStrategy.standardRetryStrategy().toBuilder()
                        .maxAttempts(settings.maxAttempts())
                        .backoffStrategy(BackoffStrategy.exponentialDelay(settings.baseDelay(), settings.maxDelay()))
                        .throttlingBackoffStrategy(
                                BackoffStrategy.exponentialDelay(settings.throttlingBaseDelay(), settings.maxDelay()))
                        .build())
                .addExecutionInterceptor(traffic)
                .apiCallAttemptTimeout(settings.attemptTimeout())
                .apiCallTimeout(settings.callTimeout())
                .build();
    }

    public FunctionInventory inventory() {
        return new SdkFunctionInventory(lambda);
    }

    @Override
    public void close() {
        lambda.close();
    }
}
