package io.github.lambdaguardrail.guard.org;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/** OrgEvaluatorFunction: the target of the central bus's rule (organisation mode). */
public final class OrgEvaluatorHandler implements RequestStreamHandler {

    private final OrgEvaluatorFunction function;

    /** Used by Lambda: configuration from the environment, once per container. */
    public OrgEvaluatorHandler() {
        this(OrgEvaluatorFunction.fromEnvironment(System.getenv()));
    }

    OrgEvaluatorHandler(OrgEvaluatorFunction function) {
        this.function = function;
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        function.handle(input, output, context);
    }
}
