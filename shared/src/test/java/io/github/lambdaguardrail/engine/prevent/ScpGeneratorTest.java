package io.github.lambdaguardrail.engine.prevent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.lambdaguardrail.engine.Policy;
import io.github.lambdaguardrail.engine.PolicyException;
import io.github.lambdaguardrail.engine.PolicyLoader;
import io.github.lambdaguardrail.engine.RuleId;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Each expressible field, evaluated on requests made for it; the report; size; exemptions; rules turned off. */
class ScpGeneratorTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String OWN = "111122223333";
    private static final String FUNCTION = "arn:aws:lambda:us-east-1:" + OWN + ":function:orders";
    private static final String DEPLOYER = "arn:aws:iam::" + OWN + ":role/deployer";

    /**
     * Policy, action, request keys ({@code key=v1|v2}; the caller is always {@link #DEPLOYER} in {@link #OWN}),
     * the Sid expected to deny it or "" for none.
     */
    static Stream<Arguments> fieldCases() {
        String vpcLists = "{\"vpc\":{\"required\":false,\"allowedVpcIds\":[\"vpc-0a1\"],\"allowedSubnetIds\":[\"subnet-0a1\",\"subnet-0a2\"],"
                + "\"allowedSecurityGroupIds\":[\"sg-0a1\"],\"deniedSecurityGroupIds\":[\"sg-0bad\"]}}";
        String trusted = "{\"permissions\":{\"trustedAccountIds\":[\"444455556666\"]}}";
        return Stream.of(
                // vpc.required
                arguments("{}", "CreateFunction", "", "DenyLambdaOutsideVpc"),
                arguments("{}", "UpdateFunctionConfiguration", "", "DenyLambdaOutsideVpc"),
                arguments("{}", "CreateFunction", "lambda:VpcIds=vpc-1 lambda:SubnetIds=subnet-1 lambda:SecurityGroupIds=sg-1", ""),
                arguments("{\"vpc\":{\"required\":false}}", "CreateFunction", "", ""),
                // the allow-lists and the denied security groups; outside a VPC is not theirs
                arguments(vpcLists, "CreateFunction", "", ""),
                arguments(vpcLists, "CreateFunction", "lambda:VpcIds=vpc-0a1 lambda:SubnetIds=subnet-0a1|subnet-0a2 lambda:SecurityGroupIds=sg-0a1", ""),
                arguments(vpcLists, "CreateFunction", "lambda:VpcIds=vpc-0ff lambda:SubnetIds=subnet-0a1 lambda:SecurityGroupIds=sg-0a1",
                        "DenyLambdaVpcNotAllowed"),
                arguments(vpcLists, "UpdateFunctionConfiguration", "lambda:VpcIds=vpc-0a1 lambda:SubnetIds=subnet-0a1|subnet-0ff lambda:SecurityGroupIds=sg-0a1",
                        "DenyLambdaSubnetNotAllowed"),
                arguments(vpcLists, "CreateFunction", "lambda:VpcIds=vpc-0a1 lambda:SubnetIds=subnet-0a1 lambda:SecurityGroupIds=sg-0a1|sg-0ff",
                        "DenyLambdaSecurityGroupNotAllowed"),
                arguments("{\"vpc\":{\"deniedSecurityGroupIds\":[\"sg-0bad\"]}}", "CreateFunction",
                        "lambda:VpcIds=vpc-0a1 lambda:SubnetIds=subnet-0a1 lambda:SecurityGroupIds=sg-0a1|sg-0bad", "DenyLambdaSecurityGroupDenied"),
                arguments("{\"vpc\":{\"deniedSecurityGroupIds\":[\"sg-0bad\"]}}", "CreateFunction",
                        "lambda:VpcIds=vpc-0a1 lambda:SubnetIds=subnet-0a1 lambda:SecurityGroupIds=sg-0a1", ""),
                // principals: *, accounts, ARNs, services
                arguments("{}", "AddPermission", "lambda:Principal=*", "DenyLambdaPublicPermission DenyLambdaUntrustedAccount"),
                arguments("{}", "AddPermission", "lambda:Principal=" + OWN, ""),
                arguments("{}", "AddPermission", "lambda:Principal=arn:aws:iam::" + OWN + ":role/caller", ""),
                arguments("{}", "AddPermission", "lambda:Principal=s3.amazonaws.com", ""),
                arguments("{}", "AddPermission", "lambda:Principal=999988887777", "DenyLambdaUntrustedAccount"),
                arguments("{}", "AddPermission", "lambda:Principal=arn:aws:iam::999988887777:root", "DenyLambdaUntrustedArn"),
                arguments("{}", "AddPermission", "lambda:Principal=arn:aws:iam::999988887777:role/s3.amazonaws.com", "DenyLambdaUntrustedArn"),
                arguments(trusted, "AddPermission", "lambda:Principal=444455556666", ""),
                arguments(trusted, "AddPermission", "lambda:Principal=arn:aws:iam::444455556666:role/partner", ""),
                arguments(trusted, "AddPermission", "lambda:Principal=arn:aws:iam::999988887777:role/partner", "DenyLambdaUntrustedArn"),
                // function URLs
                arguments("{}", "CreateFunctionUrlConfig", "lambda:FunctionUrlAuthType=NONE", "DenyLambdaPublicFunctionUrl"),
                arguments("{}", "UpdateFunctionUrlConfig", "lambda:FunctionUrlAuthType=NONE", "DenyLambdaPublicFunctionUrl"),
                arguments("{}", "CreateFunctionUrlConfig", "lambda:FunctionUrlAuthType=AWS_IAM", ""),
                arguments("{}", "AddPermission", "lambda:Principal=" + OWN + " lambda:FunctionUrlAuthType=NONE", "DenyLambdaPublicFunctionUrl"),
                arguments("{\"permissions\":{\"allowPublicFunctionUrls\":true}}", "CreateFunctionUrlConfig", "lambda:FunctionUrlAuthType=NONE", ""),
                // guardrail tags
                arguments("{}", "TagResource", "aws:TagKeys=team|guardrail:exempt", "DenyGuardrailTagChange"),
                arguments("{}", "UntagResource", "aws:TagKeys=guardrail:quarantine", "DenyGuardrailTagChange"),
                arguments("{}", "TagResource", "aws:TagKeys=team", ""),
                arguments("{\"exemptions\":{\"tagKey\":\"break-glass\"}}", "TagResource", "aws:TagKeys=break-glass", "DenyGuardrailTagChange"),
                // the exemption tag: * or a list naming the rule
                arguments("{}", "UpdateFunctionConfiguration", "aws:ResourceTag/guardrail:exempt=*", ""),
                arguments("{}", "UpdateFunctionConfiguration", "aws:ResourceTag/guardrail:exempt=PERMISSION_PUBLIC,LAMBDA_NOT_IN_VPC", ""),
                arguments("{}", "UpdateFunctionConfiguration", "aws:ResourceTag/guardrail:exempt=PERMISSION_PUBLIC", "DenyLambdaOutsideVpc"),
                arguments("{}", "CreateFunction", "aws:RequestTag/guardrail:exempt=LAMBDA_NOT_IN_VPC", ""),
                arguments("{}", "AddPermission", "lambda:Principal=* aws:ResourceTag/guardrail:exempt=PERMISSION_PUBLIC",
                        "DenyLambdaUntrustedAccount"));
    }

    @ParameterizedTest(name = "{0} {1} [{2}]: {3}")
    @MethodSource("fieldCases")
    void fieldIsEnforcedByItsStatement(String policyJson, String action, String keys, String denyingSids) throws IOException {
        ScpReport report = ScpGenerator.generate(policy(policyJson), List.of());
        assertEquals(denyingSids, String.join(" ", new ScpEvaluator(report.scp()).denyingStatements(request(action, FUNCTION, keys))));
    }

    @Test
    void everyExpressibleFieldIsReportedWithItsStatement() throws IOException {
        ScpReport report = ScpGenerator.generate(policy("{\"vpc\":{\"allowedVpcIds\":[\"vpc-0a1\"],\"allowedSubnetIds\":[\"subnet-0a1\"],"
                + "\"allowedSecurityGroupIds\":[\"sg-0a1\"],\"deniedSecurityGroupIds\":[\"sg-0bad\"]}}"), List.of());
        assertEquals(List.of("vpc.required", "vpc.allowedVpcIds", "vpc.allowedSubnetIds", "vpc.allowedSecurityGroupIds",
                        "vpc.deniedSecurityGroupIds", "principal *", "permissions.trustedAccountIds", "permissions.trustedAccountIds",
                        "permissions.allowPublicFunctionUrls", "exemptions.tagKey and guardrail:* tags"),
                report.expressible().stream().map(ScpReport.Expressed::field).toList());
        assertEquals(sids(report), report.expressible().stream().map(ScpReport.Expressed::sid).toList());
    }

    @Test
    void everyInexpressibleFieldIsReportedWithItsReason() {
        ScpReport report = ScpGenerator.generate(Policy.defaults(), List.of());
        Map<String, String> reasons = report.detectiveOnly().stream()
                .collect(Collectors.toMap(ScpReport.DetectiveOnly::field, ScpReport.DetectiveOnly::reason));
        assertTrue(reasons.get("permissions.trustedOrgIds").contains("PrincipalOrgID"), reasons::toString);
        assertTrue(reasons.get("permissions.requireSourceForServicePrincipals").contains("SourceAccount and SourceArn"));
        assertTrue(reasons.get("permissions.allowedActions").contains("Action parameter"));
        assertTrue(reasons.get("permissions (PutResourcePolicy documents)").contains("not documented"));
        assertTrue(reasons.get("permissions.allowPublicFunctionUrls (InvokeFunction half)").contains("lambda:InvokedViaFunctionUrl"));
        assertTrue(report.detectiveOnly().stream().anyMatch(d -> d.rules().contains(RuleId.PERMISSION_SERVICE_WITHOUT_SOURCE)));
        assertTrue(report.detectiveOnly().stream().anyMatch(d -> d.rules().contains(RuleId.PERMISSION_WILDCARD_ACTION)));
    }

    @Test
    void vpcWarningSaysTheUpdateBehaviourIsUndocumented() {
        ScpReport report = ScpGenerator.generate(Policy.defaults(), List.of());
        assertTrue(report.warnings().stream().anyMatch(w -> w.contains("UpdateFunctionConfiguration") && w.contains("AWS documents")),
                report.warnings()::toString);
        assertTrue(report.warnings().stream().anyMatch(w -> w.contains("management account")));
    }

    @Test
    void defaultScpIsMinifiedAndWithinTheLimit() throws IOException {
        ScpReport report = ScpGenerator.generate(Policy.defaults(), List.of());
        assertEquals(JSON.readTree(report.scp()).toString(), report.scp());
        assertEquals(report.scp().length(), report.characters());
        assertTrue(report.fitsLimit(), () -> report.characters() + " characters");
    }

    @Test
    void hugeAllowListsDoNotFit() throws IOException {
        String subnets = IntStream.range(0, 700).mapToObj(i -> "\"subnet-" + String.format("%017x", i) + "\"")
                .collect(Collectors.joining(","));
        ScpReport report = ScpGenerator.generate(policy("{\"vpc\":{\"allowedSubnetIds\":[" + subnets + "]}}"), List.of());
        assertFalse(report.fitsLimit());
        assertTrue(report.characters() > ScpReport.CHARACTER_LIMIT);
    }

    @Test
    void roleSessionPatternBecomesItsRoleWithAndWithoutAPath() throws IOException {
        ScpReport report = ScpGenerator.generate(policy("{\"exemptions\":{\"actorArnPatterns\":"
                + "[\"arn:aws:sts::111122223333:assumed-role/BreakGlass/alice\"]}}"), List.of("arn:aws:iam::111122223333:user/ops"));
        JsonNode exempt = JSON.readTree(report.scp()).get("Statement").get(0).get("Condition").get("ArnNotLike").get("aws:PrincipalArn");
        assertEquals("[\"arn:aws:iam::111122223333:role/BreakGlass\",\"arn:aws:iam::111122223333:role/*/BreakGlass\","
                + "\"arn:aws:iam::111122223333:user/ops\"]", exempt.toString());
        assertTrue(report.warnings().stream().anyMatch(w -> w.contains("All sessions of the role") && w.contains("'alice'")),
                report.warnings()::toString);
        ScpEvaluator scp = new ScpEvaluator(report.scp());
        for (String role : List.of("arn:aws:iam::111122223333:role/BreakGlass", "arn:aws:iam::111122223333:role/emergency/BreakGlass")) {
            Map<String, List<String>> keys = new LinkedHashMap<>();
            keys.put("aws:PrincipalArn", List.of(role));
            keys.put("aws:PrincipalAccount", List.of(OWN));
            assertFalse(scp.denies(new ScpEvaluator.Request("lambda:CreateFunction", FUNCTION, keys)), role);
            assertFalse(scp.denies(new ScpEvaluator.Request("lambda:TagResource", FUNCTION,
                    Map.of("aws:PrincipalArn", List.of(role), "aws:TagKeys", List.of("guardrail:exempt")))), role);
        }
        assertTrue(scp.denies(request("CreateFunction", FUNCTION, "")));
    }

    @Test
    void exemptRoleThatIsNoArnIsRefused() {
        PolicyException e = assertThrows(PolicyException.class, () -> ScpGenerator.generate(Policy.defaults(), List.of("BreakGlass")));
        assertTrue(e.getMessage().contains("--exempt-role"), e.getMessage());
    }

    @Test
    void noExemptPrincipalWarnsThatTheGuardsQuarantineIsDenied() {
        assertTrue(ScpGenerator.generate(Policy.defaults(), List.of()).warnings().stream().anyMatch(w -> w.contains("--exempt-role")));
        assertFalse(ScpGenerator.generate(Policy.defaults(), List.of(DEPLOYER)).warnings().stream().anyMatch(w -> w.contains("--exempt-role")));
    }

    @Test
    void ruleTurnedOffHasNoStatement() throws IOException {
        ScpReport report = ScpGenerator.generate(policy("{\"vpc\":{\"deniedSecurityGroupIds\":[\"sg-0bad\"]},\"rules\":"
                + "{\"LAMBDA_NOT_IN_VPC\":\"off\",\"LAMBDA_VPC_NOT_ALLOWED\":\"off\",\"PERMISSION_UNTRUSTED_ACCOUNT\":\"off\"}}"), List.of());
        assertEquals(List.of("DenyLambdaPublicPermission", "DenyLambdaPublicFunctionUrl", "DenyGuardrailTagChange"), sids(report));
        assertTrue(report.warnings().contains("LAMBDA_NOT_IN_VPC is off in the policy: no statement for it"));
    }

    @Test
    void functionNameExemptionsAndTheGuardrailsOwnFunctionsAreNotResources() throws IOException {
        String guard = "arn:aws:lambda:us-east-1:111122223333:function:lambda-guardrail-VpcGuardFunction";
        ScpReport report = ScpGenerator.generate(policy("{\"exemptions\":{\"functionNamePatterns\":[\"legacy-*\"]},"
                + "\"guardrail\":{\"resources\":[\"" + guard + "\"]}}"), List.of());
        ScpEvaluator scp = new ScpEvaluator(report.scp());
        assertEquals(List.of(), scp.denyingStatements(request("CreateFunction", guard, "")));
        assertEquals(List.of(), scp.denyingStatements(request("CreateFunction", "arn:aws:lambda:us-east-1:111122223333:function:legacy-a", "")));
        assertEquals(List.of(), scp.denyingStatements(request("AddPermission", "arn:aws:lambda:us-east-1:111122223333:function:legacy-a:live",
                "lambda:Principal=*")));
        // The guardrail's own functions are exempt from the VPC rules only.
        assertEquals(List.of("DenyLambdaPublicPermission", "DenyLambdaUntrustedAccount"),
                scp.denyingStatements(request("AddPermission", guard, "lambda:Principal=*")));
    }

    private static List<String> sids(ScpReport report) throws IOException {
        List<String> sids = new ArrayList<>();
        JSON.readTree(report.scp()).get("Statement").forEach(s -> sids.add(s.get("Sid").asText()));
        return sids;
    }

    private static Policy policy(String json) throws IOException {
        return PolicyLoader.fromJson(JSON.readTree(json));
    }

    static ScpEvaluator.Request request(String action, String resource, String keys) {
        Map<String, List<String>> context = new LinkedHashMap<>();
        context.put("aws:PrincipalArn", List.of(DEPLOYER));
        context.put("aws:PrincipalAccount", List.of(OWN));
        for (String pair : keys.isEmpty() ? new String[0] : keys.split(" ")) {
            String[] kv = pair.split("=", 2);
            context.put(kv[0], List.of(kv[1].split("\\|")));
        }
        return new ScpEvaluator.Request("lambda:" + action, resource, context);
    }
}
