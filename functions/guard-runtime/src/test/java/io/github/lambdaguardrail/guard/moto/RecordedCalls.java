package io.github.lambdaguardrail.guard.moto;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.SdkResponse;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;

/**
 * Records every call made through the guard's SDK clients (request, and response or failure), so
 * tests can count the guard's writes and read exactly what it sent, e.g. the RevisionId of a
 * RemovePermission or the email text of an SNS Publish. A hook may run before each call, to change
 * the world between the guard's read and its write. Thread-safe.
 */
public final class RecordedCalls implements ExecutionInterceptor {

    /** One finished call. */
    public record Call(SdkRequest request, Optional<SdkResponse> response, Optional<Throwable> failure) {
    }

    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private volatile Consumer<SdkRequest> beforeCall = request -> { };

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        beforeCall.accept(context.request());
    }

    @Override
    public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
        calls.add(new Call(context.request(), Optional.of(context.response()), Optional.empty()));
    }

    @Override
    public void onExecutionFailure(Context.FailedExecution context, ExecutionAttributes attributes) {
        calls.add(new Call(context.request(), Optional.empty(), Optional.of(context.exception())));
    }

    /** Runs {@code hook} before each later call of the guard (on the calling thread). */
    void beforeEachCall(Consumer<SdkRequest> hook) {
        beforeCall = hook;
    }

    /** The guard's calls of one request type, in order, successful or not. */
    public <T extends SdkRequest> List<T> requests(Class<T> type) {
        List<T> out = new ArrayList<>();
        for (Call call : calls) {
            if (type.isInstance(call.request())) {
                out.add(type.cast(call.request()));
            }
        }
        return out;
    }

    /** The guard's calls of one request type with their outcome. */
    public List<Call> calls(Class<? extends SdkRequest> type) {
        return calls.stream().filter(c -> type.isInstance(c.request())).toList();
    }

    /**
     * The IAM actions behind the calls made, e.g. {@code lambda:RemovePermission} for a
     * {@code software.amazon.awssdk.services.lambda.model.RemovePermissionRequest}.
     */
    public java.util.Set<String> iamActions() {
        java.util.Set<String> actions = new java.util.TreeSet<>();
        for (Call call : calls) {
            Class<?> type = call.request().getClass();
            String service = type.getPackageName().replace("software.amazon.awssdk.services.", "").replace(".model", "");
            actions.add(service + ":" + type.getSimpleName().replaceFirst("Request$", ""));
        }
        return actions;
    }

    void clear() {
        calls.clear();
    }
}
