package io.github.lambdaguardrail.guard.faults;

import static io.github.lambdaguardrail.guard.faults.FaultFixtures.form;
import static io.github.lambdaguardrail.guard.faults.FaultFixtures.snsInternalError;
import static io.github.lambdaguardrail.guard.faults.FaultFixtures.snsPublish;
import static io.github.lambdaguardrail.guard.faults.FaultFixtures.snsPublishRequests;
import static io.github.lambdaguardrail.guard.faults.FaultFixtures.snsPublished;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.github.lambdaguardrail.guard.Alert;
import io.github.lambdaguardrail.guard.AwsClients;
import io.github.lambdaguardrail.guard.SnsNotifier;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.SnsException;

/** {@link SnsNotifier} against a WireMock SNS endpoint (Query protocol) that fails. */
class SnsNotifierFaultsTest {

    @RegisterExtension
    static final WireMockExtension aws = FaultFixtures.wireMock();

    private SnsClient sns;
    private SnsNotifier notifier;
    private final Alert alert = Alert.of(FaultFixtures.verdict("addpermission-public-principal.json"), List.of(), false);

    @BeforeEach
    void client() {
        sns = AwsClients.sns(FaultFixtures.settings(aws));
        notifier = new SnsNotifier(() -> sns, FaultFixtures.TOPIC_ARN);
    }

    @AfterEach
    void close() {
        sns.close();
    }

    @Test
    void publishesWhenSnsAnswers500Once() {
        aws.stubFor(snsPublish().inScenario("sns").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(snsInternalError()).willSetStateTo("recovered"));
        aws.stubFor(snsPublish().inScenario("sns").whenScenarioStateIs("recovered").willReturn(snsPublished()));

        assertDoesNotThrow(() -> notifier.publish(alert));

        List<Map<String, String>> sent = aws.findAll(snsPublishRequests()).stream().map(r -> form(r.getBodyAsString())).toList();
        assertEquals(2, sent.size(), "the 500 was retried");
        Map<String, String> last = sent.get(1);
        assertEquals("Publish", last.get("Action"));
        assertEquals(FaultFixtures.TOPIC_ARN, last.get("TopicArn"));
        assertEquals("json", last.get("MessageStructure"));
        assertTrue(last.get("Subject").contains("PERMISSION_PUBLIC"), last.get("Subject"));
    }

    @Test
    void throwsSnsExceptionWhenSnsKeepsAnswering500() {
        aws.stubFor(snsPublish().willReturn(snsInternalError()));

        SnsException e = assertThrows(SnsException.class, () -> notifier.publish(alert));

        assertEquals(500, e.statusCode());
        assertEquals(3, aws.findAll(snsPublishRequests()).size());
    }
}
