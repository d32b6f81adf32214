package io.github.lambdaguardrail.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.github.lambdaguardrail.engine.CloudTrailReader;
import io.github.lambdaguardrail.engine.Finding;
import io.github.lambdaguardrail.engine.FunctionFacts;
import io.github.lambdaguardrail.engine.GuardrailEngine;
import io.github.lambdaguardrail.engine.ParsedRecord;
import io.github.lambdaguardrail.engine.Policy;
import io.github.lambdaguardrail.engine.RuleId;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/**
 * Runs {@code guardrail check} in-process over the templates of {@code src/test/resources/templates}
 * (each says in its Description what it holds) and over the project's own template.
 */
class CheckCommandTest {

    private static final Path TEMPLATES = Path.of("src", "test", "resources", "templates");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private record Run(int status, String out, String err) {
    }

    /** One finding of the JSON Lines output. */
    private record Seen(String resource, String rule, int line, boolean exempted, String message) {
        String id() {
            return resource + " " + rule;
        }
    }

    private static Run run(Object... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cmd = GuardrailCli.commandLine();
        cmd.setOut(new PrintWriter(out));
        cmd.setErr(new PrintWriter(err));
        int status = cmd.execute(Arrays.stream(args).map(String::valueOf).toArray(String[]::new));
        return new Run(status, out.toString(), err.toString());
    }

    private static Path template(String name) {
        return TEMPLATES.resolve(name);
    }

    /** {@code check --format json}: the findings, with the exit status checked. */
    private static List<Seen> findings(int expectedStatus, Object... args) throws IOException {
        List<Object> all = new ArrayList<>(List.of("check", "--format", "json"));
        all.addAll(List.of(args));
        Run run = run(all.toArray());
        assertEquals(expectedStatus, run.status(), () -> "status of " + all + "\nout:\n" + run.out() + "\nerr:\n" + run.err());
        List<Seen> seen = new ArrayList<>();
        for (String line : run.out().lines().toList()) {
            JsonNode f = JSON.readTree(line);
            seen.add(new Seen(f.get("resource").textValue(), f.get("rule").textValue(), f.get("line").intValue(),
                    f.has("exemption"), f.get("message").textValue()));
        }
        return seen;
    }

    private static Set<String> ids(List<Seen> findings) {
        return new TreeSet<>(findings.stream().map(Seen::id).toList());
    }

    private static Seen only(List<Seen> findings, String resource, String rule) {
        List<Seen> matching = findings.stream().filter(f -> f.resource().equals(resource) && f.rule().equals(rule)).toList();
        assertEquals(1, matching.size(), () -> resource + " " + rule + " once in " + findings);
        return matching.get(0);
    }

    /** The line (from 1) of the first line holding {@code text} after the first holding {@code after}. */
    private static int lineOf(String template, String after, String text) throws IOException {
        List<String> lines = Files.readAllLines(template(template));
        int from = 0;
        while (!lines.get(from).contains(after)) {
            from++;
        }
        for (int i = from; i < lines.size(); i++) {
            if (lines.get(i).contains(text)) {
                return i + 1;
            }
        }
        throw new AssertionError(text + " not in " + template);
    }

    private Path policy(String json) throws IOException {
        Path file = tmp.resolve("policy.json");
        Files.writeString(file, json);
        return file;
    }

    @Test
    void compliantTemplateHasNoFindingsAndExitsZero() throws IOException {
        assertEquals(List.of(), findings(0, template("compliant.yaml")));
    }

    @Test
    void functionWithoutVpcConfigIsReportedAtItsLogicalId() throws IOException {
        List<Seen> findings = findings(1, template("no-vpc.yaml"));
        assertEquals(Set.of("LegacyFunction LAMBDA_NOT_IN_VPC"), ids(findings));
        assertEquals(lineOf("no-vpc.yaml", "Resources:", "LegacyFunction:"), findings.get(0).line());
    }

    @Test
    void vpcConfigFromGlobalsAndParameterDefaultsIsCompliant() throws IOException {
        assertEquals(List.of(), findings(0, template("globals.yaml")));
    }

    @Test
    void securityGroupAddedToTheGlobalOnesIsJudgedAgainstTheAllowList() throws IOException {
        Path allowList = policy("{\"vpc\": {\"allowedSecurityGroupIds\": [\"sg-0ccc3333\"]}}");
        List<Seen> findings = findings(1, "--policy", allowList, template("globals.yaml"));
        Seen seen = only(findings, "AddsGroupFunction", "LAMBDA_VPC_NOT_ALLOWED");
        assertEquals(1, findings.size(), findings::toString);
        assertTrue(seen.message().contains("sg-0ddd4444"), seen::message);
        assertEquals(lineOf("globals.yaml", "AddsGroupFunction:", "VpcConfig:"), seen.line());
    }

    @Test
    void importedSubnetsAndAnotherResourcesGroupIdAreUnresolvedNeverCompliant() throws IOException {
        List<Seen> findings = findings(1, template("unresolved-import.yaml"));
        assertEquals(2, findings.size(), findings::toString);
        Seen subnets = findings.get(0);
        assertEquals("UNRESOLVED", subnets.rule());
        assertTrue(subnets.message().startsWith("VpcConfig.SubnetIds: Fn::ImportValue"), subnets::message);
        assertEquals(lineOf("unresolved-import.yaml", "ImportingFunction:", "!ImportValue"), subnets.line());
        Seen groups = findings.get(1);
        assertEquals("UNRESOLVED", groups.rule());
        assertTrue(groups.message().contains("AppSecurityGroup.GroupId is known only after deploy"), groups::message);
        assertEquals(lineOf("unresolved-import.yaml", "ImportingFunction:", "!GetAtt AppSecurityGroup.GroupId"), groups.line());
    }

    @Test
    void parameterWithoutDefaultIsUnresolvedUntilGivenOnTheCommandLine() throws IOException {
        Seen seen = only(findings(1, template("parameters.yaml")), "ParameterisedFunction", "UNRESOLVED");
        assertTrue(seen.message().contains("parameter Subnets has no default"), seen::message);
        assertEquals(lineOf("parameters.yaml", "ParameterisedFunction:", "SubnetIds:"), seen.line());

        assertEquals(List.of(), findings(0, "--parameter", "Subnets=subnet-0aaa1111,subnet-0bbb2222", template("parameters.yaml")));
    }

    @Test
    void ssmParameterIsUnresolvedEvenWithADefault() throws IOException {
        Seen seen = only(findings(1, template("ssm-parameter.yaml")), "SsmFunction", "UNRESOLVED");
        assertTrue(seen.message().contains("SSM parameter"), seen::message);
        assertEquals(lineOf("ssm-parameter.yaml", "SsmFunction:", "- !Ref Subnet"), seen.line());
    }

    @Test
    void permissionsToAnyoneToAServiceWithoutSourceAndToAnotherAccountAreFoundTheOwnAccountPasses() throws IOException {
        List<Seen> findings = findings(1, template("permissions.yaml"));
        assertEquals(new TreeSet<>(Set.of("AnyonePermission PERMISSION_PUBLIC", "BucketPermission PERMISSION_SERVICE_WITHOUT_SOURCE",
                "PartnerPermission PERMISSION_UNTRUSTED_ACCOUNT")), ids(findings));
        for (String resource : List.of("AnyonePermission", "BucketPermission", "PartnerPermission")) {
            assertEquals(lineOf("permissions.yaml", resource + ":", "Principal:"),
                    findings.stream().filter(f -> f.resource().equals(resource)).findFirst().orElseThrow().line(), resource);
        }
    }

    @Test
    void jsonTemplateAccountTrustedByPolicyPassesAndAWildcardActionIsFound() throws IOException {
        List<Seen> untrusted = findings(1, template("trusted-account.json"));
        assertEquals(new TreeSet<>(Set.of("PartnerPermission PERMISSION_UNTRUSTED_ACCOUNT",
                "EverythingPermission PERMISSION_UNTRUSTED_ACCOUNT", "EverythingPermission PERMISSION_WILDCARD_ACTION")), ids(untrusted));

        List<Seen> trusted = findings(1, "--policy", template("policy-trusted.json"), template("trusted-account.json"));
        Seen wildcard = only(trusted, "EverythingPermission", "PERMISSION_WILDCARD_ACTION");
        assertEquals(1, trusted.size(), trusted::toString);
        assertEquals(lineOf("trusted-account.json", "\"EverythingPermission\"", "\"Principal\""), wildcard.line());
    }

    @Test
    void functionUrlsWithAuthTypeNoneAreFoundThroughUrlResourceAndFunctionUrlConfig() throws IOException {
        List<Seen> findings = findings(1, template("function-urls.yaml"));
        assertEquals(new TreeSet<>(Set.of("WebhookFunction FUNCTION_URL_PUBLIC", "PublicUrl FUNCTION_URL_PUBLIC")), ids(findings));
        assertEquals(lineOf("function-urls.yaml", "FunctionUrlConfig:", "AuthType: NONE"),
                only(findings, "WebhookFunction", "FUNCTION_URL_PUBLIC").line());
        assertEquals(lineOf("function-urls.yaml", "PublicUrl:", "AuthType: NONE"), only(findings, "PublicUrl", "FUNCTION_URL_PUBLIC").line());
    }

    @Test
    void functionNamesExemptedByPolicyPatternAreReportedExemptedUnresolvedValuesTooAndExitZero() throws IOException {
        assertEquals(new TreeSet<>(Set.of("LegacyReportFunction LAMBDA_NOT_IN_VPC", "LegacyImportFunction UNRESOLVED")),
                ids(findings(1, template("exempt-name.yaml"))));

        List<Seen> exempted = findings(0, "--policy", template("policy-exempt.json"), template("exempt-name.yaml"));
        assertEquals(2, exempted.size(), exempted::toString);
        assertTrue(exempted.stream().allMatch(Seen::exempted), exempted::toString);
    }

    @Test
    void unresolvedValueIsExemptedOnlyWhenTheFunctionIsExemptFromEveryRuleThatWouldJudgeIt() throws IOException {
        String template = """
                Resources:
                  ImportFunction:
                    Type: AWS::Lambda::Function
                    Properties:
                      Tags:
                        - Key: guardrail:exempt
                          Value: %s
                      VpcConfig:
                        SubnetIds: !Split [',', !ImportValue network-PrivateSubnets]
                        SecurityGroupIds: [sg-0ccc3333]
                """;
        Path oneRule = tmp.resolve("one-rule.yaml");
        Files.writeString(oneRule, template.formatted("LAMBDA_NOT_IN_VPC"));
        assertTrue(!only(findings(1, oneRule), "ImportFunction", "UNRESOLVED").exempted());

        Path bothRules = tmp.resolve("both-rules.yaml");
        Files.writeString(bothRules, template.formatted("LAMBDA_NOT_IN_VPC,LAMBDA_VPC_NOT_ALLOWED"));
        assertTrue(only(findings(0, bothRules), "ImportFunction", "UNRESOLVED").exempted());
    }

    @Test
    void conditionsDecidedByDefaultsSelectTheBranchAndSkipResourcesNotCreated() throws IOException {
        Seen undecided = only(findings(1, template("conditions.yaml")), "OwnerFunction", "UNRESOLVED");
        assertTrue(undecided.message().contains("condition OwnedByPlatform cannot be decided"), undecided::message);

        List<Seen> dev = findings(1, "-p", "Stage=dev", "-p", "Owner=platform", template("conditions.yaml"));
        assertEquals(new TreeSet<>(Set.of("StagedFunction LAMBDA_NOT_IN_VPC", "DevOnlyPublicPermission PERMISSION_PUBLIC")), ids(dev));
    }

    @Test
    void resourcePolicyDocumentStatementsAreJudgedEachPublicOneFound() throws IOException {
        List<Seen> findings = findings(1, template("resource-policy.yaml"));
        Seen seen = only(findings, "SharedPolicy", "PERMISSION_PUBLIC");
        assertEquals(1, findings.size(), findings::toString);
        assertTrue(seen.message().contains("Anyone"), seen::message);
        assertEquals(lineOf("resource-policy.yaml", "SharedPolicy:", "PolicyDocument:"), seen.line());
    }

    @Test
    void unreadableTemplateExitsTwoAfterCheckingTheOthers() {
        Run run = run("check", template("broken.yaml"), template("no-vpc.yaml"));
        assertEquals(2, run.status(), run::err);
        assertTrue(run.err().startsWith("guardrail: " + template("broken.yaml") + ": not YAML"), run::err);
        assertTrue(run.out().contains("LegacyFunction"), run::out);
    }

    @Test
    void fileLargerThanCloudFormationsLimitIsRefusedBeforeParsingAndNothingReadsAsClean() throws Exception {
        Path huge = tmp.resolve("huge.yaml");
        Files.writeString(huge, "Resources:\n  F:\n    Type: AWS::Lambda::Function\n    Properties:\n      FunctionName: \""
                + "x".repeat(20_000_000) + "\"\n");

        Run run = run("check", huge);

        assertEquals(2, run.status(), run::err);
        assertTrue(run.err().contains(huge + ": larger than CloudFormation's 1 MB limit for a template (" + Files.size(huge) + " bytes)"),
                run::err);
        assertEquals("", run.out(), "no summary: nothing was checked");
    }

    @Test
    void fileWithoutResourcesIsNotATemplate() {
        Run run = run("check", template("policy-exempt.json"));
        assertEquals(2, run.status());
        assertTrue(run.err().contains("not a CloudFormation template"), run::err);
    }

    @Test
    void projectTemplatePasses() {
        Run run = run("check", Path.of("..", "template.yaml"));
        assertEquals(0, run.status(), () -> run.out() + run.err());
        assertTrue(run.out().endsWith("No findings (3 exempted).\n"), run::out);
    }

    @Test
    void textFormatPrintsFileAndLineFirstThenACount() throws IOException {
        Run run = run("check", template("no-vpc.yaml"));
        int line = lineOf("no-vpc.yaml", "Resources:", "LegacyFunction:");
        assertEquals(template("no-vpc.yaml") + ":" + line + ": MEDIUM LAMBDA_NOT_IN_VPC LegacyFunction (AWS::Lambda::Function):"
                + " vpcConfig: function created without VPC config\n1 finding.\n", run.out());
    }

    @Test
    void sarifIsValidAgainstTheSchemaAndPlacesEachResultOnItsLine() throws IOException {
        Run run = run("check", "--format", "sarif", "--policy", template("policy-exempt.json"),
                template("permissions.yaml"), template("exempt-name.yaml"));
        assertEquals(1, run.status(), run::err);
        JsonNode sarif = JSON.readTree(run.out());

        JsonSchema schema;
        try (InputStream in = getClass().getResourceAsStream("/sarif/sarif-2.1.0-rtm.5.json")) {
            schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4).getSchema(in);
        }
        Set<ValidationMessage> errors = schema.validate(sarif);
        assertEquals(Set.of(), errors);

        assertEquals("2.1.0", sarif.get("version").textValue());
        JsonNode driver = sarif.at("/runs/0/tool/driver");
        assertEquals("Lambda Guardrail", driver.get("name").textValue());
        assertTrue(driver.get("informationUri").textValue().startsWith("https://"));
        List<String> ruleIds = new ArrayList<>();
        for (JsonNode rule : driver.get("rules")) {
            ruleIds.add(rule.get("id").textValue());
            assertTrue(!rule.at("/shortDescription/text").textValue().isEmpty() && !rule.at("/help/text").textValue().isEmpty());
        }
        assertTrue(ruleIds.containsAll(List.of("LAMBDA_NOT_IN_VPC", "PERMISSION_PUBLIC", "UNRESOLVED")), ruleIds::toString);

        JsonNode results = sarif.at("/runs/0/results");
        assertEquals(5, results.size(), results::toPrettyString);
        for (JsonNode result : results) {
            String ruleId = result.get("ruleId").textValue();
            assertEquals(ruleId, ruleIds.get(result.get("ruleIndex").intValue()));
            assertTrue(Set.of("error", "warning", "note").contains(result.get("level").textValue()));
            assertTrue(!result.at("/message/text").textValue().isEmpty());
        }
        JsonNode anyone = results.get(0);
        assertEquals("PERMISSION_PUBLIC", anyone.get("ruleId").textValue());
        assertEquals("error", anyone.get("level").textValue());
        JsonNode location = anyone.at("/locations/0/physicalLocation");
        assertEquals("src/test/resources/templates/permissions.yaml", location.at("/artifactLocation/uri").textValue());
        assertEquals(lineOf("permissions.yaml", "AnyonePermission:", "Principal:"), location.at("/region/startLine").intValue());

        JsonNode exempted = results.get(3);
        assertEquals("src/test/resources/templates/exempt-name.yaml", exempted.at("/locations/0/physicalLocation/artifactLocation/uri").textValue());
        assertEquals("external", exempted.at("/suppressions/0/kind").textValue());
    }

    @Test
    void helpSaysUnresolvedValuesAreFindings() {
        Run run = run("check", "--help");
        assertEquals(0, run.status());
        assertTrue(run.out().contains("UNRESOLVED"), run::out);
        assertTrue(run.out().contains("1   findings (not exempted), UNRESOLVED ones included"), run::out);
    }

    static Stream<Path> addPermissionEvents() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("..", "events"))) {
            return files.filter(f -> f.getFileName().toString().startsWith("addpermission-")
                    && !f.getFileName().toString().contains("failed")).sorted().toList().stream();
        }
    }

    /**
     * The same engine, the same change: an AWS::Lambda::Permission with an AddPermission record's
     * request parameters is judged as the record is (rule ids of the findings; the audit rules
     * judge the record's actor and resource, which a template has not).
     */
    @ParameterizedTest
    @MethodSource("addPermissionEvents")
    void permissionFromAnAddPermissionRequestIsJudgedAsTheCloudTrailRecord(Path event) throws IOException {
        JsonNode record = JSON.readTree(event.toFile());
        JsonNode detail = record.has("detail") ? record.get("detail") : record;
        ParsedRecord parsed = CloudTrailReader.parse(record);
        GuardrailEngine engine = new GuardrailEngine(Policy.defaults(), Set.of());
        Set<String> expected = new TreeSet<>(engine.evaluate(parsed, FunctionFacts.NONE).orElseThrow().findings().stream()
                .map(Finding::ruleId).filter(r -> !r.isAudit()).map(RuleId::name).toList());

        JsonNode request = detail.get("requestParameters");
        StringBuilder yaml = new StringBuilder("Resources:\n  FromRecord:\n    Type: AWS::Lambda::Permission\n    Properties:\n");
        Map<String, String> properties = Map.of("functionName", "FunctionName", "action", "Action", "principal", "Principal",
                "sourceArn", "SourceArn", "sourceAccount", "SourceAccount", "principalOrgID", "PrincipalOrgID",
                "functionUrlAuthType", "FunctionUrlAuthType", "eventSourceToken", "EventSourceToken",
                "invokedViaFunctionUrl", "InvokedViaFunctionUrl");
        String qualifier = request.has("qualifier") ? ":" + request.get("qualifier").textValue() : "";
        properties.forEach((parameter, property) -> {
            if (request.has(parameter)) {
                String value = request.get(parameter).asText() + (parameter.equals("functionName") ? qualifier : "");
                yaml.append("      ").append(property).append(": '").append(value).append("'\n");
            }
        });
        Path template = tmp.resolve("permission.yaml");
        Files.writeString(template, yaml);
        String account = detail.get("recipientAccountId").textValue();
        Set<String> checked = new TreeSet<>(findings(expected.isEmpty() ? 0 : 1, "--account", account, template).stream()
                .map(Seen::rule).toList());
        assertEquals(expected, checked, () -> event + " as a template:\n" + yaml);
    }
}
