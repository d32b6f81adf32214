package io.github.lambdaguardrail.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.lambdaguardrail.cli.TemplateNode.Mapping;
import io.github.lambdaguardrail.cli.TemplateNode.Scalar;
import io.github.lambdaguardrail.cli.TemplateNode.Sequence;
import io.github.lambdaguardrail.cli.TemplateValue.Fields;
import io.github.lambdaguardrail.cli.TemplateValue.Items;
import io.github.lambdaguardrail.cli.TemplateValue.Text;
import io.github.lambdaguardrail.cli.TemplateValue.Unresolved;
import io.github.lambdaguardrail.engine.FunctionRef;
import io.github.lambdaguardrail.engine.LambdaChange;
import io.github.lambdaguardrail.engine.ResourcePolicy;
import io.github.lambdaguardrail.engine.RuleId;
import io.github.lambdaguardrail.engine.VpcConfig;
import io.github.lambdaguardrail.engine.WatchedApi;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The requests a deploy of a template would make to Lambda, as the engine's changes: a function's
 * {@code CreateFunction} (its VPC config, Globals included, and tags), the {@code AddPermission}
 * of an {@code AWS::Lambda::Permission} (its statement as Lambda writes it), the
 * {@code CreateFunctionUrlConfig} of an {@code AWS::Lambda::Url} or a function's
 * {@code FunctionUrlConfig}, and the {@code PutResourcePolicy} of an
 * {@code AWS::Lambda::ResourcePolicy}. A field the judgement needs that cannot be resolved before
 * deploy is an {@link Proposal.Unknown} instead: never judged compliant. Stateless.
 */
final class TemplateProposals {

    /** What a template resource would do, or why that cannot be known before deploy. */
    sealed interface Proposal {

        String logicalId();

        String type();

        int line();

        /** @param tags the tags the template gives the function concerned (for the exemption tag) */
        record Change(String logicalId, String type, WatchedApi api, LambdaChange change, Map<String, String> tags, int line)
                implements Proposal {
            public Change {
                tags = Map.copyOf(tags);
            }
        }

        /**
         * @param rules    the rules that would judge the field: no finding when the policy turns them all off
         * @param function the function concerned, when known (for its exemptions)
         * @param tags     the tags the template gives it
         */
        record Unknown(String logicalId, String type, String field, String reason, int line, List<RuleId> rules,
                       Optional<FunctionRef> function, Map<String, String> tags) implements Proposal {
            public Unknown {
                rules = List.copyOf(rules);
                tags = Map.copyOf(tags);
            }
        }
    }

    private static final List<RuleId> VPC_RULES = List.of(RuleId.LAMBDA_NOT_IN_VPC, RuleId.LAMBDA_VPC_NOT_ALLOWED);
    private static final List<RuleId> STATEMENT_RULES = List.of(RuleId.PERMISSION_PUBLIC, RuleId.PERMISSION_UNTRUSTED_ACCOUNT,
            RuleId.PERMISSION_SERVICE_WITHOUT_SOURCE, RuleId.PERMISSION_WILDCARD_ACTION, RuleId.FUNCTION_URL_PUBLIC);
    private static final List<RuleId> URL_RULES = List.of(RuleId.FUNCTION_URL_PUBLIC);
    /** AddPermission's narrowing parameters and the condition Lambda writes for each (operator, key). */
    private static final Map<String, String[]> NARROWING = narrowing();

    private static final ObjectMapper JSON = new ObjectMapper();

    private TemplateProposals() {
    }

    private static Map<String, String[]> narrowing() {
        Map<String, String[]> out = new LinkedHashMap<>();
        out.put("SourceAccount", new String[] {"StringEquals", "AWS:SourceAccount"});
        out.put("SourceArn", new String[] {"ArnLike", "AWS:SourceArn"});
        out.put("PrincipalOrgID", new String[] {"StringEquals", "aws:PrincipalOrgID"});
        out.put("FunctionUrlAuthType", new String[] {"StringEquals", "lambda:FunctionUrlAuthType"});
        out.put("EventSourceToken", new String[] {"StringEquals", "lambda:EventSourceToken"});
        // A boolean: Lambda writes the condition only for true, as the string "true".
        out.put("InvokedViaFunctionUrl", new String[] {"Bool", "lambda:InvokedViaFunctionUrl"});
        return out;
    }

    /** Every proposal of the template's Lambda resources, in template order (functions first: their tags). */
    static List<Proposal> of(Mapping root, TemplateResolver resolver) {
        Mapping resources = TemplateResolver.section(root, "Resources");
        Mapping globals = TemplateResolver.section(TemplateResolver.section(root, "Globals"), "Function");
        List<Proposal> out = new ArrayList<>();
        Map<String, Map<String, String>> tagsByFunction = new LinkedHashMap<>();
        List<Runnable> afterFunctions = new ArrayList<>();
        for (Map.Entry<String, TemplateNode> entry : resources.entries().entrySet()) {
            String logicalId = entry.getKey();
            if (!(entry.getValue() instanceof Mapping resource) || !created(resource, resolver)) {
                continue;
            }
            String type = resource.get("Type") instanceof Scalar t ? t.text() : "";
            int line = resources.lineOf(logicalId);
            Mapping declared = resource.get("Properties") instanceof Mapping p ? p : new Mapping(Map.of(), Map.of(), line);
            Resource r = new Resource(logicalId, type, line, resolver, Optional.empty(), Map.of());
            switch (type) {
                case "AWS::Serverless::Function" -> function(r, (Mapping) merge(globals, declared), true, out, tagsByFunction);
                case "AWS::Lambda::Function" -> function(r, declared, false, out, tagsByFunction);
                case "AWS::Lambda::Permission" -> afterFunctions.add(() -> permission(r, declared, out, tagsByFunction));
                case "AWS::Lambda::Url" -> afterFunctions.add(() -> url(r, declared, out, tagsByFunction));
                case "AWS::Lambda::ResourcePolicy" -> afterFunctions.add(() -> resourcePolicy(r, declared, out, tagsByFunction));
                default -> {
                    // not a Lambda resource the policy judges
                }
            }
        }
        afterFunctions.forEach(Runnable::run);
        return out;
    }

    /** A resource whose Condition is false is not created; one whose condition is undecided is judged. */
    private static boolean created(Mapping resource, TemplateResolver resolver) {
        return !(resource.get("Condition") instanceof Scalar condition) || resolver.condition(condition.text()).orElse(true);
    }

    /** A resource being read, and (once known) the function it concerns with that function's tags. */
    private record Resource(String logicalId, String type, int line, TemplateResolver resolver, Optional<FunctionRef> function,
                            Map<String, String> tags) {

        Resource about(FunctionRef concerned, Map<String, String> concernedTags) {
            return new Resource(logicalId, type, line, resolver, Optional.of(concerned), concernedTags);
        }

        Proposal.Unknown unknown(String field, Unresolved unresolved, List<RuleId> rules) {
            return new Proposal.Unknown(logicalId, type, field, unresolved.reason(), unresolved.line(), rules, function, tags);
        }

        Proposal.Change change(WatchedApi api, LambdaChange change, Map<String, String> tags, int at) {
            return new Proposal.Change(logicalId, type, api, change, tags, at);
        }

        Optional<TemplateValue> value(Mapping properties, String key) {
            return properties.get(key) == null ? Optional.empty() : resolver.resolve(properties.get(key));
        }
    }

    /** SAM's Globals: maps merged key by key, lists added to (the global items first), anything else the resource's. */
    static TemplateNode merge(TemplateNode global, TemplateNode local) {
        if (global instanceof Mapping g && local instanceof Mapping l && !TemplateResolver.isIntrinsic(g) && !TemplateResolver.isIntrinsic(l)) {
            Map<String, TemplateNode> entries = new LinkedHashMap<>();
            Map<String, Integer> lines = new LinkedHashMap<>(g.keyLines());
            g.entries().forEach((key, value) -> entries.put(key, l.get(key) == null ? value : merge(value, l.get(key))));
            l.entries().forEach(entries::putIfAbsent);
            lines.putAll(l.keyLines());
            return new Mapping(entries, lines, l.line());
        }
        if (global instanceof Sequence g && local instanceof Sequence l) {
            List<TemplateNode> items = new ArrayList<>(g.items());
            items.addAll(l.items());
            return new Sequence(items, l.line());
        }
        return local;
    }

    private static void function(Resource r, Mapping properties, boolean serverless, List<Proposal> out,
                                 Map<String, Map<String, String>> tagsByFunction) {
        String name = r.resolver().functionName(r.logicalId());
        FunctionRef function = new FunctionRef(name, Optional.empty(), r.resolver().functionArn(name));
        Map<String, String> tags = tags(r.value(properties, "Tags"));
        tagsByFunction.put(name, tags);
        Resource about = r.about(function, tags);
        int at = properties.get("VpcConfig") == null ? r.line() : properties.lineOf("VpcConfig");
        vpcConfig(about, properties, out).ifPresent(vpc -> out.add(r.change(WatchedApi.CREATE_FUNCTION,
                new LambdaChange.FunctionConfigured(function, true, Optional.of(vpc), vpc, tags), tags, at)));
        if (serverless && properties.get("FunctionUrlConfig") instanceof Mapping url) {
            urlConfig(about, function, url, "FunctionUrlConfig.AuthType", tags, out);
        }
    }

    /** The VPC config CreateFunction would send, or empty after adding what of it cannot be resolved. */
    private static Optional<VpcConfig> vpcConfig(Resource r, Mapping properties, List<Proposal> out) {
        Optional<TemplateValue> value = r.value(properties, "VpcConfig");
        if (value.isEmpty()) {
            return Optional.of(VpcConfig.NONE);
        }
        if (!(value.get() instanceof Fields fields)) {
            out.add(r.unknown("VpcConfig", value.get() instanceof Unresolved u ? u
                    : new Unresolved("VpcConfig is not a mapping", value.get().line()), VPC_RULES));
            return Optional.empty();
        }
        Optional<List<String>> subnets = strings(r, fields, "VpcConfig.SubnetIds", "SubnetIds", VPC_RULES, out);
        Optional<List<String>> groups = strings(r, fields, "VpcConfig.SecurityGroupIds", "SecurityGroupIds", VPC_RULES, out);
        return subnets.isPresent() && groups.isPresent()
                ? Optional.of(new VpcConfig(subnets.get(), groups.get(), Optional.empty())) : Optional.empty();
    }

    /** A list of strings (none when left out), or empty after adding why it cannot be resolved. */
    private static Optional<List<String>> strings(Resource r, Fields fields, String field, String key, List<RuleId> rules,
                                                  List<Proposal> out) {
        TemplateValue value = fields.fields().get(key);
        if (value == null) {
            return Optional.of(List.of());
        }
        if (!(value instanceof Items items)) {
            out.add(r.unknown(field, value instanceof Unresolved u ? u : new Unresolved(field + " is not a list", value.line()), rules));
            return Optional.empty();
        }
        List<String> strings = new ArrayList<>();
        for (TemplateValue item : items.items()) {
            if (!(item instanceof Text text)) {
                out.add(r.unknown(field, item instanceof Unresolved u ? u
                        : new Unresolved(field + " holds a value that is not a string", item.line()), rules));
                return Optional.empty();
            }
            strings.add(text.text());
        }
        return Optional.of(strings);
    }

    /** A string property, or empty after adding why it cannot be resolved (or is missing, when required). */
    private static Optional<String> text(Resource r, Mapping properties, String key, boolean required, List<RuleId> rules,
                                         List<Proposal> out) {
        Optional<TemplateValue> value = r.value(properties, key);
        if (value.isEmpty()) {
            if (required) {
                out.add(r.unknown(key, new Unresolved(key + " is missing", r.line()), rules));
            }
            return Optional.empty();
        }
        if (value.get() instanceof Text text) {
            return Optional.of(text.text());
        }
        out.add(r.unknown(key, value.get() instanceof Unresolved u ? u
                : new Unresolved(key + " is not a string", value.get().line()), rules));
        return Optional.empty();
    }

    /** The function a Permission, Url or ResourcePolicy names (by name, ARN or partial ARN), with its qualifier. */
    private static FunctionRef functionRef(Resource r, Optional<String> nameOrArn, Optional<String> qualifier) {
        String name = nameOrArn.orElse(r.logicalId());
        String arn;
        if (name.startsWith("arn:")) {
            String[] parts = name.split(":");
            arn = String.join(":", java.util.Arrays.copyOfRange(parts, 0, Math.min(parts.length, 7)));
            name = parts.length >= 7 ? parts[6] : name;
            if (parts.length >= 8 && qualifier.isEmpty()) {
                qualifier = Optional.of(parts[7]);
            }
        } else {
            String[] parts = name.split(":");
            name = parts.length == 2 ? parts[0] : parts[parts.length >= 3 ? 2 : 0];
            if (parts.length == 2 && qualifier.isEmpty()) {
                qualifier = Optional.of(parts[1]);
            }
            arn = r.resolver().functionArn(name);
        }
        return new FunctionRef(name, qualifier, arn);
    }

    /**
     * AddPermission: the statement Lambda writes for it (Sid the logical id; an account principal
     * as its root ARN, a service principal as Service; each narrowing parameter as its condition).
     */
    private static void permission(Resource r, Mapping properties, List<Proposal> out,
                                   Map<String, Map<String, String>> tagsByFunction) {
        int before = out.size();
        FunctionRef function = functionRef(r, text(r, properties, "FunctionName", false, List.of(), new ArrayList<>()),
                Optional.empty());
        Map<String, String> tags = tagsByFunction.getOrDefault(function.name(), Map.of());
        r = r.about(function, tags);
        Optional<String> action = text(r, properties, "Action", true, STATEMENT_RULES, out);
        Optional<String> principal = text(r, properties, "Principal", true, STATEMENT_RULES, out);
        Map<String, String> narrowing = new LinkedHashMap<>();
        for (String parameter : NARROWING.keySet()) {
            List<RuleId> rules = parameter.startsWith("FunctionUrl") || parameter.startsWith("InvokedVia")
                    ? List.of(RuleId.FUNCTION_URL_PUBLIC, RuleId.PERMISSION_PUBLIC)
                    : List.of(RuleId.PERMISSION_PUBLIC, RuleId.PERMISSION_UNTRUSTED_ACCOUNT, RuleId.PERMISSION_SERVICE_WITHOUT_SOURCE);
            text(r, properties, parameter, false, rules, out)
                    .filter(v -> !parameter.equals("InvokedViaFunctionUrl") || v.equalsIgnoreCase("true"))
                    .ifPresent(v -> narrowing.put(parameter, parameter.equals("InvokedViaFunctionUrl") ? "true" : v));
        }
        if (out.size() > before) {
            return;
        }
        ObjectNode statement = JsonNodeFactory.instance.objectNode();
        statement.put("Sid", r.logicalId());
        statement.put("Effect", "Allow");
        statement.set("Principal", principal(principal.orElseThrow(), r.resolver().deployment().partition()));
        statement.put("Action", action.orElseThrow());
        statement.put("Resource", function.qualifiedArn());
        if (!narrowing.isEmpty()) {
            ObjectNode condition = statement.putObject("Condition");
            narrowing.forEach((parameter, value) -> {
                String[] written = NARROWING.get(parameter);
                ObjectNode operator = condition.get(written[0]) instanceof ObjectNode existing ? existing
                        : condition.putObject(written[0]);
                operator.put(written[1], value);
            });
        }
        LambdaChange change = new LambdaChange.PermissionGranted(function, ResourcePolicy.statement(statement.toString()));
        int at = properties.get("Principal") == null ? r.line() : properties.lineOf("Principal");
        out.add(r.change(WatchedApi.ADD_PERMISSION, change, tags, at));
    }

    private static JsonNode principal(String principal, String partition) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        if (principal.equals("*")) {
            return f.textNode("*");
        }
        if (principal.matches("\\d{12}")) {
            return f.objectNode().put("AWS", "arn:" + partition + ":iam::" + principal + ":root");
        }
        if (!principal.startsWith("arn:") && principal.contains(".")) {
            return f.objectNode().put("Service", principal);
        }
        return f.objectNode().put("AWS", principal);
    }

    private static void url(Resource r, Mapping properties, List<Proposal> out, Map<String, Map<String, String>> tagsByFunction) {
        FunctionRef function = functionRef(r, text(r, properties, "TargetFunctionArn", false, List.of(), new ArrayList<>()),
                text(r, properties, "Qualifier", false, List.of(), new ArrayList<>()));
        Map<String, String> tags = tagsByFunction.getOrDefault(function.name(), Map.of());
        urlConfig(r.about(function, tags), function, properties, "AuthType", tags, out);
    }

    /** CreateFunctionUrlConfig with the config's AuthType. */
    private static void urlConfig(Resource r, FunctionRef function, Mapping config, String field, Map<String, String> tags,
                                  List<Proposal> out) {
        Optional<TemplateValue> value = r.value(config, "AuthType");
        if (value.isPresent() && value.get() instanceof Text authType) {
            out.add(r.change(WatchedApi.CREATE_FUNCTION_URL_CONFIG, new LambdaChange.FunctionUrlConfigured(function, authType.text()),
                    tags, config.lineOf("AuthType")));
        } else {
            out.add(r.unknown(field, value.isPresent() && value.get() instanceof Unresolved u ? u
                    : new Unresolved(field + " is missing or not a string", config.line()), URL_RULES));
        }
    }

    /** PutResourcePolicy: every statement of the document (a JSON string or a mapping). */
    private static void resourcePolicy(Resource r, Mapping properties, List<Proposal> out,
                                       Map<String, Map<String, String>> tagsByFunction) {
        FunctionRef function = functionRef(r, text(r, properties, "ResourceArn", false, List.of(), new ArrayList<>()), Optional.empty());
        Map<String, String> tags = tagsByFunction.getOrDefault(function.name(), Map.of());
        r = r.about(function, tags);
        Optional<TemplateValue> document = r.value(properties, "PolicyDocument");
        Optional<Unresolved> unresolved = document.flatMap(TemplateValue::firstUnresolved);
        if (document.isEmpty() || unresolved.isPresent()) {
            out.add(r.unknown("PolicyDocument", unresolved.orElse(new Unresolved("PolicyDocument is missing", r.line())),
                    STATEMENT_RULES));
            return;
        }
        String json = document.get() instanceof Text text ? text.text() : JSON.valueToTree(plain(document.get())).toString();
        out.add(r.change(WatchedApi.PUT_RESOURCE_POLICY, new LambdaChange.ResourcePolicyReplaced(function, ResourcePolicy.statements(json)),
                tags, properties.lineOf("PolicyDocument")));
    }

    /** A resolved value as plain maps, lists and strings, for JSON. */
    private static Object plain(TemplateValue value) {
        return switch (value) {
            case Text text -> text.text();
            case Items items -> items.items().stream().map(TemplateProposals::plain).toList();
            case Fields fields -> {
                Map<String, Object> out = new LinkedHashMap<>();
                fields.fields().forEach((k, v) -> out.put(k, plain(v)));
                yield out;
            }
            case Unresolved unresolved -> throw new IllegalArgumentException("unresolved: " + unresolved.reason());
        };
    }

    private static Map<String, String> tags(Optional<TemplateValue> value) {
        Map<String, String> tags = new LinkedHashMap<>();
        // An unresolved tag is left out: an exemption the check cannot read exempts nothing.
        switch (value.orElse(null)) {
            case Fields fields -> fields.fields().forEach((key, v) -> {
                if (v instanceof Text text) {
                    tags.put(key, text.text());
                }
            });
            case Items items -> items.items().forEach(item -> {
                if (item instanceof Fields tag && tag.fields().get("Key") instanceof Text key
                        && tag.fields().get("Value") instanceof Text v) {
                    tags.put(key.text(), v.text());
                }
            });
            case null, default -> {
                // no tags
            }
        }
        return tags;
    }
}
