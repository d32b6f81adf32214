package io.github.lambdaguardrail.guard;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.github.lambdaguardrail.engine.WatchedApi;
import io.github.lambdaguardrail.guard.moto.MotoWorld;
import io.github.lambdaguardrail.runtime.ClientSettings;
import io.github.lambdaguardrail.runtime.EmfMetrics;
import io.github.lambdaguardrail.runtime.JsonLog;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.services.lambda.LambdaClient;

/**
 * The cold path of a guard function: no SDK client is built before an event needs one, a
 * compliant event builds none, and the SnapStart hooks ({@link GuardFunction#beforeCheckpoint},
 * {@link GuardFunction#afterRestore}) prime without writing and renew credentials after a restore.
 */
class GuardFunctionHooksMotoTest {

    @RegisterExtension
    static final MotoWorld moto = new MotoWorld();

    private final String suffix = UUID.randomUUID().toString().substring(0, 8);
    private final Operations operations = new Operations();
    private final ByteArrayOutputStream logBytes = new ByteArrayOutputStream();
    private final JsonLog log = new JsonLog(new PrintStream(logBytes, true, StandardCharsets.UTF_8));

    /** The operation names of every call made through the clients under test, in order. */
    static final class Operations implements ExecutionInterceptor {
        final List<String> names = new CopyOnWriteArrayList<>();

        @Override
        public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
            names.add(attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME));
        }
    }

    private record Built(GuardFunction function, AwsClients aws) {
    }

    /** A permission guard function on moto, with its own table and topic, as its handler builds it. */
    private Built permissionGuard(String table, Map<String, String> more) {
        MotoWorld.Topic topic = moto.createTopicWithQueue("hooks-" + suffix);
        Map<String, String> env = new HashMap<>(MotoWorld.ENVIRONMENT);
        env.putAll(Map.of("GUARDRAIL_MODE", "rollback", "GUARDRAIL_TOPIC_ARN", topic.arn(), "GUARDRAIL_STATE_TABLE", table));
        env.putAll(more);
        AwsClients aws = AwsClients.create(moto.settings().withInterceptors(operations));
        Guard guard = Guard.create(GuardConfig.fromEnvironment(env), WatchedApi.resourcePolicy(), aws, log);
        return new Built(new GuardFunction(guard, aws, log, EmfMetrics.fromEnvironment(Map.of(), System.out)), aws);
    }

    private static byte[] event(String name) throws IOException {
        return Files.readAllBytes(Path.of("../../events", name));
    }

    private String log() {
        return logBytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aCompliantEventBuildsNoClientAndMakesNoCallWhileAViolationBuildsWhatItUses() throws IOException {
        Built built = permissionGuard(moto.createStateTable("hooks-" + suffix), Map.of());
        assertFalse(built.aws().anyBuilt(), "nothing is built at init");

        built.function().handle(new java.io.ByteArrayInputStream(event("addpermission-service-with-source-arn.json")),
                new ByteArrayOutputStream(), null);

        assertTrue(log().contains("\"decision\":\"ALLOW\""), log());
        assertFalse(built.aws().anyBuilt(), "a compliant event builds no client");
        assertEquals(List.of(), operations.names);

        built.function().handle(new java.io.ByteArrayInputStream(event("addpermission-public-principal.json")),
                new ByteArrayOutputStream(), null);

        assertTrue(built.aws().anyBuilt());
        assertEquals("UpdateItem", operations.names.get(0), "the violation is claimed first: " + operations.names);
        assertTrue(operations.names.contains("Publish"), operations.names::toString);
    }

    @Test
    void beforeCheckpointBuildsEveryClientJudgesTheSampleEventsAndOnlyReads() {
        String table = moto.createStateTable("hooks-" + suffix);
        Built built = permissionGuard(table, Map.of("AWS_LAMBDA_FUNCTION_NAME", "lambda-guardrail-permission-guard"));

        built.function().beforeCheckpoint(null);

        assertTrue(built.aws().anyBuilt());
        assertEquals(List.of("GetFunction", "GetItem"), operations.names, "reads only: its own function, a state item");
        assertTrue(log().contains("\"message\":\"primed for a snapshot\"") && log().contains("\"verdicts\":2"), log());
        assertEquals(0, moto.dynamo().scan(b -> b.tableName(table)).count(), "nothing written");
        assertFalse(log().contains("\"level\":\"WARN\""), log());
    }

    @Test
    void aPrimingThatFailsIsLoggedAndNeverThrown() {
        Built built = permissionGuard("no-such-table-" + suffix, Map.of());

        assertDoesNotThrow(() -> built.function().beforeCheckpoint(null));

        assertTrue(log().contains("priming failed; the snapshot is taken unprimed"), log());
        assertTrue(log().contains("no-such-table-" + suffix), "the failure names the table: " + log());
    }

    /**
     * The container credentials endpoint is what SnapStart functions get their credentials from;
     * the SDK caches what it served. After a restore, the function must ask again.
     */
    @Test
    void afterRestoreMakesTheNextCallResolveTheFunctionsCredentialsAfresh() {
        WireMockServer endpoint = new WireMockServer(wireMockConfig().dynamicPort());
        endpoint.start();
        Map<String, String> saved = saveProperties("aws.containerCredentialsFullUri", "aws.containerAuthorizationToken");
        try {
            System.setProperty("aws.containerCredentialsFullUri", "http://127.0.0.1:" + endpoint.port() + "/credentials");
            System.setProperty("aws.containerAuthorizationToken", "token");
            serveCredentials(endpoint, "ASIAFIRSTSNAPSHOT");
            ClientSettings settings = ClientSettings.forEnvironment(Map.of("AWS_LAMBDA_FUNCTION_NAME", "f", "AWS_REGION", "us-east-1"));
            AwsClients aws = AwsClients.create(settings);
            Guard guard = Guard.create(GuardConfig.fromEnvironment(Map.of("GUARDRAIL_TOPIC_ARN", "arn:aws:sns:us-east-1:123456789012:t",
                    "GUARDRAIL_STATE_TABLE", "guard-state")), WatchedApi.resourcePolicy(), aws, log);
            GuardFunction function = new GuardFunction(guard, aws, log, EmfMetrics.fromEnvironment(Map.of(), System.out));
            var credentials = settings.credentials().orElseThrow();

            assertEquals("ASIAFIRSTSNAPSHOT", credentials.resolveCredentials().accessKeyId());
            serveCredentials(endpoint, "ASIAAFTERRESTORE");
            assertEquals("ASIAFIRSTSNAPSHOT", credentials.resolveCredentials().accessKeyId(), "cached until renewed");

            function.afterRestore(null);

            assertEquals("ASIAAFTERRESTORE", credentials.resolveCredentials().accessKeyId());
        } finally {
            restoreProperties(saved);
            endpoint.stop();
        }
    }

    @Test
    void inLambdaNoProfileFileIsReadWhileElsewhereTheSdkChainsApply(@TempDir Path dir) throws IOException {
        Path config = dir.resolve("config");
        Files.writeString(config, "[default]\nendpoint_url = http://127.0.0.1:1\n");
        Map<String, String> saved = saveProperties("aws.configFile");
        try {
            System.setProperty("aws.configFile", config.toString());
            ClientSettings inLambda = ClientSettings.forEnvironment(Map.of("AWS_LAMBDA_FUNCTION_NAME", "f", "AWS_REGION", "eu-west-1"));
            ClientSettings elsewhere = ClientSettings.forEnvironment(Map.of("AWS_REGION", "eu-west-1"));
            assertSame(ClientSettings.DEFAULT, elsewhere);

            try (LambdaClient lambda = AwsClients.lambda(inLambda);
                 LambdaClient developers = AwsClients.lambda(elsewhere.withRegion(software.amazon.awssdk.regions.Region.EU_WEST_1))) {
                assertEquals("eu-west-1", lambda.serviceClientConfiguration().region().id());
                assertEquals(java.util.Optional.empty(), lambda.serviceClientConfiguration().endpointOverride(),
                        "the profile file's endpoint_url was not read");
                assertEquals(java.util.Optional.of(URI.create("http://127.0.0.1:1")),
                        developers.serviceClientConfiguration().endpointOverride(), "outside Lambda it is (the probe works)");
            }
        } finally {
            restoreProperties(saved);
        }
    }

    private static void serveCredentials(WireMockServer endpoint, String accessKeyId) {
        endpoint.stubFor(get(urlEqualTo("/credentials")).willReturn(aResponse().withHeader("Content-Type", "application/json")
                .withBody("{\"AccessKeyId\":\"" + accessKeyId + "\",\"SecretAccessKey\":\"secret\",\"Token\":\"session\","
                        + "\"Expiration\":\"" + Instant.now().plusSeconds(6 * 3600) + "\"}")));
    }

    private static Map<String, String> saveProperties(String... names) {
        Map<String, String> saved = new HashMap<>();
        for (String name : names) {
            saved.put(name, System.getProperty(name));
        }
        return saved;
    }

    private static void restoreProperties(Map<String, String> saved) {
        saved.forEach((name, value) -> {
            if (value == null) {
                System.clearProperty(name);
            } else {
                System.setProperty(name, value);
            }
        });
    }
}
