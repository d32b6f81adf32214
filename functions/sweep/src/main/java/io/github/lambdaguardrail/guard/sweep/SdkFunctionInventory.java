package io.github.lambdaguardrail.guard.sweep;

import io.github.lambdaguardrail.engine.VpcConfig;
import io.github.lambdaguardrail.guard.LambdaFunctionFacts;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.AliasConfiguration;
import software.amazon.awssdk.services.lambda.model.FunctionConfiguration;
import software.amazon.awssdk.services.lambda.model.GetFunctionResponse;
import software.amazon.awssdk.services.lambda.model.ResourceNotFoundException;
import software.amazon.awssdk.services.lambda.model.VpcConfigResponse;

/**
 * {@link FunctionInventory} on the Lambda API through the SDK's paginators. Reads go through
 * {@code GetFunction} (its own 100 requests/s quota) rather than {@code GetFunctionConfiguration};
 * its tags need {@code lambda:ListTags} too. Pacing and retries are the client's (see
 * {@link ScanSettings#lambdaClient}). Thread-safe.
 */
public final class SdkFunctionInventory implements FunctionInventory {

    /** The largest page {@code ListFunctions} serves. */
    static final int PAGE_SIZE = 50;
    private static final String LATEST = "$LATEST";

    private final LambdaClient lambda;

    public SdkFunctionInventory(LambdaClient lambda) {
        this.lambda = lambda;
    }

    @Override
    public List<ListedFunction> functions() {
        return lambda.listFunctionsPaginator(b -> b.maxItems(PAGE_SIZE)).functions().stream()
                .map(f -> new ListedFunction(f.functionName(), f.functionArn())).toList();
    }

    @Override
    public Optional<LiveFunction> function(String functionArn) {
        GetFunctionResponse response;
        try {
            response = lambda.getFunction(b -> b.functionName(functionArn));
        } catch (ResourceNotFoundException e) {
            return Optional.empty();
        }
        FunctionConfiguration config = response.configuration();
        return Optional.of(new LiveFunction(config.functionName(), unqualified(config.functionArn()), vpc(config.vpcConfig()),
                response.hasTags() ? response.tags() : Map.of()));
    }

    @Override
    public List<String> aliases(String functionArn) {
        return orEmpty(() -> lambda.listAliasesPaginator(b -> b.functionName(functionArn)).aliases().stream()
                .map(AliasConfiguration::name).toList());
    }

    @Override
    public List<String> versions(String functionArn) {
        return orEmpty(() -> lambda.listVersionsByFunctionPaginator(b -> b.functionName(functionArn)).versions().stream()
                .map(FunctionConfiguration::version).filter(v -> !LATEST.equals(v)).toList());
    }

    @Override
    public Optional<String> policy(String functionArn, Optional<String> qualifier) {
        try {
            return Optional.of(lambda.getPolicy(b -> b.functionName(functionArn).qualifier(qualifier.orElse(null))).policy());
        } catch (ResourceNotFoundException e) {
            return Optional.empty(); // no policy (or the function went away meanwhile)
        }
    }

    @Override
    public List<UrlConfig> urlConfigs(String functionArn) {
        return orEmpty(() -> lambda.listFunctionUrlConfigsPaginator(b -> b.functionName(functionArn)).functionUrlConfigs()
                .stream().map(u -> new UrlConfig(u.functionArn(), u.authTypeAsString())).toList());
    }

    private static <T> List<T> orEmpty(Supplier<List<T>> read) {
        try {
            return read.get();
        } catch (ResourceNotFoundException e) {
            return List.of();
        }
    }

    private static VpcConfig vpc(VpcConfigResponse vpc) {
        return LambdaFunctionFacts.vpc(vpc);
    }

    /** GetFunction answers with the {@code $LATEST}-qualified ARN on some paths; the sweep keys on the unqualified one. */
    static String unqualified(String arn) {
        String[] parts = arn.split(":");
        return parts.length > 7 ? String.join(":", Arrays.copyOf(parts, 7)) : arn;
    }
}
