package io.github.lambdaguardrail.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The streaming reader and writer read and write what Jackson's ObjectMapper would, and stay strict. */
class JsonTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"a\":1,\"b\":[true,false,null],\"c\":{\"d\":\"e\\u00e9\\n\\\"\"},\"f\":-2.5e-3}",
            "[2147483647,2147483648,9223372036854775807,9223372036854775808,-0.0,1.0,1E+300]",
            "\"\\u0000\\u001f\\t/\\\\\"",
            "{}", "[]", "0", "null", "true",
            "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"s\",\"Principal\":\"*\",\"Condition\":{\"StringEquals\":{\"k\":[\"a\",\"b\"]}}}]}"
    })
    void readsAndWritesAsObjectMapperDoes(String text) throws Exception {
        JsonNode ours = Json.read(text);
        JsonNode theirs = MAPPER.readTree(text);
        assertEquals(theirs, ours);
        assertEquals(theirs.toString(), Json.write(ours));
        assertEquals(theirs.toString(), Json.write(theirs));
    }

    @Test
    void numbersKeepTheirKind() throws Exception {
        JsonNode n = Json.read("[1,3000000000,30000000000000000000,1.5]");
        assertTrue(n.get(0).isInt());
        assertTrue(n.get(1).isLong());
        assertTrue(n.get(2).isBigInteger());
        assertTrue(n.get(3).isDouble());
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"a\":1,\"a\":2}", "{\"a\":1} {\"b\":2}", "[1] x", "{\"a\":", "[1,]", "{a:1}", "'a'", "NaN"})
    void refusesWhatAwsWouldNotRead(String text) {
        assertThrows(JsonProcessingException.class, () -> Json.read(text));
    }

    @Test
    void emptyInputIsAMissingValue() throws Exception {
        assertTrue(Json.read("").isMissingNode());
        assertTrue(Json.read("  \n").isMissingNode());
        assertEquals("", Json.write(Json.read("")));
    }

    @Test
    void deepNestingIsRefusedNotAStackOverflow() {
        String deep = "[".repeat(5_000) + "]".repeat(5_000);
        assertThrows(JsonProcessingException.class, () -> Json.read(deep));
    }

    @Test
    void valuesOfAStreamAreReadOneByOneAndStayStrict() throws Exception {
        byte[] stream = "{\"a\":1} [2] \"three\" {\"d\":1,\"d\":2}".getBytes(StandardCharsets.UTF_8);
        try (JsonParser parser = Json.parser(new ByteArrayInputStream(stream))) {
            assertEquals(Json.read("{\"a\":1}"), Json.value(parser));
            parser.nextToken();
            assertEquals(Json.read("[2]"), Json.value(parser));
            parser.nextToken();
            assertEquals("three", Json.value(parser).textValue());
            parser.nextToken();
            assertThrows(JsonProcessingException.class, () -> Json.value(parser));
        }
        try (JsonParser parser = Json.parser(new ByteArrayInputStream(new byte[0]))) {
            assertNull(Json.value(parser));
        }
    }

    @Test
    void writesTreesBuiltInCode() {
        var tree = Json.object().put("s", "x\"y").put("i", 1).put("l", 5_000_000_000L).put("d", 0.5).put("b", true).putNull("n");
        tree.putArray("a").add(1).add("two").addObject().put("k", "v");
        assertEquals(tree.toString(), Json.write(tree));
    }
}
