package io.github.lambdaguardrail.engine.prevent;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.lambdaguardrail.engine.RuleId;
import io.github.lambdaguardrail.engine.Json;

/**
 * The JSON form of an {@link ScpReport}: {@code scp} (the document as an object), {@code expressible},
 * {@code detectiveOnly}, {@code warnings} and {@code characters}. Thread-safe.
 */
public final class ScpReportJson {

    private ScpReportJson() {
    }

    public static ObjectNode toJson(ScpReport report) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        try {
            out.set("scp", Json.read(report.scp()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("generated SCP is not JSON", e);
        }
        ArrayNode expressible = out.putArray("expressible");
        for (ScpReport.Expressed e : report.expressible()) {
            ObjectNode entry = expressible.addObject();
            entry.put("field", e.field());
            entry.put("rule", e.rule().name());
            entry.put("sid", e.sid());
            entry.put("denies", e.coverage().label());
            entry.put("why", e.why());
        }
        ArrayNode detectiveOnly = out.putArray("detectiveOnly");
        for (ScpReport.DetectiveOnly d : report.detectiveOnly()) {
            ObjectNode entry = detectiveOnly.addObject();
            entry.put("field", d.field());
            ArrayNode rules = entry.putArray("rules");
            d.rules().stream().map(RuleId::name).forEach(rules::add);
            entry.put("reason", d.reason());
        }
        ArrayNode warnings = out.putArray("warnings");
        report.warnings().forEach(warnings::add);
        out.put("characters", report.characters());
        out.put("limit", ScpReport.CHARACTER_LIMIT);
        return out;
    }
}
