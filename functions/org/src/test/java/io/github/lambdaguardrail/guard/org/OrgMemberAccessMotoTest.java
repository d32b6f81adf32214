package io.github.lambdaguardrail.guard.org;

import static io.github.lambdaguardrail.guard.org.OrgWorld.CENTRAL;
import static io.github.lambdaguardrail.guard.org.OrgWorld.HOME;
import static io.github.lambdaguardrail.guard.org.OrgWorld.MEMBERS;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.lambdaguardrail.guard.AwsClients;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.FunctionConfiguration;
import software.amazon.awssdk.services.sts.model.Credentials;

/**
 * The central remediator's way into a member in moto: STS AssumeRole of the member's
 * LambdaGuardrailRemediator from the central account, then clients whose account comes from those
 * credentials ({@link OrgWorld#settingsByCredentials}).
 */
class OrgMemberAccessMotoTest {

    @RegisterExtension
    static final OrgWorld org = new OrgWorld();

    private static final String REGION = "eu-west-1";

    @Test
    void assumedRemediatorRoleSeesOnlyThatMembersFunctionsInThatRegion() {
        String member = MEMBERS.get(0);
        org.createFunction(member, REGION, "invoice-renderer");
        org.createFunction(MEMBERS.get(1), REGION, "payroll");
        org.createFunction(member, HOME, "reporting");

        try (LambdaClient lambda = memberLambda(member, "guardrail-remediation")) {
            assertEquals(List.of("invoice-renderer"),
                    lambda.listFunctions().functions().stream().map(FunctionConfiguration::functionName).toList());
        }
    }

    /**
     * moto does not evaluate the remediator role's trust policy: a session name outside
     * {@code guardrail-*}, which AWS refuses, is granted. Should moto start enforcing it, this fails.
     */
    @Test
    void motoGrantsTheRemediatorRoleDespiteItsTrustPolicy() {
        String member = MEMBERS.get(1);
        String arn = org.sts(CENTRAL, HOME).assumeRole(b -> b.roleArn(remediatorRole(member)).roleSessionName("not-the-guardrail"))
                .assumedRoleUser().arn();
        assertEquals("arn:aws:sts::" + member + ":assumed-role/LambdaGuardrailRemediator/not-the-guardrail", arn);
    }

    private static LambdaClient memberLambda(String member, String session) {
        Credentials credentials = org.sts(CENTRAL, HOME).assumeRole(b -> b.roleArn(remediatorRole(member)).roleSessionName(session))
                .credentials();
        return AwsClients.lambda(org.settingsByCredentials(REGION).withCredentials(StaticCredentialsProvider.create(
                AwsSessionCredentials.create(credentials.accessKeyId(), credentials.secretAccessKey(), credentials.sessionToken()))));
    }

    private static String remediatorRole(String member) {
        return "arn:aws:iam::" + member + ":role/LambdaGuardrailRemediator";
    }
}
