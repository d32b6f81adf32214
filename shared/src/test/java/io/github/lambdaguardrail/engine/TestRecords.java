package io.github.lambdaguardrail.engine;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Builds CloudTrail records shaped like the real ones in {@code aws-samples/} and
 * {@code events/}, and small helpers shared by the tests. Test data only: account
 * {@code 111122223333} is the functions' own account, region {@code us-east-1}.
 */
final class TestRecords {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String OWN = "111122223333";
    static final String PARTNER = "444455556666";
    static final String UNTRUSTED = "999988887777";
    static final String REGION = "us-east-1";
    static final String SUBNET_A = "subnet-0a1b2c3d4e5f60011";
    static final String SUBNET_B = "subnet-0a1b2c3d4e5f60012";
    static final String SG = "sg-0a1b2c3d4e5f60021";
    static final String VPC = "vpc-0a1b2c3d4e5f60001";

    private TestRecords() {
    }

    // ---- identities -------------------------------------------------------------------------

    static ObjectNode iamUser(String account, String userName) {
        ObjectNode id = JSON.createObjectNode();
        id.put("type", "IAMUser");
        id.put("principalId", "AIDACKCEVSQ6C2EXAMPLE");
        id.put("arn", "arn:aws:iam::" + account + ":user/" + userName);
        id.put("accountId", account);
        id.put("accessKeyId", "AKIAIOSFODNN7EXAMPLE");
        id.put("userName", userName);
        return id;
    }

    /** An assumed-role session: {@code arn} is the STS session ARN, the IAM role ARN sits in the session issuer. */
    static ObjectNode assumedRole(String account, String roleName, String sessionName) {
        ObjectNode id = JSON.createObjectNode();
        id.put("type", "AssumedRole");
        id.put("principalId", "AROAEXAMPLEROLE00001:" + sessionName);
        id.put("arn", "arn:aws:sts::" + account + ":assumed-role/" + roleName + "/" + sessionName);
        id.put("accountId", account);
        id.put("accessKeyId", "ASIAEXAMPLE0000001");
        ObjectNode issuer = id.putObject("sessionContext").putObject("sessionIssuer");
        issuer.put("type", "Role");
        issuer.put("principalId", "AROAEXAMPLEROLE00001");
        issuer.put("arn", "arn:aws:iam::" + account + ":role/" + roleName);
        issuer.put("accountId", account);
        issuer.put("userName", roleName);
        return id;
    }

    // ---- records ----------------------------------------------------------------------------

    /** A bare CloudTrail record of a successful Lambda call. */
    static ObjectNode record(String eventName, String account, String region, ObjectNode identity,
                             JsonNode request, JsonNode response) {
        ObjectNode r = JSON.createObjectNode();
        r.put("eventVersion", "1.08");
        r.set("userIdentity", identity);
        r.put("eventTime", "2026-03-02T09:14:27Z");
        r.put("eventSource", "lambda.amazonaws.com");
        r.put("eventName", eventName);
        r.put("awsRegion", region);
        r.put("sourceIPAddress", "203.0.113.24");
        r.put("userAgent", "aws-cli/2.27.50 md/command#lambda");
        r.set("requestParameters", request);
        r.set("responseElements", response);
        r.put("requestID", UUID.nameUUIDFromBytes(("req" + eventName + request).getBytes(StandardCharsets.UTF_8)).toString());
        r.put("eventID", UUID.nameUUIDFromBytes((eventName + request + response).getBytes(StandardCharsets.UTF_8)).toString());
        r.put("readOnly", false);
        r.put("eventType", "AwsApiCall");
        r.put("managementEvent", true);
        r.put("recipientAccountId", account);
        r.put("eventCategory", "Management");
        return r;
    }

    /** Wraps a record in an EventBridge "AWS API Call via CloudTrail" envelope. */
    static ObjectNode envelope(ObjectNode record) {
        ObjectNode e = JSON.createObjectNode();
        e.put("version", "0");
        e.put("id", UUID.nameUUIDFromBytes(("env" + record).getBytes(StandardCharsets.UTF_8)).toString());
        e.put("detail-type", "AWS API Call via CloudTrail");
        e.put("source", "aws.lambda");
        e.put("account", record.path("recipientAccountId").asText());
        e.put("time", record.path("eventTime").asText());
        e.put("region", record.path("awsRegion").asText());
        e.putArray("resources");
        e.set("detail", record);
        return e;
    }

    /**
     * An {@code AddPermission20150331v2} record whose {@code responseElements.statement} is exactly
     * {@code statementText}, as Lambda renders it (a JSON string).
     */
    static ObjectNode addPermission(String account, String functionName, String statementId, String statementText) {
        ObjectNode request = JSON.createObjectNode();
        request.put("functionName", functionName);
        request.put("statementId", statementId);
        request.put("action", "lambda:InvokeFunction");
        request.put("principal", "*");
        ObjectNode response = JSON.createObjectNode();
        response.put("statement", statementText);
        return record("AddPermission20150331v2", account, REGION, iamUser(account, "dana.dev"), request, response);
    }

    /**
     * Completes a statement object the way Lambda renders it: {@code Sid} first and a
     * {@code Resource} naming the function, when the case leaves them out.
     */
    static ObjectNode renderStatement(JsonNode statement, String fallbackSid, String account, String functionName) {
        ObjectNode out = JSON.createObjectNode();
        out.set("Sid", statement.has("Sid") ? statement.get("Sid") : JSON.getNodeFactory().textNode(fallbackSid));
        statement.fields().forEachRemaining(f -> {
            if (!"Sid".equals(f.getKey())) {
                out.set(f.getKey(), f.getValue());
            }
        });
        if (!out.has("Resource")) {
            out.put("Resource", "arn:aws:lambda:" + REGION + ":" + account + ":function:" + functionName);
        }
        return out;
    }

    /** A {@code CreateFunction20150331} record; {@code null} VPC nodes leave the key out, as real records do. */
    static ObjectNode createFunction(String functionName, JsonNode requestVpc, JsonNode responseVpc, Map<String, String> tags) {
        ObjectNode request = JSON.createObjectNode();
        request.putObject("code");
        request.putObject("environment");
        request.put("functionName", functionName);
        request.put("handler", "app.handler");
        request.put("publish", false);
        request.put("role", "arn:aws:iam::" + OWN + ":role/" + functionName + "-role");
        request.put("runtime", "python3.12");
        if (!tags.isEmpty()) {
            ObjectNode t = request.putObject("tags");
            tags.forEach(t::put);
        }
        if (requestVpc != null) {
            request.set("vpcConfig", requestVpc);
        }
        return record("CreateFunction20150331", OWN, REGION, iamUser(OWN, "dana.dev"), request,
                functionResponse(functionName, responseVpc));
    }

    /** An {@code UpdateFunctionConfiguration20150331v2} record; a {@code null} request VPC means the call did not touch it. */
    static ObjectNode updateFunctionConfiguration(String functionName, JsonNode requestVpc, JsonNode responseVpc) {
        ObjectNode request = JSON.createObjectNode();
        request.put("functionName", functionName);
        request.put("memorySize", 512);
        if (requestVpc != null) {
            request.set("vpcConfig", requestVpc);
        }
        return record("UpdateFunctionConfiguration20150331v2", OWN, REGION,
                assumedRole(OWN, "github-actions-terraform-deploy", "GitHubActions"), request,
                functionResponse(functionName, responseVpc));
    }

    private static ObjectNode functionResponse(String functionName, JsonNode responseVpc) {
        ObjectNode response = JSON.createObjectNode();
        response.put("functionName", functionName);
        response.put("functionArn", "arn:aws:lambda:" + REGION + ":" + OWN + ":function:" + functionName);
        response.put("runtime", "python3.12");
        response.put("handler", "app.handler");
        response.put("memorySize", 512);
        response.putObject("environment");
        response.put("version", "$LATEST");
        if (responseVpc != null) {
            response.set("vpcConfig", responseVpc);
        }
        response.put("state", "Active");
        return response;
    }

    static ObjectNode vpcConfig(List<String> subnets, List<String> groups, String vpcId) {
        ObjectNode v = JSON.createObjectNode();
        ArrayNode s = v.putArray("subnetIds");
        subnets.forEach(s::add);
        ArrayNode g = v.putArray("securityGroupIds");
        groups.forEach(g::add);
        if (vpcId != null) {
            v.put("vpcId", vpcId);
        }
        return v;
    }

    /** A {@code PutResourcePolicy20260709} record (shape unverified: DESIGN and TOOLING expect resourceArn, policy, revisionId). */
    static ObjectNode putResourcePolicy(String functionName, String policyText) {
        ObjectNode request = JSON.createObjectNode();
        request.put("resourceArn", "arn:aws:lambda:" + REGION + ":" + OWN + ":function:" + functionName);
        request.put("policy", policyText);
        request.put("revisionId", "4c1e8a66-1f0b-4b3e-9d55-0f3a3cbe7d21");
        ObjectNode response = JSON.createObjectNode();
        response.put("policy", policyText);
        response.put("revisionId", "9a2b7c44-5e6f-4a1b-8c3d-2e4f6a8b0c1d");
        return record("PutResourcePolicy20260709", OWN, REGION, iamUser(OWN, "dana.dev"), request, response);
    }

    static ObjectNode createFunctionUrlConfig(String functionName, String authType) {
        ObjectNode request = JSON.createObjectNode();
        request.put("functionName", functionName);
        request.put("authType", authType);
        ObjectNode response = JSON.createObjectNode();
        response.put("functionUrl", "https://abcdefghijklmnopqrstuvwxyz0123.lambda-url.us-east-1.on.aws/");
        response.put("functionArn", "arn:aws:lambda:" + REGION + ":" + OWN + ":function:" + functionName);
        response.put("authType", authType);
        response.put("invokeMode", "BUFFERED");
        return record("CreateFunctionUrlConfig20211031", OWN, REGION, iamUser(OWN, "dana.dev"), request, response);
    }

    // ---- parsing and evaluating ---------------------------------------------------------------

    static LambdaEvent watched(JsonNode record) {
        ParsedRecord parsed = CloudTrailReader.parse(record);
        return assertInstanceOf(ParsedRecord.Watched.class, parsed, () -> "not watched: " + parsed).event();
    }

    static Verdict evaluate(JsonNode record, Policy policy) {
        return evaluate(record, policy, FunctionFacts.NONE, Set.of());
    }

    static Verdict evaluate(JsonNode record, Policy policy, FunctionFacts facts, Set<String> selfRoles) {
        return new GuardrailEngine(policy, selfRoles).evaluate(watched(record), facts);
    }

    /** The header of a look at live state, as a sweep would name it. */
    static RecordHeader look(String account, String region) {
        return new RecordHeader("look", "Look", "2026-11-25T03:00:00Z", account, region,
                new Actor("lambda-guardrail-test", "Look", Optional.empty(), Optional.empty()));
    }

    static Policy policy(String json) {
        return PolicyLoader.fromJson(readTree(json));
    }

    static Policy policy(JsonNode json) {
        return json == null || json.isNull() ? Policy.defaults() : PolicyLoader.fromJson(json);
    }

    static JsonNode readTree(String json) {
        try {
            return JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String text(JsonNode node) {
        try {
            return JSON.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<ParsedRecord> readAll(InputStream in) throws IOException {
        List<ParsedRecord> out = new ArrayList<>();
        CloudTrailReader.read(in, out::add);
        return out;
    }

    static List<ParsedRecord> readAll(byte[] bytes) throws IOException {
        return readAll(new ByteArrayInputStream(bytes));
    }

    static List<ParsedRecord> readAll(String text) throws IOException {
        return readAll(text.getBytes(StandardCharsets.UTF_8));
    }

    static List<ParsedRecord> readAll(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return readAll(in);
        }
    }

    /** The statuses a verdict gives one rule, in order. */
    static List<RuleStatus> statuses(Verdict verdict, RuleId rule) {
        return verdict.results().stream().filter(r -> r.rule() == rule).map(RuleResult::status).toList();
    }

    static Optional<RuleResult> failure(Verdict verdict, RuleId rule) {
        return verdict.results().stream().filter(r -> r.rule() == rule && r.status() == RuleStatus.FAIL).findFirst();
    }

    /** A compact description of the planned actions, e.g. {@code REMOVE_PERMISSION(sid@live) NOTIFY}. */
    static String describe(List<Action> actions) {
        List<String> parts = new ArrayList<>();
        for (Action a : actions) {
            parts.add(switch (a) {
                case Action.RemovePermission r ->
                        "REMOVE_PERMISSION(" + r.statementId() + r.function().qualifier().map(q -> "@" + q).orElse("") + ")";
                case Action.Quarantine q -> "QUARANTINE(" + String.join(",", q.reasons().stream().map(Enum::name).toList()) + ")";
                case Action.RestoreVpcConfig r -> "RESTORE_VPC_CONFIG(" + String.join(",", r.knownGood().subnetIds()) + ")";
                case Action.LeaveAlone leave -> leave.type();
                case Action.Notify notify -> notify.type();
            });
        }
        return String.join(" ", parts);
    }

    // ---- project files ------------------------------------------------------------------------

    /** The project root (the folder holding {@code events/} and {@code shared/}), found from the module directory. */
    static Path projectRoot() {
        Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        for (Path p = dir; p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("events")) && Files.isDirectory(p.resolve("shared").resolve("src"))) {
                return p;
            }
        }
        throw new IllegalStateException("no project root above " + dir);
    }

    /** The real AWS samples kept in the repository ({@code aws-samples/}, origins in its README). */
    static Path awsSamples() {
        return projectRoot().resolve("aws-samples");
    }
}
