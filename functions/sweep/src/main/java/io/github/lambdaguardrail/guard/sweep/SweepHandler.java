package io.github.lambdaguardrail.guard.sweep;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * sweep: on a schedule, judges every existing function of the region (configuration, the
 * resource policies of the function, its aliases and versions, its function URLs) and sends one
 * summary. It reports pre-existing violations and never changes a function.
 */
public final class SweepHandler implements RequestStreamHandler {

    private final SweepFunction function;

    /** Used by Lambda: configuration and clients from the environment, once per container. */
    public SweepHandler() {
        this(SweepFunction.fromEnvironment(System.getenv()));
    }

    SweepHandler(SweepFunction function) {
        this.function = function;
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        function.handle(output, context);
    }
}
