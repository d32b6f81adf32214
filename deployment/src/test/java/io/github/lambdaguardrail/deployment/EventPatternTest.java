package io.github.lambdaguardrail.deployment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.lambdaguardrail.engine.CloudTrailReader;
import io.github.lambdaguardrail.engine.Finding;
import io.github.lambdaguardrail.engine.FunctionFacts;
import io.github.lambdaguardrail.engine.GuardrailEngine;
import io.github.lambdaguardrail.engine.Policy;
import io.github.lambdaguardrail.engine.PolicyLoader;
import io.github.lambdaguardrail.engine.RuleId;
import io.github.lambdaguardrail.engine.Verdict;
import io.github.lambdaguardrail.engine.WatchedApi;
import io.github.lambdaguardrail.engine.WatchedApi.Service;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.event.ruler.Machine;

/**
 * The guards' EventBridge patterns, read from template.yaml and resolved for the example stack
 * ({@link Template#EXAMPLE}), match exactly the events the engine's {@link WatchedApi} data says
 * each guard handles, and none of the others. Each guard has its main rule (the changes it judges
 * on every function) and four tamper rules that both guards share: every {@link WatchedApi#tamper()}
 * call that names one of the guardrail's own resources (any of the seven functions a stack can
 * have) reaches both guards, the same call on an ordinary resource reaches no tamper rule. The
 * engine, given the template's {@code GUARDRAIL_OWN_RESOURCES}, then alerts the calls on the
 * functions the stack has.
 */
class EventPatternTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String STACK = "lambda-guardrail";
    private static final String ACCOUNT = "111122223333";
    /** Each function's own APIs, as its handler passes them to the guard, and its main rule. */
    private static final Map<String, List<WatchedApi>> GUARDS = Map.of(
            "VpcGuardFunction", WatchedApi.functionConfiguration(),
            "PermissionGuardFunction", WatchedApi.resourcePolicy());
    private static final Map<String, String> MAIN_RULE = Map.of(
            "VpcGuardFunction", "FunctionConfigurationChanged",
            "PermissionGuardFunction", "ResourcePolicyChanged");
    /** Lambda tamper calls naming a guard or the sweep by {@code functionName}. */
    private static final String TAMPER_FUNCTION_RULE = "GuardrailFunctionChanged";
    /** The same calls naming a function only some stacks have (Security Hub, organisation mode). */
    private static final String TAMPER_OPTIONAL_FUNCTION_RULE = "GuardrailOptionalFunctionChanged";
    /** Lambda tamper calls naming any of the functions by {@code resourceArn}: resource policies. */
    private static final String TAMPER_POLICY_RULE = "GuardrailFunctionPolicyChanged";
    /** The other tamper calls: rules, key, topics. */
    private static final String TAMPER_RULE = "GuardrailChanged";
    private static final List<String> TAMPER_RULES = List.of(TAMPER_FUNCTION_RULE, TAMPER_OPTIONAL_FUNCTION_RULE,
            TAMPER_POLICY_RULE, TAMPER_RULE);
    private static final String HEARTBEAT = "Heartbeat";
    private static final List<String> CORE_FUNCTIONS = List.of(STACK + "-vpc-guard", STACK + "-permission-guard", STACK + "-sweep");
    /** The exporter (SecurityHub=true) and organisation mode's three: in GUARDRAIL_OWN_RESOURCES only when they exist. */
    private static final List<String> OPTIONAL_FUNCTIONS = List.of(STACK + "-securityhub-export", STACK + "-org-evaluator",
            STACK + "-org-remediator", STACK + "-org-sweep");
    private static final List<String> FUNCTIONS = Stream.concat(CORE_FUNCTIONS.stream(), OPTIONAL_FUNCTIONS.stream()).toList();
    private static final String KEY_ID = Template.EXAMPLE.get("AlertKey");
    private static final String KEY_ARN = Template.EXAMPLE.get("AlertKey.Arn");
    private static final List<String> TOPICS = List.of(Template.EXAMPLE.get("AlertTopic"), Template.EXAMPLE.get("AlarmTopic"));

    private static Template template;
    private static Machine machine;
    /** Every EventBridge rule name of the stack (main, tamper, heartbeat, sweep), resolved. */
    private static List<String> ruleNames;

    @BeforeAll
    @SuppressWarnings("unchecked")
    static void loadPatterns() throws Exception {
        template = Template.load();
        machine = Machine.builder().build();
        for (String function : GUARDS.keySet()) {
            Map<String, Object> events = Template.at(template.properties(function), "Events");
            List<String> expected = new ArrayList<>(List.of(MAIN_RULE.get(function)));
            expected.addAll(TAMPER_RULES);
            expected.add(HEARTBEAT);
            assertEquals(expected, List.copyOf(events.keySet()), function + ": main rule, four tamper rules, heartbeat");
            for (Map.Entry<String, Object> e : events.entrySet()) {
                Map<String, Object> event = (Map<String, Object>) e.getValue();
                if ("EventBridgeRule".equals(event.get("Type"))) {
                    Object pattern = template.resolve(Template.at(event, "Properties", "Pattern"), Template.EXAMPLE);
                    machine.addRule(function + "/" + e.getKey(), JSON.writeValueAsString(pattern));
                } else {
                    assertEquals("Schedule", event.get("Type"), function + "/" + e.getKey());
                }
            }
        }
        ruleNames = OwnResourcesTest.ruleNames(template, Template.EXAMPLE);
    }

    /**
     * The sample events in EventBridge's form: a CloudTrail log file as delivered to S3 (in
     * {@code events/} too) never reaches a rule.
     */
    static Stream<Path> sampleEvents() throws IOException {
        List<Path> files = new ArrayList<>();
        for (Path folder : List.of(Template.ROOT.resolve("events"), Template.ROOT.resolve("events/guardrail"))) {
            if (Files.isDirectory(folder)) {
                try (Stream<Path> s = Files.list(folder)) {
                    s.filter(p -> p.toString().endsWith(".json")).sorted().forEach(files::add);
                }
            }
        }
        files.add(Template.ROOT.resolve("aws-samples/cloudtrail/c7n_eventbridge_envelope_s3_createbucket_nontarget.json"));
        List<Path> eventBridge = new ArrayList<>();
        for (Path file : files) {
            if (JSON.readTree(file.toFile()).has("detail-type")) {
                eventBridge.add(file);
            }
        }
        return eventBridge.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sampleEvents")
    void sampleEventReachesExactlyTheRulesThatHandleIt(Path file) throws Exception {
        JsonNode event = JSON.readTree(file.toFile());
        assertEquals(expectedRules(event), matches(event), Template.ROOT.relativize(file).toString());
    }

    static Stream<Path> guardrailSampleEvents() throws IOException {
        Path folder = Template.ROOT.resolve("events/guardrail");
        if (!Files.isDirectory(folder)) {
            return Stream.empty();
        }
        try (Stream<Path> s = Files.list(folder)) {
            return s.filter(p -> p.getFileName().toString().matches("(tamper|nontamper|tag)-.*\\.json")).sorted().toList().stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("guardrailSampleEvents")
    void guardrailSampleEventsReachTheGuardsTheirNameSays(Path file) throws Exception {
        String name = file.getFileName().toString();
        List<String> expected = name.startsWith("tamper-") ? List.of("PermissionGuardFunction", "VpcGuardFunction")
                : name.startsWith("tag-") ? List.of("VpcGuardFunction") : List.of();
        List<String> matched = matches(JSON.readTree(file.toFile()));
        assertEquals(expected, matched.stream().map(r -> r.substring(0, r.indexOf('/'))).distinct().sorted().toList(), name);
        if (name.startsWith("tamper-")) {
            assertTrue(matched.stream().filter(r -> !isMainRule(r)).map(r -> r.substring(0, r.indexOf('/'))).distinct().count() == 2,
                    name + " reaches both guards through their tamper rules: " + matched);
        }
    }

    @Test
    void everyOwnLambdaApiWithAVersionSuffixReachesOnlyItsGuardForEveryFunction() throws Exception {
        for (WatchedApi api : WatchedApi.values()) {
            if (api.service() != Service.LAMBDA) {
                continue;
            }
            for (String suffix : List.of("", "20150331", "20150331v2", "20211031", "20260709")) {
                JsonNode event = call(api, api.baseName() + suffix, "functionName", "invoice-renderer");
                List<String> expected = GUARDS.entrySet().stream().filter(g -> g.getValue().contains(api))
                        .map(g -> g.getKey() + "/" + MAIN_RULE.get(g.getKey())).sorted().toList();
                assertEquals(expected, matches(event), api.baseName() + suffix);
            }
        }
    }

    @Test
    void everyTamperCallNamingAGuardrailResourceReachesBothGuards() throws Exception {
        int checked = 0;
        for (WatchedApi api : WatchedApi.tamper()) {
            for (String suffix : suffixes(api)) {
                for (Target target : guardrailTargets(api)) {
                    JsonNode event = call(api, api.baseName() + suffix, target.field(), target.value());
                    String rule = tamperRule(api, target.value());
                    List<String> matched = matches(event);
                    String what = api.baseName() + suffix + " " + target;
                    assertTrue(matched.containsAll(List.of("PermissionGuardFunction/" + rule, "VpcGuardFunction/" + rule)),
                            what + " reaches both guards' " + rule + ": " + matched);
                    assertEquals(expectedRules(event), matched, what);
                    checked++;
                }
            }
        }
        assertTrue(checked > 500, "checked " + checked);
    }

    @Test
    void tamperCallsOnOrdinaryResourcesReachNoTamperRule() throws Exception {
        for (WatchedApi api : WatchedApi.tamper()) {
            for (String suffix : suffixes(api)) {
                for (Target target : ordinaryTargets(api)) {
                    JsonNode event = call(api, api.baseName() + suffix, target.field(), target.value());
                    List<String> matched = matches(event);
                    String what = api.baseName() + suffix + " " + target;
                    assertTrue(matched.stream().allMatch(EventPatternTest::isMainRule), what + ": " + matched);
                    assertEquals(expectedRules(event), matched, what);
                }
            }
        }
    }

    @Test
    void unwatchedLambdaApisAndNamesSharingAPrefixReachNoGuard() throws Exception {
        List<String> unwatched = List.of("GetFunction20150331v2", "GetPolicy20150331v2", "PublishVersion20150331",
                "CreateAlias20150331", "DeleteFunctionUrlConfig20211031",
                "PutFunctionCodeSigningConfig20200422", "DeleteFunctionCodeSigningConfig20200422",
                "PutProvisionedConcurrencyConfig20190930", "PutRuntimeManagementConfig20221005", "DeleteFunctionX");
        for (String function : List.of("data-scraper", STACK + "-vpc-guard", STACK + "-sweep", STACK + "-org-remediator")) {
            for (String name : unwatched) {
                assertEquals(List.of(), matches(call(Service.LAMBDA, name, "functionName", function)), name + " on " + function);
            }
        }
        for (String name : List.of("UpdateAlias20150331", "DeleteAlias20150331")) {
            assertEquals(List.of(), matches(call(Service.LAMBDA, name, "functionName", "data-scraper")), name);
            assertEquals(2, matches(call(Service.LAMBDA, name, "functionName", STACK + "-vpc-guard")).size(),
                    name + " of a guard's alias (SnapStart's version) is a tamper, seen by both guards");
            assertEquals(2, matches(call(Service.LAMBDA, name, "functionName", STACK + "-securityhub-export")).size(),
                    name + " of the exporter's alias, seen by both guards");
        }
        assertEquals(List.of("PermissionGuardFunction/ResourcePolicyChanged"),
                matches(call(Service.LAMBDA, "CreateFunctionUrlConfig20211031", "functionName", "data-scraper")),
                "URL configs are the permission guard's, never vpc-guard's");
    }

    @Test
    void tagChangesReachOnlyVpcGuardsMainRuleForEveryFunction() throws Exception {
        for (String name : List.of("TagResource20170331v2", "UntagResource20170331v2", "TagResource20170331", "TagResource")) {
            for (String function : List.of("data-scraper", STACK + "-permission-guard")) {
                String arn = "arn:aws:lambda:us-east-1:" + ACCOUNT + ":function:" + function;
                assertEquals(List.of("VpcGuardFunction/FunctionConfigurationChanged"),
                        matches(call(Service.LAMBDA, name, "resource", arn)), name + " on " + function);
            }
        }
    }

    @Test
    void failedCallsReachNoGuard() throws Exception {
        for (String file : List.of("createfunction-no-vpc.json", "addpermission-public-principal.json")) {
            ObjectNode event = (ObjectNode) JSON.readTree(Template.ROOT.resolve("events/" + file).toFile());
            ((ObjectNode) event.get("detail")).put("errorCode", "AccessDenied");
            assertEquals(List.of(), matches(event), file + " with errorCode");
        }
        for (WatchedApi api : WatchedApi.tamper()) {
            Target target = guardrailTargets(api).get(0);
            ObjectNode event = call(api, api.baseName(), target.field(), target.value());
            ((ObjectNode) event.get("detail")).put("errorCode", "AccessDenied");
            assertEquals(List.of(), matches(event), api + " with errorCode");
        }
    }

    @Test
    void eventsFromOtherSourcesOrOfOtherTypesReachNoGuard() throws Exception {
        for (WatchedApi api : WatchedApi.tamper()) {
            Target target = guardrailTargets(api).get(0);
            ObjectNode otherSource = call(api, api.baseName(), target.field(), target.value());
            otherSource.put("source", "aws.s3");
            assertEquals(List.of(), matches(otherSource), api + " from aws.s3");
            ObjectNode otherType = call(api, api.baseName(), target.field(), target.value());
            otherType.put("detail-type", "AWS Service Event via CloudTrail");
            assertEquals(List.of(), matches(otherType), api + " as a service event");
        }
    }

    @Test
    void heartbeatsReachEachGuardOnlyThroughItsHourlySchedule() throws Exception {
        Path sample = Template.ROOT.resolve("events/guardrail/heartbeat-scheduled-event.json");
        ObjectNode beat;
        if (Files.exists(sample)) {
            beat = (ObjectNode) JSON.readTree(sample.toFile());
        } else {
            beat = (ObjectNode) JSON.readTree("""
                    {"version": "0", "id": "53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa", "detail-type": "Scheduled Event",
                     "source": "aws.events", "account": "111122223333", "time": "2026-03-20T09:00:00Z",
                     "region": "us-east-1", "resources": ["arn:aws:events:us-east-1:111122223333:rule/lambda-guardrail-vpc-guard-heartbeat"],
                     "detail": {}}""");
        }
        assertEquals(List.of(), matches(beat), "no pattern rule takes a Scheduled Event");
        for (String function : GUARDS.keySet()) {
            Map<String, Object> heartbeat = Template.at(template.properties(function), "Events", HEARTBEAT);
            assertEquals("Schedule", heartbeat.get("Type"));
            assertEquals("rate(1 hour)", Template.at(heartbeat, "Properties", "Schedule"));
        }
    }

    /** The sample tamper calls on a function (events/guardrail/), each made again on every function below. */
    private static final List<String> FUNCTION_TAMPER_SAMPLES = List.of("tamper-updatefunctioncode-guard",
            "tamper-updatefunctionconfiguration-guard-mode", "tamper-deletefunction-sweep", "tamper-removepermission-guard",
            "tamper-putfunctionconcurrency-guard-zero", "tamper-deletealias-guard");

    /** A function, the stack it is judged in, and whether that stack has it (so that a call on it is a tamper). */
    private record TamperTarget(String function, String stack, boolean tampered) {
    }

    private static final List<TamperTarget> TAMPER_TARGETS = List.of(
            new TamperTarget("securityhub-export", "with Security Hub", true),
            new TamperTarget("securityhub-export", "in organisation mode", false),
            new TamperTarget("org-remediator", "in organisation mode", true),
            new TamperTarget("org-evaluator", "in organisation mode", true),
            new TamperTarget("org-sweep", "in organisation mode", true),
            new TamperTarget("org-remediator", "with Security Hub", false),
            new TamperTarget("sweep", "in organisation mode", true),
            new TamperTarget("org-sweepx", "in organisation mode", false),
            new TamperTarget("securityhub-export-copy", "with Security Hub", false));

    static Stream<Arguments> tamperCallsOnFunctions() {
        return FUNCTION_TAMPER_SAMPLES.stream().flatMap(sample -> TAMPER_TARGETS.stream()
                .map(t -> Arguments.of(sample, t.function(), t.stack(), t.tampered())));
    }

    /**
     * Routing is half of it: given the template's {@code GUARDRAIL_OWN_RESOURCES} for the stack, the
     * engine alerts each sample tamper call on a function only when the stack has that function, and a
     * look-alike is neither routed nor alerted.
     */
    @ParameterizedTest(name = "{0} on {1} in a stack {2}: tampered {3}")
    @MethodSource("tamperCallsOnFunctions")
    void aTamperCallOnAFunctionTheStackHasIsSeenByBothGuardsAndAlerted(String sample, String function, String stack,
                                                                      boolean tampered) throws Exception {
        Map<String, String> values = new HashMap<>(stack.equals("in organisation mode") ? OwnResourcesTest.ORGANISATION : Template.EXAMPLE);
        values.put("SecurityHub", String.valueOf(stack.equals("with Security Hub")));
        String name = STACK + "-" + function;
        String original = Files.readString(Template.ROOT.resolve("events/guardrail/" + sample + ".json"));
        String sampled = JSON.readTree(original).at("/detail/requestParameters/functionName").asText();
        assertTrue(FUNCTIONS.contains(sampled), sample + " names " + sampled);
        JsonNode event = JSON.readTree(original.replace(sampled, name));
        assertEquals(name, event.at("/detail/requestParameters/functionName").asText());

        List<String> routed = matches(event);
        assertEquals(expectedRules(event), routed, name);
        if (FUNCTIONS.contains(name)) {
            assertTrue(GUARDS.keySet().stream().allMatch(fn -> routed.stream().anyMatch(r -> r.startsWith(fn + "/") && !isMainRule(r))),
                    "both guards' tamper rules take " + sample + " on " + name + ": " + routed);
        } else {
            // A look-alike reaches at most a guard's main rule, as any other function's call does.
            assertTrue(routed.stream().allMatch(EventPatternTest::isMainRule), name + ": " + routed);
        }

        Policy policy = PolicyLoader.fromEnvironment(
                Map.of("GUARDRAIL_OWN_RESOURCES", OwnResourcesTest.ownResources(template, values)), Set.of());
        Verdict verdict = new GuardrailEngine(policy, Set.of()).evaluate(CloudTrailReader.parse(event), FunctionFacts.NONE)
                .orElseThrow();
        List<RuleId> findings = verdict.activeFindings().stream().map(Finding::ruleId).toList();
        if (tampered) {
            assertEquals(List.of(RuleId.GUARDRAIL_TAMPERED), findings, name + " " + stack + ": " + verdict);
        } else {
            assertTrue(!findings.contains(RuleId.GUARDRAIL_TAMPERED), name + " " + stack + ": " + verdict);
        }
    }

    @Test
    void bothGuardsShareTheSameTamperPatterns() {
        for (String rule : TAMPER_RULES) {
            assertEquals(Template.<Object>at(template.properties("VpcGuardFunction"), "Events", rule, "Properties", "Pattern"),
                    Template.at(template.properties("PermissionGuardFunction"), "Events", rule, "Properties", "Pattern"), rule);
        }
    }

    // ---- events -----------------------------------------------------------------------------

    private static ObjectNode call(WatchedApi api, String eventName, String field, String value) throws IOException {
        return call(api.service(), eventName, field, value);
    }

    /** A successful "AWS API Call via CloudTrail" event of {@code service}, with one request parameter. */
    private static ObjectNode call(Service service, String eventName, String field, String value) throws IOException {
        ObjectNode event = (ObjectNode) JSON.readTree(Template.ROOT.resolve("events/createfunction-no-vpc.json").toFile());
        event.put("source", service.eventBridgeSource());
        ObjectNode detail = (ObjectNode) event.get("detail");
        detail.put("eventSource", service.eventSource());
        detail.put("eventName", eventName);
        detail.putObject("requestParameters").put(field, value);
        detail.putNull("responseElements");
        return event;
    }

    /** A request field and the value that names the resource. */
    private record Target(String field, String value) {
        @Override
        public String toString() {
            return field + "=" + value;
        }
    }

    private static List<String> suffixes(WatchedApi api) {
        return api.service() == Service.LAMBDA ? List.of("", "20150331", "20150331v2", "20171031", "20260709") : List.of("");
    }

    /** Every way a call of {@code api} names one of the guardrail's resources: request field → value. */
    private static List<Target> guardrailTargets(WatchedApi api) {
        List<Target> targets = new ArrayList<>();
        switch (api.service()) {
            case LAMBDA -> {
                for (String fn : FUNCTIONS) {
                    String arn = "arn:aws:lambda:us-east-1:" + ACCOUNT + ":function:" + fn;
                    List<String> forms = usesResourceArn(api) ? List.of(arn, arn + ":live", arn + ":7")
                            : List.of(fn, fn + ":live", fn + ":7", arn, arn + ":live", ACCOUNT + ":function:" + fn,
                            ACCOUNT + ":function:" + fn + ":$LATEST");
                    forms.forEach(form -> targets.add(new Target(lambdaField(api), form)));
                }
            }
            case EVENTS -> ruleNames.forEach(rule -> targets.add(new Target(eventsField(api), rule)));
            case KMS -> {
                targets.add(new Target("keyId", KEY_ID));
                targets.add(new Target("keyId", KEY_ARN));
            }
            case SNS -> TOPICS.forEach(topic -> {
                if (api == WatchedApi.UNSUBSCRIBE) {
                    targets.add(new Target("subscriptionArn", topic + ":4e1a7c1e-2f3b-4d5c-9e8f-0a1b2c3d4e5f"));
                } else {
                    targets.add(new Target("topicArn", topic));
                }
            });
        }
        return targets;
    }

    /** The same calls on resources that are not the guardrail's, some named much like its own. */
    private static List<Target> ordinaryTargets(WatchedApi api) {
        List<Target> targets = new ArrayList<>();
        switch (api.service()) {
            case LAMBDA -> {
                for (String fn : List.of("invoice-renderer", STACK + "-vpc-guard-copy", "my-" + STACK + "-sweep", STACK + "-sweeper",
                        STACK + "-org-sweepx", "x" + STACK + "-org-sweep", STACK + "-securityhub-export-copy", STACK + "-org",
                        STACK + "-org-remediator2", "my-" + STACK + "-org-evaluator")) {
                    String arn = "arn:aws:lambda:us-east-1:" + ACCOUNT + ":function:" + fn;
                    List<String> forms = usesResourceArn(api) ? List.of(arn, arn + ":live")
                            : List.of(fn, fn + ":live", arn, arn + ":live", ACCOUNT + ":function:" + fn);
                    forms.forEach(form -> targets.add(new Target(lambdaField(api), form)));
                }
            }
            case EVENTS -> List.of("nightly-report-schedule", "my-" + STACK + "-vpc-guard-changes")
                    .forEach(rule -> targets.add(new Target(eventsField(api), rule)));
            case KMS -> {
                String other = "1b2c3d4e-5f60-4718-9a0b-1c2d3e4f5a6b";
                targets.add(new Target("keyId", other));
                targets.add(new Target("keyId", "arn:aws:kms:us-east-1:" + ACCOUNT + ":key/" + other));
            }
            case SNS -> List.of("arn:aws:sns:us-east-1:" + ACCOUNT + ":billing-alerts", TOPICS.get(0) + "2").forEach(topic -> {
                if (api == WatchedApi.UNSUBSCRIBE) {
                    targets.add(new Target("subscriptionArn", topic + ":4e1a7c1e-2f3b-4d5c-9e8f-0a1b2c3d4e5f"));
                } else {
                    targets.add(new Target("topicArn", topic));
                }
            });
        }
        return targets;
    }

    private static boolean usesResourceArn(WatchedApi api) {
        return api == WatchedApi.PUT_RESOURCE_POLICY || api == WatchedApi.DELETE_RESOURCE_POLICY;
    }

    private static String lambdaField(WatchedApi api) {
        return usesResourceArn(api) ? "resourceArn" : "functionName";
    }

    private static String eventsField(WatchedApi api) {
        return api == WatchedApi.PUT_TARGETS || api == WatchedApi.REMOVE_TARGETS ? "rule" : "name";
    }

    // ---- expectations -----------------------------------------------------------------------

    private static List<String> matches(JsonNode event) throws Exception {
        return machine.rulesForJSONEvent(JSON.writeValueAsString(event)).stream().sorted().toList();
    }

    private static boolean isMainRule(String rule) {
        return MAIN_RULE.values().stream().anyMatch(main -> rule.endsWith("/" + main));
    }

    /** The tamper rule that routes a call of {@code api} on the guardrail resource {@code reference} names. */
    private static String tamperRule(WatchedApi api, String reference) {
        if (api.service() != Service.LAMBDA) {
            return TAMPER_RULE;
        }
        if (usesResourceArn(api)) {
            return TAMPER_POLICY_RULE;
        }
        return CORE_FUNCTIONS.contains(functionName(reference)) ? TAMPER_FUNCTION_RULE : TAMPER_OPTIONAL_FUNCTION_RULE;
    }

    /**
     * What should match, from the engine's own data: a successful CloudTrail call of a watched API
     * reaches the main rule of each guard that judges it on every function, and both guards' tamper
     * rule when it is a tamper call that names one of the guardrail's own resources.
     */
    private static List<String> expectedRules(JsonNode event) {
        JsonNode detail = event.path("detail");
        if (!"AWS API Call via CloudTrail".equals(event.path("detail-type").asText()) || detail.has("errorCode")) {
            return List.of();
        }
        Optional<WatchedApi> found = WatchedApi.forEvent(detail.path("eventSource").asText(), detail.path("eventName").asText())
                .filter(a -> a.service().eventBridgeSource().equals(event.path("source").asText()));
        if (found.isEmpty()) {
            return List.of();
        }
        WatchedApi api = found.get();
        Set<String> rules = new TreeSet<>();
        GUARDS.forEach((fn, apis) -> {
            if (apis.contains(api)) {
                rules.add(fn + "/" + MAIN_RULE.get(fn));
            }
        });
        JsonNode request = detail.path("requestParameters");
        if (WatchedApi.tamper().contains(api) && namesGuardrailResource(api, request)) {
            String rule = tamperRule(api, api.service() == Service.LAMBDA ? request.path(lambdaField(api)).asText() : "");
            GUARDS.keySet().forEach(fn -> rules.add(fn + "/" + rule));
        }
        return List.copyOf(rules);
    }

    private static boolean namesGuardrailResource(WatchedApi api, JsonNode request) {
        return switch (api.service()) {
            case LAMBDA -> FUNCTIONS.contains(functionName(request.path(lambdaField(api)).asText()));
            case EVENTS -> ruleNames.contains(request.path(eventsField(api)).asText());
            case KMS -> List.of(KEY_ID, KEY_ARN).contains(request.path("keyId").asText());
            case SNS -> api == WatchedApi.UNSUBSCRIBE
                    ? TOPICS.stream().anyMatch(t -> request.path("subscriptionArn").asText().startsWith(t + ":"))
                    : TOPICS.contains(request.path("topicArn").asText());
        };
    }

    /** The function a Lambda {@code functionName} or function ARN names: name, name:qualifier, ARN or partial ARN. */
    private static String functionName(String reference) {
        String[] parts = reference.split(":");
        if (reference.startsWith("arn:") && parts.length >= 7 && parts[5].equals("function")) {
            return parts[6];
        }
        if (parts.length >= 3 && parts[0].matches("\\d{12}") && parts[1].equals("function")) {
            return parts[2];
        }
        return parts[0];
    }
}
