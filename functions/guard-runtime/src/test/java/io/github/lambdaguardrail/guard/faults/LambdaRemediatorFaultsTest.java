package io.github.lambdaguardrail.guard.faults;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.noContent;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static io.github.lambdaguardrail.guard.faults.FaultFixtures.getPolicyBody;
import static io.github.lambdaguardrail.guard.faults.FaultFixtures.lambdaJson;
import static io.github.lambdaguardrail.guard.faults.FaultFixtures.policyPath;
import static io.github.lambdaguardrail.guard.faults.FaultFixtures.preconditionFailed;
import static io.github.lambdaguardrail.guard.faults.FaultFixtures.removal;
import static io.github.lambdaguardrail.guard.faults.FaultFixtures.resourceNotFound;
import static io.github.lambdaguardrail.guard.faults.FaultFixtures.serviceError;
import static io.github.lambdaguardrail.guard.faults.FaultFixtures.statementPath;
import static io.github.lambdaguardrail.guard.faults.FaultFixtures.throttled;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.github.lambdaguardrail.engine.FunctionRef;
import io.github.lambdaguardrail.engine.VpcConfig;
import java.time.Duration;
import java.util.Optional;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.github.lambdaguardrail.engine.Action;
import io.github.lambdaguardrail.guard.ActionOutcome;
import io.github.lambdaguardrail.guard.AwsClients;
import io.github.lambdaguardrail.guard.LambdaRemediator;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.ServiceException;
import software.amazon.awssdk.services.lambda.model.TooManyRequestsException;

/**
 * {@link LambdaRemediator#removePermission} against a WireMock Lambda endpoint that throttles,
 * fails, stalls, answers a stale revision id or loses the statement, and
 * {@link LambdaRemediator#restoreVpcConfig} against one that answers a stale revision id or
 * reports the update in progress or failed, through the real SDK client (standard retry mode:
 * three attempts in all, backoff on throttling and 5xx).
 */
class LambdaRemediatorFaultsTest {

    @RegisterExtension
    static final WireMockExtension aws = FaultFixtures.wireMock();

    private static final String PUBLIC_EVENT = "addpermission-public-principal.json";
    private static final String FUNCTION = "invoice-renderer";
    private static final String SID = "allow-anyone";
    private static final String POLICY = "policy-invoice-renderer.json";
    private static final String REVISION = "9f2c4e51-6a0d-4b7e-8c3f-1d2e3f4a5b60";

    private LambdaClient lambda;

    @AfterEach
    void closeClient() {
        if (lambda != null) {
            lambda.close();
        }
    }

    /** Removes through a remediator on a fresh client with the production override configuration. */
    private ActionOutcome remove(Action.RemovePermission action) {
        lambda = AwsClients.lambda(FaultFixtures.settings(aws));
        return new LambdaRemediator(() -> lambda).removePermission(action);
    }

    /**
     * A remediator on a client with {@link FaultFixtures#shortTimeouts}. A fresh client's first
     * call pays for class loading and lazy set-up, which on a cold JVM can exceed a short attempt
     * timeout by itself: one successful call on another function first, then the request log is
     * cleared, so the test counts only its own requests.
     */
    private LambdaRemediator warmRemediatorWithShortTimeouts() {
        lambda = AwsClients.lambda(FaultFixtures.shortTimeouts(aws));
        aws.stubFor(get(urlPathMatching(policyPath("warm-up"))).willReturn(lambdaJson(getPolicyBody(POLICY, REVISION))));
        lambda.getPolicy(b -> b.functionName("arn:aws:lambda:us-east-1:" + FaultFixtures.ACCOUNT + ":function:warm-up"));
        aws.resetRequests();
        return new LambdaRemediator(() -> lambda);
    }

    private static void stubPolicy(String fixture, String revisionId) {
        aws.stubFor(get(urlPathMatching(policyPath(FUNCTION))).willReturn(lambdaJson(getPolicyBody(fixture, revisionId))));
    }

    private static void stubStatementDeleted() {
        aws.stubFor(delete(urlPathMatching(statementPath(FUNCTION, SID))).willReturn(noContent()));
    }

    private static int getPolicyRequests() {
        return aws.findAll(getRequestedFor(urlPathMatching(policyPath(FUNCTION)))).size();
    }

    private static int deleteRequests() {
        return aws.findAll(deleteRequestedFor(urlPathMatching(policyPath(FUNCTION) + "/.*"))).size();
    }

    // ---- 1. throttling ------------------------------------------------------------------------

    @Test
    void removesStatementWhenGetPolicyIsThrottledTwiceThenAnswers() {
        aws.stubFor(get(urlPathMatching(policyPath(FUNCTION))).inScenario("throttling")
                .whenScenarioStateIs(Scenario.STARTED).willReturn(throttled()).willSetStateTo("throttled once"));
        aws.stubFor(get(urlPathMatching(policyPath(FUNCTION))).inScenario("throttling")
                .whenScenarioStateIs("throttled once").willReturn(throttled()).willSetStateTo("throttled twice"));
        aws.stubFor(get(urlPathMatching(policyPath(FUNCTION))).inScenario("throttling")
                .whenScenarioStateIs("throttled twice").willReturn(lambdaJson(getPolicyBody(POLICY, REVISION))));
        stubStatementDeleted();

        ActionOutcome outcome = remove(removal(PUBLIC_EVENT));

        assertEquals(ActionOutcome.Status.DONE, outcome.status(), outcome.detail());
        // One call to getPolicy, three requests on the wire: the SDK's standard retry mode retried the 429s.
        assertEquals(3, getPolicyRequests());
        aws.verify(1, deleteRequestedFor(urlPathMatching(statementPath(FUNCTION, SID)))
                .withQueryParam("RevisionId", equalTo(REVISION)).withoutQueryParam("Qualifier"));
        assertEquals(1, deleteRequests());
    }

    @Test
    void throwsTooManyRequestsWhenGetPolicyStaysThrottledAndRemovesNothing() {
        aws.stubFor(get(urlPathMatching(policyPath(FUNCTION))).willReturn(throttled()));
        stubStatementDeleted();

        TooManyRequestsException e = assertThrows(TooManyRequestsException.class, () -> remove(removal(PUBLIC_EVENT)));

        assertEquals(429, e.statusCode());
        assertEquals(3, getPolicyRequests(), "standard retry mode makes three attempts in all");
        assertEquals(0, deleteRequests());
    }

    @Test
    void removesStatementWhenRemovePermissionIsThrottledOnce() {
        stubPolicy(POLICY, REVISION);
        aws.stubFor(delete(urlPathMatching(statementPath(FUNCTION, SID))).inScenario("throttled delete")
                .whenScenarioStateIs(Scenario.STARTED).willReturn(throttled()).willSetStateTo("throttled once"));
        aws.stubFor(delete(urlPathMatching(statementPath(FUNCTION, SID))).inScenario("throttled delete")
                .whenScenarioStateIs("throttled once").willReturn(noContent()));

        ActionOutcome outcome = remove(removal(PUBLIC_EVENT));

        assertEquals(ActionOutcome.Status.DONE, outcome.status(), outcome.detail());
        assertEquals(1, getPolicyRequests());
        aws.verify(2, deleteRequestedFor(urlPathMatching(statementPath(FUNCTION, SID)))
                .withQueryParam("RevisionId", equalTo(REVISION)));
    }

    // ---- 2. 5xx -------------------------------------------------------------------------------

    @Test
    void removesStatementWhenGetPolicyAnswers503Once() {
        aws.stubFor(get(urlPathMatching(policyPath(FUNCTION))).inScenario("unavailable")
                .whenScenarioStateIs(Scenario.STARTED).willReturn(serviceError(503)).willSetStateTo("recovered"));
        aws.stubFor(get(urlPathMatching(policyPath(FUNCTION))).inScenario("unavailable")
                .whenScenarioStateIs("recovered").willReturn(lambdaJson(getPolicyBody(POLICY, REVISION))));
        stubStatementDeleted();

        ActionOutcome outcome = remove(removal(PUBLIC_EVENT));

        assertEquals(ActionOutcome.Status.DONE, outcome.status(), outcome.detail());
        assertEquals(2, getPolicyRequests());
        assertEquals(1, deleteRequests());
    }

    @Test
    void throwsServiceExceptionWhenGetPolicyKeepsAnswering500AndRemovesNothing() {
        aws.stubFor(get(urlPathMatching(policyPath(FUNCTION))).willReturn(serviceError(500)));
        stubStatementDeleted();

        ServiceException e = assertThrows(ServiceException.class, () -> remove(removal(PUBLIC_EVENT)));

        assertEquals(500, e.statusCode());
        assertEquals(3, getPolicyRequests());
        assertEquals(0, deleteRequests());
    }

    // ---- 3. read timeouts (500 ms attempt timeout instead of 5 s: FaultFixtures.shortTimeouts) -----

    @Test
    void removesStatementWhenFirstGetPolicyAttemptTimesOut() {
        aws.stubFor(get(urlPathMatching(policyPath(FUNCTION))).inScenario("slow")
                .whenScenarioStateIs(Scenario.STARTED)
                .willReturn(lambdaJson(getPolicyBody(POLICY, REVISION)).withFixedDelay(1500))
                .willSetStateTo("fast again"));
        aws.stubFor(get(urlPathMatching(policyPath(FUNCTION))).inScenario("slow")
                .whenScenarioStateIs("fast again").willReturn(lambdaJson(getPolicyBody(POLICY, REVISION))));
        stubStatementDeleted();

        ActionOutcome outcome = warmRemediatorWithShortTimeouts().removePermission(removal(PUBLIC_EVENT));

        assertEquals(ActionOutcome.Status.DONE, outcome.status(), outcome.detail());
        assertEquals(2, getPolicyRequests(), "the timed-out attempt was retried");
        assertEquals(1, deleteRequests());
    }

    @Test
    void throwsSdkClientExceptionWhenGetPolicyNeverAnswersInTimeAndRemovesNothing() {
        aws.stubFor(get(urlPathMatching(policyPath(FUNCTION)))
                .willReturn(lambdaJson(getPolicyBody(POLICY, REVISION)).withFixedDelay(1500)));
        stubStatementDeleted();

        LambdaRemediator remediator = warmRemediatorWithShortTimeouts();
        Action.RemovePermission action = removal(PUBLIC_EVENT);

        // ApiCallAttemptTimeoutException after the last attempt, or ApiCallTimeoutException when
        // the whole call's budget runs out first: both are SdkClientExceptions.
        SdkClientException e = assertThrows(SdkClientException.class, () -> remediator.removePermission(action));

        assertTrue(e.getClass().getSimpleName().contains("TimeoutException"), e.toString());
        // What bounds the wait: each attempt and the whole call are timed out by the client, and
        // the standard retries stop after three attempts.
        ClientOverrideConfiguration limits = lambda.serviceClientConfiguration().overrideConfiguration();
        assertEquals(Optional.of(Duration.ofMillis(500)), limits.apiCallAttemptTimeout());
        assertEquals(Optional.of(Duration.ofSeconds(2)), limits.apiCallTimeout());
        int attempts = getPolicyRequests();
        assertTrue(attempts >= 2 && attempts <= 3, "attempts: " + attempts);
        assertEquals(0, deleteRequests());
    }

    // ---- 4. stale revision id ---------------------------------------------------------------------
    //
    // Real AWS answers RemovePermission with 412 PreconditionFailedException when the RevisionId
    // sent is not the policy's current one. moto's unpatched RemovePermission answers 412 whenever
    // a RevisionId is sent at all (it compares the query parameter, a list, with the stored
    // string), which is why the moto launcher patches that handler; the real precondition
    // behaviour is covered here instead.

    @Test
    void removesStatementWithNewRevisionIdAfterPreconditionFailed() {
        String stale = "11111111-aaaa-4bbb-8ccc-000000000001";
        String fresh = "22222222-aaaa-4bbb-8ccc-000000000002";
        aws.stubFor(get(urlPathMatching(policyPath(FUNCTION))).inScenario("policy changed")
                .whenScenarioStateIs(Scenario.STARTED).willReturn(lambdaJson(getPolicyBody(POLICY, stale))));
        aws.stubFor(delete(urlPathMatching(statementPath(FUNCTION, SID))).inScenario("policy changed")
                .whenScenarioStateIs(Scenario.STARTED).willReturn(preconditionFailed()).willSetStateTo("changed"));
        aws.stubFor(get(urlPathMatching(policyPath(FUNCTION))).inScenario("policy changed")
                .whenScenarioStateIs("changed").willReturn(lambdaJson(getPolicyBody(POLICY, fresh))));
        aws.stubFor(delete(urlPathMatching(statementPath(FUNCTION, SID))).inScenario("policy changed")
                .whenScenarioStateIs("changed").willReturn(preconditionFailed()));
        aws.stubFor(delete(urlPathMatching(statementPath(FUNCTION, SID))).withQueryParam("RevisionId", equalTo(fresh))
                .inScenario("policy changed").whenScenarioStateIs("changed").atPriority(1).willReturn(noContent()));

        ActionOutcome outcome = remove(removal(PUBLIC_EVENT));

        assertEquals(ActionOutcome.Status.DONE, outcome.status(), outcome.detail());
        assertEquals(2, getPolicyRequests(), "the policy was read again after the 412");
        List<String> sent = aws.findAll(deleteRequestedFor(urlPathMatching(statementPath(FUNCTION, SID)))).stream()
                .map(r -> r.queryParameter("RevisionId").firstValue()).toList();
        assertEquals(List.of(stale, fresh), sent, "the second DELETE carried the new revision id");
    }

    @Test
    void leavesStatementAloneWhenRemovePermissionFailsThePreconditionThreeTimes() {
        stubPolicy(POLICY, REVISION);
        aws.stubFor(delete(urlPathMatching(statementPath(FUNCTION, SID))).willReturn(preconditionFailed()));

        ActionOutcome outcome = remove(removal(PUBLIC_EVENT));

        assertEquals(ActionOutcome.Status.LEFT_ALONE, outcome.status());
        assertTrue(outcome.detail().contains("3 attempts"), outcome.detail());
        assertTrue(outcome.undoCommands().isEmpty());
        // Three read-decide-remove rounds; the SDK itself does not retry a 412.
        assertEquals(3, getPolicyRequests());
        assertEquals(3, deleteRequests());
    }

    @Test
    void removesAliasStatementWithTheQualifierOnEveryCallAfterPreconditionFailed() {
        Action.RemovePermission action = removal("addpermission-qualified-alias-public.json");
        String orders = "orders-api";
        String sid = action.statementId();
        // The alias's policy holds exactly the statement the event recorded.
        String body = "{\"Policy\":" + quoted("{\"Version\":\"2012-10-17\",\"Id\":\"default\",\"Statement\":["
                + action.expectedStatement() + "]}") + ",\"RevisionId\":\"" + REVISION + "\"}";
        aws.stubFor(get(urlPathMatching(policyPath(orders))).willReturn(lambdaJson(body)));
        aws.stubFor(delete(urlPathMatching(statementPath(orders, sid))).inScenario("alias")
                .whenScenarioStateIs(Scenario.STARTED).willReturn(preconditionFailed()).willSetStateTo("changed"));
        aws.stubFor(delete(urlPathMatching(statementPath(orders, sid))).inScenario("alias")
                .whenScenarioStateIs("changed").willReturn(noContent()));

        ActionOutcome outcome = remove(action);

        assertEquals(ActionOutcome.Status.DONE, outcome.status(), outcome.detail());
        aws.verify(2, getRequestedFor(urlPathMatching(policyPath(orders))).withQueryParam("Qualifier", equalTo("live")));
        aws.verify(2, deleteRequestedFor(urlPathMatching(statementPath(orders, sid))).withQueryParam("Qualifier", equalTo("live"))
                .withQueryParam("RevisionId", equalTo(REVISION)));
        assertEquals(4, aws.getAllServeEvents().size(), "two reads and two removals, nothing else");
    }

    private static String quoted(String json) {
        return TextNode.valueOf(json).toString();
    }

    // ---- 5. the statement is gone ------------------------------------------------------------------

    @Test
    void reportsAlreadyDoneWhenRemovePermissionAnswersResourceNotFound() {
        stubPolicy(POLICY, REVISION);
        aws.stubFor(delete(urlPathMatching(statementPath(FUNCTION, SID))).willReturn(resourceNotFound()));

        ActionOutcome outcome = remove(removal(PUBLIC_EVENT));

        assertEquals(ActionOutcome.Status.ALREADY_DONE, outcome.status());
        assertTrue(outcome.detail().contains("already gone"), outcome.detail());
        assertTrue(outcome.undoCommands().isEmpty(), "nothing to undo: the guard removed nothing");
        assertEquals(1, deleteRequests(), "a 404 is not retried");
    }

    @Test
    void reportsAlreadyDoneWhenGetPolicyAnswersResourceNotFound() {
        // c7n_getpolicy_resp_404_no_policy.json: a function without any resource policy.
        aws.stubFor(get(urlPathMatching(policyPath(FUNCTION))).willReturn(resourceNotFound()));
        stubStatementDeleted();

        ActionOutcome outcome = remove(removal(PUBLIC_EVENT));

        assertEquals(ActionOutcome.Status.ALREADY_DONE, outcome.status());
        assertEquals(1, getPolicyRequests());
        assertEquals(0, deleteRequests());
    }

    // ---- 7. one half of a public function URL ----------------------------------------------------

    /** The other half is in the live policy with the same shape: it stays (it arrives as its own event). */
    @Test
    void removesOnlyTheUrlStatementTheEventAddedAndNeverItsCompanionOrTheUnrelatedOnes() {
        String webhook = "public-webhook";
        String authNone = "FunctionURLAllowPublicAccess";
        String fixture = "policy-public-webhook-url-pair.json";
        aws.stubFor(get(urlPathMatching(policyPath(webhook)))
                .willReturn(lambdaJson(getPolicyBody(fixture, "33333333-aaaa-4bbb-8ccc-000000000003"))));
        aws.stubFor(delete(urlPathMatching(policyPath(webhook) + "/.*")).willReturn(noContent()));

        ActionOutcome outcome = remove(removal("addpermission-function-url-public-auth-none.json"));

        assertEquals(ActionOutcome.Status.DONE, outcome.status(), outcome.detail());
        List<String> deleted = aws.findAll(deleteRequestedFor(urlPathMatching(policyPath(webhook) + "/.*"))).stream()
                .map(r -> r.getUrl().replaceAll("\\?.*", "").replaceAll(".*/", "")).toList();
        assertEquals(List.of(authNone), deleted, "the other half (FunctionURLAllowInvokeAction) and the unrelated ones stay");
        assertEquals("removed statement '" + authNone + "'", outcome.detail());
        assertEquals(1, outcome.undoCommands().size(), outcome.undoCommands().toString());
    }

    // ---- 8. the live statement is not the one the event added ------------------------------------------

    @Test
    void leavesStatementAloneWhenItsLiveTextDiffersFromTheEvent() {
        stubPolicy("policy-invoice-renderer-statement-replaced.json", REVISION);
        stubStatementDeleted();

        ActionOutcome outcome = remove(removal(PUBLIC_EVENT));

        assertEquals(ActionOutcome.Status.LEFT_ALONE, outcome.status());
        assertTrue(outcome.detail().contains("differs from what the event added"), outcome.detail());
        assertEquals(0, deleteRequests());
    }

    // ---- 10. the VPC restore: guarded by the function's revision id, confirmed by LastUpdateStatus -----

    private static final String PAYMENTS = "payments-worker";
    private static final FunctionRef PAYMENTS_REF = new FunctionRef(PAYMENTS, Optional.empty(),
            "arn:aws:lambda:us-east-1:" + FaultFixtures.ACCOUNT + ":function:" + PAYMENTS);
    private static final VpcConfig KNOWN_GOOD = new VpcConfig(List.of("subnet-0a1b2c3d4e5f60011"), List.of("sg-0a1b2c3d4e5f60021"),
            Optional.of("vpc-0a1b2c3d4e5f60001"), true);
    private static final String FUNCTION_REVISION = "34bbe0f0-7841-4d5c-8950-c3adf68a99bd";
    private static final String NEW_REVISION = "44444444-aaaa-4bbb-8ccc-000000000004";

    /** The restore the engine plans for the detached payments-worker, under the revision it read. */
    private static Action.RestoreVpcConfig restore() {
        return new Action.RestoreVpcConfig(PAYMENTS_REF, KNOWN_GOOD, VpcConfig.NONE, Optional.of(FUNCTION_REVISION));
    }

    /** A remediator that waits at most {@code wait} for Lambda to finish, looking every 10 ms. */
    private ActionOutcome restoreWith(Duration wait, Action.RestoreVpcConfig action) {
        lambda = AwsClients.lambda(FaultFixtures.settings(aws));
        return new LambdaRemediator(() -> lambda, wait, Duration.ofMillis(10)).restoreVpcConfig(action);
    }

    /** The recorded GetFunction response with this VPC config, revision id and LastUpdateStatus (and reason). */
    private static String getFunction(List<String> subnets, String revision, String status, String reasonCode, String reason) {
        try {
            ObjectMapper json = new ObjectMapper();
            ObjectNode body = (ObjectNode) json.readTree(FaultFixtures.resource("getfunction-c7n-vpc-ipv6.json"));
            ObjectNode config = (ObjectNode) body.get("Configuration");
            ObjectNode vpc = (ObjectNode) config.get("VpcConfig");
            ArrayNode ids = vpc.putArray("SubnetIds");
            subnets.forEach(ids::add);
            if (subnets.isEmpty()) {
                vpc.putArray("SecurityGroupIds");
                vpc.put("VpcId", "");
            }
            config.put("RevisionId", revision).put("LastUpdateStatus", status)
                    .put("LastUpdateStatusReasonCode", reasonCode).put("LastUpdateStatusReason", reason);
            return body.toString();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void stubGetFunctionInTurn(String... bodies) {
        for (int i = 0; i < bodies.length; i++) {
            aws.stubFor(get(urlPathMatching(FaultFixtures.functionPath(PAYMENTS))).inScenario("status")
                    .whenScenarioStateIs(i == 0 ? Scenario.STARTED : "read " + i)
                    .willReturn(lambdaJson(bodies[i])).willSetStateTo("read " + (i + 1)));
        }
    }

    private static List<LoggedRequest> writes() {
        return aws.findAll(putRequestedFor(urlPathMatching(FaultFixtures.functionPath(PAYMENTS) + "/configuration")));
    }

    private static int functionReads() {
        return aws.findAll(getRequestedFor(urlPathMatching(FaultFixtures.functionPath(PAYMENTS)))).size();
    }

    @Test
    void restoreIsDoneOnlyOnceGetFunctionShowsLastUpdateStatusSuccessful() {
        aws.stubFor(put(urlPathMatching(FaultFixtures.functionPath(PAYMENTS) + "/configuration"))
                .willReturn(lambdaJson(getFunction(KNOWN_GOOD.subnetIds(), NEW_REVISION, "InProgress", "", ""))));
        stubGetFunctionInTurn(
                getFunction(KNOWN_GOOD.subnetIds(), NEW_REVISION, "InProgress", "Creating", "The function is being created."),
                getFunction(KNOWN_GOOD.subnetIds(), NEW_REVISION, "InProgress", "Creating", "The function is being created."),
                getFunction(KNOWN_GOOD.subnetIds(), NEW_REVISION, "Successful", "", ""));

        ActionOutcome outcome = restoreWith(Duration.ofSeconds(5), restore());

        assertEquals(ActionOutcome.Status.DONE, outcome.status(), outcome.detail());
        assertEquals(3, functionReads(), "polled until Successful");
        LoggedRequest write = single(writes());
        aws.verify(putRequestedFor(urlPathMatching(FaultFixtures.functionPath(PAYMENTS) + "/configuration"))
                .withRequestBody(equalToJson("{\"RevisionId\": \"" + FUNCTION_REVISION + "\", \"VpcConfig\": {\"SubnetIds\":"
                        + " [\"subnet-0a1b2c3d4e5f60011\"], \"SecurityGroupIds\": [\"sg-0a1b2c3d4e5f60021\"],"
                        + " \"Ipv6AllowedForDualStack\": true}}", true, false)));
        assertTrue(write.getBodyAsString().contains(FUNCTION_REVISION));
        assertEquals(List.of("aws lambda update-function-configuration --function-name " + PAYMENTS_REF.arn()
                + " --vpc-config SubnetIds=[],SecurityGroupIds=[],Ipv6AllowedForDualStack=false"), outcome.undoCommands());
    }

    @Test
    void restoreThatLambdaReportsFailedIsAFailedOutcomeThatSaysWhy() {
        aws.stubFor(put(urlPathMatching(FaultFixtures.functionPath(PAYMENTS) + "/configuration"))
                .willReturn(lambdaJson(getFunction(KNOWN_GOOD.subnetIds(), NEW_REVISION, "InProgress", "", ""))));
        stubGetFunctionInTurn(getFunction(List.of(), NEW_REVISION, "Failed", "SubnetOutOfIPAddresses",
                "Lambda was unable to create an ENI: the subnet has no free IP addresses."));

        ActionOutcome outcome = restoreWith(Duration.ofSeconds(5), restore());

        assertEquals(ActionOutcome.Status.FAILED, outcome.status(), outcome.detail());
        assertTrue(outcome.detail().contains("LastUpdateStatus Failed (SubnetOutOfIPAddresses: Lambda was unable"), outcome.detail());
        assertTrue(outcome.undoCommands().isEmpty(), "the restore did not take: nothing to undo");
    }

    @Test
    void restoreStillInProgressAfterTheWaitIsAFailedOutcomeThatKeepsItsUndo() {
        aws.stubFor(put(urlPathMatching(FaultFixtures.functionPath(PAYMENTS) + "/configuration"))
                .willReturn(lambdaJson(getFunction(KNOWN_GOOD.subnetIds(), NEW_REVISION, "InProgress", "", ""))));
        aws.stubFor(get(urlPathMatching(FaultFixtures.functionPath(PAYMENTS)))
                .willReturn(lambdaJson(getFunction(KNOWN_GOOD.subnetIds(), NEW_REVISION, "InProgress", "Creating", "..."))));

        ActionOutcome outcome = restoreWith(Duration.ofMillis(200), restore());

        assertEquals(ActionOutcome.Status.FAILED, outcome.status(), outcome.detail());
        assertTrue(outcome.detail().contains("had not finished it") && outcome.detail().contains("LastUpdateStatus InProgress"),
                outcome.detail());
        assertEquals(1, outcome.undoCommands().size(), "it may still finish: the undo stays");
        assertTrue(functionReads() >= 2, "polled more than once: " + functionReads());
    }

    /** Real AWS answers 412 to a stale RevisionId; moto needs the launcher's patch for it (VpcRollbackMotoTest). */
    @Test
    void restoreWithAStaleRevisionIsWrittenUnderTheNewOneWhenTheFunctionIsStillDetached() {
        aws.stubFor(put(urlPathMatching(FaultFixtures.functionPath(PAYMENTS) + "/configuration"))
                .willReturn(preconditionFailed()));
        aws.stubFor(put(urlPathMatching(FaultFixtures.functionPath(PAYMENTS) + "/configuration")).atPriority(1)
                .withRequestBody(matchingJsonPath("$.RevisionId", equalTo(NEW_REVISION)))
                .willReturn(lambdaJson(getFunction(KNOWN_GOOD.subnetIds(), "55555555-aaaa-4bbb-8ccc-000000000005", "InProgress", "", ""))));
        stubGetFunctionInTurn(getFunction(List.of(), NEW_REVISION, "Successful", "", ""),
                getFunction(KNOWN_GOOD.subnetIds(), "55555555-aaaa-4bbb-8ccc-000000000005", "Successful", "", ""));

        ActionOutcome outcome = restoreWith(Duration.ofSeconds(5), restore());

        assertEquals(ActionOutcome.Status.DONE, outcome.status(), outcome.detail());
        assertEquals(List.of(FUNCTION_REVISION, NEW_REVISION), writes().stream()
                .map(r -> readJson(r.getBodyAsString()).path("RevisionId").asText()).toList());
    }

    @Test
    void restoreWithAStaleRevisionLeavesTheFunctionAloneWhenItWasReattachedMeanwhile() {
        aws.stubFor(put(urlPathMatching(FaultFixtures.functionPath(PAYMENTS) + "/configuration"))
                .willReturn(preconditionFailed()));
        stubGetFunctionInTurn(getFunction(List.of("subnet-0a1b2c3d4e5f60099"), NEW_REVISION, "Successful", "", ""));

        ActionOutcome outcome = restoreWith(Duration.ofSeconds(5), restore());

        assertEquals(ActionOutcome.Status.LEFT_ALONE, outcome.status(), outcome.detail());
        assertTrue(outcome.detail().contains("subnet-0a1b2c3d4e5f60099"), outcome.detail());
        assertEquals(1, writes().size(), "no second write");
        assertTrue(outcome.undoCommands().isEmpty());
    }

    private static com.fasterxml.jackson.databind.JsonNode readJson(String text) {
        try {
            return new ObjectMapper().readTree(text);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static <T> T single(List<T> items) {
        assertEquals(1, items.size(), () -> "expected exactly one, got " + items);
        return items.get(0);
    }

    // ---- 9. a malformed response (the guard loop's handling of it: GuardFaultsTest) ------------------

    @Test
    void throwsSdkClientExceptionWhenGetPolicyAnswersWithABodyThatIsNotJson() {
        aws.stubFor(get(urlPathMatching(policyPath(FUNCTION))).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "text/html").withBody("<html><body><h1>502 Bad Gateway</h1></body></html>")));
        stubStatementDeleted();

        SdkClientException e = assertThrows(SdkClientException.class, () -> remove(removal(PUBLIC_EVENT)));

        assertTrue(e.getMessage().contains("Unable to unmarshall response"), e.getMessage());
        assertEquals(0, deleteRequests());
    }
}
