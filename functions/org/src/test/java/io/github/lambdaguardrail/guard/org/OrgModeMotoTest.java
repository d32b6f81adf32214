package io.github.lambdaguardrail.guard.org;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static io.github.lambdaguardrail.guard.org.OrgWorld.CENTRAL;
import static io.github.lambdaguardrail.guard.org.OrgWorld.HOME;
import static io.github.lambdaguardrail.guard.org.OrgWorld.MEMBERS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import io.github.lambdaguardrail.guard.AwsClients;
import io.github.lambdaguardrail.guard.SnsNotifier;
import io.github.lambdaguardrail.guard.moto.DeliveredAlert;
import io.github.lambdaguardrail.guard.moto.MotoWorld;
import io.github.lambdaguardrail.runtime.ClientSettings;
import io.github.lambdaguardrail.runtime.EmfMetrics;
import io.github.lambdaguardrail.runtime.JsonLog;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.ResourceNotFoundException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sts.StsClient;

/**
 * Organisation mode end to end on moto ({@link OrgWorld}): a member's Lambda call, put on its default
 * bus as CloudTrail delivers it, is forwarded to the central bus; the evaluator function judges the
 * event as its rule would hand it over, alerts and queues it; the remediator function takes the
 * queue's messages as Lambda's SQS event, assumes the member role the StackSet deployed (moto's STS
 * gives that account's credentials) and acts in exactly that account and region.
 */
class OrgModeMotoTest {

    @RegisterExtension
    static final OrgWorld org = new OrgWorld();

    static final String A = MEMBERS.get(0);
    static final String B = MEMBERS.get(1);
    static final String OTHER = "eu-west-1";
    /** moto is reset after each test: every test may use the same function name. */
    static final String FUNCTION = "invoice-renderer";

    private final ByteArrayOutputStream logs = new ByteArrayOutputStream();
    private final JsonLog log = new JsonLog(new PrintStream(logs, true, StandardCharsets.UTF_8));

    // ---- the path --------------------------------------------------------------------------------

    @Test
    void aPublicGrantInAMemberIsForwardedAlertedQueuedAndRemovedInThatAccountAndRegionOnlyAndTheGuardsOwnCallIsIgnored()
            throws IOException {
        String statement = publicGrant(A, OTHER, FUNCTION, "allow-anyone");
        publicGrant(A, HOME, FUNCTION, "allow-anyone");
        publicGrant(B, OTHER, FUNCTION, "allow-anyone");
        ObjectNode record = OrgEvents.addPermission(A, OTHER, FUNCTION, statement);

        JsonNode event = org.forward(A, OTHER, record);
        assertEquals(record, event.get("detail"), "the central rule receives the member's record unchanged");

        JsonNode report = evaluate(event);

        assertEquals(1, report.path("queued").asInt(), report.toString());
        DeliveredAlert found = single(org.receiveAlerts(1));
        assertEquals("ROLLBACK_QUEUED", found.decision());
        assertEquals(List.of("PERMISSION_PUBLIC"), found.ruleIds());
        assertEquals(A, found.attributes().get("account"));
        assertEquals(OTHER, found.attributes().get("region"));
        assertEquals("QUEUED", found.outcomes().get(0).path("status").asText());

        List<Message> queued = org.receiveRemediations(10);
        assertEquals(1, queued.size());
        assertEquals(A + ":" + OTHER, OrgEvents.group(queued.get(0)));
        assertEquals(record.get("eventID").asText(), OrgEvents.eventId(OrgEvents.read(queued.get(0).body())));

        assertEquals(List.of(), remediate(queued));

        DeliveredAlert acted = single(org.receiveAlerts(1));
        assertEquals("ROLLBACK", acted.decision());
        assertEquals(A, acted.attributes().get("account"));
        assertEquals(OTHER, acted.attributes().get("region"));
        assertEquals(Map.of(), statements(A, OTHER, FUNCTION), "removed where the event happened");
        assertEquals(List.of("allow-anyone"), List.copyOf(statements(A, HOME, FUNCTION).keySet()),
                "the same function name in the member's other region is untouched");
        assertEquals(List.of("allow-anyone"), List.copyOf(statements(B, OTHER, FUNCTION).keySet()),
                "the same function name in another account is untouched");

        // The remediator's own calls in the member reach the evaluator by the same path.
        ObjectNode own = OrgEvents.byMemberRole(OrgWorld.cloudTrailRecord("updatefunctionconfiguration-vpc-removed.json",
                A, OTHER), OrgConfig.DEFAULT_MEMBER_ROLE);
        assertEquals("arn:aws:sts::" + A + ":assumed-role/LambdaGuardrailRemediator/guardrail-remediator",
                own.at("/userIdentity/arn").asText());

        JsonNode ignored = evaluate(org.forward(A, OTHER, own));

        assertEquals(List.of(0, 0), List.of(ignored.path("queued").asInt(), ignored.path("findings").asInt()), ignored.toString());
        assertEquals(List.of(), org.receiveRemediations(10));
        assertEquals(List.of(), org.receiveAlerts(0));
        assertTrue(logs.toString(StandardCharsets.UTF_8).contains("change made by the guard itself (arn:aws:iam::" + A
                + ":role/LambdaGuardrailRemediator)"));
    }

    @Test
    void aSecondDeliveryOfTheSameEventIsQueuedOnceAndActedOnOnce() throws IOException {
        String statement = publicGrant(A, HOME, FUNCTION, "allow-anyone");
        JsonNode event = org.forward(A, HOME, OrgEvents.addPermission(A, HOME, FUNCTION, statement));

        evaluate(event);
        evaluate(event);

        List<Message> queued = org.receiveRemediations(10);
        assertEquals(1, queued.size(), "the FIFO queue drops the copy with the same deduplication id");
        assertEquals(2, org.receiveAlerts(2).size(), "the evaluator keeps no state: each delivery is alerted");
        assertEquals(List.of(), remediate(queued));
        assertEquals(List.of("ROLLBACK"), org.receiveAlerts(1).stream().map(DeliveredAlert::decision).toList());
    }

    @Test
    void theGuardrailsOwnSessionInAMemberIsNeverActedOn() throws IOException {
        String statement = publicGrant(A, HOME, FUNCTION, "allow-anyone");
        ObjectNode record = OrgEvents.byMemberRole(OrgEvents.addPermission(A, HOME, FUNCTION, statement),
                OrgConfig.DEFAULT_MEMBER_ROLE);

        JsonNode report = evaluate(org.forward(A, HOME, record));

        assertEquals(0, report.path("queued").asInt());
        assertEquals(0, report.path("findings").asInt());
        assertEquals(List.of(), org.receiveRemediations(10));
        assertEquals(List.of(), org.receiveAlerts(0));
        assertTrue(logs.toString(StandardCharsets.UTF_8).contains("change made by the guard itself (arn:aws:iam::" + A
                + ":role/LambdaGuardrailRemediator)"));
    }

    @Test
    void aRollbackThatCannotBeQueuedIsAlertedAsFailed() throws IOException {
        String statement = publicGrant(A, HOME, FUNCTION, "allow-anyone");
        String missing = org.remediationQueueUrl().replace("remediation", "deleted");

        JsonNode report = evaluate(org.forward(A, HOME, OrgEvents.addPermission(A, HOME, FUNCTION, statement)), missing);

        assertEquals(1, report.path("queueFailures").asInt());
        DeliveredAlert alert = single(org.receiveAlerts(1));
        assertEquals("ROLLBACK_FAILED", alert.decision());
        assertTrue(alert.outcomes().get(0).path("detail").asText().startsWith("not handed to the remediator"),
                alert.outcomes().toString());
        assertEquals(List.of("allow-anyone"), List.copyOf(statements(A, HOME, FUNCTION).keySet()));
    }

    @Test
    void aMessageWhoseEventIsOfAnotherAccountIsAlertedAndDroppedNotActedOn() throws IOException {
        String statement = publicGrant(A, HOME, FUNCTION, "allow-anyone");
        JsonNode event = org.forward(A, HOME, OrgEvents.addPermission(A, HOME, FUNCTION, statement));
        centralSqs().sendMessage(b -> b.queueUrl(org.remediationQueueUrl()).messageBody(event.toString())
                .messageGroupId(B + ":" + HOME).messageDeduplicationId("forged"));

        assertEquals(List.of(), remediate(org.receiveRemediations(10)), "dropped: another delivery cannot make it right");

        DeliveredAlert alert = single(org.receiveAlerts(1));
        assertEquals("INVALID", alert.decision());
        assertTrue(alert.document().path("reason").asText().contains("not of its message group " + B + ":" + HOME),
                alert.document().toString());
        assertEquals(List.of("allow-anyone"), List.copyOf(statements(A, HOME, FUNCTION).keySet()));
    }

    // ---- order and isolation between members -------------------------------------------------

    @Test
    void twentyEventsOfOneMemberDoNotDelayAnotherAndEachGroupStaysInOrder() throws IOException {
        List<String> sent = new ArrayList<>();
        for (int i = 1; i <= 20; i++) {
            ObjectNode record = OrgEvents.addPermission(A, HOME, FUNCTION, publicGrant(A, HOME, FUNCTION, "grant-" + i));
            sent.add(record.get("eventID").asText());
            evaluate(org.forward(A, HOME, record));
        }
        String statementB = publicGrant(B, HOME, FUNCTION, "allow-anyone");
        evaluate(org.forward(B, HOME, OrgEvents.addPermission(B, HOME, FUNCTION, statementB)));
        org.receiveAlerts(21);

        // Lambda's poller receives again while a batch is in flight: the queue holds back the busy group.
        List<Message> firstA = org.receiveRemediations(10);
        List<Message> meanwhile = org.receiveRemediations(10);
        assertEquals(List.of(A + ":" + HOME), firstA.stream().map(OrgEvents::group).distinct().toList());
        assertEquals(List.of(B + ":" + HOME), meanwhile.stream().map(OrgEvents::group).toList(),
                "the other member's event is delivered while the first ten of the busy one are in flight");
        assertEquals(List.of(), remediate(meanwhile));
        assertEquals(Map.of(), statements(B, HOME, FUNCTION));
        assertEquals(20, statements(A, HOME, FUNCTION).size(), "not one of the busy member's events was handled yet");

        List<String> handled = new ArrayList<>(ids(firstA));
        assertEquals(List.of(), remediate(firstA));
        List<Message> secondA = org.receiveRemediations(10);
        handled.addAll(ids(secondA));
        assertEquals(List.of(), remediate(secondA));
        assertEquals(sent, handled, "one member's events are handled in the order they happened");
        assertEquals(Map.of(), statements(A, HOME, FUNCTION));
    }

    @Test
    void throttlingInOneMemberDelaysOnlyItsGroup() throws IOException {
        String throttled = FUNCTION + "-throttled";
        WireMockServer proxy = new WireMockServer(wireMockConfig().dynamicPort());
        proxy.start();
        try {
            proxy.stubFor(any(anyUrl()).atPriority(10).willReturn(aResponse().proxiedFrom(MotoWorld.ENDPOINT.toString())));
            proxy.stubFor(any(urlPathMatching(".*-throttled.*")).atPriority(1).willReturn(aResponse()
                    .withStatus(429).withHeader("x-amzn-ErrorType", "TooManyRequestsException")
                    .withBody("{\"message\":\"Rate exceeded\",\"Type\":\"User\",\"Reason\":\"CallerRateLimitExceeded\"}")));
            evaluate(org.forward(A, HOME, OrgEvents.addPermission(A, HOME, throttled, publicGrant(A, HOME, throttled, "one"))));
            evaluate(org.forward(A, HOME, OrgEvents.addPermission(A, HOME, FUNCTION, publicGrant(A, HOME, FUNCTION, "two"))));
            evaluate(org.forward(B, HOME, OrgEvents.addPermission(B, HOME, FUNCTION, publicGrant(B, HOME, FUNCTION, "three"))));
            org.receiveAlerts(3);
            List<Message> batch = new ArrayList<>(org.receiveRemediations(10));
            batch.addAll(org.receiveRemediations(10));
            assertEquals(3, batch.size());

            List<String> retry = remediate(batch, org.settingsByCredentials(HOME).withEndpoint(URI.create(proxy.baseUrl())));

            List<String> groupA = batch.stream().filter(m -> OrgEvents.group(m).startsWith(A)).map(Message::messageId).toList();
            assertEquals(groupA, retry, "the throttled member's message, and the one after it in its group, come again");
            assertEquals(Map.of(), statements(B, HOME, FUNCTION), "the other member was not held up");
            assertEquals(List.of("two"), List.copyOf(statements(A, HOME, FUNCTION).keySet()),
                    "kept in order behind the throttled one");
        } finally {
            proxy.stop();
        }
    }

    @Test
    void aMemberRoleThatCannotBeAssumedIsAlertedAsNotActedOn() throws IOException {
        WireMockServer sts = new WireMockServer(wireMockConfig().dynamicPort());
        sts.start();
        try {
            sts.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(403).withHeader("Content-Type", "text/xml")
                    .withBody("<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>User is not"
                            + " authorized to perform: sts:AssumeRole</Message></Error><RequestId>r1</RequestId></ErrorResponse>")));
            StsClient refusing = AwsClients.build(StsClient.builder(), org.settingsByCredentials(HOME)
                    .withEndpoint(URI.create(sts.baseUrl())));
            evaluate(org.forward(A, HOME, OrgEvents.addPermission(A, HOME, FUNCTION, publicGrant(A, HOME, FUNCTION, "refused"))));
            assertEquals(List.of("ROLLBACK_QUEUED"), org.receiveAlerts(1).stream().map(DeliveredAlert::decision).toList());

            // Access denied is no failure a retry cures: alerted at once, as the single-account guard does.
            List<String> retry = remediate(org.receiveRemediations(10), org.settingsByCredentials(HOME), () -> refusing);
            refusing.close();

            assertEquals(List.of(), retry, "not delivered again");
            DeliveredAlert alert = single(org.receiveAlerts(1));
            assertEquals("NOTIFY", alert.decision(), "nothing was changed, and it says so");
            assertEquals(List.of("PERMISSION_PUBLIC"), alert.ruleIds());
            assertEquals("FAILED", alert.outcomes().get(0).path("status").asText());
            assertTrue(alert.outcomes().get(0).path("detail").asText().contains("AccessDenied"), alert.outcomes().toString());
            assertEquals(List.of("refused"), List.copyOf(statements(A, HOME, FUNCTION).keySet()));
        } finally {
            sts.stop();
        }
    }

    // ---- the functions as Lambda runs them ------------------------------------------------------

    /** The evaluator function invoked with {@code event}, as the central bus's rule invokes it; returns its result. */
    private JsonNode evaluate(JsonNode event) throws IOException {
        return evaluate(event, org.remediationQueueUrl());
    }

    private JsonNode evaluate(JsonNode event, String queueUrl) throws IOException {
        OrgConfig config = OrgConfig.evaluator(Map.of("GUARDRAIL_MODE", "rollback", "GUARDRAIL_TOPIC_ARN", org.alerts().arn(),
                "GUARDRAIL_STATE_TABLE", OrgWorld.STATE_TABLE, OrgConfig.QUEUE_URL_VARIABLE, queueUrl));
        OrgEvaluatorFunction function = new OrgEvaluatorFunction(new OrgEvaluator(config.guard(),
                new SqsRemediationQueue(this::centralSqs, queueUrl),
                new SnsNotifier(() -> org.sns(CENTRAL, HOME), config.guard().topicArn()), log), log, metrics("org-evaluator"));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        function.handle(new ByteArrayInputStream(event.toString().getBytes(StandardCharsets.UTF_8)), out, null);
        return OrgEvents.read(out.toString(StandardCharsets.UTF_8));
    }

    private List<String> remediate(List<Message> messages) throws IOException {
        return remediate(messages, org.settingsByCredentials(HOME));
    }

    /**
     * Runs the remediator function as Lambda's event source does: the batch as an SQS event, then
     * deletes every message not reported as a failure; returns the failures. Members' clients start
     * from {@code memberSettings} (no account header: the assumed role's credentials choose the account).
     */
    private List<String> remediate(List<Message> messages, ClientSettings memberSettings) throws IOException {
        return remediate(messages, memberSettings, () -> org.sts(CENTRAL, HOME));
    }

    /** As {@link #remediate(List, ClientSettings)}, assuming the member role with {@code sts}. */
    private List<String> remediate(List<Message> messages, ClientSettings memberSettings, Supplier<StsClient> sts)
            throws IOException {
        if (messages.isEmpty()) {
            return List.of();
        }
        OrgConfig config = OrgConfig.remediator(Map.of("GUARDRAIL_MODE", "rollback",
                "GUARDRAIL_TOPIC_ARN", org.alerts().arn(), "GUARDRAIL_STATE_TABLE", OrgWorld.STATE_TABLE));
        MemberGuards guards = new MemberGuards(config, memberSettings, sts, () -> org.sns(CENTRAL, HOME),
                () -> org.dynamo(CENTRAL, HOME), log);
        OrgRemediatorFunction function = new OrgRemediatorFunction(new OrgRemediator(guards,
                new SnsNotifier(() -> org.sns(CENTRAL, HOME), config.guard().topicArn()), log), log, metrics("org-remediator"));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            function.handle(new ByteArrayInputStream(OrgEvents.sqsEvent(messages, org.remediationQueueArn())
                    .getBytes(StandardCharsets.UTF_8)), out, null);
        } finally {
            guards.close();
        }
        List<String> failures = new ArrayList<>();
        OrgEvents.read(out.toString(StandardCharsets.UTF_8)).path("batchItemFailures")
                .forEach(f -> failures.add(f.path("itemIdentifier").asText()));
        messages.stream().filter(m -> !failures.contains(m.messageId())).forEach(m ->
                centralSqs().deleteMessage(b -> b.queueUrl(org.remediationQueueUrl()).receiptHandle(m.receiptHandle())));
        return failures;
    }

    private static EmfMetrics metrics(String function) {
        return new EmfMetrics(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), "LambdaGuardrail",
                function, Clock.systemUTC());
    }

    private SqsClient centralSqs() {
        return org.sqs(CENTRAL, HOME);
    }

    // ---- the members' functions -----------------------------------------------------------------

    /** Creates {@code function} in the member if needed and grants anyone its invocation; returns the statement Lambda wrote. */
    private static String publicGrant(String account, String region, String function, String sid) {
        LambdaClient lambda = org.lambda(account, region);
        try {
            lambda.getFunction(b -> b.functionName(function));
        } catch (ResourceNotFoundException e) {
            org.createFunction(account, region, function);
        }
        return lambda.addPermission(b -> b.functionName(function).statementId(sid).action("lambda:InvokeFunction")
                .principal("*")).statement();
    }

    private static Map<String, JsonNode> statements(String account, String region, String function) {
        Map<String, JsonNode> bySid = new HashMap<>();
        try {
            OrgEvents.read(org.lambda(account, region).getPolicy(b -> b.functionName(function)).policy()).path("Statement")
                    .forEach(s -> bySid.put(s.path("Sid").asText(), s));
        } catch (ResourceNotFoundException e) {
            // no policy: no statement
        }
        return bySid;
    }

    private static List<String> ids(List<Message> messages) {
        return messages.stream().map(m -> OrgEvents.eventId(OrgEvents.read(m.body()))).toList();
    }

    private static DeliveredAlert single(List<DeliveredAlert> alerts) {
        assertEquals(1, alerts.size(), alerts.toString());
        return alerts.get(0);
    }
}
