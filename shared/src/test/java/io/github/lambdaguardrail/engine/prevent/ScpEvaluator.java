package io.github.lambdaguardrail.engine.prevent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A small, strict evaluator of the Deny statements an SCP from {@link ScpGenerator} holds, as the
 * IAM policy evaluation logic defines them (IAM User Guide, "Condition operators" and "Set
 * operators for multivalued context keys"). Strict: anything it does not know (an operator,
 * an element, an Allow, a single-valued operator on a multivalued key, an unknown policy variable)
 * throws instead of guessing.
 *
 * <p>Semantics implemented:
 * <ul>
 * <li>Several operators in a Condition, and several keys in an operator: AND. Several values of a key: OR
 *     for a positive operator; a negated operator is true when the request value matches none of them.</li>
 * <li>A key missing from the request: a positive operator is false, a negated one
 *     ({@code StringNotEquals}, {@code StringNotLike}, {@code ArnNotLike}) true.</li>
 * <li>{@code Null "true"}: the key is missing; {@code "false"}: it is present.</li>
 * <li>{@code ForAnyValue:}: true when at least one request value satisfies the operator; false for a missing
 *     key (or an empty set). {@code ForAllValues:}: true when every request value does; true for a missing key.</li>
 * <li>{@code *} and {@code ?} wildcards in {@code *Like} operators (within each ARN component for ArnLike),
 *     {@code ${*}}, {@code ${?}} and {@code ${$}} as the literal characters, and the policy variable
 *     {@code ${aws:PrincipalAccount}}.</li>
 * </ul>
 * Test code only.
 */
final class ScpEvaluator {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> MULTIVALUED = Set.of("lambda:SubnetIds", "lambda:SecurityGroupIds", "aws:TagKeys");
    private static final Set<String> STATEMENT_ELEMENTS = Set.of("Sid", "Effect", "Action", "Resource", "NotResource", "Condition");

    /**
     * What an SCP sees of one request.
     *
     * @param action   e.g. {@code lambda:AddPermission}
     * @param resource the ARN the action is authorised on
     * @param keys     the request context: key to values (one value for a single-valued key); a missing key is absent
     */
    record Request(String action, String resource, Map<String, List<String>> keys) {
        Request {
            keys = Map.copyOf(keys);
        }
    }

    private final JsonNode statements;

    ScpEvaluator(String scp) {
        try {
            JsonNode root = JSON.readTree(scp);
            if (!"2012-10-17".equals(root.path("Version").asText())) {
                throw new IllegalArgumentException("Version must be 2012-10-17");
            }
            statements = root.get("Statement");
            if (statements == null || !statements.isArray()) {
                throw new IllegalArgumentException("Statement must be an array");
            }
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The Sids of the statements that deny the request (empty: the SCP does not deny it). */
    List<String> denyingStatements(Request request) {
        List<String> denying = new ArrayList<>();
        for (JsonNode statement : statements) {
            statement.fieldNames().forEachRemaining(name -> {
                if (!STATEMENT_ELEMENTS.contains(name)) {
                    throw new IllegalArgumentException("unsupported statement element " + name);
                }
            });
            if (!"Deny".equals(statement.path("Effect").asText())) {
                throw new IllegalArgumentException("only Deny statements are supported: " + statement);
            }
            if (appliesTo(statement, request) && conditionHolds(statement.path("Condition"), request)) {
                denying.add(statement.path("Sid").asText());
            }
        }
        return denying;
    }

    boolean denies(Request request) {
        return !denyingStatements(request).isEmpty();
    }

    private static boolean appliesTo(JsonNode statement, Request request) {
        boolean action = values(statement.get("Action")).stream().anyMatch(a -> like(a, request.action(), true));
        boolean hasResource = statement.has("Resource");
        if (hasResource == statement.has("NotResource")) {
            throw new IllegalArgumentException("exactly one of Resource and NotResource: " + statement);
        }
        boolean listed = values(statement.get(hasResource ? "Resource" : "NotResource")).stream()
                .anyMatch(r -> like(r, request.resource(), false));
        return action && (hasResource == listed);
    }

    private static boolean conditionHolds(JsonNode condition, Request request) {
        if (condition.isMissingNode()) {
            return true;
        }
        for (Iterator<Map.Entry<String, JsonNode>> ops = condition.fields(); ops.hasNext(); ) {
            Map.Entry<String, JsonNode> op = ops.next();
            for (Iterator<Map.Entry<String, JsonNode>> keys = op.getValue().fields(); keys.hasNext(); ) {
                Map.Entry<String, JsonNode> key = keys.next();
                if (!holds(op.getKey(), key.getKey(), values(key.getValue()), request)) {
                    return false;
                }
            }
        }
        return true;
    }

    private static boolean holds(String operator, String key, List<String> policyValues, Request request) {
        Optional<List<String>> present = Optional.ofNullable(request.keys().get(key)).filter(v -> !v.isEmpty());
        if (operator.equals("Null")) {
            if (policyValues.size() != 1 || !Set.of("true", "false").contains(policyValues.get(0))) {
                throw new IllegalArgumentException("Null takes true or false");
            }
            return Boolean.parseBoolean(policyValues.get(0)) == present.isEmpty();
        }
        if (operator.startsWith("ForAnyValue:") || operator.startsWith("ForAllValues:")) {
            if (!MULTIVALUED.contains(key)) {
                throw new IllegalArgumentException(operator + " on single-valued key " + key);
            }
            boolean any = operator.startsWith("ForAnyValue:");
            String base = operator.substring(operator.indexOf(':') + 1);
            if (present.isEmpty()) {
                return !any;
            }
            return any ? present.get().stream().anyMatch(v -> single(base, v, policyValues, request))
                    : present.get().stream().allMatch(v -> single(base, v, policyValues, request));
        }
        if (MULTIVALUED.contains(key)) {
            throw new IllegalArgumentException(operator + " without a set operator on multivalued key " + key);
        }
        if (present.isEmpty()) {
            return negated(operator);
        }
        if (present.get().size() != 1) {
            throw new IllegalArgumentException("single-valued key " + key + " has " + present.get());
        }
        return single(operator, present.get().get(0), policyValues, request);
    }

    private static boolean negated(String operator) {
        return switch (operator) {
            case "StringEquals", "StringLike", "ArnLike" -> false;
            case "StringNotEquals", "StringNotLike", "ArnNotLike" -> true;
            default -> throw new IllegalArgumentException("unsupported operator " + operator);
        };
    }

    /** One request value against the policy values: any of them for a positive operator, none for a negated one. */
    private static boolean single(String operator, String value, List<String> policyValues, Request request) {
        return switch (operator) {
            case "StringEquals" -> policyValues.stream().anyMatch(p -> substitute(p, request, false).equals(value));
            case "StringNotEquals" -> policyValues.stream().noneMatch(p -> substitute(p, request, false).equals(value));
            case "StringLike" -> policyValues.stream().anyMatch(p -> like(substitute(p, request, true), value, false));
            case "StringNotLike" -> policyValues.stream().noneMatch(p -> like(substitute(p, request, true), value, false));
            case "ArnLike" -> policyValues.stream().anyMatch(p -> arnLike(substitute(p, request, true), value));
            case "ArnNotLike" -> policyValues.stream().noneMatch(p -> arnLike(substitute(p, request, true), value));
            default -> throw new IllegalArgumentException("unsupported operator " + operator);
        };
    }

    /**
     * Replaces policy variables. In a pattern (for the *Like operators) {@code ${*}}, {@code ${?}} and
     * {@code ${$}} stay escaped as placeholders that {@link #like} reads as literals.
     */
    private static String substitute(String policyValue, Request request, boolean pattern) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < policyValue.length()) {
            int start = policyValue.indexOf("${", i);
            if (start < 0) {
                out.append(policyValue, i, policyValue.length());
                break;
            }
            out.append(policyValue, i, start);
            int end = policyValue.indexOf('}', start);
            String name = policyValue.substring(start + 2, end);
            switch (name) {
                case "*", "?", "$" -> out.append(pattern ? "\u0000" + name : name);
                case "aws:PrincipalAccount" -> out.append(request.keys().get("aws:PrincipalAccount").get(0));
                default -> throw new IllegalArgumentException("unsupported policy variable ${" + name + "}");
            }
            i = end + 1;
        }
        return out.toString();
    }

    /** Case-sensitive glob: {@code *} any run, {@code ?} one character; NUL-prefixed characters are literal. */
    private static boolean like(String pattern, String value, boolean ignoreCase) {
        StringBuilder regex = new StringBuilder();
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c == '\u0000') {
                regex.append(Pattern.quote(String.valueOf(pattern.charAt(++i))));
            } else if (c == '*') {
                regex.append(".*");
            } else if (c == '?') {
                regex.append('.');
            } else {
                regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(regex.toString(), ignoreCase ? Pattern.CASE_INSENSITIVE : 0).matcher(value).matches();
    }

    /** ArnLike: the six colon-separated components are matched one by one. */
    private static boolean arnLike(String pattern, String value) {
        String[] p = pattern.split(":", 6);
        String[] v = value.split(":", 6);
        if (p.length != 6 || v.length != 6) {
            return false;
        }
        for (int i = 0; i < 6; i++) {
            if (!like(p[i], v[i], false)) {
                return false;
            }
        }
        return true;
    }

    private static List<String> values(JsonNode node) {
        if (node == null) {
            throw new IllegalArgumentException("missing element");
        }
        if (node.isTextual()) {
            return List.of(node.asText());
        }
        if (!node.isArray()) {
            throw new IllegalArgumentException("not a string or a list of strings: " + node);
        }
        List<String> out = new ArrayList<>();
        node.forEach(v -> {
            if (!v.isTextual()) {
                throw new IllegalArgumentException("not a string: " + v);
            }
            out.add(v.asText());
        });
        return out;
    }
}
