package io.github.lambdaguardrail.runtime;

import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProviderChain;
import software.amazon.awssdk.auth.credentials.ContainerCredentialsProvider;
import software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider;
import software.amazon.awssdk.auth.credentials.SystemPropertyCredentialsProvider;
import software.amazon.awssdk.utils.SdkAutoCloseable;

/**
 * The credentials a Lambda function has, and only those: the execution role's keys in environment
 * variables, the container credentials endpoint that replaces them with SnapStart, and system
 * properties ({@code sam local invoke} with {@code env.json}'s {@code JAVA_TOOL_OPTIONS}). No profile
 * file, no instance metadata, no web identity: Lambda never has them, and the SDK's default chain
 * would look for them. {@link #renew} drops what was resolved, for a SnapStart restore: a snapshot
 * must not hand every restored environment the credentials cached at its checkpoint. Thread-safe.
 */
public final class FunctionCredentials implements AwsCredentialsProvider, SdkAutoCloseable {

    /** Built on the first call that needs credentials: a compliant event makes none. */
    private volatile Lazy<AwsCredentialsProviderChain> chain = Lazy.of(FunctionCredentials::chain);

    private static AwsCredentialsProviderChain chain() {
        return AwsCredentialsProviderChain.builder().reuseLastProviderEnabled(true).credentialsProviders(
                EnvironmentVariableCredentialsProvider.create(), ContainerCredentialsProvider.builder().build(),
                SystemPropertyCredentialsProvider.create()).build();
    }

    @Override
    public AwsCredentials resolveCredentials() {
        return chain.get().resolveCredentials();
    }

    /** Forgets the provider and credentials resolved so far: the next call resolves them afresh. */
    public void renew() {
        Lazy<AwsCredentialsProviderChain> old = chain;
        chain = Lazy.of(FunctionCredentials::chain);
        old.ifBuilt(AwsCredentialsProviderChain::close);
    }

    @Override
    public void close() {
        chain.ifBuilt(AwsCredentialsProviderChain::close);
    }
}
