package io.github.lambdaguardrail.guard;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.lambdaguardrail.engine.Json;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one invocation did, counted: logged at the end and published as CloudWatch metrics, also
 * when the invocation fails (so a deferred duplicate is told apart from a real failure).
 */
public final class GuardReport {


    int records;
    int evaluated;
    int skipped;
    int invalid;
    int duplicates;
    int deferred;
    int findings;
    int exempted;
    int tampers;
    int rollbacks;
    int actionFailures;
    int notifications;
    int notificationFailures;
    int heartbeats;

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

    /** Deliveries left for a later retry because another invocation held the event: benign, no page. */
    public int deferred() {
        return deferred;
    }

    public int findings() {
        return findings;
    }

    /** Findings reported as exempted. */
    public int exempted() {
        return exempted;
    }

    /** Deliveries of changes to the guardrail itself, counted before the claim (duplicates too). */
    public int tampers() {
        return tampers;
    }

    public int rollbacks() {
        return rollbacks;
    }

    /** Actions that failed for good (reported in the alert as FAILED). */
    public int actionFailures() {
        return actionFailures;
    }

    public int notifications() {
        return notifications;
    }

    public int notificationFailures() {
        return notificationFailures;
    }

    /** Scheduled heartbeats received: proof that the guard still runs. */
    public int heartbeats() {
        return heartbeats;
    }

    /** The counts as CloudWatch metrics, by the names the template's alarms use. */
    public Map<String, Integer> metrics() {
        Map<String, Integer> counts = new LinkedHashMap<>();
        counts.put("Findings", findings);
        counts.put("Rollbacks", rollbacks);
        counts.put("Skips", skipped + duplicates);
        counts.put("InvalidEvents", invalid);
        counts.put("NotificationFailures", notificationFailures);
        counts.put("Exempted", exempted);
        counts.put("Tampers", tampers);
        counts.put("ActionFailures", actionFailures);
        counts.put("DeferredDuplicates", deferred);
        counts.put("Heartbeats", heartbeats);
        return counts;
    }

    /** The counts as one JSON object: the function's result and the last log line of an invocation. */
    public ObjectNode toJson() {
        ObjectNode json = Json.object();
        json.put("records", records).put("evaluated", evaluated).put("skipped", skipped).put("invalid", invalid)
                .put("duplicates", duplicates).put("deferred", deferred).put("findings", findings)
                .put("exempted", exempted).put("tampers", tampers).put("rollbacks", rollbacks)
                .put("actionFailures", actionFailures).put("notifications", notifications)
                .put("notificationFailures", notificationFailures).put("heartbeats", heartbeats);
        return json;
    }

    @Override
    public String toString() {
        return Json.write(toJson());
    }
}
