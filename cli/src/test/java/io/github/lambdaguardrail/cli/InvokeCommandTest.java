package io.github.lambdaguardrail.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.lambdaguardrail.guard.moto.MotoWorld;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.ResourceNotFoundException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * Runs {@code guardrail invoke} in-process: argument and configuration errors, then the guards and
 * the sweep against moto, each by its logical id and by its short name.
 */
class InvokeCommandTest {

    private static final Path EVENTS = Path.of("..", "events");
    private static final Path PUBLIC_PERMISSION = EVENTS.resolve("addpermission-public-principal.json");
    private static final Path NO_VPC = EVENTS.resolve("createfunction-no-vpc.json");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String VALID_TOPIC = "arn:aws:sns:us-east-1:123456789012:lambda-guardrail-alerts";

    @TempDir
    Path tmp;

    /** One run: exit status, standard output (the guard's log lines and the result) and standard error. */
    record Run(int status, String out, String err) {

        /** The handler's result: the last line of standard output. */
        JsonNode result() {
            List<String> lines = out.lines().toList();
            assertFalse(lines.isEmpty(), "no output; stderr:\n" + err);
            try {
                return JSON.readTree(lines.get(lines.size() - 1));
            } catch (IOException e) {
                throw new AssertionError("last line is not JSON:\n" + out, e);
            }
        }

        /** The guard's log lines with this message. */
        List<JsonNode> log(String message) {
            return out.lines().filter(l -> l.startsWith("{\"timestamp\"")).map(l -> {
                try {
                    return JSON.readTree(l);
                } catch (IOException e) {
                    throw new AssertionError(e);
                }
            }).filter(n -> message.equals(n.path("message").asText())).toList();
        }

        void assertOneErrorLine() {
            assertEquals(1, err.lines().count(), () -> "one line on stderr:\n" + err);
        }
    }

    /**
     * Runs the command as {@code main} does, with System.out captured too: the guard's log writes
     * there directly, as in Lambda.
     */
    static Run run(Object... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        ByteArrayOutputStream logs = new ByteArrayOutputStream();
        PrintStream original = System.out;
        int status;
        System.setOut(new PrintStream(logs, true, StandardCharsets.UTF_8));
        try {
            CommandLine cmd = GuardrailCli.commandLine();
            cmd.setOut(new PrintWriter(out));
            cmd.setErr(new PrintWriter(err));
            status = cmd.execute(Arrays.stream(args).map(String::valueOf).toArray(String[]::new));
        } finally {
            System.setOut(original);
        }
        return new Run(status, logs.toString(StandardCharsets.UTF_8) + out, err.toString());
    }

    private Path envFile(String json) throws IOException {
        Path file = tmp.resolve("env-" + UUID.randomUUID() + ".json");
        Files.writeString(file, json);
        return file;
    }

    private Path envFile(Map<String, ?> entries) throws IOException {
        return envFile(JSON.writeValueAsString(entries));
    }

    @Nested
    class BadArguments {

        @Test
        void unknownFunctionIsAnArgumentErrorListingEveryName() {
            Run run = run("invoke", "s3-guard", "--event", PUBLIC_PERMISSION);

            assertEquals(2, run.status());
            assertEquals(List.of("guardrail: unknown function 's3-guard' (one of VpcGuardFunction, vpc-guard,"
                            + " PermissionGuardFunction, permission-guard, SweepFunction, sweep, SecurityHubExportFunction,"
                            + " securityhub-export, OrgEvaluatorFunction, org-evaluator,"
                            + " OrgRemediatorFunction, org-remediator, OrgSweepFunction, org-sweep)",
                    "Try 'guardrail invoke --help' for more information."), run.err().lines().toList());
        }

        @Test
        void namesAreCaseSensitiveAsSamLocalsLogicalIds() {
            Run run = run("invoke", "vpcguardfunction", "--event", NO_VPC);

            assertEquals(2, run.status());
            assertTrue(run.err().startsWith("guardrail: unknown function 'vpcguardfunction' (one of "), run.err());
        }

        @ParameterizedTest
        @ValueSource(strings = {"vpc-guard", "VpcGuardFunction", "permission-guard", "PermissionGuardFunction"})
        void eventIsRequiredForAGuard(String name) {
            Run run = run("invoke", name);

            assertEquals(2, run.status());
            String guard = LocalFunction.byName(name).orElseThrow().shortName;
            assertTrue(run.err().startsWith("guardrail: Missing required option for " + guard + ": '--event=FILE'"),
                    run.err());
            assertEquals("", run.out());
        }

        @Test
        void functionIsRequired() {
            Run run = run("invoke", "--event", PUBLIC_PERMISSION);

            assertEquals(2, run.status());
            assertTrue(run.err().contains("Missing required parameter: 'FUNCTION'"), run.err());
        }

        @Test
        void missingEventFileIsAnErrorForTheSweepToo() {
            Path missing = tmp.resolve("missing.json");

            Run run = run("invoke", "sweep", "--event", missing);

            assertEquals(2, run.status());
            assertEquals("guardrail: " + missing + ": no such file or directory", run.err().strip());
        }

        @Test
        void missingEventFile() {
            Path missing = tmp.resolve("missing.json");

            Run run = run("invoke", "vpc-guard", "--event", missing);

            assertEquals(2, run.status());
            assertEquals("guardrail: " + missing + ": no such file or directory", run.err().strip());
        }

        @Test
        void missingEnvFile() {
            Path missing = tmp.resolve("env.json");

            Run run = run("invoke", "vpc-guard", "--event", NO_VPC, "--env-vars", missing);

            assertEquals(2, run.status());
            assertEquals("guardrail: " + missing + ": no such file or directory", run.err().strip());
        }

        @Test
        void envFileThatIsNotJson() throws IOException {
            Path file = envFile("{\"VpcGuardFunction\": {");

            Run run = run("invoke", "vpc-guard", "--event", NO_VPC, "--env-vars", file);

            assertEquals(2, run.status());
            assertTrue(run.err().startsWith("guardrail: " + file + ": not JSON: "), run.err());
            run.assertOneErrorLine();
        }

        @Test
        void envEntryThatIsNotAnObject() throws IOException {
            Path file = envFile("{\"VpcGuardFunction\": [\"GUARDRAIL_MODE=rollback\"]}");

            Run run = run("invoke", "vpc-guard", "--event", NO_VPC, "--env-vars", file);

            assertEquals(2, run.status());
            assertEquals("guardrail: " + file + ": VpcGuardFunction: not a JSON object of variables", run.err().strip());
        }

        @Test
        void envValueThatIsNotScalar() throws IOException {
            Path file = envFile("{\"Parameters\": {\"GUARDRAIL_RULES\": {\"PERMISSION_PUBLIC\": \"off\"}}}");

            Run run = run("invoke", "permission-guard", "--event", PUBLIC_PERMISSION, "--env-vars", file);

            assertEquals(2, run.status());
            assertEquals("guardrail: " + file + ": Parameters.GUARDRAIL_RULES: not a string, number or boolean",
                    run.err().strip());
        }
    }

    /** The GUARDRAIL_* variables are validated at start-up: one line naming the variable, exit 2, no AWS call. */
    @Nested
    class BadConfiguration {

        @Test
        void invalidModeNamesTheVariable() throws IOException {
            Path file = envFile(Map.of("VpcGuardFunction", Map.of("GUARDRAIL_MODE", "sometimes",
                    "GUARDRAIL_TOPIC_ARN", VALID_TOPIC, "GUARDRAIL_STATE_TABLE", "lambda-guardrail-state")));

            Run run = run("invoke", "vpc-guard", "--event", NO_VPC, "--env-vars", file);

            assertEquals(2, run.status());
            run.assertOneErrorLine();
            assertTrue(run.err().startsWith("guardrail: vpc-guard: configuration: GUARDRAIL_MODE: 'sometimes'"), run.err());
            assertEquals("", run.out());
        }

        @Test
        void sweepWithoutEventStartsAndValidatesItsOwnVariable() throws IOException {
            Path file = envFile(Map.of("SweepFunction", Map.of("GUARDRAIL_SWEEP_RATE_LIMIT", "fast",
                    "GUARDRAIL_TOPIC_ARN", VALID_TOPIC, "GUARDRAIL_STATE_TABLE", "lambda-guardrail-state")));

            Run run = run("invoke", "SweepFunction", "--env-vars", file);

            assertEquals(2, run.status());
            run.assertOneErrorLine();
            assertTrue(run.err().startsWith("guardrail: sweep: configuration: GUARDRAIL_SWEEP_RATE_LIMIT: 'fast'"), run.err());
        }

        @Test
        void missingTopicNamesTheVariable() throws IOException {
            Path file = envFile(Map.of("PermissionGuardFunction", Map.of("GUARDRAIL_STATE_TABLE", "lambda-guardrail-state")));

            Run run = run("invoke", "permission-guard", "--event", PUBLIC_PERMISSION, "--env-vars", file);

            assertEquals(2, run.status());
            assertEquals("guardrail: permission-guard: configuration: GUARDRAIL_TOPIC_ARN: is required", run.err().strip());
        }

        @Test
        void rollbackWithoutEndpointRefusesToStartNamingTheVariableThatAllowsIt() throws IOException {
            // A local run: the SDK would reach the real account with this process's credentials.
            Path file = envFile(Map.of("PermissionGuardFunction", Map.of("GUARDRAIL_MODE", "rollback",
                    "GUARDRAIL_TOPIC_ARN", VALID_TOPIC, "GUARDRAIL_STATE_TABLE", "lambda-guardrail-state")));

            Run run = run("invoke", "permission-guard", "--event", PUBLIC_PERMISSION, "--env-vars", file);

            assertEquals(2, run.status());
            run.assertOneErrorLine();
            assertTrue(run.err().startsWith("guardrail: permission-guard: configuration: GUARDRAIL_LOCAL_ALLOW_REAL_AWS: "
                    + "a local run (AWS_SAM_LOCAL) that rolls back names no endpoint"), run.err());
            assertTrue(run.err().strip().endsWith("or set GUARDRAIL_LOCAL_ALLOW_REAL_AWS=true"), run.err());
            assertEquals("", run.out());
        }

        @Test
        void parametersEntryAppliesToEveryFunction() throws IOException {
            Path file = envFile(Map.of("Parameters", Map.of("GUARDRAIL_SELF_ROLE_ARNS", "not-a-role",
                    "GUARDRAIL_TOPIC_ARN", VALID_TOPIC, "GUARDRAIL_STATE_TABLE", "lambda-guardrail-state")));

            Run run = run("invoke", "permission-guard", "--event", PUBLIC_PERMISSION, "--env-vars", file);

            assertEquals(2, run.status());
            assertEquals("guardrail: permission-guard: configuration: GUARDRAIL_SELF_ROLE_ARNS: 'not-a-role' is not an IAM role ARN",
                    run.err().strip());
        }

        @Test
        void anotherFunctionsEntryDoesNotApply() throws IOException {
            Path file = envFile(Map.of("PermissionGuardFunction", Map.of("GUARDRAIL_MODE", "sometimes")));

            Run run = run("invoke", "vpc-guard", "--event", NO_VPC, "--env-vars", file);

            assertEquals(2, run.status());
            List<String> lines = run.err().lines().toList();
            assertEquals(2, lines.size(), run.err());
            assertTrue(lines.get(0).startsWith("guardrail: warning: " + file + " has no \"VpcGuardFunction\""), run.err());
            assertEquals("guardrail: vpc-guard: configuration: GUARDRAIL_TOPIC_ARN: is required", lines.get(1));
        }
    }

    @Nested
    class Environment {

        @Test
        void functionEntryWinsOverParametersWhichWinOverTheProcess() throws Exception {
            Path file = envFile(Map.of(
                    "Parameters", Map.of("A", "parameters", "B", "parameters", "N", 3, "T", true),
                    "VpcGuardFunction", Map.of("A", "function"),
                    "PermissionGuardFunction", Map.of("B", "other function")));

            FunctionEnvironment env = FunctionEnvironment.of(Map.of("A", "process", "B", "process", "C", "process"),
                    file, "VpcGuardFunction");

            assertEquals(Map.of("A", "function", "B", "parameters", "C", "process", "N", "3", "T", "true",
                    "AWS_SAM_LOCAL", "true"), env.variables(), "a local run, as in SAM's containers");
            assertEquals(Map.of("A", "function", "B", "parameters", "N", "3", "T", "true"), env.fromEnvFile());
            assertEquals(List.of("Parameters", "VpcGuardFunction"), env.entriesFound());
        }

        @Test
        void sdkSystemPropertiesAreSetForTheInvocationOnlyAndOnlyFromTheEnvFile() {
            assertNull(System.getProperty("aws.region"));
            Map<String, String> fromFile = Map.of("AWS_REGION", "eu-west-1", "AWS_ENDPOINT_URL", "http://127.0.0.1:1",
                    "AWS_ACCESS_KEY_ID", " ");
            try (SdkSettings ignored = SdkSettings.apply(fromFile)) {
                assertEquals("eu-west-1", System.getProperty("aws.region"));
                assertEquals("http://127.0.0.1:1", System.getProperty("aws.endpointUrl"));
                assertNull(System.getProperty("aws.accessKeyId"), "blank counts as unset");
                assertNull(System.getProperty("aws.secretAccessKey"), "the process environment is the SDK's to read");
            }
            assertNull(System.getProperty("aws.region"));
            assertNull(System.getProperty("aws.endpointUrl"));
        }
    }

    /** The guards and the sweep end to end against moto: the effect on the function is real. */
    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class AgainstMoto {

        private static final String ACCOUNT = MotoWorld.ACCOUNT;

        @RegisterExtension
        static final MotoWorld moto = new MotoWorld();

        private final String run = UUID.randomUUID().toString().substring(0, 8);
        private LambdaClient lambda;
        private SqsClient sqs;
        private String roleArn;
        private String table;
        private String topicArn;
        private String queueUrl;
        private String sweepTopicArn;
        private String sweepQueueUrl;

        @BeforeAll
        void resources() {
            lambda = moto.lambda();
            sqs = moto.sqs();
            roleArn = moto.createRole("guardrail-cli-test-" + run);
            table = moto.createStateTable("guardrail-cli-test-" + run);
            MotoWorld.Topic alerts = moto.createTopicWithQueue("guardrail-cli-test-" + run);
            topicArn = alerts.arn();
            queueUrl = alerts.queueUrl();
            // The sweep's summaries go to a topic of their own, never among the guards' alerts.
            MotoWorld.Topic summaries = moto.createTopicWithQueue("guardrail-cli-sweep-test-" + run);
            sweepTopicArn = summaries.arn();
            sweepQueueUrl = summaries.queueUrl();
        }

        /** An env.json as SAM would read it: the function's entry, rollback mode, pointing at moto. */
        private Path envFor(String logicalId) throws IOException {
            return envFile(Map.of(logicalId, variables(topicArn)));
        }

        private Map<String, String> variables(String topic) {
            Map<String, String> vars = new LinkedHashMap<>();
            vars.put("GUARDRAIL_MODE", "rollback");
            vars.put("GUARDRAIL_TOPIC_ARN", topic);
            vars.put("GUARDRAIL_STATE_TABLE", table);
            vars.put("GUARDRAIL_SELF_ROLE_ARNS", "arn:aws:iam::" + ACCOUNT + ":role/lambda-guardrail-VpcGuardRole,"
                    + "arn:aws:iam::" + ACCOUNT + ":role/lambda-guardrail-PermissionGuardRole");
            vars.putAll(MotoWorld.ENVIRONMENT);
            return vars;
        }

        private String createFunction(String name) {
            return moto.createFunction(name, roleArn, b -> { });
        }

        /** A sample event with moto's account, the real function and fresh ids. */
        private ObjectNode event(Path template) throws IOException {
            ObjectNode event = (ObjectNode) JSON.readTree(Files.readString(template).replace("111122223333", ACCOUNT));
            event.put("id", UUID.randomUUID().toString());
            ((ObjectNode) event.get("detail")).put("eventID", UUID.randomUUID().toString());
            return event;
        }

        private Path write(ObjectNode event) throws IOException {
            Path file = tmp.resolve("event-" + UUID.randomUUID() + ".json");
            JSON.writeValue(file.toFile(), event);
            return file;
        }

        @ParameterizedTest
        @ValueSource(strings = {"permission-guard", "PermissionGuardFunction"})
        void permissionGuardRemovesThePublicStatementAndAlerts(String name) throws IOException {
            String function = "invoice-renderer-" + run + "-" + name;
            createFunction(function);
            String statement = lambda.addPermission(b -> b.functionName(function).statementId("allow-anyone")
                    .action("lambda:InvokeFunction").principal("*")).statement();
            ObjectNode event = event(PUBLIC_PERMISSION);
            ObjectNode detail = (ObjectNode) event.get("detail");
            ((ObjectNode) detail.get("requestParameters")).put("functionName", function);
            ((ObjectNode) detail.get("responseElements")).put("statement", statement);

            Run result = run("invoke", name, "--event", write(event), "--env-vars", envFor("PermissionGuardFunction"));

            assertEquals(0, result.status(), result.err());
            assertEquals("", result.err());
            assertEquals(1, result.result().get("rollbacks").asInt(), result.out());
            assertEquals(1, result.result().get("notifications").asInt(), result.out());
            assertEquals("REMOVE_PERMISSION", result.log("action").get(0).get("action").asText(), result.out());
            assertEquals(1, result.log("invocation done").size(), result.out());
            assertThrows(ResourceNotFoundException.class, () -> lambda.getPolicy(b -> b.functionName(function)),
                    "the only statement is gone, and with it the policy");
            String alert = receive(queueUrl, function);
            assertTrue(alert.contains("PERMISSION_PUBLIC"), alert);
        }

        @ParameterizedTest
        @ValueSource(strings = {"vpc-guard", "VpcGuardFunction"})
        void vpcGuardQuarantinesAFunctionCreatedWithoutVpc(String name) throws IOException {
            String function = "data-scraper-" + run + "-" + name;
            String arn = createFunction(function);
            ObjectNode event = event(NO_VPC);
            ObjectNode detail = (ObjectNode) event.get("detail");
            ((ObjectNode) detail.get("requestParameters")).put("functionName", function).put("role", roleArn);
            ((ObjectNode) detail.get("responseElements")).put("functionName", function).put("functionArn", arn).put("role", roleArn);

            Run result = run("invoke", name, "--event", write(event), "--env-vars", envFor("VpcGuardFunction"));

            assertEquals(0, result.status(), result.err());
            assertEquals(1, result.result().get("rollbacks").asInt(), result.out());
            assertEquals(0, lambda.getFunctionConcurrency(b -> b.functionName(function)).reservedConcurrentExecutions());
            Map<String, String> tags = lambda.listTags(b -> b.resource(arn)).tags();
            assertTrue(tags.get("guardrail:quarantine").startsWith("LAMBDA_NOT_IN_VPC"), tags.toString());
            assertEquals("unreserved", tags.get("guardrail:previous-concurrency"));
        }

        /**
         * The sweep needs no event: it scans moto's functions, the one created here without a VPC
         * among them (others may be there too), prints its log and then its summary as the last
         * line, and publishes exactly that summary once.
         */
        @ParameterizedTest
        @ValueSource(strings = {"sweep", "SweepFunction"})
        void sweepReportsAFunctionWithoutVpcAndPublishesItsSummary(String name) throws IOException {
            createFunction("legacy-report-" + run + "-" + name);
            Map<String, String> vars = variables(sweepTopicArn);
            // Moto is shared with other tests' functions; the quota of an account does not apply.
            vars.put("GUARDRAIL_SWEEP_RATE_LIMIT", "100");

            Run result = run("invoke", name, "--env-vars", envFile(Map.of("SweepFunction", vars)));

            assertEquals(0, result.status(), result.err());
            assertEquals("", result.err());
            JsonNode summary = result.result();
            assertEquals("SWEEP", summary.get("decision").asText(), result.out());
            assertEquals(ACCOUNT, summary.get("account").asText(), result.out());
            assertEquals(MotoWorld.REGION, summary.get("region").asText(), result.out());
            assertTrue(summary.get("complete").asBoolean(), result.out());
            // moto has no ListFunctionUrlConfigs (404): every function is read, judged and counted as failed, not scanned.
            assertTrue(summary.at("/functions/listed").asInt() >= 1, result.out());
            assertTrue(summary.at("/findingsByRule/LAMBDA_NOT_IN_VPC").asInt() >= 1, result.out());
            assertEquals(List.of(summary), result.log("sweep done").stream().map(l -> l.get("summary")).toList(),
                    "the result is the summary the sweep logged");
            String published = receive(sweepQueueUrl, "\"startedAt\":\"" + summary.get("startedAt").asText() + "\"");
            assertEquals(summary.get("findingCount"), JSON.readTree(published).get("findingCount"), published);
        }

        @Test
        void handlerFailureIsExitOneWithTheExceptionOnOneLine() throws IOException {
            String function = "no-state-table-" + run;
            String arn = createFunction(function);
            ObjectNode event = event(NO_VPC);
            ObjectNode detail = (ObjectNode) event.get("detail");
            ((ObjectNode) detail.get("requestParameters")).put("functionName", function);
            ((ObjectNode) detail.get("responseElements")).put("functionName", function).put("functionArn", arn);
            Path env = envFor("VpcGuardFunction");
            Files.writeString(env, Files.readString(env).replace(table, "no-such-table-" + run));

            Run result = run("invoke", "vpc-guard", "--event", write(event), "--env-vars", env);

            assertEquals(1, result.status(), result.out());
            result.assertOneErrorLine();
            assertTrue(result.err().startsWith("guardrail: vpc-guard: handler failed: "
                    + "software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException: "), result.err());
            assertTrue(result.log("action").isEmpty(), result.out());
            assertNull(lambda.getFunctionConcurrency(b -> b.functionName(function)).reservedConcurrentExecutions(),
                    "nothing was done");
        }

        /**
         * The first SNS message on {@code queue} that contains {@code text}; every message read is
         * deleted, so that tests sharing the queue do not read each other's.
         */
        private String receive(String queue, String text) throws IOException {
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (System.nanoTime() < deadline) {
                for (Message m : sqs.receiveMessage(b -> b.queueUrl(queue).maxNumberOfMessages(10).waitTimeSeconds(1)).messages()) {
                    sqs.deleteMessage(b -> b.queueUrl(queue).receiptHandle(m.receiptHandle()));
                    // The SNS envelope; with MessageStructure=json its Message is the "sqs" document.
                    String message = JSON.readTree(m.body()).get("Message").asText();
                    if (message.contains(text)) {
                        return message;
                    }
                }
            }
            return fail("no message containing '" + text + "' on the topic's queue within 10 s");
        }
    }
}
