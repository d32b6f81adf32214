package io.github.lambdaguardrail.engine;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Reads and validates a {@link Policy} from a JSON document (command-line tool) or from
 * {@code GUARDRAIL_*} environment variables (guard functions). Everything is checked up front:
 * an unknown key or a bad value throws a {@link PolicyException} naming the key.
 * Stateless and thread-safe.
 */
public final class PolicyLoader {

    private static final Pattern ACCOUNT_ID = Pattern.compile("\\d{12}");
    private static final Pattern ORG_ID = Pattern.compile("o-[a-z0-9]{10,32}");
    private static final Pattern VPC_ID = Pattern.compile("vpc-[0-9a-f]{1,17}");
    private static final Pattern SUBNET_ID = Pattern.compile("subnet-[0-9a-f]{1,17}");
    private static final Pattern SECURITY_GROUP_ID = Pattern.compile("sg-[0-9a-f]{1,17}");
    private static final Pattern ACTION = Pattern.compile("[a-zA-Z0-9-]+:[A-Za-z0-9*?]+|\\*");
    /**
     * An ARN of a kind the guardrail deploys: function, EventBridge rule, KMS key, SNS topic, table,
     * queue; or all of the stack's rules: a rule ARN whose name (after a bus name, on a custom bus)
     * ends in {@code *}, at least {@code rule/} plus one character (never a function: a function
     * named like the stack's must not pass for one of it).
     */
    private static final Pattern RESOURCE_ARN = Pattern.compile(
            "arn:aws[a-z-]*:(lambda|events|kms|sns|dynamodb|sqs):[a-z0-9-]+:\\d{12}:[A-Za-z0-9_.:/$-]{1,512}"
                    + "|arn:aws[a-z-]*:events:[a-z0-9-]+:\\d{12}:rule/[A-Za-z0-9_.-]{1,64}\\*");
    private static final String RESOURCE_ARN_TEXT = "an ARN of a function, rule, key, topic, table or queue"
            + " (or of rules, ending in *)";
    private static final Pattern TAG_KEY = Pattern.compile("[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]{1,128}");

    private PolicyLoader() {
    }

    /** Reads a policy document; keys left out take their defaults. */
    public static Policy fromJson(InputStream in) throws IOException {
        JsonNode root;
        try {
            root = Json.read(in);
        } catch (JsonProcessingException e) {
            throw new PolicyException("policy", "not valid JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw new PolicyException("policy", "must be a JSON object");
        }
        return fromJson(root);
    }

    /** Reads a policy document already parsed; keys left out take their defaults. */
    public static Policy fromJson(JsonNode root) {
        JsonObject top = new JsonObject(root, "");
        top.allowOnly("mode", "vpc", "permissions", "exemptions", "guardrail", "rules");
        Policy d = Policy.defaults();

        JsonObject vpc = top.object("vpc");
        vpc.allowOnly("required", "allowedVpcIds", "allowedSubnetIds", "allowedSecurityGroupIds", "deniedSecurityGroupIds");
        Policy.Vpc vpcRules = new Policy.Vpc(
                vpc.bool("required", d.vpc().required()),
                vpc.strings("allowedVpcIds", VPC_ID, "a VPC id (vpc-...)"),
                vpc.strings("allowedSubnetIds", SUBNET_ID, "a subnet id (subnet-...)"),
                vpc.strings("allowedSecurityGroupIds", SECURITY_GROUP_ID, "a security group id (sg-...)"),
                vpc.strings("deniedSecurityGroupIds", SECURITY_GROUP_ID, "a security group id (sg-...)"));

        JsonObject perms = top.object("permissions");
        perms.allowOnly("trustedAccountIds", "trustedOrgIds", "allowedActions",
                "requireSourceForServicePrincipals", "allowPublicFunctionUrls");
        if (perms.has("allowedActions") && perms.strings("allowedActions", ACTION, "").isEmpty()) {
            throw new PolicyException("permissions.allowedActions", "must name at least one action");
        }
        Policy.Permissions permissionRules = new Policy.Permissions(
                perms.strings("trustedAccountIds", ACCOUNT_ID, "a 12-digit account id"),
                perms.strings("trustedOrgIds", ORG_ID, "an organisation id (o-...)"),
                perms.has("allowedActions")
                        ? perms.strings("allowedActions", ACTION, "an action such as lambda:InvokeFunction")
                        : d.permissions().allowedActions(),
                perms.bool("requireSourceForServicePrincipals", d.permissions().requireSourceForServicePrincipals()),
                perms.bool("allowPublicFunctionUrls", d.permissions().allowPublicFunctionUrls()));

        JsonObject ex = top.object("exemptions");
        ex.allowOnly("tagKey", "functionNamePatterns", "actorArnPatterns");
        Policy.Exemptions exemptions = new Policy.Exemptions(
                ex.string("tagKey", TAG_KEY, "a tag key", d.exemptions().tagKey()),
                ex.strings("functionNamePatterns", null, "a glob"),
                ex.strings("actorArnPatterns", null, "a glob"));

        JsonObject own = top.object("guardrail");
        own.allowOnly("resources");
        Policy.Guardrail guardrail = new Policy.Guardrail(own.strings("resources", RESOURCE_ARN, RESOURCE_ARN_TEXT));

        Map<RuleId, Mode> overrides = new EnumMap<>(RuleId.class);
        JsonObject rules = top.object("rules");
        for (String name : rules.keys()) {
            String key = "rules." + name;
            overrides.put(overridable(key, name), ruleMode(key, rules.textOf(name)));
        }
        Mode mode = top.has("mode") ? policyMode("mode", top.textOf("mode")) : d.mode();
        return new Policy(mode, vpcRules, permissionRules, exemptions, guardrail, overrides);
    }

    /**
     * Reads the policy from {@code GUARDRAIL_*} variables; comma-separated lists, unset or empty
     * variables take defaults. A {@code GUARDRAIL_} variable that is neither a policy variable nor
     * one of {@code callerVariables} is an error (a typo would otherwise be ignored).
     *
     * @param callerVariables the {@code GUARDRAIL_*} variables the caller reads itself (a function's
     *                        own settings): accepted here, and named in the error for an unknown one
     */
    public static Policy fromEnvironment(Map<String, String> env, Set<String> callerVariables) {
        Env e = new Env(env);
        for (String name : new TreeSet<>(env.keySet())) {
            if (name.startsWith("GUARDRAIL_") && !Env.POLICY_VARIABLES.contains(name) && !callerVariables.contains(name)) {
                throw new PolicyException(name, "unknown variable; valid: " + new TreeSet<>(Env.POLICY_VARIABLES)
                        + (callerVariables.isEmpty() ? "" : " and " + new TreeSet<>(callerVariables)));
            }
        }
        Policy d = Policy.defaults();
        Policy.Vpc vpc = new Policy.Vpc(
                e.bool("GUARDRAIL_VPC_REQUIRED", d.vpc().required()),
                e.list("GUARDRAIL_ALLOWED_VPC_IDS", VPC_ID, "a VPC id (vpc-...)"),
                e.list("GUARDRAIL_ALLOWED_SUBNET_IDS", SUBNET_ID, "a subnet id (subnet-...)"),
                e.list("GUARDRAIL_ALLOWED_SECURITY_GROUP_IDS", SECURITY_GROUP_ID, "a security group id (sg-...)"),
                e.list("GUARDRAIL_DENIED_SECURITY_GROUP_IDS", SECURITY_GROUP_ID, "a security group id (sg-...)"));
        List<String> actions = e.list("GUARDRAIL_ALLOWED_ACTIONS", ACTION, "an action such as lambda:InvokeFunction");
        if (e.isSet("GUARDRAIL_ALLOWED_ACTIONS") && actions.isEmpty()) {
            throw new PolicyException("GUARDRAIL_ALLOWED_ACTIONS", "must name at least one action");
        }
        Policy.Permissions perms = new Policy.Permissions(
                e.list("GUARDRAIL_TRUSTED_ACCOUNT_IDS", ACCOUNT_ID, "a 12-digit account id"),
                e.list("GUARDRAIL_TRUSTED_ORG_IDS", ORG_ID, "an organisation id (o-...)"),
                e.isSet("GUARDRAIL_ALLOWED_ACTIONS") ? actions : d.permissions().allowedActions(),
                e.bool("GUARDRAIL_REQUIRE_SOURCE_FOR_SERVICE_PRINCIPALS", d.permissions().requireSourceForServicePrincipals()),
                e.bool("GUARDRAIL_ALLOW_PUBLIC_FUNCTION_URLS", d.permissions().allowPublicFunctionUrls()));
        String tagKey = e.isSet("GUARDRAIL_EXEMPT_TAG_KEY") ? e.value("GUARDRAIL_EXEMPT_TAG_KEY") : d.exemptions().tagKey();
        if (!TAG_KEY.matcher(tagKey).matches()) {
            throw new PolicyException("GUARDRAIL_EXEMPT_TAG_KEY", "'" + tagKey + "' is not a valid tag key");
        }
        Policy.Exemptions ex = new Policy.Exemptions(tagKey,
                e.list("GUARDRAIL_EXEMPT_FUNCTION_PATTERNS", null, "a glob"),
                e.list("GUARDRAIL_EXEMPT_ACTOR_PATTERNS", null, "a glob"));
        Map<RuleId, Mode> overrides = new EnumMap<>(RuleId.class);
        for (String entry : e.list("GUARDRAIL_RULES", null, "RULE_ID=off|notify|rollback")) {
            String[] parts = entry.split("=", 2);
            String key = "GUARDRAIL_RULES";
            if (parts.length != 2) {
                throw new PolicyException(key, "'" + entry + "' is not RULE_ID=off|notify|rollback");
            }
            overrides.put(overridable(key, parts[0].trim()), ruleMode(key, parts[1].trim()));
        }
        Policy.Guardrail guardrail = new Policy.Guardrail(
                e.list("GUARDRAIL_OWN_RESOURCES", RESOURCE_ARN, RESOURCE_ARN_TEXT));
        Mode mode = e.isSet("GUARDRAIL_MODE") ? policyMode("GUARDRAIL_MODE", e.value("GUARDRAIL_MODE")) : d.mode();
        return new Policy(mode, vpc, perms, ex, guardrail, overrides);
    }

    /** A rule id whose mode a policy may set: known, and not one of the audit rules nobody may silence. */
    private static RuleId overridable(String key, String id) {
        RuleId rule = RuleId.parse(id).orElseThrow(() -> new PolicyException(key,
                "unknown rule id '" + id + "'; valid: " + Arrays.toString(RuleId.values())));
        if (rule.isAudit()) {
            throw new PolicyException(key, rule + " audits the guardrail itself: it always notifies and cannot be"
                    + " turned off or rolled back");
        }
        return rule;
    }

    /** Parses {@code notify} or {@code rollback}, naming {@code key} when the value is neither. */
    public static Mode policyMode(String key, String value) {
        return switch (value) {
            case "notify" -> Mode.NOTIFY;
            case "rollback" -> Mode.ROLLBACK;
            default -> throw new PolicyException(key, "'" + value + "' is not one of notify, rollback");
        };
    }

    private static Mode ruleMode(String key, String value) {
        return switch (value) {
            case "off" -> Mode.OFF;
            case "notify" -> Mode.NOTIFY;
            case "rollback" -> Mode.ROLLBACK;
            default -> throw new PolicyException(key, "'" + value + "' is not one of off, notify, rollback");
        };
    }

    private static void check(String key, String value, Pattern pattern, String expected) {
        if (value.isBlank() || (pattern != null && !pattern.matcher(value).matches())) {
            throw new PolicyException(key, "'" + value + "' is not " + expected);
        }
    }

    private static boolean parseBool(String key, String value) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new PolicyException(key, "'" + value + "' is not true or false");
        };
    }

    /** A JSON object of the policy document, with its path for messages. */
    private record JsonObject(JsonNode node, String path) {

        JsonObject {
            if (node != null && !node.isMissingNode() && !node.isObject()) {
                throw new PolicyException(path.isEmpty() ? "policy" : path, "must be a JSON object");
            }
        }

        String keyOf(String field) {
            return path.isEmpty() ? field : path + "." + field;
        }

        boolean has(String field) {
            return node != null && node.has(field);
        }

        List<String> keys() {
            List<String> keys = new ArrayList<>();
            if (node != null) {
                node.fieldNames().forEachRemaining(keys::add);
            }
            return keys;
        }

        void allowOnly(String... fields) {
            Set<String> allowed = Set.of(fields);
            for (String key : keys()) {
                if (!allowed.contains(key)) {
                    throw new PolicyException(keyOf(key), "unknown key; valid: " + new TreeSet<>(allowed));
                }
            }
        }

        JsonObject object(String field) {
            return new JsonObject(has(field) ? node.get(field) : null, keyOf(field));
        }

        String textOf(String field) {
            JsonNode value = node.get(field);
            if (!value.isTextual()) {
                throw new PolicyException(keyOf(field), "must be a string");
            }
            return value.textValue();
        }

        String string(String field, Pattern pattern, String expected, String fallback) {
            if (!has(field)) {
                return fallback;
            }
            String value = textOf(field);
            check(keyOf(field), value, pattern, expected);
            return value;
        }

        boolean bool(String field, boolean fallback) {
            if (!has(field)) {
                return fallback;
            }
            JsonNode value = node.get(field);
            if (!value.isBoolean()) {
                throw new PolicyException(keyOf(field), "must be true or false");
            }
            return value.booleanValue();
        }

        List<String> strings(String field, Pattern pattern, String expected) {
            if (!has(field)) {
                return List.of();
            }
            JsonNode value = node.get(field);
            if (!value.isArray()) {
                throw new PolicyException(keyOf(field), "must be an array of strings");
            }
            List<String> out = new ArrayList<>();
            Iterator<JsonNode> it = value.elements();
            for (int i = 0; it.hasNext(); i++) {
                JsonNode item = it.next();
                String key = keyOf(field) + "[" + i + "]";
                if (!item.isTextual()) {
                    throw new PolicyException(key, "must be a string");
                }
                check(key, item.textValue(), pattern, expected);
                out.add(item.textValue());
            }
            return out;
        }
    }

    /** The environment, read with the same checks as the JSON document. */
    private record Env(Map<String, String> env) {

        static final Set<String> POLICY_VARIABLES = Set.of(
                "GUARDRAIL_MODE", "GUARDRAIL_VPC_REQUIRED", "GUARDRAIL_ALLOWED_VPC_IDS",
                "GUARDRAIL_ALLOWED_SUBNET_IDS", "GUARDRAIL_ALLOWED_SECURITY_GROUP_IDS",
                "GUARDRAIL_DENIED_SECURITY_GROUP_IDS", "GUARDRAIL_TRUSTED_ACCOUNT_IDS", "GUARDRAIL_TRUSTED_ORG_IDS",
                "GUARDRAIL_ALLOWED_ACTIONS", "GUARDRAIL_ALLOW_PUBLIC_FUNCTION_URLS",
                "GUARDRAIL_REQUIRE_SOURCE_FOR_SERVICE_PRINCIPALS", "GUARDRAIL_EXEMPT_TAG_KEY",
                "GUARDRAIL_EXEMPT_FUNCTION_PATTERNS", "GUARDRAIL_EXEMPT_ACTOR_PATTERNS", "GUARDRAIL_RULES",
                "GUARDRAIL_OWN_RESOURCES");

        boolean isSet(String name) {
            String v = env.get(name);
            return v != null && !v.isBlank();
        }

        String value(String name) {
            return env.get(name).trim();
        }

        boolean bool(String name, boolean fallback) {
            return isSet(name) ? parseBool(name, value(name)) : fallback;
        }

        List<String> list(String name, Pattern pattern, String expected) {
            if (!isSet(name)) {
                return List.of();
            }
            Function<String, String> checked = item -> {
                check(name, item, pattern, expected);
                return item;
            };
            return Arrays.stream(value(name).split(",")).map(String::trim).filter(s -> !s.isEmpty())
                    .map(checked).toList();
        }
    }
}
