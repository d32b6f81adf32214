package io.github.lambdaguardrail.guard;

import io.github.lambdaguardrail.engine.VpcConfig;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;

/**
 * {@link StateStore} on one DynamoDB table with the string partition key {@code pk}:
 * {@code event#<eventID>} items (status, lease, owner token, attempts, the alert of an event acted
 * on but not yet alerted, TTL attribute {@code expiresAt}) and
 * {@code vpc#<functionArn>} items (the last known-good VPC config, every field). Claims are conditional
 * writes, so concurrent duplicate deliveries race safely; each claim writes a new owner token, and
 * keeping an alert, completing and releasing are conditional on it, so an invocation whose claim ran
 * out and was taken over changes nothing of the new holder's. Thread-safe.
 */
public final class DynamoDbStateStore implements StateStore {

    /** CloudTrail and EventBridge redeliver within a day; a week of memory is plenty. */
    static final Duration RETENTION = Duration.ofDays(7);
    private static final String IN_PROGRESS = "IN_PROGRESS";
    private static final String DONE = "DONE";
    private static final String RELEASED = "RELEASED";
    private static final Map<String, String> NAMES = Map.of("#status", "status", "#owner", "owner");

    private final Supplier<DynamoDbClient> dynamo;
    private final String table;
    private final Clock clock;

    /** @param dynamo called on the first read or write: a guard builds its DynamoDB client then */
    public DynamoDbStateStore(Supplier<DynamoDbClient> dynamo, String table) {
        this(dynamo, table, Clock.systemUTC());
    }

    DynamoDbStateStore(Supplier<DynamoDbClient> dynamo, String table, Clock clock) {
        this.dynamo = dynamo;
        this.table = table;
        this.clock = clock;
    }

    @Override
    public Claim claim(String eventId, Instant holdUntil) {
        long now = clock.instant().getEpochSecond();
        String owner = UUID.randomUUID().toString();
        // Whole seconds, rounded up: the hold never ends before holdUntil.
        long leaseUntil = holdUntil.getEpochSecond() + (holdUntil.getNano() > 0 ? 1 : 0);
        Map<String, AttributeValue> item;
        try {
            item = dynamo.get().updateItem(b -> b.tableName(table).key(key(eventId))
                    .updateExpression("SET #status = :inProgress, leaseUntil = :lease, #owner = :owner,"
                            + " expiresAt = if_not_exists(expiresAt, :expires) ADD attempts :one")
                    .conditionExpression("attribute_not_exists(pk) OR #status = :released"
                            + " OR (#status = :inProgress AND leaseUntil < :now)")
                    .expressionAttributeNames(NAMES)
                    .expressionAttributeValues(Map.of(":inProgress", s(IN_PROGRESS), ":released", s(RELEASED),
                            ":lease", n(leaseUntil), ":owner", s(owner), ":expires", n(now + RETENTION.toSeconds()),
                            ":now", n(now), ":one", n(1)))
                    .returnValues(ReturnValue.ALL_NEW)).attributes();
        } catch (ConditionalCheckFailedException e) {
            return alreadyDone(eventId);
        }
        AttributeValue alert = item.get("alert");
        if (alert != null && alert.s() != null) {
            return new Claim.AlertPending(Alert.fromJson(alert.s()), owner);
        }
        AttributeValue attempts = item.get("attempts");
        return new Claim.Fresh(attempts == null ? 1 : Integer.parseInt(attempts.n()), owner);
    }

    /** Done for a handled event; throws while another invocation holds an unexpired claim. */
    private Claim alreadyDone(String eventId) {
        GetItemResponse item = dynamo.get().getItem(b -> b.tableName(table).key(key(eventId)).consistentRead(true));
        AttributeValue status = item.hasItem() ? item.item().get("status") : null;
        if (status != null && DONE.equals(status.s())) {
            return new Claim.Done();
        }
        throw new EventInProgressException(eventId);
    }

    @Override
    public boolean keepAlert(String eventId, String owner, Alert alert) {
        return whileHeld(eventId, owner, "SET #status = :released, alert = :alert REMOVE leaseUntil",
                Map.of(":released", s(RELEASED), ":alert", s(alert.toJson())));
    }

    @Override
    public boolean complete(String eventId, String owner) {
        return whileHeld(eventId, owner, "SET #status = :done REMOVE leaseUntil, alert", Map.of(":done", s(DONE)));
    }

    @Override
    public boolean release(String eventId, String owner) {
        return whileHeld(eventId, owner, "SET #status = :released REMOVE leaseUntil", Map.of(":released", s(RELEASED)));
    }

    /** An update of the event's item, made only while {@code owner}'s claim is the one in progress. */
    private boolean whileHeld(String eventId, String owner, String update, Map<String, AttributeValue> values) {
        Map<String, AttributeValue> all = new java.util.HashMap<>(values);
        all.put(":inProgress", s(IN_PROGRESS));
        all.put(":owner", s(owner));
        try {
            dynamo.get().updateItem(b -> b.tableName(table).key(key(eventId)).updateExpression(update)
                    .conditionExpression("#status = :inProgress AND #owner = :owner")
                    .expressionAttributeNames(NAMES)
                    .expressionAttributeValues(all));
            return true;
        } catch (ConditionalCheckFailedException e) {
            // Another invocation took the claim over (or completed it): it is not this one's to change.
            return false;
        }
    }

    private static Map<String, AttributeValue> key(String eventId) {
        return Map.of("pk", s("event#" + eventId));
    }

    @Override
    public Optional<VpcConfig> lastKnownGoodVpc(String functionArn) {
        GetItemResponse item = dynamo.get().getItem(b -> b.tableName(table).key(Map.of("pk", s("vpc#" + functionArn)))
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
        dynamo.get().putItem(b -> b.tableName(table).item(item));
    }

    private static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    private static AttributeValue n(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }
}
