package io.github.lambdaguardrail.engine;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * The one Jackson reader and writer of everything the guardrail reads and writes as JSON:
 * CloudTrail records and log files, statements and policy documents, policy files, alerts, logs.
 * It is strict, so that what the engine reads is what AWS read: a key twice in an object
 * ({@link StreamReadFeature#STRICT_DUPLICATE_DETECTION}) and anything after a value read whole are
 * errors, never a silent choice; the parser's own limits (nesting, lengths) apply. The engine reads
 * trees and checks each value's type itself.
 *
 * <p>Trees are built and written with the streaming parser and generator alone: an
 * {@code ObjectMapper} (and {@code JsonNode.toString()}, which builds one) costs about 110 ms of a
 * function's cold start, more than the rest of its JSON work together. Thread-safe.
 */
public final class Json {

    private static final JsonFactory FACTORY = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private Json() {
    }

    /** One JSON value, whole: the text must hold exactly one value (none: a missing node). */
    public static JsonNode read(String text) throws JsonProcessingException {
        try (JsonParser parser = FACTORY.createParser(text)) {
            return whole(parser);
        } catch (JsonProcessingException e) {
            throw e;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One JSON value, whole, from {@code length} bytes of {@code buffer} at {@code offset}. */
    public static JsonNode read(byte[] buffer, int offset, int length) throws IOException {
        try (JsonParser parser = FACTORY.createParser(buffer, offset, length)) {
            return whole(parser);
        }
    }

    /** One JSON value, whole, from a stream (which is read to its end). */
    public static JsonNode read(InputStream in) throws IOException {
        try (JsonParser parser = FACTORY.createParser(in)) {
            return whole(parser);
        }
    }

    /**
     * A streaming parser over several values one after another (a log file, an array of records),
     * as strict as {@link #read} about each of them (a key twice is an error); read each with
     * {@link #value}.
     */
    public static JsonParser parser(InputStream in) throws IOException {
        return FACTORY.createParser(in);
    }

    /**
     * The value at the parser's current token (the next one when it has none), as a tree; the
     * parser is left on the value's last token. Null at the end of the input.
     */
    public static JsonNode value(JsonParser parser) throws IOException {
        JsonToken token = parser.currentToken() == null ? parser.nextToken() : parser.currentToken();
        return token == null ? null : tree(parser, token);
    }

    /** The compact JSON text of a tree, as AWS and every subscriber read it. */
    public static String write(JsonNode node) {
        StringWriter out = new StringWriter();
        try (JsonGenerator generator = FACTORY.createGenerator(out)) {
            write(generator, node);
        } catch (IOException e) {
            throw new UncheckedIOException("writing JSON to memory", e);
        }
        return out.toString();
    }

    public static ObjectNode object() {
        return NODES.objectNode();
    }

    public static ArrayNode array() {
        return NODES.arrayNode();
    }

    // Not JsonNode.serialize: its ObjectNode needs a SerializerProvider, that is an ObjectMapper.
    private static void write(JsonGenerator generator, JsonNode node) throws IOException {
        switch (node.getNodeType()) {
            case OBJECT -> {
                generator.writeStartObject();
                for (Map.Entry<String, JsonNode> field : node.properties()) {
                    generator.writeFieldName(field.getKey());
                    write(generator, field.getValue());
                }
                generator.writeEndObject();
            }
            case ARRAY -> {
                generator.writeStartArray();
                for (JsonNode element : node) {
                    write(generator, element);
                }
                generator.writeEndArray();
            }
            case STRING -> generator.writeString(node.textValue());
            case NUMBER -> {
                switch (node.numberType()) {
                    case INT -> generator.writeNumber(node.intValue());
                    case LONG -> generator.writeNumber(node.longValue());
                    case BIG_INTEGER -> generator.writeNumber(node.bigIntegerValue());
                    case FLOAT -> generator.writeNumber(node.floatValue());
                    case DOUBLE -> generator.writeNumber(node.doubleValue());
                    case BIG_DECIMAL -> generator.writeNumber(node.decimalValue());
                }
            }
            case BOOLEAN -> generator.writeBoolean(node.booleanValue());
            case NULL -> generator.writeNull();
            case BINARY -> generator.writeBinary(node.binaryValue());
            case MISSING -> {
                // nothing, as JsonNode.toString() writes for it
            }
            case POJO -> throw new IllegalArgumentException("a POJO node has no JSON form without an ObjectMapper");
        }
    }

    private static JsonNode whole(JsonParser parser) throws IOException {
        JsonToken first = parser.nextToken();
        if (first == null) {
            return MissingNode.getInstance();
        }
        JsonNode value = tree(parser, first);
        JsonToken trailing = parser.nextToken();
        if (trailing != null) {
            throw new JsonParseException(parser, "Trailing token (of type " + trailing + ") found after value");
        }
        return value;
    }

    private static JsonNode tree(JsonParser parser, JsonToken token) throws IOException {
        return switch (token) {
            case START_OBJECT -> {
                ObjectNode object = NODES.objectNode();
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    String name = parser.currentName();
                    object.set(name, tree(parser, parser.nextToken()));
                }
                yield object;
            }
            case START_ARRAY -> {
                ArrayNode array = NODES.arrayNode();
                for (JsonToken next = parser.nextToken(); next != JsonToken.END_ARRAY; next = parser.nextToken()) {
                    array.add(tree(parser, next));
                }
                yield array;
            }
            case VALUE_STRING -> NODES.textNode(parser.getText());
            case VALUE_NUMBER_INT -> switch (parser.getNumberType()) {
                case INT -> NODES.numberNode(parser.getIntValue());
                case LONG -> NODES.numberNode(parser.getLongValue());
                default -> NODES.numberNode(parser.getBigIntegerValue());
            };
            case VALUE_NUMBER_FLOAT -> NODES.numberNode(parser.getDoubleValue());
            case VALUE_TRUE -> NODES.booleanNode(true);
            case VALUE_FALSE -> NODES.booleanNode(false);
            case VALUE_NULL -> NODES.nullNode();
            default -> throw new JsonParseException(parser, "Unexpected token " + token);
        };
    }
}
