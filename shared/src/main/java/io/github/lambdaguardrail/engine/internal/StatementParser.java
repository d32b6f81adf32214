package io.github.lambdaguardrail.engine.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.github.lambdaguardrail.engine.Condition;
import io.github.lambdaguardrail.engine.Json;
import io.github.lambdaguardrail.engine.PolicyStatement;
import io.github.lambdaguardrail.engine.Principal;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses resource-policy statements as Lambda renders them. Strictly: text that is not exactly one
 * JSON value with each key once (see {@link Json}), or a field of another type than the policy
 * grammar gives it, makes the statement {@link PolicyStatement.Unparseable}, never a guess.
 * Thread-safe.
 */
public final class StatementParser {

    private static final Pattern IAM_ARN_ACCOUNT = Pattern.compile("arn:aws[a-z-]*:(iam|sts)::(\\d+):.*");
    private static final Pattern ACCOUNT_ID = Pattern.compile("\\d{12}");

    /** An action as IAM names one: {@code service:Action}, globs allowed, or {@code *}. */
    private static final Pattern ACTION_NAME = Pattern.compile("\\*|[A-Za-z0-9-]{1,64}:[A-Za-z0-9*?]{1,128}");

    /** A Lambda resource policy is at most 20 KB: a longer statement is not one AWS recorded. */
    static final int MAX_POLICY = 20_480;

    private StatementParser() {
    }

    /** Whether every key and text value is printable ASCII, as IAM policy grammar and Lambda write them. */
    private static boolean printable(JsonNode node) {
        if (node.isTextual()) {
            return printable(node.textValue());
        }
        for (var field : (Iterable<java.util.Map.Entry<String, JsonNode>>) node::fields) {
            if (!printable(field.getKey()) || !printable(field.getValue())) {
                return false;
            }
        }
        if (node.isArray()) {
            for (JsonNode item : node) {
                if (!printable(item)) {
                    return false;
                }
            }
        }
        return true;
    }

    private static boolean printable(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c > 0x7E) {
                return false;
            }
        }
        return true;
    }

    /** Parses a statement from its JSON text (AddPermission's {@code responseElements.statement}). */
    public static PolicyStatement parse(String text, String fallbackSid) {
        JsonNode node;
        try {
            node = Json.read(text);
        } catch (JsonProcessingException e) {
            return new PolicyStatement.Unparseable(fallbackSid, "statement is not JSON: " + e.getOriginalMessage(), text);
        }
        return parse(node, fallbackSid, text);
    }

    /** Parses a statement already read as JSON; its text is the node's, for comparison with the live policy. */
    public static PolicyStatement parse(JsonNode node, String fallbackSid) {
        return parse(node, fallbackSid, Json.write(node));
    }

    /** Parses every statement of a policy document ({@code {"Statement": [...]}} or one object). */
    public static List<PolicyStatement> parseDocument(String text) {
        JsonNode doc;
        try {
            doc = Json.read(text);
        } catch (JsonProcessingException e) {
            return List.of(new PolicyStatement.Unparseable("", "policy is not JSON: " + e.getOriginalMessage(), text));
        }
        JsonNode statements = doc == null ? null : doc.get("Statement");
        if (statements == null) {
            return List.of(new PolicyStatement.Unparseable("", "policy has no Statement", text));
        }
        List<PolicyStatement> out = new ArrayList<>();
        for (JsonNode s : statements.isArray() ? statements : List.of(statements)) {
            out.add(parse(s, "", Json.write(s)));
        }
        return out;
    }

    private static PolicyStatement parse(JsonNode node, String fallbackSid, String raw) {
        if (node == null || !node.isObject()) {
            return new PolicyStatement.Unparseable(fallbackSid, "statement is not a JSON object", raw);
        }
        if (raw.length() > MAX_POLICY) {
            return new PolicyStatement.Unparseable(fallbackSid, "statement is longer than a Lambda resource policy can be ("
                    + MAX_POLICY + " characters)", raw.substring(0, 200) + "...");
        }
        if (!printable(node)) {
            return new PolicyStatement.Unparseable(fallbackSid,
                    "statement holds a character AWS never writes in a policy (control or non-ASCII)", raw);
        }
        JsonNode sidNode = node.get("Sid");
        String sid = sidNode != null && sidNode.isTextual() ? sidNode.textValue() : fallbackSid;
        try {
            if (sidNode != null && !sidNode.isTextual()) {
                throw new IllegalArgumentException("Sid is not a string");
            }
            String effect = requiredText(node, "Effect");
            if (!"Allow".equals(effect) && !"Deny".equals(effect)) {
                throw new IllegalArgumentException("Effect '" + effect + "' is neither Allow nor Deny");
            }
            Principal principal = principal(node.get("Principal"));
            List<String> actions = strings(node.get("Action"), "Action");
            for (String action : actions) {
                if (!ACTION_NAME.matcher(action).matches()) {
                    throw new IllegalArgumentException("Action '" + bounded(action) + "' is not an IAM action");
                }
            }
            String resource = optionalText(node, "Resource");
            List<Condition> conditions = conditions(node.get("Condition"));
            return new PolicyStatement.Parsed(sid, "Allow".equals(effect), principal, actions, resource, conditions, raw);
        } catch (IllegalArgumentException e) {
            return new PolicyStatement.Unparseable(sid, e.getMessage(), raw);
        }
    }

    private static String requiredText(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            throw new IllegalArgumentException("statement has no " + field);
        }
        if (!value.isTextual()) {
            throw new IllegalArgumentException(field + " is not a string");
        }
        return value.textValue();
    }

    /** A field that may be left out, but is a string when it is there; empty when left out. */
    private static String optionalText(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null) {
            return "";
        }
        if (!value.isTextual()) {
            throw new IllegalArgumentException(field + " is not a string");
        }
        return value.textValue();
    }

    private static Principal principal(JsonNode node) {
        if (node == null || node.isNull()) {
            throw new IllegalArgumentException("statement has no Principal");
        }
        if (node.isTextual()) {
            if ("*".equals(node.textValue())) {
                return new Principal(true, List.of(), List.of(), List.of());
            }
            throw new IllegalArgumentException("Principal '" + node.textValue() + "' is neither * nor an object");
        }
        if (!node.isObject()) {
            throw new IllegalArgumentException("Principal is neither * nor an object");
        }
        boolean anyone = false;
        List<String> accounts = new ArrayList<>();
        List<String> services = new ArrayList<>();
        List<String> other = new ArrayList<>();
        Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            List<String> values = strings(field.getValue(), "Principal." + field.getKey());
            switch (field.getKey()) {
                case "AWS" -> {
                    for (String v : values) {
                        if ("*".equals(v)) {
                            anyone = true;
                        } else {
                            accountOf(v).ifPresentOrElse(accounts::add, () -> other.add(v));
                        }
                    }
                }
                case "Service" -> services.addAll(values);
                case "Federated", "CanonicalUser" -> values.forEach(v -> other.add(field.getKey() + ":" + v));
                default -> throw new IllegalArgumentException("Principal type '" + bounded(field.getKey()) + "' does not exist");
            }
        }
        return new Principal(anyone, accounts, services, other);
    }

    private static java.util.Optional<String> accountOf(String awsPrincipal) {
        if (ACCOUNT_ID.matcher(awsPrincipal).matches()) {
            return java.util.Optional.of(awsPrincipal);
        }
        Matcher m = IAM_ARN_ACCOUNT.matcher(awsPrincipal);
        return m.matches() ? java.util.Optional.of(m.group(2)) : java.util.Optional.empty();
    }

    private static List<Condition> conditions(JsonNode node) {
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (!node.isObject()) {
            throw new IllegalArgumentException("Condition is not an object");
        }
        List<Condition> out = new ArrayList<>();
        Iterator<Map.Entry<String, JsonNode>> operators = node.fields();
        while (operators.hasNext()) {
            Map.Entry<String, JsonNode> op = operators.next();
            if (!op.getValue().isObject()) {
                throw new IllegalArgumentException("Condition." + op.getKey() + " is not an object");
            }
            Iterator<Map.Entry<String, JsonNode>> keys = op.getValue().fields();
            while (keys.hasNext()) {
                Map.Entry<String, JsonNode> key = keys.next();
                out.add(new Condition(op.getKey(), key.getKey(),
                        conditionValues(key.getValue(), "Condition." + op.getKey() + "." + key.getKey())));
            }
        }
        return out;
    }

    /** A string, or an array of strings: a number or a boolean is not taken for its text. */
    private static List<String> strings(JsonNode node, String field) {
        return values(node, field, false);
    }

    /**
     * A condition value, or an array of them: the policy grammar allows strings, numbers and
     * booleans there, which IAM compares as their text ({@code true}, {@code 123456789012}).
     */
    private static List<String> conditionValues(JsonNode node, String field) {
        return values(node, field, true);
    }

    private static List<String> values(JsonNode node, String field, boolean scalars) {
        if (node == null || node.isNull()) {
            throw new IllegalArgumentException("statement has no " + field);
        }
        if (!node.isArray()) {
            return List.of(value(node, field, scalars));
        }
        List<String> out = new ArrayList<>();
        for (JsonNode item : node) {
            out.add(value(item, field, scalars));
        }
        return out;
    }

    private static String value(JsonNode node, String field, boolean scalars) {
        if (node.isTextual()) {
            return node.textValue();
        }
        if (scalars && (node.isNumber() || node.isBoolean())) {
            return node.asText();
        }
        throw new IllegalArgumentException(field + (node.isArray() ? " holds an array" : " holds a value that is not a string"));
    }

    private static String bounded(String text) {
        return text.length() <= 100 ? text : text.substring(0, 100) + "...";
    }
}
