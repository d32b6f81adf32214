package io.github.lambdaguardrail.guard.securityhub;

import static io.github.lambdaguardrail.guard.moto.MotoAccount.deliver;
import static io.github.lambdaguardrail.guard.moto.MotoAccount.functionArn;
import static io.github.lambdaguardrail.guard.moto.MotoWorld.ACCOUNT;
import static io.github.lambdaguardrail.guard.moto.MotoWorld.REGION;
import static io.github.lambdaguardrail.guard.moto.MotoWorld.SETTINGS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.SNSEvent;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.lambdaguardrail.engine.WatchedApi;
import io.github.lambdaguardrail.guard.GuardReport;
import io.github.lambdaguardrail.guard.moto.CloudTrailEvents;
import io.github.lambdaguardrail.guard.moto.DeliveredAlert;
import io.github.lambdaguardrail.guard.moto.MotoAccount;
import io.github.lambdaguardrail.guard.moto.MotoWorld;
import io.github.lambdaguardrail.guard.moto.RecordedCalls;
import io.github.lambdaguardrail.runtime.SdkClients;
import java.io.ByteArrayInputStream;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.securityhub.SecurityHubClient;
import software.amazon.awssdk.services.securityhub.model.AwsSecurityFinding;
import software.amazon.awssdk.services.securityhub.model.BatchImportFindingsRequest;
import software.amazon.awssdk.services.securityhub.model.ComplianceStatus;
import software.amazon.awssdk.services.securityhub.model.SeverityLabel;
import software.amazon.awssdk.services.securityhub.model.WorkflowStatus;

/**
 * The guard and the exporter end to end on moto, through the real SDK clients on the production
 * settings: the permission guard judges a public statement moto really holds and publishes its
 * alert to moto's SNS; the alert, as the topic's SQS subscriber received it (raw delivery off), is
 * handed to the exporter's handler as the SNS event Lambda delivers; what then lands in moto's
 * Security Hub is checked with {@code GetFindings}. The guard makes no Security Hub call (its calls
 * are checked against its grants, which have none); every call of the exporter is one its role grants.
 */
@ExtendWith(MotoWorld.class)
class SecurityHubMotoTest {

    private final MotoAccount moto;
    /** Every call of the exporter, checked against its grants after the test. */
    private final RecordedCalls exporterCalls = new RecordedCalls();
    private Exporter exporter;
    /** The test's own client, to enable Security Hub and read its findings. */
    private SecurityHubClient securityHub;

    SecurityHubMotoTest(MotoAccount moto) {
        this.moto = moto;
    }

    @BeforeEach
    void enableSecurityHub() {
        securityHub = SdkClients.build(SecurityHubClient.builder(), SETTINGS);
        // moto imports findings without it; AWS refuses them unless Security Hub is enabled in the account and region.
        securityHub.enableSecurityHub(b -> b.enableDefaultStandards(false));
        exporter = new Exporter(SETTINGS.withInterceptors(exporterCalls));
    }

    @AfterEach
    void close() {
        try {
            Set<String> undeclared = new TreeSet<>(exporterCalls.iamActions());
            undeclared.removeAll(SecurityHubExportFunction.IAM_ACTIONS);
            assertEquals(Set.of(), undeclared, "calls the exporter made that its role does not grant");
        } finally {
            exporter.close();
            securityHub.close();
        }
    }

    private ObjectNode publicPermission(String function) {
        var open = moto.addPermission(b -> b.functionName(function).statementId("allow-anyone")
                .action("lambda:InvokeFunction").principal("*"));
        return CloudTrailEvents.addPermission(open.request(), open.response());
    }

    /** The one alert the guard published, as the alert topic's SQS subscriber received it. */
    private DeliveredAlert published() {
        List<DeliveredAlert> alerts = moto.awaitAlerts(1);
        assertEquals(1, alerts.size(), alerts.toString());
        return alerts.get(0);
    }

    private List<AwsSecurityFinding> findings() {
        return securityHub.getFindings(b -> b.maxResults(100)).findings();
    }

    private static <T> T single(List<T> items) {
        assertEquals(1, items.size(), items.toString());
        return items.get(0);
    }

    @Test
    void rolledBackPublicPermissionIsAResolvedPassedFindingOnTheFunction() {
        String function = moto.createFunction("invoice-renderer");
        ObjectNode event = publicPermission(function);

        GuardReport guarded = deliver(moto.permissionGuard(), event);
        DeliveredAlert alert = published();
        JsonNode report = exporter.invoke(SnsEvents.fromSqsNotification(alert.envelope()));

        assertEquals(1, guarded.rollbacks(), guarded.toString());
        assertEquals("ROLLBACK", alert.decision());
        assertEquals(1, report.path("findingsImported").asInt(), report.toString());
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
    }

    @Test
    void notifyOnlyVerdictIsANewFailedFindingAndTheStatementStays() {
        String function = moto.createFunction("invoice-renderer");
        ObjectNode event = publicPermission(function);

        deliver(moto.guard(WatchedApi.resourcePolicy(), Map.of("GUARDRAIL_MODE", "notify")), event);
        DeliveredAlert alert = published();
        exporter.invoke(SnsEvents.fromSqsNotification(alert.envelope()));

        assertEquals(Set.of("allow-anyone"), moto.statements(function).keySet());
        assertEquals("NOTIFY", alert.decision());
        AwsSecurityFinding f = single(findings());
        assertEquals(WorkflowStatus.NEW, f.workflow().status());
        assertEquals(ComplianceStatus.FAILED, f.compliance().status());
        assertEquals(functionArn(function), single(f.resources()).id());
        assertEquals("NOTIFY", f.productFields().get("guardrail/decision"));
    }

    @Test
    void alertDeliveredAgainUpdatesTheSameFinding() {
        String function = moto.createFunction("invoice-renderer");
        deliver(moto.permissionGuard(), publicPermission(function));
        byte[] event = SnsEvents.fromSqsNotification(published().envelope());

        exporter.invoke(event);
        exporter.invoke(event);

        assertEquals(2, exporterCalls.requests(BatchImportFindingsRequest.class).size());
        AwsSecurityFinding f = single(findings());
        assertEquals(WorkflowStatus.RESOLVED, f.workflow().status(), "the workflow it was created with");
    }

    /** The event the test hands the exporter is one aws-lambda-java-events reads as Lambda's SNS event, whole. */
    @Test
    void eventBuiltFromTheQueuedNotificationIsLambdasSnsEvent() {
        String function = moto.createFunction("invoice-renderer");
        deliver(moto.permissionGuard(), publicPermission(function));
        DeliveredAlert alert = published();

        SNSEvent event = LambdaEventSerializers.serializerFor(SNSEvent.class, getClass().getClassLoader())
                .fromJson(new ByteArrayInputStream(SnsEvents.fromSqsNotification(alert.envelope())));

        SNSEvent.SNS sns = single(event.getRecords()).getSNS();
        assertEquals("aws:sns", single(event.getRecords()).getEventSource());
        assertEquals(alert.envelope().path("MessageId").asText(), sns.getMessageId());
        assertEquals(alert.envelope().path("Message").asText(), sns.getMessage());
        assertEquals(alert.envelope().path("TopicArn").asText(), sns.getTopicArn());
        assertEquals("ROLLBACK", sns.getMessageAttributes().get("decision").getValue());
        assertEquals(alert.envelope().path("SigningCertURL").asText(), sns.getSigningCertUrl());
    }
}
