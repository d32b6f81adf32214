package io.github.lambdaguardrail.guard;

import io.github.lambdaguardrail.engine.FunctionRef;
import io.github.lambdaguardrail.engine.FunctionTags;
import io.github.lambdaguardrail.engine.LiveFunction;
import io.github.lambdaguardrail.engine.LivePolicy;
import io.github.lambdaguardrail.engine.VpcConfig;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.FunctionConfiguration;
import software.amazon.awssdk.services.lambda.model.GetFunctionResponse;
import software.amazon.awssdk.services.lambda.model.GetPolicyResponse;
import software.amazon.awssdk.services.lambda.model.ResourceNotFoundException;
import software.amazon.awssdk.services.lambda.model.VpcConfigResponse;

/**
 * The one reader of a function's configuration and tags ({@code GetFunction}: its quota is 100
 * requests/s, far above the 15/s shared by other control-plane reads) and of its resource policy
 * ({@code GetPolicy}), for both guards, the remediator and the sweep. GetFunction returns the tags
 * only to a caller also allowed {@code lambda:ListTags}, and reports a failure to read them in
 * {@code TagsError}; such tags are {@link FunctionTags.Unreadable}, never an empty list, so
 * exemptions by tag are unknown rather than absent. Thread-safe.
 */
public final class FunctionReader {

    private final Supplier<LambdaClient> lambda;

    /** @param lambda called on the first read: a guard builds its Lambda client then */
    public FunctionReader(Supplier<LambdaClient> lambda) {
        this.lambda = lambda;
    }

    /**
     * A function as {@code GetFunction} showed it.
     *
     * @param arn                 unqualified (GetFunction answers with the {@code $LATEST}-qualified one on some paths)
     * @param tags                never logged (tags can carry secrets)
     * @param reservedConcurrency empty when unreserved
     * @param lastUpdateFailure   {@code LastUpdateStatusReasonCode: LastUpdateStatusReason}, for a failed update
     */
    public record Snapshot(String name, String arn, LiveFunction.Found live, FunctionTags tags,
                           Optional<Integer> reservedConcurrency, String lastUpdateFailure) {
    }

    /** {@code GetFunction} of the unqualified function; empty when it does not exist. */
    public Optional<Snapshot> function(String functionArn) {
        GetFunctionResponse response;
        try {
            response = lambda.get().getFunction(b -> b.functionName(functionArn));
        } catch (ResourceNotFoundException e) {
            return Optional.empty();
        }
        FunctionConfiguration config = response.configuration();
        return Optional.of(new Snapshot(config == null ? "" : String.valueOf(config.functionName()),
                config == null ? functionArn : unqualified(config.functionArn()), live(config), tags(response),
                Optional.ofNullable(response.concurrency()).map(c -> c.reservedConcurrentExecutions()),
                config == null ? "" : config.lastUpdateStatusReasonCodeAsString() + ": " + config.lastUpdateStatusReason()));
    }

    /** {@code GetPolicy} of the function or its qualifier. */
    public LivePolicy policy(FunctionRef function) {
        return policy(function.arn(), function.qualifier());
    }

    /** {@code GetPolicy} of the function or one of its aliases or versions. */
    public LivePolicy policy(String functionArn, Optional<String> qualifier) {
        try {
            GetPolicyResponse policy = lambda.get().getPolicy(b -> b.functionName(functionArn).qualifier(qualifier.orElse(null)));
            return new LivePolicy.Found(policy.policy() == null ? "" : policy.policy(),
                    policy.revisionId() == null ? "" : policy.revisionId());
        } catch (ResourceNotFoundException e) {
            return new LivePolicy.Missing();
        }
    }

    /** The one policy for tags: unreadable when GetFunction says so, never silently empty. */
    static FunctionTags tags(GetFunctionResponse response) {
        if (response.tagsError() != null) {
            return new FunctionTags.Unreadable(response.tagsError().errorCode() + " from GetFunction (the caller needs"
                    + " lambda:ListTags)");
        }
        return new FunctionTags.Read(response.hasTags() ? response.tags() : Map.of());
    }

    /** The live state of a function configuration. */
    static LiveFunction.Found live(FunctionConfiguration config) {
        if (config == null) {
            return new LiveFunction.Found(VpcConfig.NONE, Optional.empty(), "", "");
        }
        return new LiveFunction.Found(vpc(config.vpcConfig()), Optional.ofNullable(config.revisionId()),
                config.stateAsString() == null ? "" : config.stateAsString(),
                config.lastUpdateStatusAsString() == null ? "" : config.lastUpdateStatusAsString());
    }

    /** The engine's form of a VPC config as the Lambda API returns it, every field. */
    static VpcConfig vpc(VpcConfigResponse vpc) {
        if (vpc == null) {
            return VpcConfig.NONE;
        }
        return new VpcConfig(vpc.subnetIds(), vpc.securityGroupIds(), Optional.ofNullable(vpc.vpcId()),
                Boolean.TRUE.equals(vpc.ipv6AllowedForDualStack()));
    }

    static String unqualified(String arn) {
        String[] parts = arn.split(":");
        return parts.length > 7 ? String.join(":", Arrays.copyOf(parts, 7)) : arn;
    }
}
