package io.github.lambdaguardrail.guard.securityhub;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.lambdaguardrail.engine.Json;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one invocation of the exporter did, counted: logged at the end and published as CloudWatch
 * metrics, also when the invocation fails (a retry is due).
 */
public final class ExportReport {

    int messages;
    int findingsImported;
    int securityHubFailures;
    int invalidAlerts;

    /** SNS messages in the invocation's event (Lambda delivers one). */
    public int messages() {
        return messages;
    }

    /** Findings Security Hub took. */
    public int findingsImported() {
        return findingsImported;
    }

    /**
     * Findings that did not reach Security Hub for good: refused, or the call failed in a way a
     * retry cannot cure (access denied, Security Hub not enabled). The SNS alert went regardless.
     */
    public int securityHubFailures() {
        return securityHubFailures;
    }

    /** Messages that are not a verdict's alert: nothing of them was imported. */
    public int invalidAlerts() {
        return invalidAlerts;
    }

    /** The counts as CloudWatch metrics, by the names the template's alarms use. */
    public Map<String, Integer> metrics() {
        Map<String, Integer> counts = new LinkedHashMap<>();
        counts.put("SecurityHubFindings", findingsImported);
        counts.put("SecurityHubFailures", securityHubFailures);
        counts.put("InvalidAlerts", invalidAlerts);
        return counts;
    }

    /** The counts as one JSON object: the function's result and the last log line of an invocation. */
    public ObjectNode toJson() {
        return Json.object().put("messages", messages).put("findingsImported", findingsImported)
                .put("securityHubFailures", securityHubFailures).put("invalidAlerts", invalidAlerts);
    }

    @Override
    public String toString() {
        return Json.write(toJson());
    }
}
