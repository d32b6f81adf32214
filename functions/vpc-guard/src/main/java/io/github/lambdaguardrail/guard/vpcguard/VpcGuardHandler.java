package io.github.lambdaguardrail.guard.vpcguard;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import io.github.lambdaguardrail.engine.WatchedApi;
import io.github.lambdaguardrail.guard.GuardFunction;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;

/**
 * vpc-guard: {@code CreateFunction} and {@code UpdateFunctionConfiguration} events; functions
 * outside a VPC or outside the allow-lists are quarantined or get their known-good VPC back.
 */
public final class VpcGuardHandler implements RequestStreamHandler {

    /** The events this guard handles; its EventBridge rule in template.yaml matches exactly these. */
    public static final List<WatchedApi> APIS = WatchedApi.functionConfiguration();

    private final GuardFunction function;

    /** Used by Lambda: configuration and clients from the environment, once per container. */
    public VpcGuardHandler() {
        this(GuardFunction.fromEnvironment(System.getenv(), APIS));
    }

    VpcGuardHandler(GuardFunction function) {
        this.function = function;
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        function.handle(input, output, context);
    }
}
