package io.github.lambdaguardrail.guard.faults;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.noContent;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static io.github.lambdaguardrail.guard.faults.FaultFixtures.event;
import static io.github.lambdaguardrail.guard.faults.FaultFixtures.eventId;
import static io.github.lambdaguardrail.guard.faults.FaultFixtures.functionPath;
import static io.github.lambdaguardrail.guard.faults.FaultFixtures.getPolicyBody;
import static io.github.lambdaguardrail.guard.faults.FaultFixtures.keptAlert;
import static io.github.lambdaguardrail.guard.faults.FaultFixtures.lambdaJson;
import static io.github.lambdaguardrail.guard.faults.FaultFixtures.policyPath;
import static io.github.lambdaguardrail.guard.faults.FaultFixtures.published;
import static io.github.lambdaguardrail.guard.faults.FaultFixtures.resource;
import static io.github.lambdaguardrail.guard.faults.FaultFixtures.snsInternalError;
import static io.github.lambdaguardrail.guard.faults.FaultFixtures.snsPublish;
import static io.github.lambdaguardrail.guard.faults.FaultFixtures.snsPublished;
import static io.github.lambdaguardrail.guard.faults.FaultFixtures.statementPath;
import static io.github.lambdaguardrail.guard.faults.FaultFixtures.stubClaimWithKeptAlert;
import static io.github.lambdaguardrail.guard.faults.FaultFixtures.stubStateTable;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.github.lambdaguardrail.engine.WatchedApi;
import io.github.lambdaguardrail.guard.AwsClients;
import io.github.lambdaguardrail.guard.Guard;
import io.github.lambdaguardrail.guard.GuardConfig;
import io.github.lambdaguardrail.guard.GuardReport;
import io.github.lambdaguardrail.guard.JsonLog;
import io.github.lambdaguardrail.guard.faults.FaultFixtures.StateWrite;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.sns.model.SnsException;

/**
 * Security Hub is the second channel and never harms the first: the permission guard with
 * {@code GUARDRAIL_SECURITY_HUB=true}, its real clients on one WireMock server, rolls back a public
 * statement while Security Hub refuses, fails or is not enabled. In every case the SNS alert goes
 * first and once, the event completes (no retry, nothing acted on twice), and the failure is logged
 * at ERROR with the finding ids and counted ({@code SecurityHubFailures}).
 */
class SecurityHubFaultsTest {

    @RegisterExtension
    static final WireMockExtension aws = FaultFixtures.wireMock();

    private static final String EVENT = "addpermission-public-principal.json";
    private static final String EVENT_ID = eventId(EVENT);
    private static final String FINDING_ID = EVENT_ID + "/PERMISSION_PUBLIC";
    private static final String FUNCTION = "invoice-renderer";
    private static final String IMPORT = "POST /findings/import";
    private static final List<String> ACTED_AND_ALERTED = List.of(StateWrite.CLAIM.call(), "GetFunction", "GetPolicy",
            "RemovePermission", "Publish", StateWrite.COMPLETE.call());

    private final FaultFixtures.CapturedLog log = new FaultFixtures.CapturedLog();
    private AwsClients clients;

    @BeforeEach
    void clients() {
        clients = AwsClients.create(FaultFixtures.settings(aws), true);
    }

    @AfterEach
    void close() {
        clients.close();
    }

    private Guard guard() {
        Map<String, String> env = new HashMap<>(FaultFixtures.ENV);
        env.put("GUARDRAIL_SECURITY_HUB", "true");
        return Guard.create(GuardConfig.fromEnvironment(env), WatchedApi.resourcePolicy(), clients, new JsonLog(log.out));
    }

    /** The state table, GetFunction, the live policy with the public statement, RemovePermission and SNS answer. */
    private static void stubHealthyServices() {
        stubStateTable(aws);
        aws.stubFor(get(urlPathMatching(functionPath(FUNCTION))).willReturn(lambdaJson(resource("getfunction-c7n-vpc-ipv6.json"))));
        aws.stubFor(get(urlPathMatching(policyPath(FUNCTION)))
                .willReturn(lambdaJson(getPolicyBody("policy-invoice-renderer.json", "9f2c4e51-6a0d-4b7e-8c3f-1d2e3f4a5b60"))));
        aws.stubFor(delete(urlPathMatching(statementPath(FUNCTION, "allow-anyone"))).willReturn(noContent()));
        aws.stubFor(snsPublish().willReturn(snsPublished()));
    }

    private static MappingBuilder importFindings() {
        return post(urlEqualTo("/findings/import"));
    }

    /** A Security Hub error as its REST-JSON protocol carries it. */
    private static ResponseDefinitionBuilder securityHubError(int status, String type, String message) {
        return aResponse().withStatus(status).withHeader("Content-Type", "application/json").withHeader("x-amzn-ErrorType", type)
                .withBody("{\"Code\":\"" + type + "\",\"Message\":\"" + message + "\"}");
    }

    private static GuardReport deliver(Guard guard) {
        return guard.handle(new ByteArrayInputStream(event(EVENT)));
    }

    private static List<String> calls() {
        return FaultFixtures.calls(aws);
    }

    private static List<String> plus(List<String> calls, String... more) {
        List<String> all = new ArrayList<>(calls);
        all.addAll(List.of(more));
        return all;
    }

    /** The alert was published once, after the rollback, and said ROLLBACK. */
    private static void assertAlertedOnce() {
        assertEquals(1, published(aws).size(), calls().toString());
        assertEquals("ROLLBACK", published(aws).get(0).decision());
    }

    private JsonNode onlyError(String message) {
        List<JsonNode> errors = log.at("ERROR", message);
        assertEquals(1, errors.size(), log.toString());
        return errors.get(0);
    }

    @Test
    void importsTheFindingAfterTheAlertWhenEveryServiceAnswers() {
        stubHealthyServices();
        aws.stubFor(importFindings().willReturn(lambdaJson("{\"FailedCount\":0,\"SuccessCount\":1,\"FailedFindings\":[]}")));

        GuardReport report = deliver(guard());

        assertEquals(plus(ACTED_AND_ALERTED, IMPORT), calls(), "SNS first, the event completed, then Security Hub");
        assertEquals(1, report.securityHubFindings(), report.toString());
        assertEquals(0, report.securityHubFailures());
        LoggedRequest request = aws.findAll(postRequestedFor(urlEqualTo("/findings/import"))).get(0);
        aws.verify(postRequestedFor(urlEqualTo("/findings/import"))
                .withRequestBody(matchingJsonPath("$.Findings[0].Id", equalTo(FINDING_ID)))
                .withRequestBody(matchingJsonPath("$.Findings[0].Workflow.Status", equalTo("RESOLVED")))
                .withRequestBody(matchingJsonPath("$.Findings[0].Compliance.Status", equalTo("PASSED"))));
        assertTrue(request.getBodyAsString().length() < 240 * 1024, "ASFF takes 240 KB a finding");
    }

    @Test
    void securityHubNotEnabledStillDeliversTheAlertOnceCompletesTheEventAndCountsTheFailure() {
        stubHealthyServices();
        aws.stubFor(importFindings().willReturn(securityHubError(401, "InvalidAccessException",
                "Account 111122223333 is not subscribed to AWS Security Hub")));

        GuardReport report = deliver(guard());

        assertEquals(plus(ACTED_AND_ALERTED, IMPORT), calls(), "no retry, nothing acted on again");
        assertAlertedOnce();
        assertEquals(1, report.rollbacks());
        assertEquals(1, report.notifications());
        assertEquals(0, report.securityHubFindings());
        assertEquals(1, report.securityHubFailures(), report.toString());
        JsonNode error = onlyError("Security Hub import failed; the SNS alert is unaffected");
        assertEquals(FINDING_ID, error.path("findingIds").asText());
        assertEquals(EVENT_ID, error.path("eventId").asText());
        // The error code comes from the x-amzn-ErrorType header: the JDK's HTTP client drops the body
        // of a 401 answering a request with a body (it would retry with authentication), message and all.
        assertEquals("InvalidAccessException", error.path("error").asText());
        assertEquals("InvalidAccessException", error.path("detail").asText());
    }

    @Test
    void refusedFindingIsLoggedWithItsIdAndCountedWhileTheAlertGoesOnce() {
        stubHealthyServices();
        aws.stubFor(importFindings().willReturn(lambdaJson("{\"FailedCount\":1,\"SuccessCount\":0,\"FailedFindings\":[{\"Id\":\""
                + FINDING_ID + "\",\"ErrorCode\":\"InvalidInput\",\"ErrorMessage\":\"Finding does not adhere to ASFF\"}]}")));

        GuardReport report = deliver(guard());

        assertEquals(plus(ACTED_AND_ALERTED, IMPORT), calls());
        assertAlertedOnce();
        assertEquals(1, report.securityHubFailures(), report.toString());
        JsonNode error = onlyError("Security Hub refused findings; the SNS alert is unaffected");
        assertEquals(FINDING_ID, error.path("findingIds").asText());
        assertEquals("InvalidInput: Finding does not adhere to ASFF", error.path("detail").asText());
    }

    @Test
    void persistentServerErrorIsRetriedBySdkThenCountedWithoutFailingTheInvocation() {
        stubHealthyServices();
        aws.stubFor(importFindings().willReturn(securityHubError(500, "InternalException", "internal error")));

        GuardReport report = deliver(guard());

        assertEquals(plus(ACTED_AND_ALERTED, IMPORT, IMPORT, IMPORT), calls(), "the SDK's 3 attempts, after the alert");
        assertAlertedOnce();
        assertEquals(1, report.securityHubFailures(), report.toString());
        assertEquals("InternalException", onlyError("Security Hub import failed; the SNS alert is unaffected")
                .path("error").asText());
    }

    @Test
    void whenPublishingFailsSecurityHubStillGetsTheFindingOnceAndTheDeliveryThatSendsTheKeptAlertImportsNothing() {
        stubHealthyServices();
        aws.stubFor(snsPublish().willReturn(snsInternalError()));
        aws.stubFor(importFindings().willReturn(lambdaJson("{\"FailedCount\":0,\"SuccessCount\":1,\"FailedFindings\":[]}")));
        Guard guard = guard();
        GuardReport first = new GuardReport();

        assertThrows(SnsException.class, () -> guard.handle(new ByteArrayInputStream(event(EVENT)), first));

        assertEquals(List.of(StateWrite.CLAIM.call(), "GetFunction", "GetPolicy", "RemovePermission", "Publish", "Publish", "Publish", StateWrite.KEEP_ALERT.call(), IMPORT), calls());
        assertEquals(1, first.securityHubFindings(), first.toString());
        String kept = keptAlert(aws.findAll(StateWrite.KEEP_ALERT.requests(EVENT_ID)).get(0));
        aws.resetRequests();
        stubClaimWithKeptAlert(aws, 2, kept);
        aws.stubFor(snsPublish().willReturn(snsPublished()));

        GuardReport retry = deliver(guard);

        assertEquals(List.of(StateWrite.CLAIM.call(), "Publish", StateWrite.COMPLETE.call()), calls(),
                "the kept alert only: no Lambda call, no second import");
        assertEquals(0, retry.securityHubFindings() + retry.securityHubFailures(), retry.toString());
    }

    @Test
    void guardWithoutTheOptionSendsNothingToSecurityHub() {
        stubHealthyServices();
        GuardReport report = Guard.create(FaultFixtures.config(), WatchedApi.resourcePolicy(), clients, new JsonLog(log.out))
                .handle(new ByteArrayInputStream(event(EVENT)));

        assertEquals(ACTED_AND_ALERTED, calls());
        assertEquals(0, report.securityHubFindings() + report.securityHubFailures());
    }

    @Test
    void optionOnWithoutASecurityHubClientFailsAtWiring() {
        Map<String, String> env = new HashMap<>(FaultFixtures.ENV);
        env.put("GUARDRAIL_SECURITY_HUB", "true");
        try (AwsClients without = AwsClients.create(FaultFixtures.settings(aws))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Guard.create(GuardConfig.fromEnvironment(env), WatchedApi.resourcePolicy(), without, new JsonLog(log.out)));
            assertTrue(e.getMessage().contains("GUARDRAIL_SECURITY_HUB"), e.getMessage());
        }
    }
}
