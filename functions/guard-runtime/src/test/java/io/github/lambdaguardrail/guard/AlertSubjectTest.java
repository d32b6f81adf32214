package io.github.lambdaguardrail.guard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** SNS rejects a Publish whose subject is 100 characters or more, or is not plain ASCII. */
class AlertSubjectTest {

    @Test
    void longSubjectIsCutBelowOneHundredCharactersWithAsciiDots() {
        String subject = Alert.subject("[Lambda Guardrail] CRITICAL ROLLBACK PERMISSION_PUBLIC,FUNCTION_URL_PUBLIC on "
                + "a-function-name-that-is-as-long-as-lambda-allows-sixty-four-characters:live");

        assertEquals(99, subject.length());
        assertTrue(subject.endsWith("..."), subject);
        assertTrue(subject.chars().allMatch(c -> c >= 0x20 && c <= 0x7E), subject);
    }

    @Test
    void shortAsciiSubjectIsKeptAsIs() {
        assertEquals("[Lambda Guardrail] MEDIUM NOTIFY LAMBDA_NOT_IN_VPC on data-scraper",
                Alert.subject("[Lambda Guardrail] MEDIUM NOTIFY LAMBDA_NOT_IN_VPC on data-scraper"));
    }

    @Test
    void nonAsciiAndControlCharactersAreReplaced() {
        assertEquals("sweep ? region eu-west-1 ?", Alert.subject("sweep \u2014 region eu-west-1 \n"));
    }
}
