package io.github.lambdaguardrail.guard.org;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class QueuedEventTest {

    private static InputStream json(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void readsTheMessagesOfLambdasSqsEvent() throws IOException {
        List<QueuedEvent> batch = QueuedEvent.readBatch(json("""
                {"Records":[{"messageId":"m1","body":"{}","eventSource":"aws:sqs",
                  "attributes":{"MessageGroupId":"222222222222:eu-west-1","ApproximateReceiveCount":"1"}}]}"""));
        assertEquals(List.of(new QueuedEvent("m1", "222222222222:eu-west-1", "{}")), batch);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "[]", "null", "{\"Records\":{}}", "{\"Records\":[{\"body\":\"x\",\"eventSource\":\"aws:sqs\"}]}",
            "{\"Records\":[{\"messageId\":\"m1\",\"eventSource\":\"aws:sns\"}]}", "{\"Records\":[", "\u0000\u0001"})
    void anythingElseIsRefusedNamingWhatIsWrong(String payload) {
        String message = assertThrows(IllegalArgumentException.class, () -> QueuedEvent.readBatch(json(payload))).getMessage();
        assertTrue(message.startsWith("SQS event: "), message);
    }

    @Test
    void aPayloadLargerThanLambdaDeliversIsRefusedWithoutReadingItAll() {
        InputStream endless = new InputStream() {
            @Override
            public int read() {
                return ' ';
            }
        };
        String message = assertThrows(IllegalArgumentException.class, () -> QueuedEvent.readBatch(endless)).getMessage();
        assertTrue(message.contains("larger than Lambda delivers"), message);
    }
}
