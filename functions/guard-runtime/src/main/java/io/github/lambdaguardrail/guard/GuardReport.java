package io.github.lambdaguardrail.guard;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * What one invocation did, counted: logged at the end and published as CloudWatch metrics.
 */
public final class GuardReport {

    private static final ObjectMapper JSON = new ObjectMapper();

    int records;
    int evaluated;
    int skipped;
    int invalid;
    int duplicates;
    int findings;
    int rollbacks;
    int notifications;
    int notificationFailures;

    public int records() {
        return records;
    }

    public int evaluated() {
        return evaluated;
    }

    public int skipped() {
        return skipped;
    }

    public int invalid() {
        return invalid;
    }

    public int duplicates() {
        return duplicates;
    }

    public int findings() {
        return findings;
    }

    public int rollbacks() {
        return rollbacks;
    }

    public int notifications() {
        return notifications;
    }

    public int notificationFailures() {
        return notificationFailures;
    }

    /** The counts as one JSON object: the function's result and the last log line of an invocation. */
    public ObjectNode toJson() {
        ObjectNode json = JSON.createObjectNode();
        json.put("records", records).put("evaluated", evaluated).put("skipped", skipped).put("invalid", invalid)
                .put("duplicates", duplicates).put("findings", findings).put("rollbacks", rollbacks)
                .put("notifications", notifications).put("notificationFailures", notificationFailures);
        return json;
    }

    @Override
    public String toString() {
        return toJson().toString();
    }
}
