package io.github.lambdaguardrail.guard.org;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import io.github.lambdaguardrail.guard.AwsClients;
import io.github.lambdaguardrail.guard.ClientSettings;
import io.github.lambdaguardrail.guard.EmfMetrics;
import io.github.lambdaguardrail.guard.JsonLog;
import io.github.lambdaguardrail.guard.SnsNotifier;
import io.github.lambdaguardrail.guard.moto.DeliveredAlert;
import io.github.lambdaguardrail.guard.moto.MotoWorld;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.ResourceNotFoundException;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sts.StsClient;

/**
 * Organisation mode end to end on moto: the central account evaluates a member's event, alerts and
 * queues it; the remediator assumes the member role (moto's STS gives that account's credentials)
 * and acts in exactly that account and region. Central 111111111111; members 222222222222 and
 * 333333333333; regions us-east-1 and eu-west-1.
 */
class OrgModeMotoTest {

    static final String CENTRAL = "111111111111";
    static final String A = "222222222222";
    static final String B = "333333333333";
    static final String HOME = "us-east-1";
    static final String OTHER = "eu-west-1";

    @RegisterExtension
    static final MotoWorld central = MotoWorld.inAccount(CENTRAL);
    @RegisterExtension
    static final MotoWorld memberA = MotoWorld.inAccount(A);
    @RegisterExtension
    static final MotoWorld memberB = MotoWorld.inAccount(B);

    private final ByteArrayOutputStream logs = new ByteArrayOutputStream();
    private final JsonLog log = new JsonLog(new PrintStream(logs, true, StandardCharsets.UTF_8));
    /** A new name per test: moto keeps the members' functions between tests. */
    private String function;
    private MotoWorld.Topic alerts;
    private String queueUrl;
    private String queueArn;
    private OrgConfig config;

    @BeforeEach
    void centralAccount() {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        function = "invoice-renderer-" + suffix;
        alerts = central.createTopicWithQueue("alerts-" + suffix);
        String table = central.createStateTable("state-" + suffix);
        queueUrl = central.sqs().createQueue(b -> b.queueName("remediation-" + suffix + ".fifo").attributes(Map.of(
                QueueAttributeName.FIFO_QUEUE, "true", QueueAttributeName.VISIBILITY_TIMEOUT, "360"))).queueUrl();
        queueArn = central.sqs().getQueueAttributes(b -> b.queueUrl(queueUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
        Map<String, String> env = new HashMap<>();
        env.put("GUARDRAIL_MODE", "rollback");
        env.put("GUARDRAIL_TOPIC_ARN", alerts.arn());
        env.put("GUARDRAIL_STATE_TABLE", table);
        env.put(OrgConfig.QUEUE_URL_VARIABLE, queueUrl);
        config = OrgConfig.evaluator(env);
    }

    @BeforeAll
    static void functionRoles() {
        memberA.createRole("fn");
        memberB.createRole("fn");
    }

    // ---- the path --------------------------------------------------------------------------------

    @Test
    void aPublicGrantInAMemberIsAlertedQueuedAndRemovedInThatAccountAndRegionOnly() throws IOException {
        String statement = publicGrant(lambda(memberA, OTHER), function, "allow-anyone");
        publicGrant(lambda(memberA, HOME), function, "allow-anyone");
        publicGrant(lambda(memberB, OTHER), function, "allow-anyone");
        ObjectNode event = OrgEvents.addPermission(A, OTHER, function, statement);

        OrgReport report = evaluate(event);

        assertEquals(1, report.queued());
        DeliveredAlert found = single(awaitAlerts(1));
        assertEquals("ROLLBACK_QUEUED", found.decision());
        assertEquals(List.of("PERMISSION_PUBLIC"), found.ruleIds());
        assertEquals(A, found.attributes().get("account"));
        assertEquals(OTHER, found.attributes().get("region"));
        assertEquals("QUEUED", found.outcomes().get(0).path("status").asText());

        List<Message> queued = receive(10);
        assertEquals(1, queued.size());
        assertEquals(A + ":" + OTHER, OrgEvents.group(queued.get(0)));
        assertEquals(OrgEvents.eventId(event), OrgEvents.eventId(OrgEvents.read(queued.get(0).body())));

        assertEquals(List.of(), remediate(queued));

        DeliveredAlert acted = single(awaitAlerts(1));
        assertEquals("ROLLBACK", acted.decision());
        assertEquals(A, acted.attributes().get("account"));
        assertEquals(OTHER, acted.attributes().get("region"));
        assertEquals(Map.of(), statements(lambda(memberA, OTHER), function), "removed where the event happened");
        assertEquals(List.of("allow-anyone"), List.copyOf(statements(lambda(memberA, HOME), function).keySet()),
                "the same function name in the member's other region is untouched");
        assertEquals(List.of("allow-anyone"), List.copyOf(statements(lambda(memberB, OTHER), function).keySet()),
                "the same function name in another account is untouched");
    }

    @Test
    void aSecondDeliveryOfTheSameEventIsQueuedOnceAndActedOnOnce() throws IOException {
        String statement = publicGrant(lambda(memberA, HOME), function, "allow-anyone");
        ObjectNode event = OrgEvents.addPermission(A, HOME, function, statement);

        evaluate(event);
        evaluate(event);

        List<Message> queued = receive(10);
        assertEquals(1, queued.size(), "the FIFO queue drops the copy with the same deduplication id");
        assertEquals(2, awaitAlerts(2).size(), "the evaluator keeps no state: each delivery is alerted");
        assertEquals(List.of(), remediate(queued));
        assertEquals(List.of("ROLLBACK"), awaitAlerts(1).stream().map(DeliveredAlert::decision).toList());
    }

    @Test
    void theGuardrailsOwnSessionInAMemberIsNeverActedOn() throws IOException {
        String statement = publicGrant(lambda(memberA, HOME), function, "allow-anyone");
        ObjectNode event = OrgEvents.byMemberRole(OrgEvents.addPermission(A, HOME, function, statement),
                OrgConfig.DEFAULT_MEMBER_ROLE);

        OrgReport report = evaluate(event);

        assertEquals(0, report.queued());
        assertEquals(0, report.findings());
        assertEquals(List.of(), receive(10));
        assertEquals(List.of(), awaitAlerts(0));
        assertTrue(logs.toString(StandardCharsets.UTF_8).contains("change made by the guard itself (arn:aws:iam::" + A
                + ":role/LambdaGuardrailRemediator)"));
    }

    @Test
    void aRollbackThatCannotBeQueuedIsAlertedAsFailed() throws IOException {
        String statement = publicGrant(lambda(memberA, HOME), function, "allow-anyone");
        String missing = queueUrl.replace("remediation-", "deleted-");
        OrgEvaluator evaluator = new OrgEvaluator(config.guard(), new SqsRemediationQueue(central::sqs, missing),
                new SnsNotifier(central::sns, config.guard().topicArn()), log);
        OrgReport report = new OrgReport();

        evaluator.handle(bytes(OrgEvents.addPermission(A, HOME, function, statement)), report);

        assertEquals(1, report.queueFailures());
        DeliveredAlert alert = single(awaitAlerts(1));
        assertEquals("ROLLBACK_FAILED", alert.decision());
        assertTrue(alert.outcomes().get(0).path("detail").asText().startsWith("not handed to the remediator"),
                alert.outcomes().toString());
        assertEquals(List.of("allow-anyone"), List.copyOf(statements(lambda(memberA, HOME), function).keySet()));
    }

    @Test
    void aMessageWhoseEventIsOfAnotherAccountIsAlertedAndDroppedNotActedOn() throws IOException {
        String statement = publicGrant(lambda(memberA, HOME), function, "allow-anyone");
        ObjectNode event = OrgEvents.addPermission(A, HOME, function, statement);
        central.sqs().sendMessage(b -> b.queueUrl(queueUrl).messageBody(event.toString()).messageGroupId(B + ":" + HOME)
                .messageDeduplicationId("forged"));

        assertEquals(List.of(), remediate(receive(10)), "dropped: another delivery cannot make it right");

        DeliveredAlert alert = single(awaitAlerts(1));
        assertEquals("INVALID", alert.decision());
        assertTrue(alert.document().path("reason").asText().contains("not of its message group " + B + ":" + HOME),
                alert.document().toString());
        assertEquals(List.of("allow-anyone"), List.copyOf(statements(lambda(memberA, HOME), function).keySet()));
    }

    // ---- order and isolation between members -------------------------------------------------

    @Test
    void twentyEventsOfOneMemberDoNotDelayAnotherAndEachGroupStaysInOrder() throws IOException {
        LambdaClient a = lambda(memberA, HOME);
        List<String> sent = new ArrayList<>();
        for (int i = 1; i <= 20; i++) {
            ObjectNode event = OrgEvents.addPermission(A, HOME, function, publicGrant(a, function, "grant-" + i));
            sent.add(OrgEvents.eventId(event));
            evaluate(event);
        }
        String statementB = publicGrant(lambda(memberB, HOME), function, "allow-anyone");
        evaluate(OrgEvents.addPermission(B, HOME, function, statementB));
        awaitAlerts(21);

        // Lambda's poller receives again while a batch is in flight: the queue holds back the busy group.
        List<Message> firstA = receive(10);
        List<Message> meanwhile = receive(10);
        assertEquals(List.of(A + ":" + HOME), firstA.stream().map(OrgEvents::group).distinct().toList());
        assertEquals(List.of(B + ":" + HOME), meanwhile.stream().map(OrgEvents::group).toList(),
                "the other member's event is delivered while the first ten of the busy one are in flight");
        assertEquals(List.of(), remediate(meanwhile));
        assertEquals(Map.of(), statements(lambda(memberB, HOME), function));
        assertEquals(20, statements(a, function).size(), "not one of the busy member's events was handled yet");

        List<String> handled = new ArrayList<>(ids(firstA));
        assertEquals(List.of(), remediate(firstA));
        List<Message> secondA = receive(10);
        handled.addAll(ids(secondA));
        assertEquals(List.of(), remediate(secondA));
        assertEquals(sent, handled, "one member's events are handled in the order they happened");
        assertEquals(Map.of(), statements(a, function));
    }

    @Test
    void throttlingInOneMemberDelaysOnlyItsGroup() throws IOException {
        WireMockServer proxy = new WireMockServer(wireMockConfig().dynamicPort());
        proxy.start();
        try {
            proxy.stubFor(any(anyUrl()).atPriority(10).willReturn(aResponse().proxiedFrom(MotoWorld.ENDPOINT.toString())));
            proxy.stubFor(any(urlPathMatching(".*-throttled.*")).atPriority(1).willReturn(aResponse()
                    .withStatus(429).withHeader("x-amzn-ErrorType", "TooManyRequestsException")
                    .withBody("{\"message\":\"Rate exceeded\",\"Type\":\"User\",\"Reason\":\"CallerRateLimitExceeded\"}")));
            evaluate(OrgEvents.addPermission(A, HOME, function + "-throttled", publicGrant(lambda(memberA, HOME), function + "-throttled", "one")));
            evaluate(OrgEvents.addPermission(A, HOME, function, publicGrant(lambda(memberA, HOME), function, "two")));
            evaluate(OrgEvents.addPermission(B, HOME, function, publicGrant(lambda(memberB, HOME), function, "three")));
            awaitAlerts(3);
            List<Message> batch = new ArrayList<>(receive(10));
            batch.addAll(receive(10));
            assertEquals(3, batch.size());

            List<String> retry = remediate(batch, MotoWorld.SETTINGS.withEndpoint(URI.create(proxy.baseUrl())));

            List<String> groupA = batch.stream().filter(m -> OrgEvents.group(m).startsWith(A)).map(Message::messageId).toList();
            assertEquals(groupA, retry, "the throttled member's message, and the one after it in its group, come again");
            assertEquals(Map.of(), statements(lambda(memberB, HOME), function), "the other member was not held up");
            assertEquals(List.of("two"), List.copyOf(statements(lambda(memberA, HOME), function).keySet()),
                    "kept in order behind the throttled one");
        } finally {
            proxy.stop();
        }
    }

    // ---- helpers ----------------------------------------------------------------------------------

    private OrgReport evaluate(ObjectNode event) throws IOException {
        OrgEvaluator evaluator = new OrgEvaluator(config.guard(), new SqsRemediationQueue(central::sqs, queueUrl),
                new SnsNotifier(central::sns, config.guard().topicArn()), log);
        OrgReport report = new OrgReport();
        evaluator.handle(bytes(event), report);
        return report;
    }

    private List<String> remediate(List<Message> messages) throws IOException {
        return remediate(messages, MotoWorld.SETTINGS);
    }

    /**
     * Runs the remediator as Lambda's event source does: the batch as an SQS event, then deletes
     * every message not reported as a failure. Members' clients start from {@code memberSettings}
     * (no account header: the assumed role's credentials choose the account).
     */
    private List<String> remediate(List<Message> messages, ClientSettings memberSettings) throws IOException {
        if (messages.isEmpty()) {
            return List.of();
        }
        OrgConfig remediator = OrgConfig.remediator(Map.of("GUARDRAIL_MODE", "rollback",
                "GUARDRAIL_TOPIC_ARN", config.guard().topicArn(), "GUARDRAIL_STATE_TABLE", config.guard().stateTable()));
        StsClient sts = central.client(StsClient.builder());
        MemberGuards guards = new MemberGuards(remediator, memberSettings, () -> sts, central::sns, central::dynamo, log);
        OrgRemediatorFunction function = new OrgRemediatorFunction(new OrgRemediator(guards,
                new SnsNotifier(central::sns, config.guard().topicArn()), log), log,
                new EmfMetrics(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), "LambdaGuardrail",
                        "org-remediator", Clock.systemUTC()));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            function.handle(new ByteArrayInputStream(OrgEvents.sqsEvent(messages, queueArn).getBytes(StandardCharsets.UTF_8)),
                    out, null);
        } finally {
            guards.close();
        }
        List<String> failures = new ArrayList<>();
        OrgEvents.read(out.toString(StandardCharsets.UTF_8)).path("batchItemFailures")
                .forEach(f -> failures.add(f.path("itemIdentifier").asText()));
        messages.stream().filter(m -> !failures.contains(m.messageId()))
                .forEach(m -> central.sqs().deleteMessage(b -> b.queueUrl(queueUrl).receiptHandle(m.receiptHandle())));
        return failures;
    }

    private List<Message> receive(int max) {
        return central.sqs().receiveMessage(b -> b.queueUrl(queueUrl).maxNumberOfMessages(max)
                .messageSystemAttributeNames(MessageSystemAttributeName.ALL)).messages();
    }

    private static List<String> ids(List<Message> messages) {
        return messages.stream().map(m -> OrgEvents.eventId(OrgEvents.read(m.body()))).toList();
    }

    private List<DeliveredAlert> awaitAlerts(int expected) {
        List<DeliveredAlert> found = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        List<Message> more;
        do {
            more = central.sqs().receiveMessage(b -> b.queueUrl(alerts.queueUrl()).maxNumberOfMessages(10)
                    .waitTimeSeconds(found.size() < expected ? 1 : 0)).messages();
            for (Message m : more) {
                found.add(DeliveredAlert.fromSqsBody(m.body()));
                central.sqs().deleteMessage(b -> b.queueUrl(alerts.queueUrl()).receiptHandle(m.receiptHandle()));
            }
        } while (!more.isEmpty() || found.size() < expected && System.nanoTime() < deadline);
        return found;
    }

    private static DeliveredAlert single(List<DeliveredAlert> alerts) {
        assertEquals(1, alerts.size(), alerts.toString());
        return alerts.get(0);
    }

    /** A Lambda client of {@code member} in {@code region}, closed after the class. */
    private static LambdaClient lambda(MotoWorld member, String region) {
        return LAMBDA.computeIfAbsent(member.accountId() + ":" + region,
                key -> AwsClients.build(LambdaClient.builder(), member.settings().withRegion(Region.of(region))));
    }

    private static final Map<String, LambdaClient> LAMBDA = new java.util.concurrent.ConcurrentHashMap<>();

    @AfterAll
    static void closeClients() {
        LAMBDA.values().forEach(LambdaClient::close);
        LAMBDA.clear();
    }

    /**
     * Creates {@code function} if needed (with the role {@link #functionRoles} made in its account)
     * and grants anyone its invocation; returns the statement Lambda wrote.
     */
    private static String publicGrant(LambdaClient lambda, String function, String sid) {
        String account = LAMBDA.entrySet().stream().filter(e -> e.getValue() == lambda).findFirst().orElseThrow()
                .getKey().split(":")[0];
        try {
            lambda.getFunction(b -> b.functionName(function));
        } catch (ResourceNotFoundException e) {
            lambda.createFunction(b -> b.functionName(function).runtime("python3.12").handler("x.handler")
                    .role("arn:aws:iam::" + account + ":role/fn").code(c -> c.zipFile(SdkBytes.fromByteArray(MotoWorld.CODE))));
        }
        return lambda.addPermission(b -> b.functionName(function).statementId(sid).action("lambda:InvokeFunction")
                .principal("*")).statement();
    }

    private static Map<String, JsonNode> statements(LambdaClient lambda, String function) {
        Map<String, JsonNode> bySid = new HashMap<>();
        try {
            OrgEvents.read(lambda.getPolicy(b -> b.functionName(function)).policy()).path("Statement")
                    .forEach(s -> bySid.put(s.path("Sid").asText(), s));
        } catch (ResourceNotFoundException e) {
            // no policy: no statement
        }
        return bySid;
    }

    private static ByteArrayInputStream bytes(JsonNode event) {
        return new ByteArrayInputStream(event.toString().getBytes(StandardCharsets.UTF_8));
    }
}
