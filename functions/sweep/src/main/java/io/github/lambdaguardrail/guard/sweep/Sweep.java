package io.github.lambdaguardrail.guard.sweep;

import io.github.lambdaguardrail.engine.GuardrailEngine;
import io.github.lambdaguardrail.engine.Policy;
import io.github.lambdaguardrail.guard.AwsClients;
import io.github.lambdaguardrail.runtime.ClientSettings;
import io.github.lambdaguardrail.runtime.JsonLog;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.lambda.LambdaClient;

/**
 * The sweep as a one-call entry point, for the command line: scan regions one after the other,
 * each with its own paced client, without a state store (nothing is written anywhere). Render a
 * result with {@link ScanReport#text} or {@link ScanReport#toJson(ScanResult)}.
 *
 * <pre>{@code
 * List<ScanResult> results = Sweep.scanRegions(policy, List.of("eu-west-1", "us-east-1"),
 *         ScanSettings.DEFAULT.withRateLimit(5), new JsonLog(System.err));
 * }</pre>
 */
public final class Sweep {

    private Sweep() {
    }

    /** Scans each region in turn; credentials come from the SDK's default chain. */
    public static List<ScanResult> scanRegions(Policy policy, List<String> regions, ScanSettings settings, JsonLog log) {
        List<ScanResult> results = new ArrayList<>();
        for (String region : regions) {
            results.add(scanRegion(policy, region, settings, ClientSettings.DEFAULT.withRegion(Region.of(region)), log));
        }
        return results;
    }

    /**
     * Scans one region through a client going where {@code client} says (region, endpoint,
     * credentials), paced and retried as {@code settings} say. A failure to list the functions
     * (after retries) is thrown; failures on single functions are in the result.
     */
    public static ScanResult scanRegion(Policy policy, String region, ScanSettings settings, ClientSettings client,
                                        JsonLog log) {
        RateLimitInterceptor pacer = new RateLimitInterceptor(new RateLimiter(settings.rateLimit()));
        try (LambdaClient lambda = AwsClients.lambda(settings.lambdaClient(client, pacer))) {
            FunctionScanner scanner = new FunctionScanner(new SdkFunctionInventory(lambda), new GuardrailEngine(policy, Set.of()),
                    Optional.empty(), settings, pacer, log);
            return scanner.scan(region, Optional.empty());
        }
    }
}
