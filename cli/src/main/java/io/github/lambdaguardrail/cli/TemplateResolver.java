package io.github.lambdaguardrail.cli;

import io.github.lambdaguardrail.cli.TemplateNode.Mapping;
import io.github.lambdaguardrail.cli.TemplateNode.Scalar;
import io.github.lambdaguardrail.cli.TemplateNode.Sequence;
import io.github.lambdaguardrail.cli.TemplateValue.Fields;
import io.github.lambdaguardrail.cli.TemplateValue.Items;
import io.github.lambdaguardrail.cli.TemplateValue.Text;
import io.github.lambdaguardrail.cli.TemplateValue.Unresolved;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Resolves a template's intrinsic functions as far as they can be before deploy: parameters (a
 * value given on the command line, else the default), the pseudo parameters of the deployment,
 * {@code Ref} and {@code Fn::GetAtt .Arn} of the template's own resources, {@code Fn::Sub},
 * {@code Fn::Join}, {@code Fn::Select}, {@code Fn::Split}, {@code Fn::FindInMap} and {@code Fn::If}
 * over the template's conditions. Anything else (an import, a parameter without default, an SSM
 * parameter, a dynamic reference, an attribute known only after deploy) is {@link Unresolved},
 * with the reason. Not thread-safe: one per template.
 */
final class TemplateResolver {

    /** What a deploy fills in: the pseudo parameters. */
    record Deployment(String account, String region, String stackName, String partition) {
    }

    static final Set<String> FUNCTION_TYPES = Set.of("AWS::Serverless::Function", "AWS::Lambda::Function");

    private static final Pattern SUB_VARIABLE = Pattern.compile("\\$\\{([^}]*)}");

    private final Mapping parameters;
    private final Mapping conditions;
    private final Mapping mappings;
    private final Mapping resources;
    private final Map<String, String> overrides;
    private final Deployment deployment;
    private final Map<String, Optional<Boolean>> conditionValues = new HashMap<>();
    private final Set<String> resolving = new HashSet<>();

    TemplateResolver(Mapping root, Map<String, String> overrides, Deployment deployment) {
        this.parameters = section(root, "Parameters");
        this.conditions = section(root, "Conditions");
        this.mappings = section(root, "Mappings");
        this.resources = section(root, "Resources");
        this.overrides = Map.copyOf(overrides);
        this.deployment = deployment;
    }

    static Mapping section(Mapping root, String name) {
        return root.get(name) instanceof Mapping section ? section : new Mapping(Map.of(), Map.of(), root.line());
    }

    Deployment deployment() {
        return deployment;
    }

    /** The value of {@code node}; empty for {@code AWS::NoValue} and null, which CloudFormation drops. */
    Optional<TemplateValue> resolve(TemplateNode node) {
        return switch (node) {
            case Scalar scalar when scalar.isNull() -> Optional.empty();
            case Scalar scalar -> Optional.of(text(scalar.text(), scalar.line()));
            case Sequence sequence -> {
                List<TemplateValue> items = new ArrayList<>();
                sequence.items().forEach(item -> resolve(item).ifPresent(items::add));
                yield Optional.of(new Items(items, sequence.line()));
            }
            case Mapping mapping when isIntrinsic(mapping) -> intrinsic(mapping);
            case Mapping mapping -> {
                Map<String, TemplateValue> fields = new LinkedHashMap<>();
                mapping.entries().forEach((key, value) -> resolve(value).ifPresent(v -> fields.put(key, v)));
                yield Optional.of(new Fields(fields, mapping.line()));
            }
        };
    }

    /** A mapping of one key, {@code Ref} or {@code Fn::...}: an intrinsic function, not a value. */
    static boolean isIntrinsic(Mapping mapping) {
        if (mapping.entries().size() != 1) {
            return false;
        }
        String key = mapping.entries().keySet().iterator().next();
        return key.equals("Ref") || key.startsWith("Fn::");
    }

    private static TemplateValue text(String text, int line) {
        return text.contains("{{resolve:")
                ? new Unresolved("a dynamic reference ({{resolve:...}}) is read only at deploy", line)
                : new Text(text, line);
    }

    private Optional<TemplateValue> intrinsic(Mapping mapping) {
        String function = mapping.entries().keySet().iterator().next();
        TemplateNode argument = mapping.get(function);
        int line = mapping.line();
        return switch (function) {
            case "Ref" -> argument instanceof Scalar name ? ref(name.text(), line)
                    : Optional.of(new Unresolved("Ref of something that is not a name", line));
            case "Fn::Sub" -> Optional.of(sub(argument, line));
            case "Fn::GetAtt" -> Optional.of(getAtt(argument, line));
            case "Fn::Join" -> Optional.of(join(argument, line));
            case "Fn::If" -> fnIf(argument, line);
            case "Fn::Select" -> Optional.of(select(argument, line));
            case "Fn::Split" -> Optional.of(split(argument, line));
            case "Fn::FindInMap" -> Optional.of(findInMap(argument, line));
            case "Fn::ImportValue" -> Optional.of(new Unresolved("Fn::ImportValue: another stack's export is read only at deploy", line));
            default -> Optional.of(new Unresolved(function + " is not resolved before deploy", line));
        };
    }

    /** {@code Ref}: a pseudo parameter, a parameter, or one of the template's resources. */
    Optional<TemplateValue> ref(String name, int line) {
        switch (name) {
            case "AWS::NoValue" -> {
                return Optional.empty();
            }
            case "AWS::AccountId" -> {
                return Optional.of(new Text(deployment.account(), line));
            }
            case "AWS::Region" -> {
                return Optional.of(new Text(deployment.region(), line));
            }
            case "AWS::StackName" -> {
                return Optional.of(new Text(deployment.stackName(), line));
            }
            case "AWS::Partition" -> {
                return Optional.of(new Text(deployment.partition(), line));
            }
            case "AWS::URLSuffix" -> {
                return Optional.of(new Text("amazonaws.com", line));
            }
            default -> {
                // fall through to parameters and resources
            }
        }
        if (name.startsWith("AWS::")) {
            return Optional.of(new Unresolved(name + " is known only at deploy", line));
        }
        if (parameters.get(name) instanceof Mapping parameter) {
            return Optional.of(parameter(name, parameter, line));
        }
        if (resources.get(name) instanceof Mapping resource && FUNCTION_TYPES.contains(type(resource))) {
            return Optional.of(new Text(functionName(name), line));
        }
        if (resources.get(name) != null) {
            return Optional.of(new Unresolved("Ref " + name + ": the resource's physical id is known only after deploy", line));
        }
        return Optional.of(new Unresolved("Ref " + name + " names no parameter or resource of the template", line));
    }

    private TemplateValue parameter(String name, Mapping parameter, int line) {
        String type = parameter.get("Type") instanceof Scalar t ? t.text() : "String";
        if (type.startsWith("AWS::SSM::Parameter::Value")) {
            return new Unresolved("parameter " + name + " is an SSM parameter: its value is read at deploy", line);
        }
        String value;
        if (overrides.containsKey(name)) {
            value = overrides.get(name);
        } else if (parameter.get("Default") instanceof Scalar defaultValue && !defaultValue.isNull()) {
            value = defaultValue.text();
        } else {
            return new Unresolved("parameter " + name + " has no default (give it with --parameter " + name + "=VALUE)", line);
        }
        if (type.equals("CommaDelimitedList") || type.startsWith("List<")) {
            List<TemplateValue> items = new ArrayList<>();
            if (!value.isEmpty()) {
                for (String item : value.split(",", -1)) {
                    items.add(new Text(item.trim(), line));
                }
            }
            return new Items(items, line);
        }
        return new Text(value, line);
    }

    /** The name a function of the template gets: its FunctionName, or (CloudFormation names it) its logical id. */
    String functionName(String logicalId) {
        Mapping resource = (Mapping) resources.get(logicalId);
        if (resource.get("Properties") instanceof Mapping properties && properties.get("FunctionName") != null
                && resolving.add(logicalId)) {
            try {
                if (resolve(properties.get("FunctionName")).orElse(null) instanceof Text text) {
                    return text.text();
                }
            } finally {
                resolving.remove(logicalId);
            }
        }
        return logicalId;
    }

    /** The ARN of a function of the template, by name. */
    String functionArn(String name) {
        return "arn:" + deployment.partition() + ":lambda:" + deployment.region() + ":" + deployment.account() + ":function:" + name;
    }

    private static String type(Mapping resource) {
        return resource.get("Type") instanceof Scalar type ? type.text() : "";
    }

    /**
     * {@code Fn::GetAtt R.Arn} of a function of the template is its ARN; of another resource of
     * the template, an ARN in the stack's own account and region (an S3 bucket's names no account):
     * what the rules read of a source ARN is its account. Any other attribute is known only after deploy.
     */
    private TemplateValue getAtt(TemplateNode argument, int line) {
        String resource;
        String attribute;
        if (argument instanceof Scalar scalar && scalar.text().contains(".")) {
            resource = scalar.text().substring(0, scalar.text().indexOf('.'));
            attribute = scalar.text().substring(scalar.text().indexOf('.') + 1);
        } else if (argument instanceof Sequence sequence && sequence.items().size() == 2
                && sequence.items().get(0) instanceof Scalar r && sequence.items().get(1) instanceof Scalar a) {
            resource = r.text();
            attribute = a.text();
        } else {
            return new Unresolved("Fn::GetAtt with an argument that is not RESOURCE.ATTRIBUTE", line);
        }
        if (!(resources.get(resource) instanceof Mapping target)) {
            return new Unresolved("Fn::GetAtt " + resource + "." + attribute + ": no such resource in the template", line);
        }
        if (!attribute.equals("Arn")) {
            return new Unresolved("Fn::GetAtt " + resource + "." + attribute + " is known only after deploy", line);
        }
        String type = type(target);
        if (FUNCTION_TYPES.contains(type)) {
            return new Text(functionArn(functionName(resource)), line);
        }
        if (type.equals("AWS::S3::Bucket")) {
            return new Text("arn:" + deployment.partition() + ":s3:::" + resource.toLowerCase(Locale.ROOT), line);
        }
        String[] parts = type.split("::");
        String service = parts.length >= 2 ? parts[1].toLowerCase(Locale.ROOT) : "unknown";
        return new Text("arn:" + deployment.partition() + ":" + service + ":" + deployment.region() + ":" + deployment.account()
                + ":" + resource, line);
    }

    private TemplateValue sub(TemplateNode argument, int line) {
        String template;
        Map<String, TemplateValue> variables = new HashMap<>();
        if (argument instanceof Scalar scalar) {
            template = scalar.text();
        } else if (argument instanceof Sequence sequence && sequence.items().size() == 2
                && sequence.items().get(0) instanceof Scalar s && sequence.items().get(1) instanceof Mapping vars) {
            template = s.text();
            for (Map.Entry<String, TemplateNode> variable : vars.entries().entrySet()) {
                variables.put(variable.getKey(), resolve(variable.getValue())
                        .orElse(new Unresolved("Fn::Sub variable " + variable.getKey() + " is AWS::NoValue", line)));
            }
        } else {
            return new Unresolved("Fn::Sub with an argument that is neither a string nor [string, variables]", line);
        }
        Matcher m = SUB_VARIABLE.matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(1);
            String replacement;
            if (name.startsWith("!")) {
                replacement = "${" + name.substring(1) + "}";
            } else {
                TemplateValue value = variables.containsKey(name) ? variables.get(name)
                        : name.contains(".") ? getAtt(new Scalar(name, false, line), line)
                        : ref(name, line).orElse(new Unresolved("${" + name + "} is AWS::NoValue", line));
                if (!(value instanceof Text text)) {
                    return value instanceof Unresolved unresolved ? new Unresolved(unresolved.reason(), line)
                            : new Unresolved("${" + name + "} is not a string", line);
                }
                replacement = text.text();
            }
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        return text(out.toString(), line);
    }

    private TemplateValue join(TemplateNode argument, int line) {
        if (!(argument instanceof Sequence sequence) || sequence.items().size() != 2
                || !(sequence.items().get(0) instanceof Scalar delimiter)) {
            return new Unresolved("Fn::Join with an argument that is not [delimiter, list]", line);
        }
        Optional<TemplateValue> list = resolve(sequence.items().get(1));
        if (list.isEmpty() || !(list.get() instanceof Items items)) {
            return list.filter(Unresolved.class::isInstance).orElse(new Unresolved("Fn::Join of something that is not a list", line));
        }
        List<String> parts = new ArrayList<>();
        for (TemplateValue item : items.items()) {
            if (!(item instanceof Text text)) {
                return item.firstUnresolved().map(u -> (TemplateValue) new Unresolved(u.reason(), line))
                        .orElse(new Unresolved("Fn::Join of a list that holds a value that is not a string", line));
            }
            parts.add(text.text());
        }
        return new Text(String.join(delimiter.text(), parts), line);
    }

    private TemplateValue select(TemplateNode argument, int line) {
        if (!(argument instanceof Sequence sequence) || sequence.items().size() != 2) {
            return new Unresolved("Fn::Select with an argument that is not [index, list]", line);
        }
        Optional<TemplateValue> index = resolve(sequence.items().get(0));
        Optional<TemplateValue> list = resolve(sequence.items().get(1));
        if (index.isPresent() && index.get() instanceof Unresolved unresolved) {
            return unresolved;
        }
        if (list.isPresent() && list.get() instanceof Unresolved unresolved) {
            return unresolved;
        }
        if (index.isEmpty() || !(index.get() instanceof Text i) || list.isEmpty() || !(list.get() instanceof Items items)
                || !i.text().matches("\\d{1,9}") || Integer.parseInt(i.text()) >= items.items().size()) {
            return new Unresolved("Fn::Select of an index the list does not have", line);
        }
        return items.items().get(Integer.parseInt(i.text()));
    }

    private TemplateValue split(TemplateNode argument, int line) {
        if (!(argument instanceof Sequence sequence) || sequence.items().size() != 2
                || !(sequence.items().get(0) instanceof Scalar delimiter)) {
            return new Unresolved("Fn::Split with an argument that is not [delimiter, string]", line);
        }
        Optional<TemplateValue> source = resolve(sequence.items().get(1));
        if (source.isEmpty() || !(source.get() instanceof Text text)) {
            return source.filter(Unresolved.class::isInstance).orElse(new Unresolved("Fn::Split of something that is not a string", line));
        }
        List<TemplateValue> items = new ArrayList<>();
        for (String part : text.text().split(Pattern.quote(delimiter.text()), -1)) {
            items.add(new Text(part, line));
        }
        return new Items(items, line);
    }

    private TemplateValue findInMap(TemplateNode argument, int line) {
        if (!(argument instanceof Sequence sequence) || sequence.items().size() < 3) {
            return new Unresolved("Fn::FindInMap with an argument that is not [map, key, key]", line);
        }
        TemplateNode node = mappings;
        for (TemplateNode keyNode : sequence.items().subList(0, 3)) {
            Optional<TemplateValue> key = resolve(keyNode);
            if (key.isEmpty() || !(key.get() instanceof Text text)) {
                return key.filter(Unresolved.class::isInstance).orElse(new Unresolved("Fn::FindInMap with a key that is not a string", line));
            }
            if (!(node instanceof Mapping map) || map.get(text.text()) == null) {
                return new Unresolved("Fn::FindInMap: the mappings have no key " + text.text(), line);
            }
            node = map.get(text.text());
        }
        return resolve(node).orElse(new Unresolved("Fn::FindInMap of a null value", line));
    }

    private Optional<TemplateValue> fnIf(TemplateNode argument, int line) {
        if (!(argument instanceof Sequence sequence) || sequence.items().size() != 3
                || !(sequence.items().get(0) instanceof Scalar condition)) {
            return Optional.of(new Unresolved("Fn::If with an argument that is not [condition, then, else]", line));
        }
        Optional<Boolean> value = condition(condition.text());
        if (value.isEmpty()) {
            return Optional.of(new Unresolved("condition " + condition.text() + " cannot be decided before deploy", line));
        }
        return resolve(sequence.items().get(value.get() ? 1 : 2));
    }

    /** The value of a named condition of the template; empty when it depends on what is known only at deploy. */
    Optional<Boolean> condition(String name) {
        if (conditionValues.containsKey(name)) {
            return conditionValues.get(name);
        }
        conditionValues.put(name, Optional.empty()); // a cycle decides nothing
        Optional<Boolean> value = conditions.get(name) == null ? Optional.empty() : conditionOf(conditions.get(name));
        conditionValues.put(name, value);
        return value;
    }

    private Optional<Boolean> conditionOf(TemplateNode node) {
        if (!(node instanceof Mapping mapping) || mapping.entries().size() != 1) {
            return Optional.empty();
        }
        String function = mapping.entries().keySet().iterator().next();
        TemplateNode argument = mapping.get(function);
        List<TemplateNode> arguments = argument instanceof Sequence sequence ? sequence.items() : List.of(argument);
        return switch (function) {
            case "Condition" -> argument instanceof Scalar name ? condition(name.text()) : Optional.empty();
            case "Fn::Equals" -> {
                if (arguments.size() != 2) {
                    yield Optional.empty();
                }
                Optional<TemplateValue> a = resolve(arguments.get(0));
                Optional<TemplateValue> b = resolve(arguments.get(1));
                yield a.isPresent() && b.isPresent() && a.get().firstUnresolved().isEmpty() && b.get().firstUnresolved().isEmpty()
                        ? Optional.of(plain(a.get()).equals(plain(b.get()))) : Optional.empty();
            }
            case "Fn::Not" -> arguments.size() == 1 ? conditionOf(arguments.get(0)).map(v -> !v) : Optional.empty();
            case "Fn::And", "Fn::Or" -> {
                boolean and = function.equals("Fn::And");
                boolean unknown = false;
                for (TemplateNode operand : arguments) {
                    Optional<Boolean> v = conditionOf(operand);
                    if (v.isEmpty()) {
                        unknown = true;
                    } else if (v.get() != and) {
                        yield Optional.of(!and);
                    }
                }
                yield unknown ? Optional.empty() : Optional.of(and);
            }
            default -> Optional.empty();
        };
    }

    /** A resolved value without its lines, for comparison. */
    private static Object plain(TemplateValue value) {
        return switch (value) {
            case Text text -> text.text();
            case Items items -> items.items().stream().map(TemplateResolver::plain).toList();
            case Fields fields -> {
                Map<String, Object> out = new LinkedHashMap<>();
                fields.fields().forEach((k, v) -> out.put(k, plain(v)));
                yield out;
            }
            case Unresolved unresolved -> unresolved;
        };
    }
}
