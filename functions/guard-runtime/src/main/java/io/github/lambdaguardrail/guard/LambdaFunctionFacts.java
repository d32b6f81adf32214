package io.github.lambdaguardrail.guard;

import io.github.lambdaguardrail.engine.FunctionFacts;
import io.github.lambdaguardrail.engine.FunctionRef;
import io.github.lambdaguardrail.engine.LambdaChange;
import io.github.lambdaguardrail.engine.LiveFunction;
import io.github.lambdaguardrail.engine.LivePolicy;
import io.github.lambdaguardrail.engine.VpcConfig;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.FunctionConfiguration;
import software.amazon.awssdk.services.lambda.model.GetFunctionResponse;
import software.amazon.awssdk.services.lambda.model.GetPolicyResponse;
import software.amazon.awssdk.services.lambda.model.ResourceNotFoundException;
import software.amazon.awssdk.services.lambda.model.VpcConfigResponse;

/**
 * {@link FunctionFactsSource} from {@code GetFunction} (tags and the live configuration; its quota
 * is 100 requests/s, far above the 15/s shared by other control-plane reads), {@code GetPolicy}
 * (only for a permission, with the change's qualifier) and the state store (the known-good VPC
 * config, only for a configuration change). Thread-safe.
 */
public final class LambdaFunctionFacts implements FunctionFactsSource {

    private final LambdaClient lambda;
    private final StateStore state;

    public LambdaFunctionFacts(LambdaClient lambda, StateStore state) {
        this.lambda = lambda;
        this.state = state;
    }

    @Override
    public FunctionFacts factsFor(LambdaChange change) {
        FunctionRef function = change.function();
        Optional<GetFunctionResponse> read = getFunction(lambda, function);
        Map<String, String> tags = read.map(r -> r.tags() == null ? Map.<String, String>of() : r.tags()).orElse(Map.of());
        LiveFunction live = read.<LiveFunction>map(r -> live(r.configuration())).orElse(new LiveFunction.Missing());
        Optional<VpcConfig> knownGood = Optional.empty();
        Optional<LivePolicy> policy = Optional.empty();
        // What the engine plans a rollback against (GuardrailEngine.plannable): the config a restore puts back,
        // the policy a removal is guarded by.
        switch (change) {
            case LambdaChange.FunctionConfigured configured -> knownGood = state.lastKnownGoodVpc(function.arn());
            case LambdaChange.PermissionGranted granted -> policy = read.isPresent() ? Optional.of(policy(lambda, function)) : policy;
            case LambdaChange.ResourcePolicyReplaced replaced -> {
                // notify only
            }
            case LambdaChange.FunctionUrlConfigured url -> {
                // notify only
            }
            case LambdaChange.TagsChanged tagged -> {
                // notify only
            }
        }
        return new FunctionFacts(tags, knownGood, Optional.of(live), policy);
    }

    @Override
    public LiveFunction live(FunctionRef function) {
        return getFunction(lambda, function).<LiveFunction>map(r -> live(r.configuration())).orElse(new LiveFunction.Missing());
    }

    /** {@code GetFunction} of the unqualified function; empty when it does not exist. */
    static Optional<GetFunctionResponse> getFunction(LambdaClient lambda, FunctionRef function) {
        try {
            return Optional.of(lambda.getFunction(b -> b.functionName(function.arn())));
        } catch (ResourceNotFoundException e) {
            return Optional.empty();
        }
    }

    /** {@code GetPolicy} of the function or its qualifier. */
    static LivePolicy policy(LambdaClient lambda, FunctionRef function) {
        try {
            GetPolicyResponse policy = lambda.getPolicy(b -> b.functionName(function.arn())
                    .qualifier(function.qualifier().orElse(null)));
            return new LivePolicy.Found(policy.policy() == null ? "" : policy.policy(),
                    policy.revisionId() == null ? "" : policy.revisionId());
        } catch (ResourceNotFoundException e) {
            return new LivePolicy.Missing();
        }
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
    public static VpcConfig vpc(VpcConfigResponse vpc) {
        if (vpc == null) {
            return VpcConfig.NONE;
        }
        return new VpcConfig(vpc.subnetIds(), vpc.securityGroupIds(), Optional.ofNullable(vpc.vpcId()),
                Boolean.TRUE.equals(vpc.ipv6AllowedForDualStack()));
    }
}
