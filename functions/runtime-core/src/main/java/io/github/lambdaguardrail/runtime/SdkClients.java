package io.github.lambdaguardrail.runtime;

import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.profiles.ProfileFile;
import software.amazon.awssdk.retries.api.BackoffStrategy;

/**
 * How every function of the guardrail configures an SDK client, whatever its service: the light
 * URL-connection HTTP client, a retry strategy set explicitly and bounded timeouts, as
 * {@link ClientSettings} say. The guards' {@code AwsClients} and the Security Hub exporter build
 * their clients through it. Thread-safe.
 */
public final class SdkClients {

    private SdkClients() {
    }

    /** Any service's client, with an HTTP client of its own. */
    public static <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> C build(B builder,
                                                                                              ClientSettings settings) {
        return configure(builder, settings).httpClientBuilder(httpClient(settings)).build();
    }

    /**
     * {@code builder} with the region, endpoint, credentials, timeouts, retries and interceptors of
     * {@code settings}; the caller sets the HTTP client ({@link #httpClient}), which clients may share.
     */
    public static <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> B configure(B builder,
                                                                                                  ClientSettings settings) {
        settings.region().ifPresent(builder::region);
        settings.endpoint().ifPresent(builder::endpointOverride);
        settings.credentials().ifPresent(builder::credentialsProvider);
        return builder.overrideConfiguration(overrides(settings));
    }

    /** The HTTP client of {@code settings}: URL connection, with their connection and socket timeouts. */
    public static UrlConnectionHttpClient.Builder httpClient(ClientSettings settings) {
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
        if (!settings.profileFile()) {
            overrides.defaultProfileFile(ProfileFile.aggregator().build());
        }
        settings.interceptors().forEach(overrides::addExecutionInterceptor);
        return overrides.build();
    }
}
