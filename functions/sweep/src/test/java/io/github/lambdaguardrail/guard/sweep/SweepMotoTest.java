package io.github.lambdaguardrail.guard.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.lambdaguardrail.engine.GuardrailEngine;
import io.github.lambdaguardrail.engine.RuleId;
import io.github.lambdaguardrail.guard.AwsClients;
import io.github.lambdaguardrail.guard.DynamoDbStateStore;
import io.github.lambdaguardrail.guard.SnsNotifier;
import io.github.lambdaguardrail.guard.moto.MotoWorld;
import io.github.lambdaguardrail.runtime.JsonLog;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.FunctionUrlAuthType;
import software.amazon.awssdk.services.lambda.model.Runtime;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * The sweep against moto server through the real SDK v2 clients: 200 functions with planted
 * violations on functions, aliases, published versions and function URLs, plus compliant ones.
 * The scanner finds exactly the planted set, and the sweep function sends exactly one summary
 * through SNS to an SQS subscriber and refreshes the known-good VPC configs. moto's gaps are
 * closed by {@link MotoInventory} (one shared policy per function, no ListFunctionUrlConfigs).
 */
class SweepMotoTest {

    @RegisterExtension
    static final MotoWorld moto = new MotoWorld();

    static final String ACCOUNT = MotoWorld.ACCOUNT;
    static final String REGION = MotoWorld.REGION;
    /** moto reports this VPC id for every subnet. */
    static final String MOTO_VPC = "vpc-123abc";
    static final String SUBNET = "subnet-0a1b2c3d";
    static final String GOOD_SG = "sg-0a1b2c3d";
    static final String DENIED_SG = "sg-0bad0bad";
    static final int FUNCTIONS = 200;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The kinds of function planted, by index modulo ten. */
    enum Kind { IN_VPC, NO_VPC, DENIED_SG, PUBLIC_ALIAS, PUBLIC_VERSION, SERVICE_NO_SOURCE, CROSS_ACCOUNT, PUBLIC_URL_ALIAS,
        COMPLIANT_GRANTS, EXEMPT_BY_TAG }

    static final String SUFFIX = UUID.randomUUID().toString().substring(0, 8);
    /** Every function of this run starts with it; the scans see only these. */
    static final String PREFIX = "sweep-" + SUFFIX + "-";

    private static LambdaClient lambda;
    private static SnsClient sns;
    private static SqsClient sqs;
    private static DynamoDbClient dynamo;
    private static String table;
    private static String topicArn;
    private static String queueUrl;
    private static final List<String> names = new ArrayList<>();
    /** (function ARN with qualifier, rule id) of every planted violation. */
    private static final Set<String> planted = ConcurrentHashMap.newKeySet();
    private static final Map<String, Kind> kinds = new ConcurrentHashMap<>();

    private static final ByteArrayOutputStream logged = new ByteArrayOutputStream();
    private static final JsonLog log = new JsonLog(new PrintStream(logged, true, StandardCharsets.UTF_8));

    @BeforeAll
    static void plantFunctions() throws Exception {
        lambda = moto.lambda();
        sns = moto.sns();
        sqs = moto.sqs();
        dynamo = moto.dynamo();

        String roleArn = moto.createRole("sweep-fn-" + SUFFIX);
        table = moto.createStateTable("sweep-state-" + SUFFIX);
        MotoWorld.Topic alerts = moto.createTopicWithQueue("sweep-alerts-" + SUFFIX);
        topicArn = alerts.arn();
        queueUrl = alerts.queueUrl();

        for (int i = 0; i < FUNCTIONS; i++) {
            names.add(String.format("%s%03d", PREFIX, i));
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> created = new ArrayList<>();
            for (int i = 0; i < FUNCTIONS; i++) {
                Kind kind = Kind.values()[i % Kind.values().length];
                String name = names.get(i);
                created.add(pool.submit(() -> plant(name, kind, roleArn)));
            }
            for (Future<?> f : created) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
    }

    /** Creates one function of a kind and records the violations it must be reported for. */
    private static void plant(String name, Kind kind, String roleArn) {
        kinds.put(name, kind);
        boolean inVpc = kind != Kind.NO_VPC && kind != Kind.EXEMPT_BY_TAG;
        String arn = lambda.createFunction(b -> {
            b.functionName(name).runtime(Runtime.PYTHON3_12).role(roleArn).handler("x.handler")
                    .code(c -> c.zipFile(SdkBytes.fromByteArray(MotoWorld.CODE)));
            if (inVpc) {
                b.vpcConfig(v -> v.subnetIds(SUBNET).securityGroupIds(kind == Kind.DENIED_SG ? DENIED_SG : GOOD_SG));
            }
            if (kind == Kind.EXEMPT_BY_TAG) {
                b.tags(Map.of("guardrail:exempt", "LAMBDA_NOT_IN_VPC", "team", "legacy"));
            }
        }).functionArn();
        switch (kind) {
            case NO_VPC -> planted.add(arn + " " + RuleId.LAMBDA_NOT_IN_VPC);
            case DENIED_SG -> planted.add(arn + " " + RuleId.LAMBDA_VPC_NOT_ALLOWED);
            case PUBLIC_ALIAS -> {
                publishWithAlias(name);
                lambda.addPermission(b -> b.functionName(name).qualifier("live").statementId("anyone-live")
                        .action("lambda:InvokeFunction").principal("*"));
                planted.add(arn + ":live " + RuleId.PERMISSION_PUBLIC);
            }
            case PUBLIC_VERSION -> {
                lambda.publishVersion(b -> b.functionName(name));
                lambda.addPermission(b -> b.functionName(name).qualifier("1").statementId("anyone-v1")
                        .action("lambda:InvokeFunction").principal("*"));
                planted.add(arn + ":1 " + RuleId.PERMISSION_PUBLIC);
            }
            case SERVICE_NO_SOURCE -> {
                lambda.addPermission(b -> b.functionName(name).statementId("s3-any-bucket")
                        .action("lambda:InvokeFunction").principal("s3.amazonaws.com"));
                planted.add(arn + " " + RuleId.PERMISSION_SERVICE_WITHOUT_SOURCE);
            }
            case CROSS_ACCOUNT -> {
                lambda.addPermission(b -> b.functionName(name).statementId("partner")
                        .action("lambda:InvokeFunction").principal("arn:aws:iam::210987654321:root"));
                planted.add(arn + " " + RuleId.PERMISSION_UNTRUSTED_ACCOUNT);
            }
            case PUBLIC_URL_ALIAS -> {
                publishWithAlias(name);
                lambda.createFunctionUrlConfig(b -> b.functionName(name).qualifier("live").authType(FunctionUrlAuthType.NONE));
                lambda.addPermission(b -> b.functionName(name).qualifier("live").statementId("public-url")
                        .action("lambda:InvokeFunctionUrl").principal("*").functionUrlAuthType(FunctionUrlAuthType.NONE));
                planted.add(arn + ":live " + RuleId.FUNCTION_URL_PUBLIC);
                // moto ignores CreateFunctionUrlConfig's Qualifier: the URL is the function's (AWS: the alias's).
                planted.add(arn + " " + RuleId.FUNCTION_URL_PUBLIC);
            }
            case COMPLIANT_GRANTS -> {
                publishWithAlias(name);
                lambda.addPermission(b -> b.functionName(name).statementId("s3-own-bucket").action("lambda:InvokeFunction")
                        .principal("s3.amazonaws.com").sourceAccount(ACCOUNT).sourceArn("arn:aws:s3:::uploads-" + SUFFIX));
                lambda.addPermission(b -> b.functionName(name).qualifier("live").statementId("own-account")
                        .action("lambda:InvokeFunction").principal("arn:aws:iam::" + ACCOUNT + ":root"));
                lambda.createFunctionUrlConfig(b -> b.functionName(name).authType(FunctionUrlAuthType.AWS_IAM));
            }
            case IN_VPC, EXEMPT_BY_TAG -> {
                // compliant, or violating but exempted by tag
            }
        }
    }

    private static void publishWithAlias(String name) {
        String version = lambda.publishVersion(b -> b.functionName(name)).version();
        lambda.createAlias(b -> b.functionName(name).name("live").functionVersion(version));
    }

    static Map<String, String> environment() {
        return Map.of("GUARDRAIL_TOPIC_ARN", topicArn, "GUARDRAIL_STATE_TABLE", table,
                "GUARDRAIL_ALLOWED_VPC_IDS", MOTO_VPC, "GUARDRAIL_DENIED_SECURITY_GROUP_IDS", DENIED_SG,
                "GUARDRAIL_MODE", "rollback", "GUARDRAIL_SWEEP_RATE_LIMIT", "100");
    }

    /** The sweep's production settings, faster, and only this run's functions. */
    static ScanSettings settings() {
        return ScanSettings.DEFAULT.withRateLimit(150).withParallelism(4).withFunctionNamePrefix(PREFIX);
    }

    private static Set<String> found(ScanResult result) {
        return result.findings().stream().map(f -> f.functionArn() + " " + f.ruleId()).collect(Collectors.toSet());
    }

    private static Map<String, Integer> plantedByRule() {
        Map<RuleId, Integer> counts = new EnumMap<>(RuleId.class);
        planted.forEach(p -> counts.merge(RuleId.valueOf(p.substring(p.indexOf(' ') + 1)), 1, Integer::sum));
        Map<String, Integer> out = new java.util.LinkedHashMap<>();
        counts.forEach((rule, n) -> out.put(rule.name(), n));
        return out;
    }

    @Test
    void scannerFindsEveryPlantedViolationExactlyAndNothingElse() {
        SweepConfig config = SweepConfig.fromEnvironment(environment());
        ScanSettings settings = settings();
        ScanResult r;
        RateLimitInterceptor pacer = new RateLimitInterceptor(new RateLimiter(settings.rateLimit()));
        try (LambdaClient client = AwsClients.lambda(settings.lambdaClient(MotoWorld.SETTINGS, pacer))) {
            FunctionScanner scanner = new FunctionScanner(new MotoInventory(client),
                    new GuardrailEngine(config.policy(), Set.of()), Optional.empty(), settings, pacer, log);
            r = scanner.scan(REGION, Optional.empty());
        }

        assertEquals(List.of(), r.errors(), logged.toString(StandardCharsets.UTF_8));
        assertEquals(FUNCTIONS, r.functionsListed());
        assertEquals(FUNCTIONS, r.functionsScanned());
        assertEquals(planted.size(), r.findings().size(), "each violation found once");
        assertEquals(planted, found(r));
        assertEquals(160, planted.size());
        assertEquals(20, r.exempted().size());
        assertTrue(r.exempted().stream().allMatch(f -> f.ruleId() == RuleId.LAMBDA_NOT_IN_VPC
                && kinds.get(f.functionArn().substring(f.functionArn().lastIndexOf(':') + 1)) == Kind.EXEMPT_BY_TAG));
        assertEquals(140, r.policiesRead(), "alias, version and function policies with statements of their own");
        assertEquals(40, r.urlConfigsRead());
        assertEquals(0, r.vpcConfigsRemembered(), "no state store: nothing written");
        assertEquals(ACCOUNT, r.account());
        assertEquals(0, r.throttled());
        assertTrue(r.requests() >= FUNCTIONS * 5, "requests " + r.requests());
    }

    @Test
    void sweepFunctionSendsExactlyOneSummaryAndRemembersCompliantVpcConfigs() throws Exception {
        SweepConfig config = SweepConfig.fromEnvironment(environment());
        assertEquals(100, config.rateLimit());
        ScanSettings settings = settings();
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        RateLimitInterceptor pacer = new RateLimitInterceptor(new RateLimiter(settings.rateLimit()));
        try (LambdaClient client = AwsClients.lambda(settings.lambdaClient(MotoWorld.SETTINGS, pacer))) {
            FunctionScanner scanner = new FunctionScanner(new MotoInventory(client),
                    new GuardrailEngine(config.policy(), Set.of()),
                    Optional.of(new DynamoDbStateStore(() -> dynamo, config.stateTable())), settings, pacer, log);
            SweepFunction sweep = new SweepFunction(scanner, new SnsNotifier(() -> sns, config.topicArn()), REGION,
                    config.account(), log);
            sweep.handle(output, null);
        }

        List<JsonNode> delivered = receiveAll();
        assertEquals(1, delivered.size(), "one summary per run, never one message per finding");
        JsonNode envelope = delivered.get(0);
        String subject = envelope.path("Subject").asText();
        assertEquals("[Lambda Guardrail] Sweep " + ACCOUNT + " " + REGION + ": 160 findings, worst CRITICAL", subject);
        assertTrue(subject.length() < 100);
        Map<String, String> attributes = new java.util.HashMap<>();
        envelope.path("MessageAttributes").properties().forEach(e -> attributes.put(e.getKey(), e.getValue().path("Value").asText()));
        assertEquals("SWEEP", attributes.get("decision"));
        assertEquals("CRITICAL", attributes.get("severity"));
        assertEquals(ACCOUNT, attributes.get("account"));
        assertEquals(REGION, attributes.get("region"));
        assertEquals(JSON.valueToTree(List.copyOf(plantedByRule().keySet())), JSON.readTree(attributes.get("ruleIds")));

        JsonNode summary = JSON.readTree(envelope.path("Message").asText());
        assertEquals("SWEEP", summary.path("decision").asText());
        assertEquals(planted.size(), summary.path("findingCount").asInt());
        assertEquals(JSON.valueToTree(plantedByRule()), summary.path("findingsByRule"));
        assertEquals(FUNCTIONS, summary.path("functions").path("listed").asInt());
        assertEquals(FUNCTIONS, summary.path("functions").path("scanned").asInt());
        assertEquals(0, summary.path("errorCount").asInt());
        assertEquals(20, summary.path("exemptedCount").asInt());
        assertEquals(ScanReport.SUMMARY_FINDINGS, summary.path("findings").size());
        JsonNode worst = summary.path("findings").get(0);
        assertEquals("PERMISSION_PUBLIC", worst.path("ruleId").asText());
        assertTrue(planted.contains(worst.path("function").asText() + " PERMISSION_PUBLIC"), worst.toString());
        assertEquals(140, summary.path("vpcConfigsRemembered").asInt(), "every function in an allowed VPC");
        assertEquals(planted.size(), JSON.readTree(output.toString(StandardCharsets.UTF_8)).path("findingCount").asInt());

        Map<String, AttributeValue> item = knownGood(arnOf(Kind.IN_VPC)).orElseThrow();
        assertEquals(List.of(SUBNET), item.get("subnetIds").ss());
        assertEquals(List.of(GOOD_SG), item.get("securityGroupIds").ss());
        assertEquals(MOTO_VPC, item.get("vpcId").s());
        assertTrue(knownGood(arnOf(Kind.PUBLIC_ALIAS)).isPresent(), "a permission finding says nothing about the VPC");
        for (Kind notGood : List.of(Kind.NO_VPC, Kind.DENIED_SG, Kind.EXEMPT_BY_TAG)) {
            assertEquals(Optional.empty(), knownGood(arnOf(notGood)), notGood + " is not known good");
        }
    }

    private static Optional<Map<String, AttributeValue>> knownGood(String functionArn) {
        var response = dynamo.getItem(b -> b.tableName(table).key(Map.of("pk", AttributeValue.fromS("vpc#" + functionArn))));
        return response.hasItem() && !response.item().isEmpty() ? Optional.of(response.item()) : Optional.empty();
    }

    private static String arnOf(Kind kind) {
        String name = names.stream().filter(n -> kinds.get(n) == kind).findFirst().orElseThrow();
        return "arn:aws:lambda:" + REGION + ":" + ACCOUNT + ":function:" + name;
    }

    /** Every message on the queue: waits for the first, then until a wait brings nothing more. */
    private static List<JsonNode> receiveAll() throws IOException {
        List<JsonNode> out = new ArrayList<>();
        for (int i = 0; i < 10 && out.isEmpty(); i++) {
            out.addAll(receive(1));
        }
        List<JsonNode> more;
        do {
            more = receive(2);
            out.addAll(more);
        } while (!more.isEmpty());
        return out;
    }

    private static List<JsonNode> receive(int waitSeconds) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        for (Message m : sqs.receiveMessage(b -> b.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(waitSeconds))
                .messages()) {
            out.add(JSON.readTree(m.body()));
            sqs.deleteMessage(b -> b.queueUrl(queueUrl).receiptHandle(m.receiptHandle()));
        }
        return out;
    }
}
