package io.github.lambdaguardrail.cli;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import io.github.lambdaguardrail.engine.WatchedApi;
import io.github.lambdaguardrail.guard.permissionguard.PermissionGuardHandler;
import io.github.lambdaguardrail.guard.vpcguard.VpcGuardHandler;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The guard functions {@code guardrail invoke} can run: the name on the command line, the logical
 * id in {@code template.yaml} (and so the key of its entry in {@code env.json}), the handler class
 * Lambda runs, and the APIs that handler's public no-arg constructor passes to
 * {@code GuardFunction.fromEnvironment} (the handler's own {@code APIS}).
 */
enum GuardTarget {

    VPC_GUARD("vpc-guard", "VpcGuardFunction", VpcGuardHandler.class, () -> VpcGuardHandler.APIS),
    PERMISSION_GUARD("permission-guard", "PermissionGuardFunction", PermissionGuardHandler.class, () -> PermissionGuardHandler.APIS);

    final String cliName;
    final String logicalId;
    final Class<? extends RequestStreamHandler> handler;
    private final Supplier<List<WatchedApi>> apis;

    GuardTarget(String cliName, String logicalId, Class<? extends RequestStreamHandler> handler,
                Supplier<List<WatchedApi>> apis) {
        this.cliName = cliName;
        this.logicalId = logicalId;
        this.handler = handler;
        this.apis = apis;
    }

    List<WatchedApi> apis() {
        return apis.get();
    }

    static Optional<GuardTarget> byName(String name) {
        return Arrays.stream(values()).filter(t -> t.cliName.equals(name)).findFirst();
    }

    static String names() {
        return String.join("|", Arrays.stream(values()).map(t -> t.cliName).toList());
    }
}
