package io.github.lambdaguardrail.guard.faults;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.noContent;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static io.github.lambdaguardrail.guard.faults.FaultFixtures.concurrencyPath;
import static io.github.lambdaguardrail.guard.faults.FaultFixtures.dynamoRequests;
import static io.github.lambdaguardrail.guard.faults.FaultFixtures.event;
import static io.github.lambdaguardrail.guard.faults.FaultFixtures.eventId;
import static io.github.lambdaguardrail.guard.faults.FaultFixtures.functionPath;
import static io.github.lambdaguardrail.guard.faults.FaultFixtures.getPolicyBody;
import static io.github.lambdaguardrail.guard.faults.FaultFixtures.keptAlert;
import static io.github.lambdaguardrail.guard.faults.FaultFixtures.lambdaError;
import static io.github.lambdaguardrail.guard.faults.FaultFixtures.lambdaJson;
import static io.github.lambdaguardrail.guard.faults.FaultFixtures.policyPath;
import static io.github.lambdaguardrail.guard.faults.FaultFixtures.published;
import static io.github.lambdaguardrail.guard.faults.FaultFixtures.resource;
import static io.github.lambdaguardrail.guard.faults.FaultFixtures.serviceError;
import static io.github.lambdaguardrail.guard.faults.FaultFixtures.snsInternalError;
import static io.github.lambdaguardrail.guard.faults.FaultFixtures.snsPublish;
import static io.github.lambdaguardrail.guard.faults.FaultFixtures.snsPublishRequests;
import static io.github.lambdaguardrail.guard.faults.FaultFixtures.snsPublished;
import static io.github.lambdaguardrail.guard.faults.FaultFixtures.statementPath;
import static io.github.lambdaguardrail.guard.faults.FaultFixtures.stubClaimTaken;
import static io.github.lambdaguardrail.guard.faults.FaultFixtures.stubClaimWithKeptAlert;
import static io.github.lambdaguardrail.guard.faults.FaultFixtures.stubClaimsInTurn;
import static io.github.lambdaguardrail.guard.faults.FaultFixtures.stubKnownGoodVpc;
import static io.github.lambdaguardrail.guard.faults.FaultFixtures.stubStateTable;
import static io.github.lambdaguardrail.guard.faults.FaultFixtures.tagsPath;
import static io.github.lambdaguardrail.guard.faults.FaultFixtures.throttled;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.matching.RequestPatternBuilder;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.github.lambdaguardrail.engine.WatchedApi;
import io.github.lambdaguardrail.guard.Alert;
import io.github.lambdaguardrail.guard.AwsClients;
import io.github.lambdaguardrail.guard.EventInProgressException;
import io.github.lambdaguardrail.guard.Guard;
import io.github.lambdaguardrail.guard.GuardReport;
import io.github.lambdaguardrail.guard.faults.FaultFixtures.Published;
import io.github.lambdaguardrail.guard.faults.FaultFixtures.StateWrite;
import io.github.lambdaguardrail.runtime.JsonLog;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
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
import software.amazon.awssdk.services.sns.model.SnsException;

/**
 * The whole guard loop (parse → claim → facts → act → keep the alert → notify → complete) with
 * the real {@code LambdaRemediator}, {@code SnsNotifier}, {@code DynamoDbStateStore} and
 * {@code LambdaFunctionFacts}, wired by {@link Guard#create}, against one WireMock server standing
 * in for Lambda, SNS and DynamoDB. Each test asserts the exact requests made, in order
 * ({@link FaultFixtures#calls}), so nothing is acted on or alerted twice unseen.
 */
class GuardFaultsTest {

    @RegisterExtension
    static final WireMockExtension aws = FaultFixtures.wireMock();

    private static final String PUBLIC_EVENT = "addpermission-public-principal.json";
    private static final String PUBLIC_EVENT_ID = eventId(PUBLIC_EVENT);
    private static final String FUNCTION = "invoice-renderer";
    private static final String SID = "allow-anyone";
    private static final String REVISION = "9f2c4e51-6a0d-4b7e-8c3f-1d2e3f4a5b60";

    private static final String CLAIM = StateWrite.CLAIM.call();
    private static final String KEEP_ALERT = StateWrite.KEEP_ALERT.call();
    private static final String COMPLETE = StateWrite.COMPLETE.call();
    private static final String RELEASE = StateWrite.RELEASE.call();

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

    private static List<String> calls() {
        return FaultFixtures.calls(aws);
    }

    /** The state writes, in order; every one of them on the item of {@code eventId}. */
    private static List<String> stateWrites(String eventId) {
        assertEquals(requests(dynamoRequests("UpdateItem")), requests(dynamoRequests("UpdateItem", eventId)),
                "every state write is on the event's item");
        return calls().stream().filter(c -> c.startsWith("UpdateItem ")).toList();
    }

    /** The one alert published; fails unless exactly one Publish request was made. */
    private static Published onlyAlert() {
        List<Published> alerts = published(aws);
        assertEquals(1, alerts.size(), "one alert published: " + calls());
        return alerts.get(0);
    }

    private static List<String> times(int n, String call) {
        return Collections.nCopies(n, call);
    }

    @SafeVarargs
    private static List<String> concat(List<String>... parts) {
        List<String> all = new ArrayList<>();
        Arrays.stream(parts).forEach(all::addAll);
        return all;
    }

    /** The alert of an action that failed for good: ROLLBACK_FAILED in subject, attribute and document. */
    private static void assertRollbackFailed(Published alert, String expectedInText) {
        assertEquals("ROLLBACK_FAILED", alert.decision(), alert.subject());
        assertTrue(alert.subject().contains(" ROLLBACK_FAILED "), alert.subject());
        assertEquals("ROLLBACK_FAILED", alert.document().path("decision").asText());
        assertEquals(List.of("FAILED"), alert.outcomeStatuses());
        assertTrue(alert.text().contains(expectedInText), alert.text());
        assertTrue(alert.text().contains("The guard could not undo the change: it is still in place."), alert.text());
    }

    @Test
    void removesStatementNotifiesAndCompletesClaimWhenEveryServiceAnswers() {
        stubHealthyServices(FUNCTION);
        stubLivePolicy();

        GuardReport report = permissionGuard().handle(payload(event(PUBLIC_EVENT)));

        assertEquals(1, report.rollbacks(), report.toString());
        assertEquals(1, report.notifications());
        assertEquals(List.of(CLAIM, "GetFunction", "GetPolicy", "RemovePermission", "Publish",
                COMPLETE), calls());
        assertEquals(List.of(CLAIM, COMPLETE), stateWrites(PUBLIC_EVENT_ID));
        Published alert = onlyAlert();
        assertEquals("ROLLBACK", alert.decision());
        assertTrue(alert.text().contains("REMOVE_PERMISSION: DONE"), alert.text());
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
        assertEquals(List.of(CLAIM, RELEASE), stateWrites(PUBLIC_EVENT_ID), "the claim was released, not completed");
        assertEquals(0, requests(snsPublishRequests()), "no alert for an event that will be retried");
        List<JsonNode> errors = log.at("ERROR", "handling failed; the event will be retried");
        assertEquals(1, errors.size(), log.toString());
        assertEquals(PUBLIC_EVENT_ID, errors.get(0).path("eventId").asText());
        assertEquals("ServiceException", errors.get(0).path("error").asText());
    }

    /** Issue case d: Lambda's first two deliveries retry, the last reports the failure once. */
    @Test
    void throwsOnEarlierAttemptsAndReportsRollbackFailedOnceOnTheLastWhenRemovePermissionKeepsAnswering500() {
        stubHealthyServices(FUNCTION);
        stubClaimsInTurn(aws, 3);
        aws.stubFor(get(urlPathMatching(policyPath(FUNCTION)))
                .willReturn(lambdaJson(getPolicyBody("policy-invoice-renderer.json", REVISION))));
        aws.stubFor(delete(urlPathMatching(statementPath(FUNCTION, SID))).willReturn(serviceError(500)));
        Guard guard = permissionGuard();
        List<String> acting = List.of(CLAIM, "GetFunction", "GetPolicy", "RemovePermission",
                "RemovePermission", "RemovePermission");
        List<String> all = new ArrayList<>();

        for (int attempt = 1; attempt <= 2; attempt++) {
            GuardReport report = new GuardReport();
            assertThrows(ServiceException.class, () -> guard.handle(payload(event(PUBLIC_EVENT)), report),
                    "attempt " + attempt);
            assertEquals(concat(acting, List.of(RELEASE)), calls(), "attempt " + attempt + ": released, no alert");
            assertEquals(List.of(CLAIM, RELEASE), stateWrites(PUBLIC_EVENT_ID));
            assertEquals(0, report.notifications() + report.actionFailures(), report.toString());
            all.addAll(calls());
            aws.resetRequests();
        }
        GuardReport last = assertDoesNotThrow(() -> guard.handle(payload(event(PUBLIC_EVENT))), "attempt 3");

        assertEquals(concat(acting, List.of("Publish", COMPLETE)), calls());
        assertEquals(List.of(CLAIM, COMPLETE), stateWrites(PUBLIC_EVENT_ID));
        assertEquals(1, last.actionFailures(), last.toString());
        assertEquals(0, last.rollbacks());
        assertEquals(1, last.notifications());
        assertRollbackFailed(onlyAlert(), "REMOVE_PERMISSION: FAILED - still failing after 3 attempts: ServiceException");
        all.addAll(calls());
        assertEquals(1, Collections.frequency(all, "Publish"), "one alert across the three deliveries");
        assertEquals(9, Collections.frequency(all, "RemovePermission"), "three deliveries of three SDK attempts");
    }

    // ---- non-transient failures while acting: one ROLLBACK_FAILED alert, no retry ------------------

    /** Issue case a: an SCP's explicit deny answers 403, which no retry cures. */
    @Test
    void reportsRollbackFailedOnceAndCompletesClaimWhenRemovePermissionIsDeniedByAnScp() {
        stubHealthyServices(FUNCTION);
        aws.stubFor(get(urlPathMatching(policyPath(FUNCTION)))
                .willReturn(lambdaJson(getPolicyBody("policy-invoice-renderer.json", REVISION))));
        aws.stubFor(delete(urlPathMatching(statementPath(FUNCTION, SID)))
                .willReturn(lambdaError(403, "AccessDeniedException", "error-403-access-denied.json")));

        GuardReport report = assertDoesNotThrow(() -> permissionGuard().handle(payload(event(PUBLIC_EVENT))));

        assertEquals(List.of(CLAIM, "GetFunction", "GetPolicy", "RemovePermission", "Publish",
                COMPLETE), calls(), "403 is not retried by the SDK; the claim is completed, not released");
        assertEquals(List.of(CLAIM, COMPLETE), stateWrites(PUBLIC_EVENT_ID));
        assertEquals(1, report.actionFailures(), report.toString());
        assertEquals(0, report.rollbacks());
        assertEquals(1, report.notifications());
        assertRollbackFailed(onlyAlert(), "REMOVE_PERMISSION: FAILED - AccessDeniedException: User: "
                + "arn:aws:sts::111122223333:assumed-role/lambda-guardrail-PermissionGuardRole-EXAMPLE");
        assertTrue(onlyAlert().text().contains("is not authorized to perform: lambda:RemovePermission"), onlyAlert().text());
    }

    private static final String CREATE_EVENT = "createfunction-no-vpc.json";
    private static final String SCRAPER = "data-scraper";

    /**
     * State table and SNS answer; GetFunction shows {@link #SCRAPER} still outside any VPC (the
     * recorded response without its {@code VpcConfig}, as Lambda shows such a function), as the
     * CreateFunction event left it: the quarantine is due.
     */
    private static void stubScraperStillOutsideAVpc() {
        stubHealthyServices(SCRAPER);
        aws.stubFor(get(urlPathMatching(functionPath(SCRAPER))).willReturn(lambdaJson(getFunction(body -> {
            ((ObjectNode) body.get("Configuration")).remove("VpcConfig");
        }))));
    }

    /** Issue case b, quarantine: PutFunctionConcurrency answers 400 InvalidParameterValueException. */
    @Test
    void reportsRollbackFailedOnceWhenPutFunctionConcurrencyAnswersInvalidParameterValue() {
        stubScraperStillOutsideAVpc();
        aws.stubFor(post(urlPathMatching(tagsPath(SCRAPER))).willReturn(noContent()));
        aws.stubFor(put(urlPathMatching(concurrencyPath(SCRAPER))).willReturn(lambdaError(400,
                "InvalidParameterValueException", "error-400-invalid-parameter-value-concurrency.json")));

        GuardReport report = assertDoesNotThrow(() -> vpcGuard().handle(payload(event(CREATE_EVENT))));

        assertEquals(List.of(CLAIM, "GetFunction", "GetFunction", "TagResource", "PutFunctionConcurrency",
                "Publish", COMPLETE), calls());
        assertEquals(List.of(CLAIM, COMPLETE), stateWrites(eventId(CREATE_EVENT)));
        assertEquals(1, report.actionFailures(), report.toString());
        assertEquals(0, report.rollbacks());
        Published alert = onlyAlert();
        assertRollbackFailed(alert, "QUARANTINE: FAILED - reserved concurrency could not be set to 0"
                + " (InvalidParameterValueException: Specified ReservedConcurrentExecutions");
        assertTrue(alert.text().contains("the function still runs, tagged guardrail:quarantine"), alert.text());
        assertTrue(alert.text().contains("aws lambda untag-resource --resource arn:aws:lambda:"), alert.text());
    }

    private static final String VPC_REMOVED_EVENT = "updatefunctionconfiguration-vpc-removed.json";
    private static final String PAYMENTS = "payments-worker";
    private static final String PAYMENTS_ARN = "arn:aws:lambda:us-east-1:" + FaultFixtures.ACCOUNT + ":function:" + PAYMENTS;

    /**
     * State table and SNS answer; GetFunction shows {@link #PAYMENTS} detached (empty lists, as the
     * vpc-removed event left it; the recorded response's RevisionId and LastUpdateStatus
     * {@code InProgress}).
     */
    private static void stubPaymentsStillDetached() {
        stubHealthyServices(PAYMENTS);
        aws.stubFor(get(urlPathMatching(functionPath(PAYMENTS))).willReturn(lambdaJson(getFunction(body -> {
            ObjectNode vpc = (ObjectNode) body.get("Configuration").get("VpcConfig");
            vpc.putArray("SubnetIds");
            vpc.putArray("SecurityGroupIds");
            vpc.put("VpcId", "");
        }))));
    }

    private static final String PAYMENTS_REVISION = "34bbe0f0-7841-4d5c-8950-c3adf68a99bd";

    /** Issue case b, restore: UpdateFunctionConfiguration answers 400 (the known-good security group is gone). */
    @Test
    void reportsRollbackFailedOnceWhenTheVpcRestoreAnswersInvalidParameterValue() {
        stubPaymentsStillDetached();
        stubKnownGoodVpc(aws, PAYMENTS_ARN, List.of("subnet-0a1b2c3d4e5f60011", "subnet-0a1b2c3d4e5f60012"),
                List.of("sg-0a1b2c3d4e5f60021"), "vpc-0a1b2c3d4e5f60001");
        aws.stubFor(put(urlPathMatching(functionPath(PAYMENTS) + "/configuration")).willReturn(lambdaError(400,
                "InvalidParameterValueException", "error-400-invalid-parameter-value.json")));

        GuardReport report = assertDoesNotThrow(() -> vpcGuard().handle(payload(event(VPC_REMOVED_EVENT))));

        assertEquals(List.of(CLAIM, "GetFunction", "GetItem", "UpdateFunctionConfiguration", "Publish",
                COMPLETE), calls());
        assertEquals(1, requests(putRequestedFor(urlPathMatching(functionPath(PAYMENTS) + "/configuration"))
                .withRequestBody(equalToJson("{\"RevisionId\": \"" + PAYMENTS_REVISION + "\", \"VpcConfig\": {\"SubnetIds\":"
                        + " [\"subnet-0a1b2c3d4e5f60011\", \"subnet-0a1b2c3d4e5f60012\"], \"SecurityGroupIds\":"
                        + " [\"sg-0a1b2c3d4e5f60021\"], \"Ipv6AllowedForDualStack\": false}}", true, false))),
                "the restore asked for the known-good config, every field, under the revision it inspected");
        assertEquals(List.of(CLAIM, COMPLETE), stateWrites(eventId(VPC_REMOVED_EVENT)));
        assertEquals(1, report.actionFailures(), report.toString());
        assertRollbackFailed(onlyAlert(), "RESTORE_VPC_CONFIG: FAILED - InvalidParameterValueException: Error occurred"
                + " while DescribeSecurityGroups");
    }

    /** Issue case c: someone else wrote the tag that records the concurrency to restore. */
    @Test
    void leavesFunctionAloneAndReportsRollbackFailedOnceWhenThePreviousConcurrencyTagIsNotANumber() {
        stubScraperStillOutsideAVpc();
        aws.stubFor(get(urlPathMatching(functionPath(SCRAPER))).willReturn(lambdaJson(getFunction(body -> {
            ((ObjectNode) body.get("Configuration")).remove("VpcConfig");
            body.set("Tags", body.objectNode().put("guardrail:previous-concurrency", "none"));
        }))));
        aws.stubFor(post(urlPathMatching(tagsPath(SCRAPER))).willReturn(noContent()));
        aws.stubFor(put(urlPathMatching(concurrencyPath(SCRAPER))).willReturn(lambdaJson("{\"ReservedConcurrentExecutions\":0}")));

        GuardReport report = assertDoesNotThrow(() -> vpcGuard().handle(payload(event(CREATE_EVENT))));

        assertEquals(0, requests(postRequestedFor(urlPathMatching(tagsPath(SCRAPER)))), "no TagResource");
        assertEquals(0, requests(putRequestedFor(urlPathMatching(concurrencyPath(SCRAPER)))), "no PutFunctionConcurrency");
        assertEquals(List.of(CLAIM, "GetFunction", "GetFunction", "Publish", COMPLETE), calls());
        assertEquals(List.of(CLAIM, COMPLETE), stateWrites(eventId(CREATE_EVENT)));
        assertEquals(1, report.actionFailures(), report.toString());
        assertEquals(0, report.rollbacks());
        assertRollbackFailed(onlyAlert(), "QUARANTINE: FAILED - tag guardrail:previous-concurrency holds 'none'");
    }

    /**
     * GetFunction of a function outside a VPC as Lambda answers a caller without
     * {@code lambda:ListTags}: {@code TagsError} instead of {@code Tags}.
     */
    private static String scraperWithUnreadableTags() {
        return getFunction(body -> {
            ((ObjectNode) body.get("Configuration")).remove("VpcConfig");
            body.remove("Tags");
            body.putObject("TagsError").put("ErrorCode", "AccessDeniedException")
                    .put("Message", "User is not authorized to perform: lambda:ListTags");
        });
    }

    /** Exemptions by tag unknown: the finding is reported, the quarantine withheld, and the alert says why. */
    @Test
    void reportsTheFindingAndWithholdsTheQuarantineWhenGetFunctionCannotReadTheTags() {
        stubScraperStillOutsideAVpc();
        aws.stubFor(get(urlPathMatching(functionPath(SCRAPER))).willReturn(lambdaJson(scraperWithUnreadableTags())));

        GuardReport report = assertDoesNotThrow(() -> vpcGuard().handle(payload(event(CREATE_EVENT))));

        assertEquals(List.of(CLAIM, "GetFunction", "Publish", COMPLETE), calls(),
                "no TagResource, no PutFunctionConcurrency");
        assertEquals(1, report.findings(), report.toString());
        assertEquals(0, report.exempted());
        Published alert = onlyAlert();
        assertEquals("NOTIFY", alert.decision());
        JsonNode finding = alert.document().path("findings").get(0);
        assertEquals("LAMBDA_NOT_IN_VPC", finding.path("ruleId").asText());
        assertTrue(finding.path("exemption").isMissingNode(), finding.toString());
        assertEquals("rollback withheld: the function's tags could not be read (AccessDeniedException from GetFunction (the"
                + " caller needs lambda:ListTags)), so what its tag guardrail:exempt exempts is unknown: notify only",
                alert.document().path("note").asText());
        assertTrue(alert.text().contains("Nothing was changed (notify only). rollback withheld: the function's tags could"
                + " not be read"), alert.text());
    }

    /** The tags become unreadable between the guard's read and the quarantine's: nothing is written, the alert says why. */
    @Test
    void quarantineFailsWithoutWritingWhenItsOwnReadCannotSeeTheTags() {
        stubScraperStillOutsideAVpc();
        aws.stubFor(get(urlPathMatching(functionPath(SCRAPER))).inScenario("tags").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(lambdaJson(getFunction(body -> ((ObjectNode) body.get("Configuration")).remove("VpcConfig"))))
                .willSetStateTo("denied"));
        aws.stubFor(get(urlPathMatching(functionPath(SCRAPER))).inScenario("tags").whenScenarioStateIs("denied")
                .willReturn(lambdaJson(scraperWithUnreadableTags())));

        GuardReport report = assertDoesNotThrow(() -> vpcGuard().handle(payload(event(CREATE_EVENT))));

        assertEquals(List.of(CLAIM, "GetFunction", "GetFunction", "Publish", COMPLETE), calls(),
                "no TagResource, no PutFunctionConcurrency");
        assertEquals(1, report.actionFailures(), report.toString());
        assertRollbackFailed(onlyAlert(), "QUARANTINE: FAILED - the function's tags could not be read (AccessDeniedException"
                + " from GetFunction (the caller needs lambda:ListTags)): the function was left alone");
    }

    /** The recorded GetFunction response, changed by {@code change}. */
    private static String getFunction(java.util.function.Consumer<ObjectNode> change) {
        try {
            ObjectNode body = (ObjectNode) new ObjectMapper().readTree(resource("getfunction-c7n-vpc-ipv6.json"));
            change.accept(body);
            return body.toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---- 6. SNS down while the rollback succeeds -----------------------------------------------------

    @Test
    void keepsRollbackAndAlertButReleasesClaimAndThrowsWhenSnsKeepsAnswering500() {
        stubStateTable(aws);
        aws.stubFor(get(urlPathMatching(functionPath(FUNCTION))).willReturn(lambdaJson(resource("getfunction-c7n-vpc-ipv6.json"))));
        stubLivePolicy();
        aws.stubFor(snsPublish().willReturn(snsInternalError()));
        GuardReport report = new GuardReport();

        assertThrows(SnsException.class, () -> permissionGuard().handle(payload(event(PUBLIC_EVENT)), report));

        assertEquals(1, statementDeletes(), "the statement was removed exactly once");
        assertEquals(1, report.rollbacks(), report.toString());
        assertEquals(0, report.notifications());
        assertEquals(1, report.notificationFailures());
        assertEquals(3, requests(snsPublishRequests()), "the SDK retried the publish");
        // The failed alert is kept and the claim released in one write, so a retry sends it.
        assertEquals(List.of(CLAIM, "GetFunction", "GetPolicy", "RemovePermission", "Publish", "Publish", "Publish", KEEP_ALERT), calls());
        assertEquals(List.of(CLAIM, KEEP_ALERT), stateWrites(PUBLIC_EVENT_ID));
        Alert kept = Alert.fromJson(keptAlert(aws.findAll(StateWrite.KEEP_ALERT.requests(PUBLIC_EVENT_ID)).get(0)));
        assertEquals("ROLLBACK", kept.decision());
        assertEquals(published(aws).get(0).subject(), kept.subject(), "the kept alert is the one that failed");
        List<JsonNode> errors = log.at("ERROR", "notification failed; a retry sends it without acting again");
        assertEquals(1, errors.size(), log.toString());
        assertEquals(PUBLIC_EVENT_ID, errors.get(0).path("eventId").asText());
        assertEquals("ROLLBACK", errors.get(0).path("decision").asText());
        assertEquals("PERMISSION_PUBLIC", errors.get(0).path("ruleIds").asText());
        assertTrue(errors.get(0).path("functionArn").asText().endsWith(":function:invoice-renderer"), errors.get(0)::toString);
        assertEquals("InternalErrorException", errors.get(0).path("error").asText());
    }

    /** Issue case e: across both deliveries one RemovePermission and one successful Publish. */
    @Test
    void publishesTheKeptAlertWithoutCallingLambdaWhenTheDeliveryAfterAFailedPublishClaimsTheEvent() {
        stubHealthyServices(FUNCTION);
        stubLivePolicy();
        aws.stubFor(snsPublish().willReturn(snsInternalError()));
        Guard guard = permissionGuard();
        assertThrows(SnsException.class, () -> guard.handle(payload(event(PUBLIC_EVENT))));
        List<String> first = calls();
        LoggedRequest keepAlert = aws.findAll(StateWrite.KEEP_ALERT.requests(PUBLIC_EVENT_ID)).get(0);
        String failedMessage = published(aws).get(0).message();
        aws.resetRequests();
        // The released item still holds the alert; the next claim returns it.
        stubClaimWithKeptAlert(aws, 2, keptAlert(keepAlert));
        aws.stubFor(snsPublish().willReturn(snsPublished()));

        GuardReport report = assertDoesNotThrow(() -> guard.handle(payload(event(PUBLIC_EVENT))));

        assertEquals(List.of(CLAIM, "Publish", COMPLETE), calls(), "no Lambda call, no facts read, no new alert kept");
        assertEquals(List.of(CLAIM, COMPLETE), stateWrites(PUBLIC_EVENT_ID));
        assertEquals(1, report.notifications(), report.toString());
        assertEquals(0, report.rollbacks() + report.actionFailures() + report.notificationFailures());
        Published sent = onlyAlert();
        assertEquals(failedMessage, sent.message(), "the alert of the first delivery, unchanged");
        assertEquals("ROLLBACK", sent.decision());
        assertTrue(sent.text().contains("REMOVE_PERMISSION: DONE"), sent.text());
        List<String> both = concat(first, calls());
        assertEquals(1, Collections.frequency(both, "RemovePermission"), "acted once across both deliveries");
        assertEquals(4, Collections.frequency(both, "Publish"), "three failed attempts, then the one that was sent");
        assertEquals(1, Collections.frequency(both, KEEP_ALERT));
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
        assertEquals(List.of(CLAIM, RELEASE), stateWrites(PUBLIC_EVENT_ID), "the claim was released");
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
        Published alert = onlyAlert();
        assertTrue(alert.text().contains("REMOVE_PERMISSION: LEFT_ALONE - the live policy could not be read"), alert.text());
        assertEquals("LEFT_ALONE", alert.decision(), "planned, not done: never ROLLBACK");
        assertEquals(List.of(CLAIM, COMPLETE), stateWrites(PUBLIC_EVENT_ID));
    }

    static Stream<Arguments> unreadablePolicies() {
        return Stream.of(
                Arguments.of("Policy is not JSON", "{\"Policy\":\"<AccessDenied/>\",\"RevisionId\":\"" + REVISION + "\"}"),
                Arguments.of("Policy has no Statement", "{\"Policy\":\"{\\\"Version\\\":\\\"2012-10-17\\\"}\",\"RevisionId\":\"" + REVISION + "\"}"),
                Arguments.of("no Policy at all", "{\"RevisionId\":\"" + REVISION + "\"}"));
    }

    // ---- 10. malformed events: alerted once as INVALID ------------------------------------------------

    /** Issue case g, without an event id: nothing to claim by, so the alert is published once, unclaimed. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedEvents")
    void alertsOnceAsInvalidWithoutClaimWhenThePayloadIsMalformed(String label, byte[] payload, String reason) {
        aws.stubFor(snsPublish().willReturn(snsPublished()));

        GuardReport report = permissionGuard().handle(payload(payload));

        assertEquals(1, report.invalid(), report.toString());
        assertEquals(0, report.evaluated());
        assertEquals(1, report.notifications());
        assertEquals(List.of("Publish"), calls(), "one alert, no claim, no Lambda call");
        Published alert = onlyAlert();
        assertEquals("INVALID", alert.decision());
        assertTrue(alert.subject().startsWith("[Lambda Guardrail] HIGH INVALID event "), alert.subject());
        assertTrue(alert.document().path("reason").asText().contains(reason), alert.document().toString());
        assertTrue(alert.text().contains("Nothing was changed."), alert.text());
        List<JsonNode> errors = log.at("ERROR", "unusable event");
        assertEquals(1, errors.size(), log.toString());
        assertTrue(errors.get(0).path("reason").asText().contains(reason), errors.get(0).toString());
    }

    static Stream<Arguments> malformedEvents() {
        byte[] whole = event(PUBLIC_EVENT);
        return Stream.of(
                Arguments.of("truncated JSON", Arrays.copyOf(whole, whole.length / 2), "not valid JSON"),
                Arguments.of("not JSON at all", "CloudTrail event goes here".getBytes(StandardCharsets.UTF_8),
                        "not valid JSON"),
                Arguments.of("JSON that is not an event", "{\"greeting\": \"hello\"}".getBytes(StandardCharsets.UTF_8),
                        "not a CloudTrail record: no eventSource"),
                Arguments.of("an event of another detail-type", resource("eventbridge-ec2-instance-state-change.json")
                        .getBytes(StandardCharsets.UTF_8), "EventBridge event of type 'EC2 Instance State-change Notification'"));
    }

    /** Kept with the shared module's test resources: {@code events/} holds only events a guard can read. */
    private static final String INVALID_EVENT = "../shared/src/test/resources/invalid-addpermission-no-statementid.json";

    /** Issue case g: a watched event that cannot be read is claimed by its event id and alerted once, naming it. */
    @Test
    void alertsOnceAsInvalidNamingTheEventWhenAWatchedEventHasNoStatementId() {
        stubStateTable(aws);
        aws.stubFor(snsPublish().willReturn(snsPublished()));
        String invalidId = eventId(INVALID_EVENT);

        GuardReport report = permissionGuard().handle(payload(event(INVALID_EVENT)));

        assertEquals(1, report.invalid(), report.toString());
        assertEquals(1, report.notifications());
        assertEquals(List.of(CLAIM, "Publish", COMPLETE), calls(), "claimed by its event id, no Lambda call");
        assertEquals(List.of(CLAIM, COMPLETE), stateWrites(invalidId));
        Published alert = onlyAlert();
        assertEquals("INVALID", alert.decision());
        assertEquals("[Lambda Guardrail] HIGH INVALID event AddPermission20150331v2 on invoice-renderer", alert.subject());
        assertEquals(invalidId, alert.document().path("seen").path("eventID").asText());
        assertEquals("AddPermission20150331v2", alert.document().path("seen").path("eventName").asText());
        assertTrue(alert.text().contains(invalidId), alert.text());
        assertTrue(alert.text().contains("requestParameters has no statementId"), alert.text());
    }

    @Test
    void countsHeartbeatWithoutAnyAwsCallWhenTheEventIsAScheduledEvent() {
        GuardReport report = permissionGuard().handle(payload(resource("eventbridge-scheduled-event.json")
                .getBytes(StandardCharsets.UTF_8)));

        assertEquals(1, report.heartbeats(), report.toString());
        assertEquals(0, report.invalid());
        assertTrue(aws.getAllServeEvents().isEmpty(), "no request reached WireMock: " + aws.getAllServeEvents().stream()
                .map(ServeEvent::getRequest).map(r -> r.getMethod() + " " + r.getUrl()).toList());
        List<JsonNode> beats = log.at("INFO", "heartbeat");
        assertEquals(1, beats.size(), log.toString());
        assertEquals("arn:aws:events:us-east-1:111122223333:rule/nightly-sweep", beats.get(0).path("rule").asText());
    }

    // ---- duplicate delivery: the claim's conditional write fails -----------------------------------

    @Test
    void skipsDuplicateWithoutTouchingLambdaWhenTheEventWasAlreadyHandled() {
        stubClaimTaken(aws, PUBLIC_EVENT_ID, "DONE");

        GuardReport report = permissionGuard().handle(payload(event(PUBLIC_EVENT)));

        assertEquals(1, report.duplicates(), report.toString());
        assertEquals(List.of(CLAIM, "GetItem"), calls(), "a failed condition is not retried; nothing but the claim"
                + " and the read of its status");
        assertEquals(1, requests(dynamoRequests("GetItem", PUBLIC_EVENT_ID)
                .withRequestBody(matchingJsonPath("$.ConsistentRead", equalTo("true")))));
    }

    /** Issue case f: a concurrent duplicate is deferred to Lambda's retry, counted apart from failures. */
    @Test
    void defersAndThrowsForLambdaToRetryWhenAnotherInvocationStillHoldsTheClaim() {
        stubClaimTaken(aws, PUBLIC_EVENT_ID, "IN_PROGRESS");
        GuardReport report = new GuardReport();

        assertThrows(EventInProgressException.class, () -> permissionGuard().handle(payload(event(PUBLIC_EVENT)), report));

        assertEquals(1, report.deferred(), report.toString());
        assertEquals(0, report.duplicates() + report.notifications() + report.notificationFailures() + report.rollbacks());
        assertEquals(List.of(CLAIM, "GetItem"), calls(), "no Lambda call, no alert, no release of the other's claim");
        assertEquals(1, log.at("INFO", "event held by another invocation; Lambda retries it later").size(), log.toString());
    }

    @Test
    void countsTheTamperBeforeTheClaimSoItsAlarmFiresWhenADisabledKeyBreaksTheStateTable() throws Exception {
        aws.stubFor(FaultFixtures.dynamo("UpdateItem").willReturn(com.github.tomakehurst.wiremock.client.WireMock.aResponse()
                .withStatus(500).withHeader("Content-Type", FaultFixtures.JSON_1_0)
                .withBody("{\"__type\":\"com.amazonaws.dynamodb.v20120810#InternalServerError\",\"message\":\"x\"}")));
        java.util.Map<String, String> env = new java.util.HashMap<>(FaultFixtures.ENV);
        env.put("GUARDRAIL_OWN_RESOURCES", "arn:aws:kms:us-east-1:111122223333:key/0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d");
        Guard guard = Guard.create(io.github.lambdaguardrail.guard.GuardConfig.fromEnvironment(env),
                WatchedApi.resourcePolicy(), clients, new JsonLog(log.out));
        byte[] tamper = java.nio.file.Files.readAllBytes(FaultFixtures.EVENTS.resolve("guardrail/tamper-disablekey.json"));
        GuardReport report = new GuardReport();

        assertThrows(RuntimeException.class, () -> guard.handle(payload(tamper), report));

        assertEquals(1, report.tampers(), "the Tampers alarm takes the alarm topic, which the disabled key does not encrypt");
        assertEquals(0, aws.findAll(FaultFixtures.snsPublishRequests()).size());
    }

    // ---- quarantine under throttling (CreateFunction without VPC) ---------------------------------

    @Test
    void quarantinesFunctionWhenTagResourceIsThrottledOnce() {
        stubScraperStillOutsideAVpc();
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
        // The concurrency goes to 0 only after the tag is on.
        assertEquals(List.of(CLAIM, "GetFunction", "GetFunction", "TagResource", "TagResource",
                "PutFunctionConcurrency", "Publish", COMPLETE), calls());
        Published alert = onlyAlert();
        assertTrue(alert.text().contains("QUARANTINE: DONE"), alert.text());
        assertEquals("ROLLBACK", alert.decision());
        assertEquals(List.of(CLAIM, COMPLETE), stateWrites(eventId(CREATE_EVENT)));
    }

    @Test
    void neverSetsConcurrencyToZeroWhenTagResourceStaysThrottled() {
        stubScraperStillOutsideAVpc();
        aws.stubFor(post(urlPathMatching(tagsPath(SCRAPER))).willReturn(throttled()));
        aws.stubFor(put(urlPathMatching(concurrencyPath(SCRAPER)))
                .willReturn(lambdaJson("{\"ReservedConcurrentExecutions\":0}")));
        Guard guard = vpcGuard();

        assertThrows(TooManyRequestsException.class, () -> guard.handle(payload(event(CREATE_EVENT))));

        assertEquals(3, requests(postRequestedFor(urlPathMatching(tagsPath(SCRAPER)))));
        assertEquals(0, requests(putRequestedFor(urlPathMatching(concurrencyPath(SCRAPER)))),
                "without the tag recording the previous concurrency, the concurrency is never overwritten");
        assertEquals(List.of(CLAIM, RELEASE), stateWrites(eventId(CREATE_EVENT)));
        assertEquals(0, requests(snsPublishRequests()));
    }
}
