package io.github.lambdaguardrail.engine.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;

/**
 * The one Jackson reader of everything the engine reads: CloudTrail records and log files,
 * statements and policy documents, policy files. It is strict, so that what the engine reads is
 * what AWS read: a key twice in an object ({@link StreamReadFeature#STRICT_DUPLICATE_DETECTION}),
 * anything after the value ({@link DeserializationFeature#FAIL_ON_TRAILING_TOKENS}, for a value read
 * whole) and, should a value ever be bound to a type, any coercion (a number for a string, a string
 * for a boolean, {@code ""} for null) are errors, never a silent choice. The engine reads trees and
 * checks each value's type itself. Thread-safe.
 */
public final class Json {

    private static final JsonFactory FACTORY = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private static final ObjectMapper MAPPER = JsonMapper.builder(FACTORY)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .withCoercionConfigDefaults(config -> {
                config.setAcceptBlankAsEmpty(false);
                for (CoercionInputShape shape : CoercionInputShape.values()) {
                    config.setCoercion(shape, CoercionAction.Fail);
                }
            })
            .build();

    /** For the values of a stream, each read on its own: what follows one is the next. */
    private static final ObjectReader VALUES = MAPPER.reader().without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private Json() {
    }

    /** One JSON value, whole: the text must hold exactly one value. */
    public static JsonNode read(String text) throws JsonProcessingException {
        return MAPPER.readTree(text);
    }

    /** One JSON value, whole, from {@code length} bytes of {@code buffer} at {@code offset}. */
    public static JsonNode read(byte[] buffer, int offset, int length) throws IOException {
        return MAPPER.readTree(buffer, offset, length);
    }

    /** One JSON value, whole, from a stream (which is read to its end). */
    public static JsonNode read(InputStream in) throws IOException {
        return MAPPER.readTree(in);
    }

    /**
     * A streaming parser over several values one after another (a log file, an array of
     * records), as strict as {@link #read} about each of them (a key twice is an error);
     * {@link JsonParser#readValueAsTree} reads the value at hand and leaves the parser after it.
     */
    public static JsonParser parser(InputStream in) throws IOException {
        JsonParser parser = FACTORY.createParser(in);
        parser.setCodec(VALUES);
        return parser;
    }

    public static ObjectNode object() {
        return MAPPER.createObjectNode();
    }
}
