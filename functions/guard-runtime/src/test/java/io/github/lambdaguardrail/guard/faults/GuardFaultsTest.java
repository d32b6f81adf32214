package io.github.lambdaguardrail.guard.faults;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.noContent;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static io.github.lambdaguardrail.guard.faults.FaultFixtures.JSON_1_0;
import static io.github.lambdaguardrail.guard.faults.FaultFixtures.concurrencyPath;
import static io.github.lambdaguardrail.guard.faults.FaultFixtures.dynamo;
import static io.github.lambdaguardrail.guard.faults.FaultFixtures.dynamoRequests;
import static io.github.lambdaguardrail.guard.faults.FaultFixtures.event;
import static io.github.lambdaguardrail.guard.faults.FaultFixtures.eventId;
import static io.github.lambdaguardrail.guard.faults.FaultFixtures.form;
import static io.github.lambdaguardrail.guard.faults.FaultFixtures.functionPath;
import static io.github.lambdaguardrail.guard.faults.FaultFixtures.getPolicyBody;
import static io.github.lambdaguardrail.guard.faults.FaultFixtures.lambdaJson;
import static io.github.lambdaguardrail.guard.faults.FaultFixtures.policyPath;
import static io.github.lambdaguardrail.guard.faults.FaultFixtures.resource;
import static io.github.lambdaguardrail.guard.faults.FaultFixtures.serviceError;
import static io.github.lambdaguardrail.guard.faults.FaultFixtures.snsInternalError;
import static io.github.lambdaguardrail.guard.faults.FaultFixtures.snsPublish;
import static io.github.lambdaguardrail.guard.faults.FaultFixtures.snsPublishRequests;
import static io.github.lambdaguardrail.guard.faults.FaultFixtures.snsPublished;
import static io.github.lambdaguardrail.guard.faults.FaultFixtures.statementPath;
import static io.github.lambdaguardrail.guard.faults.FaultFixtures.stubStateTable;
import static io.github.lambdaguardrail.guard.faults.FaultFixtures.tagsPath;
import static io.github.lambdaguardrail.guard.faults.FaultFixtures.throttled;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.matching.RequestPatternBuilder;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import io.github.lambdaguardrail.engine.WatchedApi;
import io.github.lambdaguardrail.guard.AwsClients;
import io.github.lambdaguardrail.guard.Guard;
import io.github.lambdaguardrail.guard.EventInProgressException;
import io.github.lambdaguardrail.guard.GuardReport;
import io.github.lambdaguardrail.guard.JsonLog;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.lambda.model.ServiceException;
import software.amazon.awssdk.services.lambda.model.TooManyRequestsException;

/**
 * The whole guard loop (parse → claim → facts → act → notify → complete) with the real
 * {@code LambdaRemediator}, {@code SnsNotifier}, {@code DynamoDbStateStore} and
 * {@code LambdaFunctionFacts}, wired by {@link Guard#create}, against one WireMock server standing
 * in for Lambda, SNS and DynamoDB.
 */
class GuardFaultsTest {

    @RegisterExtension
    static final WireMockExtension aws = FaultFixtures.wireMock();

    private static final String PUBLIC_EVENT = "addpermission-public-principal.json";
    private static final String PUBLIC_EVENT_ID = eventId(PUBLIC_EVENT);
    private static final String FUNCTION = "invoice-renderer";
    private static final String SID = "allow-anyone";
    private static final String REVISION = "9f2c4e51-6a0d-4b7e-8c3f-1d2e3f4a5b60";

    private final FaultFixtures.CapturedLog log = new FaultFixtures.CapturedLog();
    private AwsClients clients;

    @BeforeEach
    void clients() {
        clients = FaultFixtures.clients(aws);
    }

    @AfterEach
    void close() {
        clients.close();
    }

    private Guard permissionGuard() {
        return Guard.create(FaultFixtures.config(), WatchedApi.resourcePolicy(), clients, new JsonLog(log.out));
    }

    private Guard vpcGuard() {
        return Guard.create(FaultFixtures.config(), WatchedApi.functionConfiguration(), clients, new JsonLog(log.out));
    }

    private static ByteArrayInputStream payload(byte[] bytes) {
        return new ByteArrayInputStream(bytes);
    }

    /** State table, GetFunction (the recorded c7n response) and SNS all answer. */
    private static void stubHealthyServices(String function) {
        stubStateTable(aws);
        aws.stubFor(get(urlPathMatching(functionPath(function))).willReturn(lambdaJson(resource("getfunction-c7n-vpc-ipv6.json"))));
        aws.stubFor(snsPublish().willReturn(snsPublished()));
    }

    private static void stubLivePolicy() {
        aws.stubFor(get(urlPathMatching(policyPath(FUNCTION)))
                .willReturn(lambdaJson(getPolicyBody("policy-invoice-renderer.json", REVISION))));
        aws.stubFor(delete(urlPathMatching(statementPath(FUNCTION, SID))).willReturn(noContent()));
    }

    private static int requests(RequestPatternBuilder pattern) {
        return aws.findAll(pattern).size();
    }

    private static int statementDeletes() {
        return requests(deleteRequestedFor(urlPathMatching(policyPath(FUNCTION) + "/.*")));
    }

    private static String publishedText() {
        List<String> messages = aws.findAll(snsPublishRequests()).stream()
                .map(r -> form(r.getBodyAsString()).get("Message")).toList();
        assertEquals(1, messages.size(), "one alert published");
        try {
            return new ObjectMapper().readTree(messages.get(0)).path("default").asText();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void removesStatementNotifiesAndCompletesClaimWhenEveryServiceAnswers() {
        stubHealthyServices(FUNCTION);
        stubLivePolicy();

        GuardReport report = permissionGuard().handle(payload(event(PUBLIC_EVENT)));

        assertEquals(1, report.rollbacks(), report.toString());
        assertEquals(1, report.notifications());
        assertEquals(1, requests(dynamoRequests("PutItem", PUBLIC_EVENT_ID)));
        assertEquals(1, requests(dynamoRequests("UpdateItem", PUBLIC_EVENT_ID)));
        assertEquals(0, requests(dynamoRequests("DeleteItem")));
        assertEquals(1, statementDeletes());
        assertTrue(publishedText().contains("REMOVE_PERMISSION: DONE"), publishedText());
    }

    // ---- 2. persistent 5xx ---------------------------------------------------------------------

    @Test
    void throwsAndReleasesClaimWithoutNotifyingWhenGetPolicyKeepsAnswering500() {
        stubHealthyServices(FUNCTION);
        aws.stubFor(get(urlPathMatching(policyPath(FUNCTION))).willReturn(serviceError(500)));
        aws.stubFor(delete(urlPathMatching(statementPath(FUNCTION, SID))).willReturn(noContent()));
        Guard guard = permissionGuard();

        // Thrown out of handle, so Lambda's async retry and the on-failure destination take over.
        assertThrows(ServiceException.class, () -> guard.handle(payload(event(PUBLIC_EVENT))));

        assertEquals(3, requests(getRequestedFor(urlPathMatching(policyPath(FUNCTION)))), "the SDK retried the 500s");
        assertEquals(0, statementDeletes());
        assertEquals(1, requests(dynamoRequests("PutItem", PUBLIC_EVENT_ID)));
        assertEquals(1, requests(dynamoRequests("DeleteItem", PUBLIC_EVENT_ID)), "the claim was released");
        assertEquals(0, requests(dynamoRequests("UpdateItem")), "the claim was not completed");
        assertEquals(0, requests(snsPublishRequests()), "no alert for an event that will be retried");
        List<JsonNode> errors = log.at("ERROR", "handling failed; the event will be retried");
        assertEquals(1, errors.size(), log.toString());
        assertEquals(PUBLIC_EVENT_ID, errors.get(0).path("eventId").asText());
        assertEquals("ServiceException", errors.get(0).path("error").asText());
    }

    // ---- 6. SNS down while the rollback succeeds -----------------------------------------------------

    @Test
    void keepsRollbackAndCompletesClaimWhenSnsKeepsAnswering500() {
        stubStateTable(aws);
        aws.stubFor(get(urlPathMatching(functionPath(FUNCTION))).willReturn(lambdaJson(resource("getfunction-c7n-vpc-ipv6.json"))));
        stubLivePolicy();
        aws.stubFor(snsPublish().willReturn(snsInternalError()));

        GuardReport report = permissionGuard().handle(payload(event(PUBLIC_EVENT)));

        assertEquals(1, statementDeletes(), "the statement was removed exactly once");
        assertEquals(1, report.rollbacks(), report.toString());
        assertEquals(0, report.notifications());
        assertEquals(1, report.notificationFailures());
        assertEquals(3, requests(snsPublishRequests()), "the SDK retried the publish");
        assertEquals(1, requests(dynamoRequests("UpdateItem", PUBLIC_EVENT_ID)), "the claim was completed");
        assertEquals(0, requests(dynamoRequests("DeleteItem")), "the claim was not released");
        List<JsonNode> errors = log.at("ERROR", "notification failed; the rollback stands");
        assertEquals(1, errors.size(), log.toString());
        assertEquals(PUBLIC_EVENT_ID, errors.get(0).path("eventId").asText());
        assertEquals("ROLLBACK", errors.get(0).path("decision").asText());
        assertEquals("PERMISSION_PUBLIC", errors.get(0).path("ruleIds").asText());
    }

    // ---- 9. malformed responses -----------------------------------------------------------------

    @Test
    void releasesClaimAndRethrowsWhenGetPolicyAnswersWithABodyThatIsNotJson() {
        stubHealthyServices(FUNCTION);
        aws.stubFor(get(urlPathMatching(policyPath(FUNCTION))).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "text/html").withBody("<html><body><h1>502 Bad Gateway</h1></body></html>")));
        aws.stubFor(delete(urlPathMatching(statementPath(FUNCTION, SID))).willReturn(noContent()));
        Guard guard = permissionGuard();

        SdkClientException e = assertThrows(SdkClientException.class, () -> guard.handle(payload(event(PUBLIC_EVENT))));

        assertTrue(e.getMessage().contains("Unable to unmarshall response"), e.getMessage());
        // The SDK counts an unmarshalling failure (an IOException underneath) as retryable.
        assertEquals(3, requests(getRequestedFor(urlPathMatching(policyPath(FUNCTION)))));
        assertEquals(0, statementDeletes(), "no action taken");
        assertEquals(1, requests(dynamoRequests("DeleteItem", PUBLIC_EVENT_ID)), "the claim was released");
        assertEquals(0, requests(dynamoRequests("UpdateItem")));
        assertEquals(0, requests(snsPublishRequests()));
        assertEquals(1, log.at("ERROR", "handling failed; the event will be retried").size(), log.toString());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("unreadablePolicies")
    void leavesStatementAloneAndSaysSoWhenThePolicyDocumentIsUnreadable(String label, String body) {
        stubHealthyServices(FUNCTION);
        aws.stubFor(get(urlPathMatching(policyPath(FUNCTION))).willReturn(lambdaJson(body)));
        aws.stubFor(delete(urlPathMatching(statementPath(FUNCTION, SID))).willReturn(noContent()));

        GuardReport report = permissionGuard().handle(payload(event(PUBLIC_EVENT)));

        assertEquals(0, report.rollbacks(), report.toString());
        assertEquals(0, statementDeletes());
        String alert = publishedText();
        assertTrue(alert.contains("REMOVE_PERMISSION: LEFT_ALONE - the live policy could not be read"), alert);
        assertEquals(1, requests(dynamoRequests("UpdateItem", PUBLIC_EVENT_ID)));
    }

    static Stream<Arguments> unreadablePolicies() {
        return Stream.of(
                Arguments.of("Policy is not JSON", "{\"Policy\":\"<AccessDenied/>\",\"RevisionId\":\"" + REVISION + "\"}"),
                Arguments.of("Policy has no Statement", "{\"Policy\":\"{\\\"Version\\\":\\\"2012-10-17\\\"}\",\"RevisionId\":\"" + REVISION + "\"}"),
                Arguments.of("no Policy at all", "{\"RevisionId\":\"" + REVISION + "\"}"));
    }

    // ---- 10. malformed events ---------------------------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedEvents")
    void dropsEventWithoutAnyAwsCallWhenTheEventIsMalformed(String label, byte[] payload, String reason) {
        GuardReport report = permissionGuard().handle(payload(payload));

        assertEquals(1, report.invalid(), report.toString());
        assertEquals(0, report.evaluated());
        assertTrue(aws.getAllServeEvents().isEmpty(), "no request reached WireMock: " + aws.getAllServeEvents().stream()
                .map(ServeEvent::getRequest).map(r -> r.getMethod() + " " + r.getUrl()).toList());
        List<JsonNode> errors = log.at("ERROR", "unusable event dropped");
        assertEquals(1, errors.size(), log.toString());
        assertTrue(errors.get(0).path("reason").asText().contains(reason), errors.get(0).toString());
    }

    static Stream<Arguments> malformedEvents() {
        byte[] whole = event(PUBLIC_EVENT);
        return Stream.of(
                Arguments.of("truncated JSON", Arrays.copyOf(whole, whole.length / 2), "not valid JSON"),
                Arguments.of("JSON that is not an event", "{\"greeting\": \"hello\"}".getBytes(StandardCharsets.UTF_8),
                        "not a CloudTrail record: no eventSource"),
                Arguments.of("an event of another detail-type", resource("eventbridge-scheduled-event.json")
                        .getBytes(StandardCharsets.UTF_8), "EventBridge event of type 'Scheduled Event'"));
    }

    // ---- duplicate delivery: the claim's conditional write fails -----------------------------------

    @Test
    void skipsDuplicateWithoutTouchingLambdaWhenTheEventWasAlreadyHandled() {
        claimTaken("DONE");

        GuardReport report = permissionGuard().handle(payload(event(PUBLIC_EVENT)));

        assertEquals(1, report.duplicates(), report.toString());
        assertEquals(1, requests(dynamoRequests("PutItem", PUBLIC_EVENT_ID)), "a failed condition is not retried");
        assertEquals(2, aws.getAllServeEvents().size(), "nothing but the claim and the read of its status");
    }

    @Test
    void throwsForLambdaToRetryWhenAnotherInvocationStillHoldsTheClaim() {
        claimTaken("IN_PROGRESS");

        assertThrows(EventInProgressException.class, () -> permissionGuard().handle(payload(event(PUBLIC_EVENT))));
        assertEquals(2, aws.getAllServeEvents().size(), "no Lambda call, no alert, no release of the other's claim");
    }

    private void claimTaken(String status) {
        aws.stubFor(dynamo("PutItem").willReturn(aResponse().withStatus(400).withHeader("Content-Type", JSON_1_0)
                .withBody("{\"__type\":\"com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException\","
                        + "\"message\":\"The conditional request failed\"}")));
        aws.stubFor(dynamo("GetItem").willReturn(aResponse().withStatus(200).withHeader("Content-Type", JSON_1_0)
                .withBody("{\"Item\":{\"pk\":{\"S\":\"event#" + PUBLIC_EVENT_ID + "\"},\"status\":{\"S\":\"" + status + "\"}}}")));
    }

    // ---- quarantine under throttling (CreateFunction without VPC) ---------------------------------

    private static final String CREATE_EVENT = "createfunction-no-vpc.json";
    private static final String SCRAPER = "data-scraper";

    @Test
    void quarantinesFunctionWhenTagResourceIsThrottledOnce() {
        stubHealthyServices(SCRAPER);
        aws.stubFor(post(urlPathMatching(tagsPath(SCRAPER))).inScenario("tags").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(throttled()).willSetStateTo("throttled once"));
        aws.stubFor(post(urlPathMatching(tagsPath(SCRAPER))).inScenario("tags").whenScenarioStateIs("throttled once")
                .willReturn(noContent()));
        aws.stubFor(put(urlPathMatching(concurrencyPath(SCRAPER)))
                .willReturn(lambdaJson("{\"ReservedConcurrentExecutions\":0}")));

        GuardReport report = vpcGuard().handle(payload(event(CREATE_EVENT)));

        assertEquals(1, report.rollbacks(), report.toString());
        // The recorded GetFunction response has ReservedConcurrentExecutions 1: that is what the tag keeps.
        assertEquals(2, requests(postRequestedFor(urlPathMatching(tagsPath(SCRAPER)))
                .withRequestBody(matchingJsonPath("$.Tags['guardrail:previous-concurrency']", equalTo("1")))));
        assertEquals(1, requests(putRequestedFor(urlPathMatching(concurrencyPath(SCRAPER)))
                .withRequestBody(matchingJsonPath("$.ReservedConcurrentExecutions", equalTo("0")))));
        List<String> lambdaWrites = aws.getAllServeEvents().stream().map(ServeEvent::getRequest)
                .filter(r -> r.getUrl().startsWith("/2017-")).map(r -> r.getMethod().getName()).toList();
        // getAllServeEvents lists the newest first: the concurrency goes to 0 only after the tag is on.
        assertEquals(List.of("PUT", "POST", "POST"), lambdaWrites);
        assertTrue(publishedText().contains("QUARANTINE: DONE"), publishedText());
        assertEquals(1, requests(dynamoRequests("UpdateItem", eventId(CREATE_EVENT))));
    }

    @Test
    void neverSetsConcurrencyToZeroWhenTagResourceStaysThrottled() {
        stubHealthyServices(SCRAPER);
        aws.stubFor(post(urlPathMatching(tagsPath(SCRAPER))).willReturn(throttled()));
        aws.stubFor(put(urlPathMatching(concurrencyPath(SCRAPER)))
                .willReturn(lambdaJson("{\"ReservedConcurrentExecutions\":0}")));
        Guard guard = vpcGuard();

        assertThrows(TooManyRequestsException.class, () -> guard.handle(payload(event(CREATE_EVENT))));

        assertEquals(3, requests(postRequestedFor(urlPathMatching(tagsPath(SCRAPER)))));
        assertEquals(0, requests(putRequestedFor(urlPathMatching(concurrencyPath(SCRAPER)))),
                "without the tag recording the previous concurrency, the concurrency is never overwritten");
        assertEquals(1, requests(dynamoRequests("DeleteItem", eventId(CREATE_EVENT))));
        assertEquals(0, requests(snsPublishRequests()));
    }
}
