package io.github.lambdaguardrail.guard.securityhub;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.SNSEvent;
import com.amazonaws.services.lambda.runtime.tests.annotations.Event;
import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.github.lambdaguardrail.runtime.ClientSettings;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.securityhub.model.SecurityHubException;

/**
 * The exporter's handler, its real Security Hub client on the production settings pointed at one
 * WireMock server, fed the sample SNS event (a rolled-back public statement's alert, as Lambda
 * delivers it) while Security Hub answers, refuses or fails. The SNS alert has gone already, so
 * the exporter is never silent: a failure a retry cannot cure is logged at ERROR with the finding
 * ids and counted ({@code SecurityHubFailures}) and the invocation succeeds; one a retry can cure
 * is thrown after the SDK's attempts, so Lambda retries the event, and is not counted (the failure
 * queue's alarm reports the last retry).
 */
class SecurityHubFaultsTest {

    @RegisterExtension
    static final WireMockExtension aws = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1")).build();

    static final String SAMPLE_EVENT = "/events/sns-verdict-alert.json";
    private static final String MESSAGE_ID = "5f0c4f4e-8a3b-5d2c-9e1f-2a3b4c5d6e7f";
    private static final String EVENT_ID = "91aa3f26-c4a7-4f2a-a88e-4e537fdcfa8c";
    private static final String FINDING_ID = EVENT_ID + "/PERMISSION_PUBLIC";
    private static final String IMPORT = "/findings/import";
    private static final String IMPORT_FAILED = "Security Hub import failed; the SNS alert is unaffected";
    private static final String IMPORT_RETRIED = "Security Hub import failed; Lambda retries the alert";

    private Exporter exporter = new Exporter(settings());

    /** The production client settings (standard retries, 5 s attempts, 20 s calls) pointed at WireMock. */
    private static ClientSettings settings() {
        return ClientSettings.DEFAULT.withEndpoint(URI.create(aws.baseUrl())).withRegion(Region.US_EAST_1)
                .withCredentials(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIAIOSFODNN7EXAMPLE",
                        "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")));
    }

    @AfterEach
    void close() {
        exporter.close();
    }

    static byte[] sampleEvent() {
        try (InputStream in = SecurityHubFaultsTest.class.getResourceAsStream(SAMPLE_EVENT)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static MappingBuilder importFindings() {
        return post(urlEqualTo(IMPORT));
    }

    private static ResponseDefinitionBuilder imported(String body) {
        return aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody(body);
    }

    /** A Security Hub error as its REST-JSON protocol carries it. */
    private static ResponseDefinitionBuilder securityHubError(int status, String type, String message) {
        return aResponse().withStatus(status).withHeader("Content-Type", "application/json").withHeader("x-amzn-ErrorType", type)
                .withBody("{\"Code\":\"" + type + "\",\"Message\":\"" + message + "\"}");
    }

    private static int imports() {
        return aws.findAll(postRequestedFor(urlEqualTo(IMPORT))).size();
    }

    private JsonNode onlyError(String message) {
        List<JsonNode> errors = exporter.log("ERROR", message);
        assertEquals(1, errors.size(), exporter.toString());
        JsonNode error = errors.get(0);
        assertEquals(MESSAGE_ID, error.path("messageId").asText());
        assertEquals(EVENT_ID, error.path("eventId").asText());
        assertEquals(FINDING_ID, error.path("findingIds").asText());
        return error;
    }

    /** The one metrics line of the invocation, also of a failed one. */
    private JsonNode metrics() {
        List<JsonNode> lines = exporter.metrics();
        assertEquals(1, lines.size(), exporter.toString());
        return lines.get(0);
    }

    /** The sample is an SNS event as aws-lambda-java-events reads Lambda's (and {@code sam local invoke -e} takes). */
    @ParameterizedTest
    @Event(value = "events/sns-verdict-alert.json", type = SNSEvent.class)
    void sampleEventIsLambdasSnsEventCarryingAVerdictsAlert(SNSEvent event) {
        assertEquals(1, event.getRecords().size());
        SNSEvent.SNS sns = event.getRecords().get(0).getSNS();
        assertEquals(MESSAGE_ID, sns.getMessageId());
        assertEquals("ROLLBACK", sns.getMessageAttributes().get("decision").getValue());
        assertTrue(sns.getMessage().contains("\"eventId\":\"" + EVENT_ID + "\""), sns.getMessage());
    }

    @Test
    void importsTheSampleAlertsFindingOnceWhenSecurityHubAnswers() {
        aws.stubFor(importFindings().willReturn(imported("{\"FailedCount\":0,\"SuccessCount\":1,\"FailedFindings\":[]}")));

        JsonNode report = exporter.invoke(sampleEvent());

        assertEquals(1, imports());
        aws.verify(postRequestedFor(urlEqualTo(IMPORT))
                .withRequestBody(matchingJsonPath("$.Findings[0].Id", equalTo(FINDING_ID)))
                .withRequestBody(matchingJsonPath("$.Findings[0].ProductArn",
                        equalTo("arn:aws:securityhub:us-east-1:111122223333:product/111122223333/default")))
                .withRequestBody(matchingJsonPath("$.Findings[0].Workflow.Status", equalTo("RESOLVED")))
                .withRequestBody(matchingJsonPath("$.Findings[0].Compliance.Status", equalTo("PASSED"))));
        assertEquals(1, report.path("findingsImported").asInt(), report.toString());
        assertEquals(0, report.path("securityHubFailures").asInt());
        assertEquals(0, report.path("invalidAlerts").asInt());
        assertEquals(1, exporter.log("INFO", "findings imported into Security Hub").size(), exporter.toString());
        assertEquals(1, metrics().path("SecurityHubFindings").asInt());
        assertEquals(0, metrics().path("SecurityHubFailures").asInt());
        assertTrue(aws.findAll(postRequestedFor(urlEqualTo(IMPORT))).get(0).getBodyAsString().length() < 240 * 1024,
                "ASFF takes 240 KB a finding");
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
            "401, InvalidAccessException, Account 111122223333 is not subscribed to AWS Security Hub",
            "403, AccessDeniedException, User is not authorized to perform: securityhub:BatchImportFindings"})
    void securityHubNotEnabledOrAccessDeniedIsLoggedAndCountedWithoutARetry(int status, String type, String message) {
        aws.stubFor(importFindings().willReturn(securityHubError(status, type, message)));

        JsonNode report = exporter.invoke(sampleEvent());

        assertEquals(1, imports(), "the same answer every time: no retry");
        assertEquals(0, report.path("findingsImported").asInt());
        assertEquals(1, report.path("securityHubFailures").asInt(), report.toString());
        // The code comes from the x-amzn-ErrorType header: the JDK's HTTP client drops the body of
        // a 401 answering a request with a body (it would retry with authentication), message and all.
        assertEquals(type, onlyError(IMPORT_FAILED).path("error").asText());
        assertEquals(1, metrics().path("SecurityHubFailures").asInt(), "the metric its alarm watches");
    }

    @Test
    void refusedFindingIsLoggedWithItsIdAndReasonAndCounted() {
        aws.stubFor(importFindings().willReturn(imported("{\"FailedCount\":1,\"SuccessCount\":0,\"FailedFindings\":[{\"Id\":\""
                + FINDING_ID + "\",\"ErrorCode\":\"InvalidInput\",\"ErrorMessage\":\"Finding does not adhere to ASFF\"}]}")));

        JsonNode report = exporter.invoke(sampleEvent());

        assertEquals(1, imports());
        assertEquals(1, report.path("securityHubFailures").asInt(), report.toString());
        assertEquals("InvalidInput: Finding does not adhere to ASFF",
                onlyError("Security Hub refused findings; the SNS alert is unaffected").path("detail").asText());
        assertEquals(1, metrics().path("SecurityHubFailures").asInt());
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"429, TooManyRequestsException, Rate exceeded", "500, InternalException, internal error",
            "503, ServiceUnavailableException, service unavailable"})
    void throttledOrServerErrorAfterTheSdksAttemptsIsThrownSoLambdaRetriesAndIsNotCounted(int status, String type,
                                                                                         String message) {
        aws.stubFor(importFindings().willReturn(securityHubError(status, type, message)));

        SecurityHubException e = assertThrows(SecurityHubException.class, () -> exporter.invoke(sampleEvent()));

        assertEquals(status, e.statusCode());
        assertEquals(3, imports(), "the SDK's standard 3 attempts, then Lambda's retry");
        assertTrue(onlyError(IMPORT_RETRIED).path("detail").asText().startsWith(type + ": " + message), exporter.toString());
        assertEquals(List.of(), exporter.log("ERROR", IMPORT_FAILED));
        assertEquals(0, metrics().path("SecurityHubFailures").asInt(), "a retry may still import it");
        assertEquals(1, exporter.log("INFO", "invocation done").size(), "the last line, also of a failed invocation");
    }

    @Test
    void securityHubThatDoesNotAnswerInTimeIsThrownSoLambdaRetries() {
        exporter.close();
        exporter = new Exporter(settings().withTimeouts(Duration.ofSeconds(1), Duration.ofMillis(300), Duration.ofSeconds(1)));
        aws.stubFor(importFindings().willReturn(imported("{\"FailedCount\":0,\"SuccessCount\":1,\"FailedFindings\":[]}")
                .withFixedDelay(2_000)));

        assertThrows(SdkException.class, () -> exporter.invoke(sampleEvent()));

        assertTrue(onlyError(IMPORT_RETRIED).path("error").asText().contains("Timeout"), exporter.toString());
        assertEquals(0, metrics().path("SecurityHubFailures").asInt());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "an empty payload                 | ''                                | the payload is not an SNS event",
            "a payload that is not JSON       | '{\"Records\": ['                 | the payload is not JSON",
            "an EventBridge event             | '{\"detail-type\": \"Scheduled Event\"}' | the payload is not an SNS event",
            "an SQS record                    | '{\"Records\": [{\"eventSource\": \"aws:sqs\", \"body\": \"{}\"}]}' | not an SNS record with a message"})
    void payloadThatIsNotAnSnsEventIsLoggedAndCountedAndImportsNothing(String what, String payload, String reason) {
        JsonNode report = exporter.invoke(payload.getBytes(java.nio.charset.StandardCharsets.UTF_8));

        assertEquals(1, report.path("invalidAlerts").asInt(), report.toString());
        List<JsonNode> errors = exporter.log("ERROR", "not a verdict's alert; nothing imported");
        assertEquals(1, errors.size(), exporter.toString());
        assertTrue(errors.get(0).path("reason").asText().startsWith(reason), errors.get(0).toString());
        assertEquals(0, aws.findAll(anyRequestedFor(anyUrl())).size(), "no call, no client built");
        assertEquals(1, metrics().path("InvalidAlerts").asInt(), "the metric its alarm watches");
    }

    @Test
    void messageThatIsNotAVerdictsAlertIsLoggedWithItsSnsMessageIdAndImportsNothing() {
        byte[] event = SnsEvents.of("msg-1", "{\"decision\":\"SWEEP\",\"account\":\"111122223333\"}",
                java.util.Map.of("decision", "SWEEP"));

        JsonNode report = exporter.invoke(event);

        assertEquals(1, report.path("invalidAlerts").asInt(), report.toString());
        JsonNode error = exporter.log("ERROR", "not a verdict's alert; nothing imported").get(0);
        assertEquals("msg-1", error.path("messageId").asText());
        assertTrue(error.path("reason").asText().startsWith("decision 'SWEEP' is not a verdict's"), error.toString());
        assertEquals(0, aws.findAll(anyRequestedFor(anyUrl())).size());
    }
}
