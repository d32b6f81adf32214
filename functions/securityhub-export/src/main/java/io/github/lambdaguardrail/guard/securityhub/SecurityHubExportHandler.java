package io.github.lambdaguardrail.guard.securityhub;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * securityhub-export: subscribed to the alert topic (with {@code SecurityHub=true}), it imports
 * each verdict's findings into AWS Security Hub, in ASFF. The guards send nothing there themselves.
 */
public final class SecurityHubExportHandler implements RequestStreamHandler {

    private final SecurityHubExportFunction function;

    /** Used by Lambda: the Security Hub client's settings from the environment, once per container. */
    public SecurityHubExportHandler() {
        this(SecurityHubExportFunction.fromEnvironment(System.getenv()));
    }

    SecurityHubExportHandler(SecurityHubExportFunction function) {
        this.function = function;
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        function.handle(input, output, context);
    }
}
