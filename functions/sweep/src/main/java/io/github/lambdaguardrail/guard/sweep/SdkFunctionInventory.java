package io.github.lambdaguardrail.guard.sweep;

import io.github.lambdaguardrail.engine.LivePolicy;
import io.github.lambdaguardrail.guard.FunctionReader;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.AliasConfiguration;
import software.amazon.awssdk.services.lambda.model.FunctionConfiguration;
import software.amazon.awssdk.services.lambda.model.ResourceNotFoundException;

/**
 * {@link FunctionInventory} on the Lambda API through the SDK's paginators; a function's
 * configuration, tags and policies through the guards' {@link FunctionReader}. Pacing and retries
 * are the client's (see {@link ScanSettings#lambdaClient}). Thread-safe.
 */
public final class SdkFunctionInventory implements FunctionInventory {

    /** The largest page {@code ListFunctions} serves. */
    static final int PAGE_SIZE = 50;
    private static final String LATEST = "$LATEST";

    private final LambdaClient lambda;
    private final FunctionReader reader;

    public SdkFunctionInventory(LambdaClient lambda) {
        this.lambda = lambda;
        this.reader = new FunctionReader(() -> lambda);
    }

    @Override
    public List<ListedFunction> functions() {
        return lambda.listFunctionsPaginator(b -> b.maxItems(PAGE_SIZE)).functions().stream()
                .map(f -> new ListedFunction(f.functionName(), f.functionArn())).toList();
    }

    @Override
    public Optional<LiveFunction> function(String functionArn) {
        return reader.function(functionArn).map(f -> new LiveFunction(f.name(), f.arn(), f.live().vpc(), f.tags()));
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
        // Missing: no policy (or the function went away meanwhile).
        return reader.policy(functionArn, qualifier) instanceof LivePolicy.Found found
                ? Optional.of(found.document()) : Optional.empty();
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
}
