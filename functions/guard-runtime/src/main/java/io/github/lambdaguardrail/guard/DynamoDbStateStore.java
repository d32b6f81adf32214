package io.github.lambdaguardrail.guard;

import io.github.lambdaguardrail.engine.VpcConfig;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;

/**
 * {@link StateStore} on one DynamoDB table with the string partition key {@code pk}:
 * {@code event#<eventID>} items (status, lease, attempts, the alert of an event acted on but not yet
 * alerted, TTL attribute {@code expiresAt}) and
 * {@code vpc#<functionArn>} items (the last known-good VPC config, every field). Claims are conditional
 * writes, so concurrent duplicate deliveries race safely. Thread-safe.
 */
public final class DynamoDbStateStore implements StateStore {

    /**
     * How long a claim blocks other deliveries before one may take over: above the function's
     * 60 s timeout, below the ~3 minutes after which Lambda's second async retry comes, so a
     * crashed invocation's event is handled by a retry instead of being lost.
     */
    static final Duration LEASE = Duration.ofSeconds(90);
    /** CloudTrail and EventBridge redeliver within a day; a week of memory is plenty. */
    static final Duration RETENTION = Duration.ofDays(7);
    private static final String IN_PROGRESS = "IN_PROGRESS";
    private static final String DONE = "DONE";
    private static final String RELEASED = "RELEASED";

    private final DynamoDbClient dynamo;
    private final String table;
    private final Clock clock;

    public DynamoDbStateStore(DynamoDbClient dynamo, String table) {
        this(dynamo, table, Clock.systemUTC());
    }

    DynamoDbStateStore(DynamoDbClient dynamo, String table, Clock clock) {
        this.dynamo = dynamo;
        this.table = table;
        this.clock = clock;
    }

    @Override
    public Claim claim(String eventId) {
        long now = clock.instant().getEpochSecond();
        Map<String, AttributeValue> item;
        try {
            item = dynamo.updateItem(b -> b.tableName(table).key(key(eventId))
                    .updateExpression("SET #status = :inProgress, leaseUntil = :lease, expiresAt = if_not_exists(expiresAt, :expires)"
                            + " ADD attempts :one")
                    .conditionExpression("attribute_not_exists(pk) OR #status = :released"
                            + " OR (#status = :inProgress AND leaseUntil < :now)")
                    .expressionAttributeNames(Map.of("#status", "status"))
                    .expressionAttributeValues(Map.of(":inProgress", s(IN_PROGRESS), ":released", s(RELEASED),
                            ":lease", n(now + LEASE.toSeconds()), ":expires", n(now + RETENTION.toSeconds()),
                            ":now", n(now), ":one", n(1)))
                    .returnValues(ReturnValue.ALL_NEW)).attributes();
        } catch (ConditionalCheckFailedException e) {
            return alreadyDone(eventId);
        }
        AttributeValue alert = item.get("alert");
        if (alert != null && alert.s() != null) {
            return new Claim.AlertPending(Alert.fromJson(alert.s()));
        }
        AttributeValue attempts = item.get("attempts");
        return new Claim.Fresh(attempts == null ? 1 : Integer.parseInt(attempts.n()));
    }

    /** Done for a handled event; throws while another invocation holds an unexpired claim. */
    private Claim alreadyDone(String eventId) {
        GetItemResponse item = dynamo.getItem(b -> b.tableName(table).key(key(eventId)).consistentRead(true));
        AttributeValue status = item.hasItem() ? item.item().get("status") : null;
        if (status != null && DONE.equals(status.s())) {
            return new Claim.Done();
        }
        throw new EventInProgressException(eventId);
    }

    @Override
    public void recordAlert(String eventId, Alert alert) {
        dynamo.updateItem(b -> b.tableName(table).key(key(eventId))
                .updateExpression("SET alert = :alert")
                .expressionAttributeValues(Map.of(":alert", s(alert.toJson()))));
    }

    @Override
    public void complete(String eventId) {
        dynamo.updateItem(b -> b.tableName(table).key(key(eventId))
                .updateExpression("SET #status = :done REMOVE leaseUntil, alert")
                .expressionAttributeNames(Map.of("#status", "status"))
                .expressionAttributeValues(Map.of(":done", s(DONE))));
    }

    @Override
    public void release(String eventId) {
        try {
            dynamo.updateItem(b -> b.tableName(table).key(key(eventId))
                    .updateExpression("SET #status = :released REMOVE leaseUntil")
                    .conditionExpression("#status = :inProgress")
                    .expressionAttributeNames(Map.of("#status", "status"))
                    .expressionAttributeValues(Map.of(":inProgress", s(IN_PROGRESS), ":released", s(RELEASED))));
        } catch (ConditionalCheckFailedException e) {
            // Completed meanwhile: keep the record.
        }
    }

    private static Map<String, AttributeValue> key(String eventId) {
        return Map.of("pk", s("event#" + eventId));
    }

    @Override
    public Optional<VpcConfig> lastKnownGoodVpc(String functionArn) {
        GetItemResponse item = dynamo.getItem(b -> b.tableName(table).key(Map.of("pk", s("vpc#" + functionArn)))
                .consistentRead(true));
        if (!item.hasItem() || !item.item().containsKey("subnetIds")) {
            return Optional.empty();
        }
        Map<String, AttributeValue> v = item.item();
        return Optional.of(new VpcConfig(v.get("subnetIds").ss(), v.containsKey("securityGroupIds")
                ? v.get("securityGroupIds").ss() : List.of(),
                Optional.ofNullable(v.get("vpcId")).map(AttributeValue::s),
                Optional.ofNullable(v.get("ipv6AllowedForDualStack")).map(AttributeValue::bool).orElse(false)));
    }

    @Override
    public void rememberKnownGoodVpc(String functionArn, VpcConfig vpc) {
        // String sets cannot be empty; a config without subnets is never "known good".
        Map<String, AttributeValue> item = new java.util.HashMap<>(Map.of(
                "pk", s("vpc#" + functionArn),
                "subnetIds", AttributeValue.fromSs(vpc.subnetIds()),
                "updatedAt", s(clock.instant().toString())));
        if (!vpc.securityGroupIds().isEmpty()) {
            item.put("securityGroupIds", AttributeValue.fromSs(vpc.securityGroupIds()));
        }
        vpc.vpcId().ifPresent(id -> item.put("vpcId", s(id)));
        item.put("ipv6AllowedForDualStack", AttributeValue.fromBool(vpc.ipv6AllowedForDualStack()));
        dynamo.putItem(b -> b.tableName(table).item(item));
    }

    private static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    private static AttributeValue n(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }
}
