package io.github.lambdaguardrail.deployment;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.AbstractConstruct;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * template.yaml (or another CloudFormation template of the project) read faithfully: CloudFormation short-form tags ({@code !Ref X}) become their
 * long form ({@code {"Ref": "X"}}) instead of vanishing as Jackson's YAML reader makes them.
 */
final class Template {

    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    static final Path FILE = ROOT.resolve("template.yaml");

    private final Map<String, Object> root;

    private Template(Map<String, Object> root) {
        this.root = root;
    }

    static Template load() throws IOException {
        return load(FILE);
    }

    static Template load(Path file) throws IOException {
        try (Reader reader = Files.newBufferedReader(file)) {
            return new Template(new Yaml(new CloudFormationConstructor()).load(reader));
        }
    }

    Map<String, Object> root() {
        return root;
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> resources() {
        return (Map<String, Object>) root.get("Resources");
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> properties(String logicalId) {
        return (Map<String, Object>) ((Map<String, Object>) resources().get(logicalId)).get("Properties");
    }

    /** A function's environment variables as it is deployed with them: the Globals', its own on top. */
    Map<String, Object> environment(Map<String, Object> function) {
        Map<String, Object> variables = new LinkedHashMap<>(at(root, "Globals", "Function", "Environment", "Variables"));
        Map<String, Object> own = at(function, "Properties", "Environment", "Variables");
        if (own != null) {
            variables.putAll(own);
        }
        return variables;
    }

    /** The resources of one type that {@code values} create (their condition holds, or they have none), by logical id, in template order. */
    Map<String, Map<String, Object>> resourcesOfType(String type, Map<String, String> values) {
        Map<String, Map<String, Object>> out = new LinkedHashMap<>();
        resourcesOfType(type).forEach((id, resource) -> {
            String condition = (String) resource.get("Condition");
            if (condition == null || holds(condition, values)) {
                out.put(id, resource);
            }
        });
        return out;
    }

    /** The resources of one type, by logical id, in template order, whatever their condition. */
    @SuppressWarnings("unchecked")
    Map<String, Map<String, Object>> resourcesOfType(String type) {
        Map<String, Map<String, Object>> out = new LinkedHashMap<>();
        resources().forEach((id, resource) -> {
            if (type.equals(((Map<String, Object>) resource).get("Type"))) {
                out.put(id, (Map<String, Object>) resource);
            }
        });
        return out;
    }

    /**
     * {@code node} with its intrinsic functions ({@code Ref}, {@code Fn::Sub}, {@code Fn::GetAtt},
     * {@code Fn::Join}, {@code Fn::If} over the template's conditions) replaced: {@code values} holds
     * the pseudo parameters ({@code AWS::StackName}), resources ({@code AlertKey},
     * {@code AlertKey.Arn}) and parameters set for the test; a parameter not in it takes its default.
     * {@code AWS::NoValue} drops the entry, as CloudFormation does. Anything else fails, so a test
     * never compares an unresolved reference.
     */
    @SuppressWarnings("unchecked")
    Object resolve(Object node, Map<String, String> values) {
        if (node instanceof List<?> list) {
            List<Object> out = new ArrayList<>();
            list.forEach(item -> {
                Object resolved = resolve(item, values);
                if (resolved != NO_VALUE) {
                    out.add(resolved);
                }
            });
            return out;
        }
        if (!(node instanceof Map<?, ?>)) {
            return node;
        }
        Map<String, Object> map = (Map<String, Object>) node;
        if (map.size() == 1 && "AWS::NoValue".equals(map.get("Ref"))) {
            return NO_VALUE;
        }
        if (map.size() == 1 && map.containsKey("Ref")) {
            String name = (String) map.get("Ref");
            String value = value(name, values);
            // A CommaDelimitedList parameter is a list; its test value is written comma-separated.
            return "CommaDelimitedList".equals(at(root, "Parameters", name, "Type")) ? List.of(value.split(",", -1)) : value;
        }
        if (map.size() == 1 && map.containsKey("Fn::If")) {
            List<Object> args = (List<Object>) map.get("Fn::If");
            return resolve(holds((String) args.get(0), values) ? args.get(1) : args.get(2), values);
        }
        if (map.size() == 1 && map.containsKey("Fn::GetAtt")) {
            return value(String.join(".", (List<String>) map.get("Fn::GetAtt")), values);
        }
        if (map.size() == 1 && map.containsKey("Fn::Sub")) {
            Matcher m = SUB_VARIABLE.matcher((String) map.get("Fn::Sub"));
            StringBuilder out = new StringBuilder();
            while (m.find()) {
                m.appendReplacement(out, Matcher.quoteReplacement(value(m.group(1), values)));
            }
            return m.appendTail(out).toString();
        }
        if (map.size() == 1 && map.containsKey("Fn::Join")) {
            List<Object> args = (List<Object>) map.get("Fn::Join");
            List<Object> parts = (List<Object>) resolve(args.get(1), values);
            return String.join((String) args.get(0), parts.stream().map(String.class::cast).toList());
        }
        if (map.keySet().stream().anyMatch(k -> k.equals("Ref") || k.startsWith("Fn::"))) {
            throw new IllegalArgumentException("intrinsic function not supported here: " + map);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        map.forEach((k, v) -> {
            Object resolved = resolve(v, values);
            if (resolved != NO_VALUE) {
                out.put(k, resolved);
            }
        });
        return out;
    }

    /** {@code Ref: AWS::NoValue}, removed from the list or map that holds it. */
    private static final Object NO_VALUE = new Object();

    /** Whether the template's condition {@code name} holds for {@code values}. */
    boolean holds(String name, Map<String, String> values) {
        Object condition = at(root, "Conditions", name);
        if (condition == null) {
            throw new IllegalArgumentException("no condition " + name);
        }
        return evaluate(condition, values);
    }

    @SuppressWarnings("unchecked")
    private boolean evaluate(Object condition, Map<String, String> values) {
        Map<String, Object> map = (Map<String, Object>) condition;
        if (map.containsKey("Condition")) {
            return holds((String) map.get("Condition"), values);
        }
        if (map.containsKey("Fn::Equals")) {
            List<Object> args = (List<Object>) map.get("Fn::Equals");
            return String.valueOf(resolve(args.get(0), values)).equals(String.valueOf(resolve(args.get(1), values)));
        }
        if (map.containsKey("Fn::Not")) {
            return !evaluate(((List<Object>) map.get("Fn::Not")).get(0), values);
        }
        if (map.containsKey("Fn::And")) {
            return ((List<Object>) map.get("Fn::And")).stream().allMatch(c -> evaluate(c, values));
        }
        if (map.containsKey("Fn::Or")) {
            return ((List<Object>) map.get("Fn::Or")).stream().anyMatch(c -> evaluate(c, values));
        }
        throw new IllegalArgumentException("condition function not supported here: " + map);
    }

    private static final Pattern SUB_VARIABLE = Pattern.compile("\\$\\{([^}!]+)}");

    private String value(String name, Map<String, String> values) {
        if (values.containsKey(name)) {
            return values.get(name);
        }
        Map<String, Object> parameter = at(root, "Parameters", name);
        if (parameter == null) {
            throw new IllegalArgumentException("no example value for " + name);
        }
        return String.valueOf(parameter.get("Default"));
    }

    /**
     * Example values for a stack named {@code stackName}: what CloudFormation would give the pseudo
     * parameters and the resources the tests resolve ({@code suffix} stands for the random part of
     * the names CloudFormation generates).
     */
    static Map<String, String> example(String stackName, String partition, String region, String suffix) {
        String account = "111122223333";
        String key = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
        Map<String, String> values = new LinkedHashMap<>();
        values.put("AWS::StackName", stackName);
        values.put("AWS::Region", region);
        values.put("AWS::AccountId", account);
        values.put("AWS::Partition", partition);
        values.put("AlertKey", key);
        values.put("AlertKey.Arn", "arn:" + partition + ":kms:" + region + ":" + account + ":key/" + key);
        String trailKey = "5e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a8b";
        values.put("TrailKey", trailKey);
        values.put("TrailKey.Arn", "arn:" + partition + ":kms:" + region + ":" + account + ":key/" + trailKey);
        for (String topic : List.of("AlertTopic", "AlarmTopic")) {
            values.put(topic, "arn:" + partition + ":sns:" + region + ":" + account + ":" + stackName + "-" + topic + "-" + suffix);
        }
        values.put("StateTable", stackName + "-StateTable-" + suffix);
        values.put("StateTable.Arn", "arn:" + partition + ":dynamodb:" + region + ":" + account + ":table/"
                + values.get("StateTable"));
        values.put("RemediationQueue", "https://sqs." + region + ".amazonaws.com/" + account + "/" + stackName
                + "-RemediationQueue-" + suffix + ".fifo");
        for (String role : List.of("VpcGuardRole", "PermissionGuardRole", "SweepRole")) {
            values.put(role + ".Arn", "arn:" + partition + ":iam::" + account + ":role/" + stackName + "-" + role + "-" + suffix);
        }
        return Map.copyOf(values);
    }

    /** The example stack of the tests and of {@code events/guardrail/}: {@code lambda-guardrail} in us-east-1. */
    static final Map<String, String> EXAMPLE = example("lambda-guardrail", "aws", "us-east-1", "EXAMPLE");

    @SuppressWarnings("unchecked")
    static <T> T at(Object node, String... path) {
        Object current = node;
        for (String key : path) {
            if (current == null) {
                return null;
            }
            current = ((Map<String, Object>) current).get(key);
        }
        return (T) current;
    }

    /** The short-form intrinsic functions, kept as the long form. */
    private static final class CloudFormationConstructor extends SafeConstructor {
        CloudFormationConstructor() {
            super(new LoaderOptions());
            for (String fn : List.of("Ref", "Sub", "GetAtt", "If", "Equals", "Not", "And", "Or", "Join", "Select",
                    "Split", "FindInMap", "ImportValue", "Base64", "Cidr", "GetAZs", "Condition", "Contains")) {
                String key = fn.equals("Ref") || fn.equals("Condition") ? fn : "Fn::" + fn;
                this.yamlConstructors.put(new Tag("!" + fn), new AbstractConstruct() {
                    @Override
                    public Object construct(Node node) {
                        Object value;
                        if (node instanceof ScalarNode scalar) {
                            value = fn.equals("GetAtt") ? List.of(scalar.getValue().split("\\.", 2)) : scalar.getValue();
                        } else if (node instanceof SequenceNode sequence) {
                            value = constructSequence(sequence);
                        } else {
                            value = constructMapping((MappingNode) node);
                        }
                        return Map.of(key, value);
                    }
                });
            }
        }
    }
}
