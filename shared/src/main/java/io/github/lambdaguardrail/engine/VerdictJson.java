package io.github.lambdaguardrail.engine;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The JSON form of a verdict (DESIGN §6): one object per record, used for the command line's
 * JSON Lines, structured logs and the machine-readable SNS message. Thread-safe.
 */
public final class VerdictJson {

    private VerdictJson() {
    }

    public static ObjectNode toJson(Verdict verdict) {
        RecordHeader h = verdict.header();
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("eventId", h.eventId());
        out.put("eventName", h.eventName());
        out.put("eventTime", h.eventTime());
        out.put("account", h.account());
        out.put("region", h.region());
        out.put("function", verdict.function().map(FunctionRef::qualifiedArn).orElse(""));
        out.put("actor", h.actor().arn());
        out.put("decision", verdict.decision().name());
        verdict.note().ifPresent(note -> out.put("note", note));
        ArrayNode findings = out.putArray("findings");
        for (Finding f : verdict.findings()) {
            ObjectNode finding = findings.addObject();
            finding.put("ruleId", f.ruleId().name());
            finding.put("severity", f.severity().name());
            finding.put("message", f.message());
            finding.put("origin", f.origin().name());
            f.exemption().ifPresent(e -> finding.put("exemption", e));
        }
        ArrayNode actions = out.putArray("actions");
        verdict.actions().forEach(a -> actions.add(toJson(a)));
        return out;
    }

    public static ObjectNode toJson(Action action) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("type", action.type());
        switch (action) {
            case Action.RemovePermission remove -> {
                function(out, remove.function());
                out.put("statementId", remove.statementId());
            }
            case Action.Quarantine quarantine -> {
                function(out, quarantine.function());
                ArrayNode reasons = out.putArray("reasons");
                quarantine.reasons().forEach(r -> reasons.add(r.name()));
            }
            case Action.RestoreVpcConfig restore -> {
                function(out, restore.function());
                ArrayNode subnets = out.putArray("subnetIds");
                restore.knownGood().subnetIds().forEach(subnets::add);
                ArrayNode groups = out.putArray("securityGroupIds");
                restore.knownGood().securityGroupIds().forEach(groups::add);
                out.put("ipv6AllowedForDualStack", restore.knownGood().ipv6AllowedForDualStack());
            }
            case Action.LeaveAlone leave -> {
                function(out, leave.function());
                out.put("instead", leave.instead().name());
                out.put("reason", leave.reason());
            }
            case Action.Notify notify -> {
                // the type says it all
            }
        }
        return out;
    }

    private static void function(ObjectNode out, FunctionRef function) {
        out.put("function", function.arn());
        function.qualifier().ifPresent(q -> out.put("qualifier", q));
    }
}
