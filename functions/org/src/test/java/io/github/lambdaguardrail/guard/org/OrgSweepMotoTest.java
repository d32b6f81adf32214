package io.github.lambdaguardrail.guard.org;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static io.github.lambdaguardrail.guard.org.OrgWorld.CENTRAL;
import static io.github.lambdaguardrail.guard.org.OrgWorld.HOME;
import static io.github.lambdaguardrail.guard.org.OrgWorld.MEMBERS;
import static io.github.lambdaguardrail.guard.org.OrgWorld.REGIONS;
import static io.github.lambdaguardrail.guard.org.OrgWorld.ROLES_STACK_SET;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import io.github.lambdaguardrail.engine.GuardrailEngine;
import io.github.lambdaguardrail.guard.AwsClients;
import io.github.lambdaguardrail.guard.DynamoDbStateStore;
import io.github.lambdaguardrail.guard.SnsNotifier;
import io.github.lambdaguardrail.guard.moto.DeliveredAlert;
import io.github.lambdaguardrail.guard.moto.MotoWorld;
import io.github.lambdaguardrail.guard.org.OrgSweepResult.Reason;
import io.github.lambdaguardrail.guard.sweep.ScanSettings;
import io.github.lambdaguardrail.runtime.EmfMetrics;
import io.github.lambdaguardrail.runtime.JsonLog;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.cloudformation.model.StackSetOperationStatus;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.ResourceNotFoundException;
import software.amazon.awssdk.services.sts.StsClient;

/**
 * The organisation sweep on moto: members listed from the roles StackSet's instances, each swept in
 * both governed regions through the member role, one summary on the central topic. WireMock stands
 * in front of moto where moto cannot fail: STS refusing one member's role, one member's Lambda API
 * throttling every call.
 */
class OrgSweepMotoTest {

    @RegisterExtension
    static final OrgWorld org = new OrgWorld();

    private static final String A = MEMBERS.get(0);
    private static final String B = MEMBERS.get(1);
    /** A third member with the roles stack, whose role STS refuses. */
    private static final String REFUSED = "444444444444";
    private static final String EU = REGIONS.get(1);
    /** moto reports this VPC for every subnet. */
    private static final String MOTO_VPC = "vpc-123abc";
    /** The access key WireMock's STS hands out for a throttled member, so that its Lambda calls can be told apart. */
    private static final String THROTTLED_KEY = "ASIATHROTTLEDMEMBER0";

    private final ByteArrayOutputStream logs = new ByteArrayOutputStream();
    private final JsonLog log = new JsonLog(new PrintStream(logs, true, StandardCharsets.UTF_8));
    private final WireMockServer proxy = new WireMockServer(wireMockConfig().dynamicPort());
    private MotoWorld.Topic alerts;
    private String table;
    private OrgSweepConfig config;

    @BeforeEach
    void centralAccount() {
        proxy.start();
        proxy.stubFor(any(anyUrl()).atPriority(10).willReturn(aResponse().proxiedFrom(MotoWorld.ENDPOINT.toString())));
        // moto's server has no ListFunctionUrlConfigs (it answers 404): here no function has a URL.
        proxy.stubFor(get(urlPathMatching("/2021-10-31/functions/[^/]+/urls")).atPriority(5).willReturn(okJson("{\"FunctionUrlConfigs\":[]}")));
        alerts = org.alerts();
        table = OrgWorld.STATE_TABLE;
        Map<String, String> env = new HashMap<>();
        env.put("GUARDRAIL_MODE", "rollback");
        env.put("GUARDRAIL_ALLOWED_VPC_IDS", MOTO_VPC);
        env.put("GUARDRAIL_TOPIC_ARN", alerts.arn());
        env.put("GUARDRAIL_STATE_TABLE", table);
        env.put(OrgSweepConfig.REGIONS_VARIABLE, String.join(",", REGIONS));
        env.put(OrgSweepConfig.STACK_SET_VARIABLE, ROLES_STACK_SET);
        config = OrgSweepConfig.fromEnvironment(env);
    }

    @AfterEach
    void stopProxy() {
        proxy.stop();
    }

    @Test
    void everyMemberAndRegionIsSweptThroughItsRoleIntoOneSummaryAndARefusedRoleIsReportedNotSwept() {
        String a1 = publicGrant(A, HOME, "orders-api");
        org.createFunction(A, HOME, "orders-worker");
        String inVpc = functionInVpc(A, EU, "ledger");
        publicGrant(B, EU, "payroll");
        publicGrant(B, EU, "payslips");
        addRolesStackInstance(REFUSED);
        refuseAssumeRole(REFUSED);
        Map<String, String> before = memberState();

        OrgSweepResult result = sweep(Optional.empty());

        assertEquals(Map.of(), diff(before, memberState()), "the sweep changes nothing in any member");
        JsonNode summary = single(summaries()).document();
        assertEquals("SWEEP", summary.path("decision").asText());
        assertEquals(3, summary.path("accounts").asInt(), "every stack instance of the roles StackSet");
        assertEquals(Map.of(A + " " + HOME, 1, A + " " + EU, 0, B + " " + HOME, 0, B + " " + EU, 2), findingsBySwept(summary));
        assertEquals(Map.of(REFUSED + " " + HOME, "ASSUME_ROLE_FAILED", REFUSED + " " + EU, "ASSUME_ROLE_FAILED"),
                reasonsByNotSwept(summary));
        assertTrue(summary.path("notSwept").get(0).path("detail").asText().contains("AccessDenied"),
                summary.path("notSwept").toString());
        assertEquals(3, summary.path("findingsByRule").path("PERMISSION_PUBLIC").asInt());
        assertEquals(4, summary.path("findingsByRule").path("LAMBDA_NOT_IN_VPC").asInt(), "every function but the one in a VPC");
        assertEquals(7, summary.path("findingCount").asInt());
        assertEquals(a1, summary.path("findings").findValuesAsText("function").stream().filter(f -> f.contains(A)).findFirst()
                .orElseThrow());
        assertEquals(5, summary.path("functions").path("listed").asInt());
        assertEquals(0, summary.path("errorCount").asInt(), "every function read completely");
        assertEquals(4, result.swept().size());
        assertTrue(knownGoodVpc(inVpc), "a compliant VPC config is remembered centrally, as the single-account sweep does");
        assertTrue(logs.toString(StandardCharsets.UTF_8).contains("\"member not swept\""));
    }

    @Test
    void aThrottledMemberIsReportedAndTheOthersAreSwept() {
        publicGrant(A, HOME, "orders-api");
        publicGrant(B, HOME, "payroll");
        throttleMember(B);

        sweep(Optional.empty());

        JsonNode summary = single(summaries()).document();
        assertEquals(Map.of(A + " " + HOME, 1, A + " " + EU, 0), findingsBySwept(summary));
        assertEquals(Map.of(B + " " + HOME, "THROTTLED", B + " " + EU, "THROTTLED"), reasonsByNotSwept(summary));
        assertEquals(2, summary.path("notSweptByReason").path("THROTTLED").asInt());
    }

    @Test
    void aMemberWhoseRolesStackIsNotCurrentIsReportedWithoutAssumingItsRole() {
        publicGrant(A, HOME, "orders-api");
        MemberAccounts listed = () -> List.of(new MemberAccounts.Member(A, "CURRENT", ""),
                new MemberAccounts.Member(B, "OUTDATED", "The stack instance failed to update"));
        OrgSweepResult result = sweep(listed, Optional.empty());

        assertEquals(List.of(Reason.STACK_INSTANCE_NOT_CURRENT, Reason.STACK_INSTANCE_NOT_CURRENT),
                result.notSwept().stream().map(OrgSweepResult.NotSwept::reason).toList());
        assertEquals("OUTDATED: The stack instance failed to update", result.notSwept().get(0).detail());
        assertEquals(0, proxy.findAll(com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor(anyUrl())
                .withRequestBody(containing(B))).size(), "no AssumeRole into a member whose stack is not current");
        assertEquals(1, single(summaries()).document().path("findingsByRule").path("PERMISSION_PUBLIC").asInt());
    }

    @Test
    void accountRegionsNotStartedByTheDeadlineAreReportedAsSuch() {
        publicGrant(A, HOME, "orders-api");

        OrgSweepResult result = sweep(Optional.of(Instant.now().minusSeconds(1)));

        assertEquals(4, result.notSwept().size());
        assertTrue(result.notSwept().stream().allMatch(n -> n.reason() == Reason.DEADLINE), result.toString());
        JsonNode summary = single(summaries()).document();
        assertEquals(4, summary.path("notSweptByReason").path("DEADLINE").asInt());
        assertFalse(summary.path("complete").asBoolean());
    }

    // ---- the run ----------------------------------------------------------------------------------

    private OrgSweepResult sweep(Optional<Instant> deadline) {
        return sweep(new StackSetMemberAccounts(() -> org.cloudFormation(CENTRAL, HOME), config.rolesStackSet()), deadline);
    }

    /** The function as its handler builds it, with STS and the members' Lambda API behind WireMock. */
    private OrgSweepResult sweep(MemberAccounts members, Optional<Instant> deadline) {
        URI through = URI.create(proxy.baseUrl());
        try (StsClient sts = AwsClients.build(StsClient.builder(), org.settings(CENTRAL, HOME).withEndpoint(through))) {
            OrgSweep sweep = new OrgSweep(members,
                    new MemberClients(config.org().memberRoleName(), org.settingsByCredentials(HOME).withEndpoint(through), () -> sts),
                    config.regions(), new GuardrailEngine(config.org().guard().policy(), Set.of()),
                    Optional.of(new DynamoDbStateStore(() -> org.dynamo(CENTRAL, HOME), table)),
                    ScanSettings.DEFAULT.withRateLimit(50).withBackoff(2, Duration.ofMillis(1), Duration.ofMillis(1), Duration.ofMillis(5)),
                    log, Clock.systemUTC());
            OrgSweepFunction function = new OrgSweepFunction(sweep, new SnsNotifier(() -> org.sns(CENTRAL, HOME), alerts.arn()),
                    CENTRAL, HOME, log, new EmfMetrics(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                    "LambdaGuardrail", "org-sweep", Clock.systemUTC()), Clock.systemUTC());
            return function.run(deadline);
        }
    }

    // ---- the members ------------------------------------------------------------------------------

    /** A function granting anyone its invocation; returns its ARN. */
    private static String publicGrant(String account, String region, String name) {
        String arn = org.createFunction(account, region, name);
        org.lambda(account, region).addPermission(b -> b.functionName(name).statementId("anyone")
                .action("lambda:InvokeFunction").principal("*"));
        return arn;
    }

    /** A function moved into an allowed VPC (moto reports {@link #MOTO_VPC} for any subnet); returns its ARN. */
    private static String functionInVpc(String account, String region, String name) {
        String arn = org.createFunction(account, region, name);
        org.lambda(account, region).updateFunctionConfiguration(b -> b.functionName(name)
                .vpcConfig(v -> v.subnetIds("subnet-0a1b2c3d").securityGroupIds("sg-0a1b2c3d")));
        return arn;
    }

    /** Every member function's revision and policy, by account, region and name. */
    private static Map<String, String> memberState() {
        Map<String, String> state = new TreeMap<>();
        for (String account : List.of(A, B, REFUSED)) {
            for (String region : REGIONS) {
                LambdaClient lambda = org.lambda(account, region);
                lambda.listFunctions().functions().forEach(f -> {
                    String policy;
                    try {
                        policy = lambda.getPolicy(b -> b.functionName(f.functionName())).policy();
                    } catch (ResourceNotFoundException e) {
                        policy = "none";
                    }
                    state.put(account + " " + region + " " + f.functionName(), f.revisionId() + " " + policy);
                });
            }
        }
        return state;
    }

    private static Map<String, String> diff(Map<String, String> before, Map<String, String> after) {
        Map<String, String> changed = new TreeMap<>();
        before.forEach((k, v) -> {
            if (!v.equals(after.get(k))) {
                changed.put(k, v + " -> " + after.get(k));
            }
        });
        after.keySet().stream().filter(k -> !before.containsKey(k)).forEach(k -> changed.put(k, "added"));
        return changed;
    }

    private boolean knownGoodVpc(String functionArn) {
        var item = org.dynamo(CENTRAL, HOME).getItem(b -> b.tableName(table)
                .key(Map.of("pk", AttributeValue.fromS("vpc#" + functionArn))));
        return item.hasItem() && !item.item().isEmpty();
    }

    /** A stack instance of the roles StackSet in {@code account}, as auto-deployment gives a joining account. */
    private static void addRolesStackInstance(String account) {
        var cloudFormation = org.cloudFormation(CENTRAL, HOME);
        String operation = cloudFormation.createStackInstances(b -> b.stackSetName(ROLES_STACK_SET).accounts(account)
                .regions(HOME)).operationId();
        StackSetOperationStatus status;
        Instant deadline = Instant.now().plusSeconds(30);
        do {
            status = cloudFormation.describeStackSetOperation(b -> b.stackSetName(ROLES_STACK_SET).operationId(operation))
                    .stackSetOperation().status();
        } while (status != StackSetOperationStatus.SUCCEEDED && Instant.now().isBefore(deadline));
        assertEquals(StackSetOperationStatus.SUCCEEDED, status);
    }

    // ---- WireMock: what moto cannot do ----------------------------------------------------------------

    /** STS refuses the member role of {@code account}, as it does when the role's trust or an SCP denies it. */
    private void refuseAssumeRole(String account) {
        proxy.stubFor(any(anyUrl()).atPriority(1).withRequestBody(containing(account)).willReturn(aResponse().withStatus(403)
                .withHeader("Content-Type", "text/xml").withBody("<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">"
                        + "<Error><Type>Sender</Type><Code>AccessDenied</Code><Message>User: arn:aws:sts::" + CENTRAL
                        + ":assumed-role/LambdaGuardrailCentralRemediation/x is not authorized to perform: sts:AssumeRole on resource: "
                        + "arn:aws:iam::" + account + ":role/LambdaGuardrailRemediator</Message></Error>"
                        + "<RequestId>0a1b2c3d</RequestId></ErrorResponse>")));
    }

    /** {@code account}'s role is granted with a recognisable key, and every Lambda call signed with it answers 429. */
    private void throttleMember(String account) {
        proxy.stubFor(any(anyUrl()).atPriority(1).withRequestBody(containing(account)).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "text/xml").withBody("<AssumeRoleResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">"
                        + "<AssumeRoleResult><Credentials><AccessKeyId>" + THROTTLED_KEY + "</AccessKeyId>"
                        + "<SecretAccessKey>secret</SecretAccessKey><SessionToken>token</SessionToken>"
                        + "<Expiration>2099-01-01T00:00:00Z</Expiration></Credentials><AssumedRoleUser>"
                        + "<AssumedRoleId>AROAEXAMPLE:guardrail-sweep</AssumedRoleId><Arn>arn:aws:sts::" + account
                        + ":assumed-role/LambdaGuardrailRemediator/guardrail-sweep</Arn></AssumedRoleUser></AssumeRoleResult>"
                        + "<ResponseMetadata><RequestId>0a1b2c3d</RequestId></ResponseMetadata></AssumeRoleResponse>")));
        proxy.stubFor(any(anyUrl()).atPriority(1).withHeader("Authorization", containing(THROTTLED_KEY)).willReturn(aResponse()
                .withStatus(429).withHeader("x-amzn-ErrorType", "TooManyRequestsException")
                .withBody("{\"message\":\"Rate exceeded\",\"Type\":\"User\",\"Reason\":\"CallerRateLimitExceeded\"}")));
    }

    // ---- the summary ----------------------------------------------------------------------------------

    /** Every alert on the central topic, waiting for the first. */
    private static List<DeliveredAlert> summaries() {
        return org.receiveAlerts(1);
    }

    private static DeliveredAlert single(List<DeliveredAlert> delivered) {
        assertEquals(1, delivered.size(), "one summary per run: " + delivered);
        return delivered.get(0);
    }

    /** The public grants found in each account-region swept. */
    private static Map<String, Integer> findingsBySwept(JsonNode summary) {
        Map<String, Integer> out = new TreeMap<>();
        summary.path("swept").forEach(s -> out.put(s.path("account").asText() + " " + s.path("region").asText(),
                s.path("findingsByRule").path("PERMISSION_PUBLIC").asInt()));
        return out;
    }

    private static Map<String, String> reasonsByNotSwept(JsonNode summary) {
        Map<String, String> out = new TreeMap<>();
        summary.path("notSwept").forEach(s -> out.put(s.path("account").asText() + " " + s.path("region").asText(),
                s.path("reason").asText()));
        return out;
    }
}
