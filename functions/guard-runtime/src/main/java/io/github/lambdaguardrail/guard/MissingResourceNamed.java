package io.github.lambdaguardrail.guard;

import java.util.Optional;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;

/**
 * Names the table or topic a call found missing: DynamoDB says only "Requested resource not
 * found", which leaves an operator guessing which of the guard's settings is wrong. The exception
 * keeps its type and code, so nothing that handles it changes.
 */
final class MissingResourceNamed implements ExecutionInterceptor {

    @Override
    public Throwable modifyException(Context.FailedExecution context, ExecutionAttributes attributes) {
        if (!(context.exception() instanceof AwsServiceException service) || service.awsErrorDetails() == null) {
            return context.exception();
        }
        AwsErrorDetails details = service.awsErrorDetails();
        String code = String.valueOf(details.errorCode());
        if (!code.equals("ResourceNotFoundException") && !code.equals("NotFound")) {
            return context.exception();
        }
        return missing(context.request()).<Throwable>map(what -> {
            String message = what + " does not exist in this account and region (" + details.errorMessage() + ")";
            return service.toBuilder().message(message)
                    .awsErrorDetails(details.toBuilder().errorMessage(message).build()).build();
        }).orElse(context.exception());
    }

    private static Optional<String> missing(SdkRequest request) {
        return request.getValueForField("TableName", String.class)
                .map(table -> "state table '" + table + "' (" + GuardConfig.STATE_TABLE_VARIABLE + ")")
                .or(() -> request.getValueForField("TopicArn", String.class)
                        .map(topic -> "topic '" + topic + "' (" + GuardConfig.TOPIC_ARN_VARIABLE + ")"));
    }
}
