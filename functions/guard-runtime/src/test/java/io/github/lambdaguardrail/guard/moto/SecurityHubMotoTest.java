package io.github.lambdaguardrail.guard.moto;

import static io.github.lambdaguardrail.guard.moto.MotoAccount.deliver;
import static io.github.lambdaguardrail.guard.moto.MotoAccount.functionArn;
import static io.github.lambdaguardrail.guard.moto.MotoWorld.ACCOUNT;
import static io.github.lambdaguardrail.guard.moto.MotoWorld.REGION;
import static io.github.lambdaguardrail.guard.moto.MotoWorld.SETTINGS;
import static io.github.lambdaguardrail.guard.moto.PermissionRollbackMotoTest.single;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.lambdaguardrail.engine.WatchedApi;
import io.github.lambdaguardrail.guard.AwsClients;
import io.github.lambdaguardrail.guard.Guard;
import io.github.lambdaguardrail.guard.GuardConfig;
import io.github.lambdaguardrail.guard.GuardPermissions;
import io.github.lambdaguardrail.guard.GuardReport;
import io.github.lambdaguardrail.guard.JsonLog;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.services.securityhub.SecurityHubClient;
import software.amazon.awssdk.services.securityhub.model.AwsSecurityFinding;
import software.amazon.awssdk.services.securityhub.model.BatchImportFindingsRequest;
import software.amazon.awssdk.services.securityhub.model.ComplianceStatus;
import software.amazon.awssdk.services.securityhub.model.SeverityLabel;
import software.amazon.awssdk.services.securityhub.model.WorkflowStatus;
import software.amazon.awssdk.services.sns.model.PublishRequest;

/**
 * The permission guard with {@code SecurityHub=true} against moto's Security Hub, through the real
 * SDK clients on the production settings: what reaches {@code GetFindings} after a rollback and
 * after a notify-only verdict, once per event, after the SNS alert; and every call the guard makes
 * is one its role grants with the option on.
 */
@ExtendWith(MotoWorld.class)
class SecurityHubMotoTest {

    private final MotoAccount moto;
    /** Every call of this test's guard, checked against its grants after the test. */
    private final RecordedCalls guardCalls = new RecordedCalls();
    private final ByteArrayOutputStream log = new ByteArrayOutputStream();
    private AwsClients guardClients;
    /** The test's own client, to enable Security Hub and read its findings. */
    private SecurityHubClient securityHub;

    SecurityHubMotoTest(MotoAccount moto) {
        this.moto = moto;
    }

    @BeforeEach
    void enableSecurityHub() {
        securityHub = AwsClients.securityHub(SETTINGS);
        // moto imports findings without it; AWS refuses them unless Security Hub is enabled in the account and region.
        securityHub.enableSecurityHub(b -> b.enableDefaultStandards(false));
    }

    @AfterEach
    void close() {
        try {
            Set<String> undeclared = new TreeSet<>(guardCalls.iamActions());
            Set<String> granted = new TreeSet<>(GuardPermissions.forApis(WatchedApi.resourcePolicy()));
            granted.addAll(GuardPermissions.SECURITY_HUB);
            undeclared.removeAll(granted);
            assertEquals(Set.of(), undeclared, "calls the guard made that its role does not grant with SecurityHub=true");
        } finally {
            if (guardClients != null) {
                guardClients.close();
            }
            securityHub.close();
        }
    }

    /** The permission guard in {@code mode} with GUARDRAIL_SECURITY_HUB=true, its clients recorded as MotoAccount's are. */
    private Guard guard(String mode) {
        MotoRendering rendering = new MotoRendering();
        guardClients = new AwsClients(AwsClients.lambda(SETTINGS.withInterceptors(rendering, guardCalls)),
                AwsClients.sns(SETTINGS.withInterceptors(guardCalls)),
                AwsClients.dynamo(SETTINGS.withInterceptors(new AtomicConditionalWrites(), guardCalls)),
                Optional.of(AwsClients.securityHub(SETTINGS.withInterceptors(guardCalls))));
        Map<String, String> env = new HashMap<>(Map.of("GUARDRAIL_TOPIC_ARN", moto.topicArn,
                "GUARDRAIL_STATE_TABLE", moto.table, "GUARDRAIL_SELF_ROLE_ARNS", moto.guardRoleArn,
                "GUARDRAIL_MODE", mode, "GUARDRAIL_SECURITY_HUB", "true"));
        return Guard.create(GuardConfig.fromEnvironment(env), WatchedApi.resourcePolicy(), guardClients,
                new JsonLog(new PrintStream(log, true, StandardCharsets.UTF_8)));
    }

    private ObjectNode publicPermission(String function) {
        var open = moto.addPermission(b -> b.functionName(function).statementId("allow-anyone")
                .action("lambda:InvokeFunction").principal("*"));
        return CloudTrailEvents.addPermission(open.request(), open.response());
    }

    private List<AwsSecurityFinding> findings() {
        return securityHub.getFindings(b -> b.maxResults(100)).findings();
    }

    @Test
    void rolledBackPublicPermissionIsAResolvedPassedFindingOnTheFunctionAfterTheAlert() {
        String function = moto.createFunction("invoice-renderer");
        ObjectNode event = publicPermission(function);

        GuardReport report = deliver(guard("rollback"), event);

        assertEquals(1, report.rollbacks(), report.toString());
        assertEquals(Map.of(), moto.statements(function), "the public statement is gone");
        assertEquals("ROLLBACK", single(moto.awaitAlerts(1)).decision());
        AwsSecurityFinding f = single(findings());
        assertEquals(CloudTrailEvents.eventId(event) + "/PERMISSION_PUBLIC", f.id());
        assertEquals(WorkflowStatus.RESOLVED, f.workflow().status());
        assertEquals(ComplianceStatus.PASSED, f.compliance().status());
        assertEquals("AwsLambdaFunction", single(f.resources()).type());
        assertEquals(functionArn(function), single(f.resources()).id());
        assertEquals(REGION, single(f.resources()).region());
        assertEquals("arn:aws:securityhub:" + REGION + ":" + ACCOUNT + ":product/" + ACCOUNT + "/default", f.productArn());
        assertEquals(ACCOUNT, f.awsAccountId());
        assertEquals(SeverityLabel.CRITICAL, f.severity().label());
        assertTrue(f.remediation().recommendation().text().contains("aws lambda add-permission --function-name "
                + functionArn(function) + " --statement-id allow-anyone"), f.remediation().recommendation().text());
        assertEquals(1, report.securityHubFindings());
        assertEquals(0, report.securityHubFailures());
        assertEquals(List.of(PublishRequest.class, BatchImportFindingsRequest.class), publishAndImportInOrder(),
                "the SNS alert first, then Security Hub");
    }

    @Test
    void notifyOnlyVerdictIsANewFailedFindingAndTheStatementStays() {
        String function = moto.createFunction("invoice-renderer");
        ObjectNode event = publicPermission(function);

        GuardReport report = deliver(guard("notify"), event);

        assertEquals(0, report.rollbacks());
        assertEquals(Set.of("allow-anyone"), moto.statements(function).keySet());
        assertEquals("NOTIFY", single(moto.awaitAlerts(1)).decision());
        AwsSecurityFinding f = single(findings());
        assertEquals(WorkflowStatus.NEW, f.workflow().status());
        assertEquals(ComplianceStatus.FAILED, f.compliance().status());
        assertEquals(functionArn(function), single(f.resources()).id());
        assertEquals("NOTIFY", f.productFields().get("guardrail/decision"));
    }

    @Test
    void redeliveredEventImportsNothingMore() {
        String function = moto.createFunction("invoice-renderer");
        ObjectNode event = publicPermission(function);
        Guard guard = guard("rollback");

        deliver(guard, event);
        GuardReport again = deliver(guard, event);

        assertEquals(1, again.duplicates(), again.toString());
        assertEquals(1, guardCalls.requests(BatchImportFindingsRequest.class).size());
        assertEquals(1, findings().size());
        assertEquals(1, moto.awaitAlerts(1).size());
    }

    /** The guard's Publish and BatchImportFindings calls, by type, in the order it made them. */
    private List<Class<?>> publishAndImportInOrder() {
        return guardCalls.calls(SdkRequest.class).stream().map(c -> c.request().getClass())
                .filter(t -> t == PublishRequest.class || t == BatchImportFindingsRequest.class)
                .<Class<?>>map(t -> t).toList();
    }
}
