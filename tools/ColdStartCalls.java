import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

/**
 * Counts the AWS API calls of every SDK client in the process, for tools/cold-start: the SDK loads
 * it as a global interceptor from {@code software/amazon/awssdk/global/handlers/execution.interceptors}
 * on the class path (target-tools/coldstart), so the function's code is run unchanged. One call is
 * one API operation, its retries included.
 */
public final class ColdStartCalls implements ExecutionInterceptor {

    private static final List<String> OPERATIONS = new CopyOnWriteArrayList<>();

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        OPERATIONS.add(attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME));
    }

    /** The operations called since the last take, in order; forgets them. */
    static synchronized List<String> take() {
        List<String> taken = List.copyOf(OPERATIONS);
        OPERATIONS.clear();
        return taken;
    }
}
