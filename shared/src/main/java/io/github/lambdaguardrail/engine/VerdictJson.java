package io.github.lambdaguardrail.engine;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * The JSON form of a verdict (DESIGN §6): one object per record, used for the command line's
 * JSON Lines, structured logs and the machine-readable SNS message; and the one JSON form of a
 * finding, which the guards' logs and the sweep's logs and summaries use too. Thread-safe.
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
        out.set("findings", findings(verdict.findings()));
        ArrayNode actions = out.putArray("actions");
        verdict.actions().forEach(a -> actions.add(toJson(a)));
        return out;
    }

    /** Findings, each as {@link #finding} renders it. */
    public static ArrayNode findings(List<Finding> findings) {
        ArrayNode out = JsonNodeFactory.instance.arrayNode();
        findings.forEach(f -> finding(out.addObject(), f));
        return out;
    }

    /**
     * The one JSON form of a finding, written into {@code out} after what it holds already:
     * {@code ruleId}, {@code severity}, {@code message}, {@code subject} (what it is about: the
     * function, statement or guardrail resource), {@code origin}, {@code mode} (its rule's) and, if
     * exempted, {@code exemption}.
     */
    public static ObjectNode finding(ObjectNode out, Finding f) {
        out.put("ruleId", f.ruleId().name());
        out.put("severity", f.severity().name());
        out.put("message", f.message());
        out.put("subject", f.subject());
        out.put("origin", f.origin().name());
        out.put("mode", f.mode().label());
        f.exemption().ifPresent(e -> out.put("exemption", e));
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
