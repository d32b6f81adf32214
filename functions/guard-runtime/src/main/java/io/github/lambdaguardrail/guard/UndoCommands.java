package io.github.lambdaguardrail.guard;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.github.lambdaguardrail.engine.FunctionRef;
import io.github.lambdaguardrail.engine.Json;
import io.github.lambdaguardrail.engine.VpcConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/** The exact AWS CLI commands that undo each of the guard's actions, for alerts and tags. */
final class UndoCommands {

    /** The principals add-permission writes back as given: an account's root, a role or a user. */
    private static final Pattern IAM_PRINCIPAL = Pattern.compile("arn:aws[a-z-]*:iam::\\d{12}:(root|role/.+|user/.+)");
    private static final Pattern SERVICE_PRINCIPAL = Pattern.compile("[a-z0-9.-]+\\.(amazonaws\\.com(\\.cn)?|amazon\\.com)");
    /** The statement keys add-permission writes. */
    private static final Set<String> STATEMENT_KEYS = Set.of("Sid", "Effect", "Principal", "Action", "Resource", "Condition");
    /** Each condition add-permission writes (operator and key exactly as Lambda renders them) and its option. */
    private static final Map<String, String> CONDITION_OPTIONS = Map.of(
            "ArnLike AWS:SourceArn", "--source-arn",
            "StringEquals AWS:SourceAccount", "--source-account",
            "StringEquals aws:PrincipalOrgID", "--principal-org-id",
            "StringEquals lambda:FunctionUrlAuthType", "--function-url-auth-type",
            "StringEquals lambda:EventSourceToken", "--event-source-token",
            "Bool lambda:InvokedViaFunctionUrl", "--invoked-via-function-url");

    private UndoCommands() {
    }

    /** How to undo a removal: the command that re-adds exactly the removed statement, or why none can. */
    sealed interface Undo {
        /** A command that re-adds exactly the statement. */
        record Command(String text) implements Undo {
        }

        /** add-permission cannot write this statement back as it was: any command would differ from it. */
        record None(String why) implements Undo {
        }
    }

    /**
     * Re-adds a removed statement exactly: same id, principal, action, resource (function and
     * qualifier) and conditions, in the form add-permission writes them. A statement add-permission
     * cannot reproduce (a principal it would widen or rewrite, several actions or values, a condition
     * it has no option for) has no command: a command that grants more than was removed is worse
     * than none.
     */
    static Undo addPermission(FunctionRef function, String statementJson) {
        JsonNode s;
        try {
            s = Json.read(statementJson);
        } catch (JsonProcessingException e) {
            return new Undo.None("the statement is not JSON");
        }
        if (s == null || !s.isObject()) {
            return new Undo.None("the statement is not a JSON object");
        }
        List<String> extra = new ArrayList<>();
        s.fieldNames().forEachRemaining(key -> {
            if (!STATEMENT_KEYS.contains(key)) {
                extra.add(key);
            }
        });
        if (!extra.isEmpty()) {
            return new Undo.None("add-permission cannot write " + extra);
        }
        String sid = s.path("Sid").asText("");
        if (sid.isEmpty() || !s.path("Sid").isTextual()) {
            return new Undo.None("the statement has no Sid");
        }
        if (!"Allow".equals(s.path("Effect").textValue())) {
            return new Undo.None("add-permission writes only Allow statements");
        }
        if (!s.path("Action").isTextual()) {
            return new Undo.None("add-permission writes exactly one action, not " + s.path("Action"));
        }
        String resource = function.qualifiedArn();
        if (!resource.equals(s.path("Resource").textValue())) {
            return new Undo.None("the statement's Resource " + s.path("Resource") + " is not " + resource);
        }
        Optional<String> principal = principal(s.path("Principal"));
        if (principal.isEmpty()) {
            return new Undo.None("add-permission cannot write the principal " + s.path("Principal") + " back as it was");
        }
        StringBuilder cmd = new StringBuilder("aws lambda add-permission --function-name ").append(quote(function.arn()));
        function.qualifier().ifPresent(q -> cmd.append(" --qualifier ").append(quote(q)));
        cmd.append(" --statement-id ").append(quote(sid));
        cmd.append(" --action ").append(quote(s.path("Action").textValue()));
        cmd.append(" --principal ").append(quote(principal.get()));
        JsonNode conditions = s.path("Condition");
        if (!conditions.isMissingNode() && !conditions.isObject()) {
            return new Undo.None("the statement's Condition is not an object");
        }
        for (Map.Entry<String, JsonNode> operator : iterable(conditions)) {
            if (!operator.getValue().isObject()) {
                return new Undo.None("condition " + operator.getKey() + " is not an object");
            }
            for (Map.Entry<String, JsonNode> key : iterable(operator.getValue())) {
                String condition = operator.getKey() + " " + key.getKey();
                String option = CONDITION_OPTIONS.get(condition);
                if (option == null) {
                    return new Undo.None("add-permission has no option for the condition " + condition);
                }
                if (!key.getValue().isTextual()) {
                    return new Undo.None("condition " + condition + " has " + key.getValue() + ", not one value");
                }
                String value = key.getValue().textValue();
                if (option.equals("--invoked-via-function-url")) {
                    if (!"true".equals(value)) {
                        return new Undo.None("condition " + condition + " is " + value + ", not true");
                    }
                    cmd.append(' ').append(option);
                } else {
                    cmd.append(' ').append(option).append(' ').append(quote(value));
                }
            }
        }
        return new Undo.Command(cmd.toString());
    }

    /** The {@code --principal} value that add-permission writes back exactly as {@code node}. */
    private static Optional<String> principal(JsonNode node) {
        if ("*".equals(node.textValue())) {
            return Optional.of("*");
        }
        if (!node.isObject() || node.size() != 1) {
            return Optional.empty();
        }
        String service = node.path("Service").textValue();
        if (service != null && SERVICE_PRINCIPAL.matcher(service).matches()) {
            return Optional.of(service);
        }
        String aws = node.path("AWS").textValue();
        return aws != null && IAM_PRINCIPAL.matcher(aws).matches() ? Optional.of(aws) : Optional.empty();
    }

    private static Iterable<Map.Entry<String, JsonNode>> iterable(JsonNode object) {
        return object::fields;
    }

    /** Lifts a quarantine: the previous reserved concurrency back, the guard's tags removed. */
    static String[] liftQuarantine(FunctionRef function, Optional<Integer> previousConcurrency) {
        String concurrency = previousConcurrency
                .map(n -> "aws lambda put-function-concurrency --function-name " + quote(function.arn())
                        + " --reserved-concurrent-executions " + n)
                .orElse("aws lambda delete-function-concurrency --function-name " + quote(function.arn()));
        return new String[] {concurrency, untagQuarantine(function)};
    }

    /** Removes the quarantine tags. */
    static String untagQuarantine(FunctionRef function) {
        return "aws lambda untag-resource --resource " + quote(function.arn()) + " --tag-keys "
                + String.join(" ", LambdaRemediator.QUARANTINE_TAGS);
    }

    /** Puts back the VPC config the guard replaced, every field. */
    static String setVpcConfig(FunctionRef function, VpcConfig vpc) {
        return "aws lambda update-function-configuration --function-name " + quote(function.arn())
                + " --vpc-config SubnetIds=" + list(vpc.subnetIds()) + ",SecurityGroupIds=" + list(vpc.securityGroupIds())
                + ",Ipv6AllowedForDualStack=" + vpc.ipv6AllowedForDualStack();
    }

    private static String list(java.util.List<String> values) {
        return "[" + String.join(",", values) + "]";
    }

    private static String quote(String value) {
        return value.matches("[A-Za-z0-9_.:/@=+,$-]+") ? value : "'" + value.replace("'", "'\\''") + "'";
    }
}
