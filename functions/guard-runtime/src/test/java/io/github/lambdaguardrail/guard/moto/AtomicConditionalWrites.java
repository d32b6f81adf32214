package io.github.lambdaguardrail.guard.moto;

import java.util.concurrent.Semaphore;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/**
 * Gives moto's DynamoDB the atomic conditional writes DynamoDB has. moto 5.2.5 serves requests on
 * threads and evaluates a {@code ConditionExpression} by reading the item, checking, then writing,
 * with no lock ({@code moto/dynamodb/models/table.py}, {@code Table.put_item}): two concurrent
 * {@code attribute_not_exists(pk)} puts can both succeed (seen in about 1 run in 20 of ten
 * concurrent claims). This interceptor lets one conditional write at a time be on the wire, from
 * before its transmission until its response is in, so the guard's claim is tested against the
 * behaviour it relies on. Everything else the guard does stays concurrent. Thread-safe.
 */
final class AtomicConditionalWrites implements ExecutionInterceptor {

    private static final ExecutionAttribute<Boolean> HOLDS = new ExecutionAttribute<>("AtomicConditionalWrites.holds");

    private final Semaphore wire = new Semaphore(1);

    @Override
    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
        if (conditional(context.request()) && attributes.getAttribute(HOLDS) == null) {
            wire.acquireUninterruptibly();
            attributes.putAttribute(HOLDS, Boolean.TRUE);
        }
    }

    @Override
    public void afterTransmission(Context.AfterTransmission context, ExecutionAttributes attributes) {
        release(attributes);
    }

    @Override
    public void onExecutionFailure(Context.FailedExecution context, ExecutionAttributes attributes) {
        release(attributes);
    }

    private void release(ExecutionAttributes attributes) {
        if (attributes.getAttribute(HOLDS) != null) {
            attributes.putAttribute(HOLDS, null);
            wire.release();
        }
    }

    private static boolean conditional(SdkRequest request) {
        return request instanceof PutItemRequest put && put.conditionExpression() != null
                || request instanceof UpdateItemRequest update && update.conditionExpression() != null
                || request instanceof DeleteItemRequest delete && delete.conditionExpression() != null;
    }
}
