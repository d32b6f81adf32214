package io.github.lambdaguardrail.guard.org;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/** OrgRemediatorFunction: the remediation queue's consumer (organisation mode). */
public final class OrgRemediatorHandler implements RequestStreamHandler {

    private final OrgRemediatorFunction function;

    /** Used by Lambda: configuration from the environment, once per container. */
    public OrgRemediatorHandler() {
        this(OrgRemediatorFunction.fromEnvironment(System.getenv()));
    }

    OrgRemediatorHandler(OrgRemediatorFunction function) {
        this.function = function;
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        function.handle(input, output, context);
    }
}
