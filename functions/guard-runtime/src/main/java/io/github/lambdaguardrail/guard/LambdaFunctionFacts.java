package io.github.lambdaguardrail.guard;

import io.github.lambdaguardrail.engine.FunctionFacts;
import io.github.lambdaguardrail.engine.FunctionRef;
import io.github.lambdaguardrail.engine.FunctionTags;
import io.github.lambdaguardrail.engine.LambdaChange;
import io.github.lambdaguardrail.engine.LiveFunction;
import io.github.lambdaguardrail.engine.LivePolicy;
import io.github.lambdaguardrail.engine.VpcConfig;
import java.util.Optional;

/**
 * {@link FunctionFactsSource} from the {@link FunctionReader} (tags and the live configuration;
 * the live policy only for a permission, with the change's qualifier) and the state store (the
 * known-good VPC config, only for an update of a function's configuration). Thread-safe.
 */
public final class LambdaFunctionFacts implements FunctionFactsSource {

    private final FunctionReader reader;
    private final StateStore state;

    public LambdaFunctionFacts(FunctionReader reader, StateStore state) {
        this.reader = reader;
        this.state = state;
    }

    @Override
    public FunctionFacts factsFor(LambdaChange change) {
        FunctionRef function = change.function();
        Optional<FunctionReader.Snapshot> read = reader.function(function.arn());
        FunctionTags tags = read.map(FunctionReader.Snapshot::tags).orElse(FunctionTags.NONE);
        LiveFunction live = read.<LiveFunction>map(FunctionReader.Snapshot::live).orElse(new LiveFunction.Missing());
        Optional<VpcConfig> knownGood = Optional.empty();
        Optional<LivePolicy> policy = Optional.empty();
        // What the engine plans a rollback against (GuardrailEngine.plannable): the config a restore puts back,
        // the policy a removal is guarded by.
        switch (change) {
            case LambdaChange.FunctionConfigured configured when !configured.created() ->
                    knownGood = state.lastKnownGoodVpc(function.arn());
            case LambdaChange.FunctionConfigured created -> {
                // A new function has no known-good config: a record under its ARN is an earlier function's.
            }
            case LambdaChange.PermissionGranted granted -> policy = read.isPresent() ? Optional.of(reader.policy(function)) : policy;
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
        return reader.function(function.arn()).<LiveFunction>map(FunctionReader.Snapshot::live)
                .orElse(new LiveFunction.Missing());
    }
}
