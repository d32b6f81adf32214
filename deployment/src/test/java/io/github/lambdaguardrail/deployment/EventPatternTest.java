package io.github.lambdaguardrail.deployment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.lambdaguardrail.engine.WatchedApi;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.event.ruler.Machine;

/**
 * Each guard's EventBridge pattern, read from template.yaml, matches exactly the events its
 * guard handles (the engine's {@link WatchedApi} list is the data), and none of the others:
 * failed calls, unwatched Lambda APIs, other services, the other guard's events.
 */
class EventPatternTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Each function's watched APIs, as its handler passes them to the guard. */
    private static final Map<String, List<WatchedApi>> GUARDS = Map.of(
            "VpcGuardFunction", WatchedApi.functionConfiguration(),
            "PermissionGuardFunction", WatchedApi.resourcePolicy());

    private static Machine machine;

    @BeforeAll
    static void loadPatterns() throws Exception {
        Template template = Template.load();
        machine = Machine.builder().build();
        for (String function : GUARDS.keySet()) {
            Map<String, Object> events = Template.at(template.properties(function), "Events");
            assertEquals(1, events.size(), function + " has exactly one event source");
            Map<String, Object> event = (Map<String, Object>) events.values().iterator().next();
            assertEquals("EventBridgeRule", event.get("Type"));
            machine.addRule(function, JSON.writeValueAsString(Template.at(event, "Properties", "Pattern")));
        }
    }

    static Stream<Path> sampleEvents() throws IOException {
        List<Path> files = new ArrayList<>();
        try (Stream<Path> s = Files.list(Template.ROOT.resolve("events"))) {
            s.filter(p -> p.toString().endsWith(".json")).sorted().forEach(files::add);
        }
        files.add(Template.ROOT.resolve("aws-samples/cloudtrail/c7n_eventbridge_envelope_s3_createbucket_nontarget.json"));
        return files.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sampleEvents")
    void sampleEventMatchesExactlyTheGuardThatHandlesIt(Path file) throws Exception {
        JsonNode event = JSON.readTree(file.toFile());
        if (!event.has("detail-type")) {
            return; // a CloudTrail log file as delivered to S3: EventBridge never sees this form
        }
        assertEquals(expectedGuards(event), matches(event), file.getFileName().toString());
    }

    @Test
    void everyWatchedApiWithAVersionSuffixReachesOnlyItsGuard() throws Exception {
        ObjectNode template = (ObjectNode) JSON.readTree(Template.ROOT.resolve("events/addpermission-public-principal.json").toFile());
        for (WatchedApi api : WatchedApi.values()) {
            for (String suffix : List.of("20150331", "20150331v2", "20211031", "20260709")) {
                ObjectNode event = template.deepCopy();
                ((ObjectNode) event.get("detail")).put("eventName", api.baseName() + suffix);
                List<String> expected = GUARDS.entrySet().stream().filter(g -> g.getValue().contains(api))
                        .map(Map.Entry::getKey).toList();
                assertEquals(expected, matches(event), api.baseName() + suffix);
            }
        }
    }

    @Test
    void unwatchedLambdaApisAndNamesSharingAPrefixReachNoGuard() throws Exception {
        ObjectNode template = (ObjectNode) JSON.readTree(Template.ROOT.resolve("events/createfunction-no-vpc.json").toFile());
        for (String name : List.of("UpdateFunctionCode20150331v2", "GetFunction20150331v2", "DeleteFunction20150331",
                "GetPolicy20150331v2", "RemovePermission20150331v2", "PublishVersion20150331", "CreateAlias20150331")) {
            ObjectNode event = template.deepCopy();
            ((ObjectNode) event.get("detail")).put("eventName", name);
            assertEquals(List.of(), matches(event), name);
        }
        ObjectNode url = template.deepCopy();
        ((ObjectNode) url.get("detail")).put("eventName", "CreateFunctionUrlConfig20211031");
        assertEquals(List.of("PermissionGuardFunction"), matches(url), "URL configs are the permission guard's, never vpc-guard's");
    }

    @Test
    void failedCallsReachNoGuard() throws Exception {
        for (String file : List.of("createfunction-no-vpc.json", "addpermission-public-principal.json")) {
            ObjectNode event = (ObjectNode) JSON.readTree(Template.ROOT.resolve("events/" + file).toFile());
            ((ObjectNode) event.get("detail")).put("errorCode", "AccessDenied");
            assertEquals(List.of(), matches(event), file + " with errorCode");
        }
    }

    @Test
    void eventsFromOtherSourcesReachNoGuard() throws Exception {
        ObjectNode event = (ObjectNode) JSON.readTree(Template.ROOT.resolve("events/addpermission-public-principal.json").toFile());
        event.put("source", "aws.s3");
        assertTrue(matches(event).isEmpty());
        ObjectNode otherType = (ObjectNode) JSON.readTree(Template.ROOT.resolve("events/addpermission-public-principal.json").toFile());
        otherType.put("detail-type", "AWS Service Event via CloudTrail");
        assertTrue(matches(otherType).isEmpty());
    }

    private static List<String> matches(JsonNode event) throws Exception {
        return machine.rulesForJSONEvent(JSON.writeValueAsString(event)).stream().sorted().toList();
    }

    /** What should match, from the engine's own data: source, detail-type, success and the watched API. */
    private static List<String> expectedGuards(JsonNode event) {
        JsonNode detail = event.path("detail");
        boolean candidate = "aws.lambda".equals(event.path("source").asText())
                && "AWS API Call via CloudTrail".equals(event.path("detail-type").asText())
                && "lambda.amazonaws.com".equals(detail.path("eventSource").asText())
                && !detail.has("errorCode");
        Optional<WatchedApi> api = WatchedApi.forEventName(detail.path("eventName").asText());
        Map<String, Boolean> result = new LinkedHashMap<>();
        GUARDS.forEach((fn, apis) -> result.put(fn, candidate && api.isPresent() && apis.contains(api.get())));
        return result.entrySet().stream().filter(Map.Entry::getValue).map(Map.Entry::getKey).sorted().toList();
    }
}
