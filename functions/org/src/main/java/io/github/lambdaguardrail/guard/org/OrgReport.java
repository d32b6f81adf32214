package io.github.lambdaguardrail.guard.org;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.lambdaguardrail.engine.Json;
import java.util.LinkedHashMap;
import java.util.Map;

/** What one invocation of the evaluator did, counted: logged, published as metrics, and its result. */
public final class OrgReport {

    int records;
    int evaluated;
    int skipped;
    int invalid;
    int findings;
    int exempted;
    int tampers;
    int queued;
    int queueFailures;
    int notifications;
    int notificationFailures;
    int heartbeats;

    public int queued() {
        return queued;
    }

    /** Events that could not be handed to a remediator: alerted, and counted for the alarm. */
    public int queueFailures() {
        return queueFailures;
    }

    public int notifications() {
        return notifications;
    }

    public int findings() {
        return findings;
    }

    public int invalid() {
        return invalid;
    }

    /** As CloudWatch metrics, by the guards' names where they mean the same. */
    public Map<String, Integer> metrics() {
        Map<String, Integer> counts = new LinkedHashMap<>();
        counts.put("Findings", findings);
        counts.put("Skips", skipped);
        counts.put("InvalidEvents", invalid);
        counts.put("NotificationFailures", notificationFailures);
        counts.put("Exempted", exempted);
        counts.put("Tampers", tampers);
        counts.put("Heartbeats", heartbeats);
        counts.put("RemediationsQueued", queued);
        counts.put("QueueFailures", queueFailures);
        return counts;
    }

    public ObjectNode toJson() {
        ObjectNode json = Json.object();
        json.put("records", records).put("evaluated", evaluated).put("skipped", skipped).put("invalid", invalid)
                .put("findings", findings).put("exempted", exempted).put("tampers", tampers).put("queued", queued)
                .put("queueFailures", queueFailures).put("notifications", notifications)
                .put("notificationFailures", notificationFailures).put("heartbeats", heartbeats);
        return json;
    }

    @Override
    public String toString() {
        return Json.write(toJson());
    }
}
