package io.github.lambdaguardrail.runtime;

import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;

/**
 * Which failures a later attempt can cure. Throttling, server errors and network failures are
 * transient: Lambda's retry may succeed. Everything else (access denied by a policy or an SCP, an
 * invalid parameter, a bad tag value, a bug) fails the same way every time, so it is an outcome to
 * report, never a reason to retry.
 */
public final class Failures {

    private Failures() {
    }

    public static boolean isTransient(Throwable e) {
        if (e instanceof SdkClientException) {
            return true;
        }
        if (e instanceof AwsServiceException service) {
            return service.isThrottlingException() || service.statusCode() == 429 || service.statusCode() >= 500;
        }
        return false;
    }

    /** One line for an alert: the error code (or class) and its message, bounded. */
    public static String describe(Throwable e) {
        String code = e instanceof AwsServiceException service && service.awsErrorDetails() != null
                && service.awsErrorDetails().errorCode() != null
                ? service.awsErrorDetails().errorCode() : e.getClass().getSimpleName();
        String message = e instanceof AwsServiceException service && service.awsErrorDetails() != null
                ? service.awsErrorDetails().errorMessage() : e.getMessage();
        String text = code + (message == null || message.isBlank() ? "" : ": " + message);
        // Long enough for an SCP denial's last words ("... with an explicit deny in a service control policy").
        return text.length() <= 1000 ? text : text.substring(0, 1000) + "...";
    }
}
