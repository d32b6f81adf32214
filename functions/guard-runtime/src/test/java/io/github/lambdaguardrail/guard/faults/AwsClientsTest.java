package io.github.lambdaguardrail.guard.faults;

import static io.github.lambdaguardrail.guard.faults.FaultFixtures.snsInternalError;
import static io.github.lambdaguardrail.guard.faults.FaultFixtures.snsPublish;
import static io.github.lambdaguardrail.guard.faults.FaultFixtures.snsPublishRequests;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.github.lambdaguardrail.guard.AwsClients;
import io.github.lambdaguardrail.runtime.ClientSettings;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.SnsException;

/** The one client factory applies every setting: endpoint, region, credentials, retries and interceptors. */
class AwsClientsTest {

    @RegisterExtension
    static final WireMockExtension aws = FaultFixtures.wireMock();

    /** Records the operation of every HTTP attempt. */
    private static final class Attempts implements ExecutionInterceptor {
        final List<String> seen = new CopyOnWriteArrayList<>();

        @Override
        public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
            seen.add(attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME));
        }
    }

    @Test
    void standardRetriesMakeThreeAttemptsThroughTheInterceptors() {
        aws.stubFor(snsPublish().willReturn(snsInternalError()));
        Attempts attempts = new Attempts();

        try (SnsClient sns = AwsClients.sns(FaultFixtures.settings(aws).withInterceptors(attempts))) {
            assertThrows(SnsException.class, () -> sns.publish(b -> b.topicArn(FaultFixtures.TOPIC_ARN).message("m")));
        }

        assertEquals(3, aws.findAll(snsPublishRequests()).size());
        assertEquals(List.of("Publish", "Publish", "Publish"), attempts.seen);
    }

    @Test
    void configuredRetriesMakeTheConfiguredNumberOfAttempts() {
        aws.stubFor(snsPublish().willReturn(snsInternalError()));
        ClientSettings fiveAttempts = FaultFixtures.settings(aws)
                .withRetries(new ClientSettings.Retries(5, Duration.ofMillis(1), Duration.ofMillis(1), Duration.ofMillis(5)));

        try (SnsClient sns = AwsClients.sns(fiveAttempts)) {
            assertThrows(SnsException.class, () -> sns.publish(b -> b.topicArn(FaultFixtures.TOPIC_ARN).message("m")));
        }

        assertEquals(5, aws.findAll(snsPublishRequests()).size());
    }
}
