package io.github.lambdaguardrail.guard;

import io.github.lambdaguardrail.engine.FunctionFacts;
import io.github.lambdaguardrail.engine.FunctionRef;
import java.util.Map;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.GetFunctionResponse;
import software.amazon.awssdk.services.lambda.model.ResourceNotFoundException;

/**
 * {@link FunctionFactsSource} from {@code GetFunction} (tags; its quota is 100 requests/s, far
 * above the 15/s shared by other control-plane reads) and the state store (known-good VPC config).
 */
public final class LambdaFunctionFacts implements FunctionFactsSource {

    private final LambdaClient lambda;
    private final StateStore state;

    public LambdaFunctionFacts(LambdaClient lambda, StateStore state) {
        this.lambda = lambda;
        this.state = state;
    }

    @Override
    public FunctionFacts factsFor(FunctionRef function) {
        Map<String, String> tags;
        try {
            GetFunctionResponse response = lambda.getFunction(b -> b.functionName(function.arn()));
            tags = response.tags() == null ? Map.of() : response.tags();
        } catch (ResourceNotFoundException e) {
            tags = Map.of();
        }
        return new FunctionFacts(tags, state.lastKnownGoodVpc(function.arn()));
    }
}
