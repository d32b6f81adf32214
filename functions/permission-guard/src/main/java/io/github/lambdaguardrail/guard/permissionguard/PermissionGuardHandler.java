package io.github.lambdaguardrail.guard.permissionguard;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import io.github.lambdaguardrail.engine.WatchedApi;
import io.github.lambdaguardrail.guard.GuardFunction;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;

/**
 * permission-guard: {@code AddPermission}, {@code PutResourcePolicy} and function URL config
 * events; an overly broad statement is removed (exactly the one the event added) or reported.
 */
public final class PermissionGuardHandler implements RequestStreamHandler {

    /** The events this guard handles; its EventBridge rule in template.yaml matches exactly these. */
    public static final List<WatchedApi> APIS = WatchedApi.resourcePolicy();

    private final GuardFunction function;

    /** Used by Lambda: configuration and clients from the environment, once per container. */
    public PermissionGuardHandler() {
        this(GuardFunction.fromEnvironment(System.getenv(), APIS));
    }

    PermissionGuardHandler(GuardFunction function) {
        this.function = function;
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        function.handle(input, output, context);
    }
}
