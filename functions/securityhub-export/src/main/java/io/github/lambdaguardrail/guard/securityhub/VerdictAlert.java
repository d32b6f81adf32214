package io.github.lambdaguardrail.guard.securityhub;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.github.lambdaguardrail.engine.Json;
import io.github.lambdaguardrail.engine.Mode;
import io.github.lambdaguardrail.engine.Origin;
import io.github.lambdaguardrail.engine.RegionName;
import io.github.lambdaguardrail.engine.RuleId;
import io.github.lambdaguardrail.engine.Severity;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A verdict's alert as every machine subscriber of the alert topic receives it: the JSON document
 * of the guard's SNS message ({@code Alert.of} in guard-runtime), read and checked completely. A
 * message that is not one (not JSON, too large, a field missing or of the wrong type, an unknown
 * rule, severity, origin or mode, the decision of an unreadable event or of a sweep) is refused
 * with the reason, naming the field, never the message's content. Immutable.
 *
 * @param function the function the verdict is about; empty for a change to another resource (a
 *                 guardrail topic, key or rule)
 * @param decision what the guard did, one of {@link #DECISIONS}
 */
record VerdictAlert(String eventId, String eventName, String eventTime, String account, String region,
                    Optional<FunctionArn> function, String actor, String decision, Optional<String> note,
                    List<AlertFinding> findings, List<Outcome> outcomes) {

    /**
     * The decisions of a verdict's alert. Not {@code INVALID} (an event the guard could not read:
     * no findings), {@code SWEEP} (the sweep's summary) nor {@code ROLLBACK_QUEUED} (the
     * organisation's evaluator, whose members' findings belong in their own accounts). The alert
     * subscription's filter policy lets exactly these through.
     */
    static final List<String> DECISIONS = List.of("NOTIFY", "ROLLBACK", "LEFT_ALONE", "ROLLBACK_FAILED", "WOULD_ROLLBACK",
            "EXEMPTED");
    /** SNS's largest message, 256 KiB: anything longer did not come through the topic. */
    static final int MAX_MESSAGE = 256 * 1024;
    /** {@code BatchImportFindings} takes at most 100 findings; the exporter makes one call per alert. */
    static final int MAX_FINDINGS = 100;

    private static final Pattern ACCOUNT = Pattern.compile("\\d{12}");
    /** A function's ARN, qualified or not; group 1 is the unqualified ARN. */
    private static final Pattern FUNCTION_ARN =
            Pattern.compile("(arn:aws[a-z-]*:lambda:[a-z0-9-]*:\\d*:function:[^:]+)(?::[^:]+)?");
    private static final int MAX_QUOTED = 64;

    VerdictAlert {
        findings = List.copyOf(findings);
        outcomes = List.copyOf(outcomes);
    }

    /** One finding of the verdict, as the alert carries it. */
    record AlertFinding(RuleId ruleId, Severity severity, String message, String subject, Origin origin, Mode mode,
                        Optional<String> exemption) {
    }

    /**
     * What the guard did about the verdict: one action's type ({@code REMOVE_PERMISSION}, ...), its
     * status ({@code DONE}, ...), one sentence, and the exact commands that undo it.
     */
    record Outcome(String type, String status, String detail, List<String> undo) {
        Outcome {
            undo = List.copyOf(undo);
        }
    }

    /**
     * The alert's function.
     *
     * @param qualifiedArn as the alert names it, with the version or alias when the change targeted one
     * @param arn          unqualified, as AWS Config and Security Hub's own controls name the function
     * @param target       {@code name} or {@code name:qualifier}, for titles
     */
    record FunctionArn(String qualifiedArn, String arn, String target) {
    }

    /** The message is not a verdict's alert: why, naming the field. */
    static final class NotAVerdictAlert extends Exception {
        NotAVerdictAlert(String reason) {
            super(reason);
        }
    }

    /** Reads an SNS message's text as a verdict's alert. */
    static VerdictAlert read(String message) throws NotAVerdictAlert {
        if (message.length() > MAX_MESSAGE) {
            throw new NotAVerdictAlert("a message of " + message.length() + " characters; SNS carries at most " + MAX_MESSAGE);
        }
        JsonNode document;
        try {
            document = Json.read(message);
        } catch (JsonProcessingException e) {
            throw new NotAVerdictAlert("not JSON" + where(e));
        }
        if (document == null || !document.isObject()) {
            throw new NotAVerdictAlert("not a JSON object");
        }
        String decision = text(document, "decision");
        if (!DECISIONS.contains(decision)) {
            throw new NotAVerdictAlert("decision " + quoted(decision) + " is not a verdict's (" + String.join(", ", DECISIONS) + ")");
        }
        String eventId = text(document, "eventId");
        if (eventId.isBlank()) {
            throw new NotAVerdictAlert("eventId is empty");
        }
        String account = text(document, "account");
        if (!ACCOUNT.matcher(account).matches()) {
            throw new NotAVerdictAlert("account " + quoted(account) + " is not a 12-digit account id");
        }
        String region = text(document, "region");
        if (!RegionName.isWellFormed(region)) {
            throw new NotAVerdictAlert("region " + quoted(region) + " is not a region");
        }
        JsonNode findings = array(document, "findings");
        if (findings.isEmpty() || findings.size() > MAX_FINDINGS) {
            throw new NotAVerdictAlert("findings holds " + findings.size() + " findings; a verdict's alert has 1 to " + MAX_FINDINGS);
        }
        List<AlertFinding> read = new ArrayList<>();
        for (int i = 0; i < findings.size(); i++) {
            read.add(finding(findings.get(i), "findings[" + i + "]"));
        }
        JsonNode outcomes = array(document, "outcomes");
        List<Outcome> done = new ArrayList<>();
        for (int i = 0; i < outcomes.size(); i++) {
            done.add(outcome(outcomes.get(i), "outcomes[" + i + "]"));
        }
        return new VerdictAlert(eventId, text(document, "eventName"), text(document, "eventTime"), account, region,
                function(text(document, "function")), text(document, "actor"), decision, optionalText(document, "note"),
                read, done);
    }

    /**
     * Where JSON could not be read, for a reason: the place only (Jackson's message quotes the
     * input), or nothing when a limit of the parser (nesting, length) stopped it.
     */
    static String where(JsonProcessingException e) {
        return e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ", column "
                + e.getLocation().getColumnNr() + ")";
    }

    private static Optional<FunctionArn> function(String qualifiedArn) throws NotAVerdictAlert {
        if (qualifiedArn.isEmpty()) {
            return Optional.empty();
        }
        Matcher m = FUNCTION_ARN.matcher(qualifiedArn);
        if (!m.matches()) {
            throw new NotAVerdictAlert("function " + quoted(qualifiedArn) + " is not a function ARN");
        }
        return Optional.of(new FunctionArn(qualifiedArn, m.group(1), qualifiedArn.substring(qualifiedArn.indexOf(":function:")
                + ":function:".length())));
    }

    private static AlertFinding finding(JsonNode node, String at) throws NotAVerdictAlert {
        if (!node.isObject()) {
            throw new NotAVerdictAlert(at + " is not an object");
        }
        return new AlertFinding(constant(RuleId.class, node, at, "ruleId"), constant(Severity.class, node, at, "severity"),
                text(node, at, "message"), text(node, at, "subject"), constant(Origin.class, node, at, "origin"),
                mode(text(node, at, "mode"), at + ".mode"), optionalText(node, at, "exemption"));
    }

    private static Outcome outcome(JsonNode node, String at) throws NotAVerdictAlert {
        if (!node.isObject()) {
            throw new NotAVerdictAlert(at + " is not an object");
        }
        JsonNode undo = array(node, at, "undo");
        List<String> commands = new ArrayList<>();
        for (int i = 0; i < undo.size(); i++) {
            if (!undo.get(i).isTextual()) {
                throw new NotAVerdictAlert(at + ".undo[" + i + "] is not a string");
            }
            commands.add(undo.get(i).asText());
        }
        return new Outcome(text(node, at, "type"), text(node, at, "status"), text(node, at, "detail"), commands);
    }

    private static Mode mode(String label, String at) throws NotAVerdictAlert {
        for (Mode mode : Mode.values()) {
            if (mode.label().equals(label)) {
                return mode;
            }
        }
        throw new NotAVerdictAlert(at + " " + quoted(label) + " is not one of "
                + Arrays.stream(Mode.values()).map(Mode::label).toList());
    }

    private static <E extends Enum<E>> E constant(Class<E> type, JsonNode node, String at, String field)
            throws NotAVerdictAlert {
        String value = text(node, at, field);
        try {
            return Enum.valueOf(type, value);
        } catch (IllegalArgumentException e) {
            throw new NotAVerdictAlert(path(at, field) + " " + quoted(value) + " is not one of "
                    + Arrays.toString(type.getEnumConstants()));
        }
    }

    private static String text(JsonNode document, String field) throws NotAVerdictAlert {
        return text(document, "", field);
    }

    /** The text of {@code field} of {@code node}, which is at {@code at} in the document. */
    private static String text(JsonNode node, String at, String field) throws NotAVerdictAlert {
        return field(node, at, field, JsonNode::isTextual, "a string").asText();
    }

    private static Optional<String> optionalText(JsonNode document, String field) throws NotAVerdictAlert {
        return optionalText(document, "", field);
    }

    private static Optional<String> optionalText(JsonNode node, String at, String field) throws NotAVerdictAlert {
        return node.has(field) ? Optional.of(text(node, at, field)) : Optional.empty();
    }

    private static JsonNode array(JsonNode document, String field) throws NotAVerdictAlert {
        return array(document, "", field);
    }

    private static JsonNode array(JsonNode node, String at, String field) throws NotAVerdictAlert {
        return field(node, at, field, JsonNode::isArray, "an array");
    }

    /** {@code field} of {@code node}, which is at {@code at} in the document, when it is of the {@code kind} {@code is} takes. */
    private static JsonNode field(JsonNode node, String at, String field, Predicate<JsonNode> is, String kind)
            throws NotAVerdictAlert {
        JsonNode value = node.get(field);
        if (value == null || !is.test(value)) {
            throw new NotAVerdictAlert(path(at, field) + (value == null ? " is missing" : " is not " + kind));
        }
        return value;
    }

    private static String path(String at, String field) {
        return at.isEmpty() ? field : at + "." + field;
    }

    /** A value of the message for a reason: quoted, and cut, since it may be anything. */
    private static String quoted(String value) {
        String shown = value.length() <= MAX_QUOTED ? value : value.substring(0, MAX_QUOTED) + "...";
        return "'" + shown.replaceAll("[^\\x20-\\x7E]", "?") + "'";
    }
}
