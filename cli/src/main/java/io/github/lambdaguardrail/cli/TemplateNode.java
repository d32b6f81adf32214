package io.github.lambdaguardrail.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * A CloudFormation or SAM template as written, each value with its line (from 1), read from YAML
 * (short-form tags such as {@code !Ref X} become their long form {@code {"Ref": "X"}}) or JSON.
 * Immutable.
 */
sealed interface TemplateNode {

    int line();

    /** A scalar as text (numbers and booleans too); {@code isNull} for YAML's null and JSON's. */
    record Scalar(String text, boolean isNull, int line) implements TemplateNode {
    }

    record Sequence(List<TemplateNode> items, int line) implements TemplateNode {
        public Sequence {
            items = List.copyOf(items);
        }
    }

    /** @param keyLines the line of each key (a resource is reported at its logical id) */
    record Mapping(Map<String, TemplateNode> entries, Map<String, Integer> keyLines, int line) implements TemplateNode {
        public Mapping {
            entries = Collections.unmodifiableMap(new LinkedHashMap<>(entries));
            keyLines = Map.copyOf(keyLines);
        }

        TemplateNode get(String key) {
            return entries.get(key);
        }

        int lineOf(String key) {
            return keyLines.getOrDefault(key, line);
        }
    }

    /** Thrown for a file that is not YAML or JSON. */
    final class Unreadable extends Exception {
        Unreadable(String message) {
            super(message);
        }
    }

    /** The short-form tags of CloudFormation's YAML, which stand for {@code Fn::<name>} (or Ref and Condition). */
    Set<String> SHORT_FORMS = Set.of("Ref", "Condition", "Sub", "GetAtt", "Join", "If", "Select", "Split", "ImportValue",
            "FindInMap", "Base64", "Cidr", "GetAZs", "Equals", "Not", "And", "Or", "Transform", "Length", "ToJsonString");

    /**
     * The largest template read: CloudFormation's own limit (a template body in S3). A larger file
     * is no template, and parsing it (a 20 MB scalar took over a minute) would cost for nothing.
     */
    long MAX_BYTES = 1_048_576;

    /** Reads a template: JSON when its first non-blank character is '{', YAML otherwise. */
    static TemplateNode read(Path file) throws IOException, Unreadable {
        long size = Files.size(file);
        if (size > MAX_BYTES) {
            throw new Unreadable("larger than CloudFormation's 1 MB limit for a template (" + size + " bytes)");
        }
        String text = Files.readString(file, StandardCharsets.UTF_8);
        text = text.startsWith("\uFEFF") ? text.substring(1) : text;
        return text.stripLeading().startsWith("{") ? json(text) : yaml(text);
    }

    private static TemplateNode yaml(String text) throws Unreadable {
        Node root;
        try {
            root = new Yaml(new LoaderOptions()).compose(new StringReader(text));
        } catch (YAMLException e) {
            throw new Unreadable("not YAML: " + e.getMessage().replace('\n', ' '));
        }
        if (root == null) {
            throw new Unreadable("empty file");
        }
        return fromYaml(root);
    }

    private static TemplateNode fromYaml(Node node) {
        int line = node.getStartMark().getLine() + 1;
        TemplateNode plain = switch (node) {
            case ScalarNode scalar -> new Scalar(scalar.getValue(), scalar.getTag().equals(Tag.NULL), line);
            case SequenceNode sequence -> new Sequence(sequence.getValue().stream().map(TemplateNode::fromYaml).toList(), line);
            case MappingNode mapping -> {
                Map<String, TemplateNode> entries = new LinkedHashMap<>();
                Map<String, Integer> keyLines = new LinkedHashMap<>();
                for (NodeTuple tuple : mapping.getValue()) {
                    String key = tuple.getKeyNode() instanceof ScalarNode k ? k.getValue() : String.valueOf(tuple.getKeyNode());
                    entries.put(key, fromYaml(tuple.getValueNode()));
                    keyLines.put(key, tuple.getKeyNode().getStartMark().getLine() + 1);
                }
                yield new Mapping(entries, keyLines, line);
            }
            default -> new Scalar("", true, line);
        };
        String tag = node.getTag().getValue();
        if (tag.startsWith("!") && SHORT_FORMS.contains(tag.substring(1))) {
            String name = tag.substring(1);
            String longForm = name.equals("Ref") || name.equals("Condition") ? name : "Fn::" + name;
            return new Mapping(Map.of(longForm, plain), Map.of(longForm, line), line);
        }
        return plain;
    }

    private static TemplateNode json(String text) throws Unreadable {
        try (JsonParser parser = new JsonFactory().createParser(text)) {
            if (parser.nextToken() == null) {
                throw new Unreadable("empty file");
            }
            TemplateNode root = fromJson(parser);
            if (parser.nextToken() != null) {
                throw new Unreadable("not JSON: more than one value");
            }
            return root;
        } catch (IOException e) {
            throw new Unreadable("not JSON: " + e.getMessage().replace('\n', ' '));
        }
    }

    /** The value at the parser's current token, which the parser is left on the last token of. */
    private static TemplateNode fromJson(JsonParser parser) throws IOException {
        int line = parser.currentTokenLocation().getLineNr();
        JsonToken token = parser.currentToken();
        return switch (token) {
            case START_OBJECT -> {
                Map<String, TemplateNode> entries = new LinkedHashMap<>();
                Map<String, Integer> keyLines = new LinkedHashMap<>();
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    String key = parser.currentName();
                    int keyLine = parser.currentTokenLocation().getLineNr();
                    parser.nextToken();
                    entries.put(key, fromJson(parser));
                    keyLines.put(key, keyLine);
                }
                yield new Mapping(entries, keyLines, line);
            }
            case START_ARRAY -> {
                List<TemplateNode> items = new ArrayList<>();
                while (parser.nextToken() != JsonToken.END_ARRAY) {
                    items.add(fromJson(parser));
                }
                yield new Sequence(items, line);
            }
            case VALUE_NULL -> new Scalar("", true, line);
            default -> new Scalar(parser.getText(), false, line);
        };
    }
}
