package io.github.lambdaguardrail.guard.org;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * OrgSweepFunction: on a schedule, the sweep of every member account and governed region through
 * the member role, with one summary per run (organisation mode). It never changes a function.
 */
public final class OrgSweepHandler implements RequestStreamHandler {

    private final OrgSweepFunction function;

    /** Used by Lambda: configuration and clients from the environment, once per container. */
    public OrgSweepHandler() {
        this(OrgSweepFunction.fromEnvironment(System.getenv()));
    }

    OrgSweepHandler(OrgSweepFunction function) {
        this.function = function;
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        function.handle(output, context);
    }
}
