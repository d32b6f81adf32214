package io.github.lambdaguardrail.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A live statement is read as strictly as CloudTrail's, and matched before anything is removed. */
class ResourcePolicyTest {

    private static final String OWN = "{\"Sid\":\"s\",\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"111122223333\"},"
            + "\"Action\":\"lambda:InvokeFunction\"}";

    @Test
    void sameStatementIgnoresKeyOrderAndWhiteSpace() {
        assertTrue(ResourcePolicy.sameStatement(OWN, "{ \"Action\": \"lambda:InvokeFunction\", \"Sid\": \"s\","
                + " \"Principal\": {\"AWS\": \"111122223333\"}, \"Effect\": \"Allow\" }"));
    }

    @ParameterizedTest
    @ValueSource(strings = {OWN + " {}", "{\"Sid\":\"s\",\"Sid\":\"s\",\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"111122223333\"},"
            + "\"Action\":\"lambda:InvokeFunction\"}"})
    void statementWithTextAfterItOrAKeyTwiceIsNeverTheSameSoNeverRemoved(String live) {
        assertFalse(ResourcePolicy.sameStatement(OWN, live));
        assertFalse(ResourcePolicy.sameStatement(live, OWN));
    }

    @Test
    void liveStatementWithAKeyTwiceIsUnparseable() {
        PolicyStatement s = ResourcePolicy.statement(OWN.replace("\"Effect\"", "\"Action\":\"lambda:*\",\"Effect\""));
        assertTrue(assertInstanceOf(PolicyStatement.Unparseable.class, s).reason().contains("Duplicate field 'Action'"), s::toString);
    }

    @Test
    void liveDocumentWithAKeyTwiceInOneStatementIsOneUnparseableDocument() {
        String document = "{\"Statement\":[" + OWN + "," + OWN.replace("\"Sid\":\"s\"", "\"Sid\":\"a\",\"Sid\":\"b\"") + "]}";
        PolicyStatement only = ResourcePolicy.statements(document).get(0);
        assertEquals(1, ResourcePolicy.statements(document).size());
        assertTrue(assertInstanceOf(PolicyStatement.Unparseable.class, only).reason().startsWith("policy is not JSON"), only::toString);
    }
}
