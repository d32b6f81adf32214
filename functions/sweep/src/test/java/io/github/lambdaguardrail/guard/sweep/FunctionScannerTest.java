package io.github.lambdaguardrail.guard.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.lambdaguardrail.engine.FunctionTags;
import io.github.lambdaguardrail.engine.GuardrailEngine;
import io.github.lambdaguardrail.engine.Policy;
import io.github.lambdaguardrail.engine.RecordHeader;
import io.github.lambdaguardrail.engine.RuleId;
import io.github.lambdaguardrail.engine.VpcConfig;
import io.github.lambdaguardrail.guard.StateStore;
import io.github.lambdaguardrail.guard.sweep.ScanResult.ScanError;
import io.github.lambdaguardrail.runtime.JsonLog;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The scanner over an in-memory inventory: what it reads, what it reports, how it copes. */
class FunctionScannerTest {

    static final String ACCOUNT = "111122223333";
    static final String REGION = "eu-west-1";
    static final VpcConfig GOOD_VPC = new VpcConfig(List.of("subnet-0a1b2c3d"), List.of("sg-0a1b2c3d"), Optional.of("vpc-0a1b2c3d"));
    static final String PUBLIC = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"anyone\",\"Effect\":\"Allow\","
            + "\"Principal\":\"*\",\"Action\":\"lambda:InvokeFunction\",\"Resource\":\"x\"}]}";

    static String arn(String name) {
        return "arn:aws:lambda:" + REGION + ":" + ACCOUNT + ":function:" + name;
    }

    /** Functions, aliases, versions, policies and URLs in memory; failures planted per call. */
    static final class FakeInventory implements FunctionInventory {
        final Map<String, LiveFunction> functions = new LinkedHashMap<>();
        final Map<String, List<String>> aliases = new HashMap<>();
        final Map<String, List<String>> versions = new HashMap<>();
        final Map<String, String> policies = new HashMap<>();
        final Map<String, List<UrlConfig>> urls = new HashMap<>();
        final Set<String> failingPolicies = ConcurrentHashMap.newKeySet();
        final Set<String> deleted = ConcurrentHashMap.newKeySet();
        final List<String> policyReads = java.util.Collections.synchronizedList(new ArrayList<>());

        FakeInventory add(String name, VpcConfig vpc, Map<String, String> tags) {
            functions.put(arn(name), new LiveFunction(name, arn(name), vpc, new FunctionTags.Read(tags)));
            return this;
        }

        @Override
        public List<ListedFunction> functions() {
            return functions.values().stream().map(f -> new ListedFunction(f.name(), f.arn())).toList();
        }

        @Override
        public Optional<LiveFunction> function(String functionArn) {
            return deleted.contains(functionArn) ? Optional.empty() : Optional.of(functions.get(functionArn));
        }

        @Override
        public List<String> aliases(String functionArn) {
            return aliases.getOrDefault(functionArn, List.of());
        }

        @Override
        public List<String> versions(String functionArn) {
            return versions.getOrDefault(functionArn, List.of());
        }

        @Override
        public Optional<String> policy(String functionArn, Optional<String> qualifier) {
            String key = qualifier.map(q -> functionArn + ":" + q).orElse(functionArn);
            policyReads.add(key);
            if (failingPolicies.contains(key)) {
                throw new IllegalStateException("planted failure for " + key);
            }
            return Optional.ofNullable(policies.get(key));
        }

        @Override
        public List<UrlConfig> urlConfigs(String functionArn) {
            return urls.getOrDefault(functionArn, List.of());
        }
    }

    /** Remembers known-good VPC configs; the event methods are not the sweep's business. */
    static final class RecordingState implements StateStore {
        final Map<String, VpcConfig> remembered = new ConcurrentHashMap<>();

        @Override
        public Claim claim(String eventId, java.time.Instant holdUntil) {
            throw new UnsupportedOperationException("the sweep claims no events");
        }

        @Override
        public boolean keepAlert(String eventId, String owner, io.github.lambdaguardrail.guard.Alert alert) {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean complete(String eventId, String owner) {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean release(String eventId, String owner) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Optional<VpcConfig> lastKnownGoodVpc(String functionArn) {
            throw new UnsupportedOperationException("the sweep never restores");
        }

        @Override
        public void rememberKnownGoodVpc(String functionArn, VpcConfig vpc) {
            remembered.put(functionArn, vpc);
        }
    }

    private final ByteArrayOutputStream logged = new ByteArrayOutputStream();
    private final JsonLog log = new JsonLog(new PrintStream(logged, true, StandardCharsets.UTF_8));

    private FunctionScanner scanner(FakeInventory inventory, Optional<StateStore> state, ScanSettings settings) {
        return new FunctionScanner(inventory, new GuardrailEngine(Policy.defaults(), Set.of()), state, settings,
                TrafficMeter.NONE, log);
    }

    private static Set<String> found(ScanResult result) {
        return result.findings().stream().map(f -> f.functionArn() + " " + f.ruleId()).collect(Collectors.toSet());
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3})
    void everyPieceOfEveryFunctionIsJudgedWithItsQualifiedArn(int parallelism) {
        FakeInventory inv = new FakeInventory()
                .add("in-vpc", GOOD_VPC, Map.of())
                .add("no-vpc", VpcConfig.NONE, Map.of())
                .add("aliased", GOOD_VPC, Map.of());
        inv.aliases.put(arn("aliased"), List.of("live", "beta"));
        inv.versions.put(arn("aliased"), List.of("1", "2"));
        inv.policies.put(arn("aliased") + ":beta", PUBLIC);
        inv.policies.put(arn("aliased") + ":2", PUBLIC);
        inv.urls.put(arn("aliased"), List.of(new FunctionInventory.UrlConfig(arn("aliased") + ":live", "NONE"),
                new FunctionInventory.UrlConfig(arn("aliased"), "AWS_IAM")));

        ScanResult r = scanner(inv, Optional.empty(), ScanSettings.DEFAULT.withParallelism(parallelism))
                .scan(REGION, Optional.empty());

        assertEquals(Set.of(arn("no-vpc") + " LAMBDA_NOT_IN_VPC", arn("aliased") + ":beta PERMISSION_PUBLIC",
                arn("aliased") + ":2 PERMISSION_PUBLIC", arn("aliased") + ":live FUNCTION_URL_PUBLIC"), found(r));
        assertEquals(4, r.findings().size());
        assertEquals(Set.of(arn("in-vpc"), arn("no-vpc"), arn("aliased"), arn("aliased") + ":live",
                arn("aliased") + ":beta", arn("aliased") + ":1", arn("aliased") + ":2"), Set.copyOf(inv.policyReads),
                "the function's own policy and each alias's and version's");
        assertEquals(3, r.functionsListed());
        assertEquals(3, r.functionsScanned());
        assertEquals(2, r.policiesRead());
        assertEquals(2, r.urlConfigsRead());
        assertEquals(ACCOUNT, r.account());
        assertEquals(RuleId.PERMISSION_PUBLIC, r.findings().get(0).ruleId(), "worst first");
        assertEquals(Map.of(RuleId.LAMBDA_NOT_IN_VPC, 1, RuleId.PERMISSION_PUBLIC, 2, RuleId.FUNCTION_URL_PUBLIC, 1),
                r.findingsByRule());
        assertEquals(2, r.functionsWithFindings());
    }

    @Test
    void anErrorOnOneFunctionIsReportedAndTheScanGoesOn() {
        FakeInventory inv = new FakeInventory().add("a", VpcConfig.NONE, Map.of()).add("b", GOOD_VPC, Map.of())
                .add("c", VpcConfig.NONE, Map.of());
        inv.aliases.put(arn("b"), List.of("live"));
        inv.failingPolicies.add(arn("b") + ":live");

        ScanResult r = scanner(inv, Optional.empty(), ScanSettings.DEFAULT.withParallelism(1)).scan(REGION, Optional.empty());

        assertEquals(List.of(new ScanError(arn("b") + ":live", "GetPolicy", "IllegalStateException",
                "planted failure for " + arn("b") + ":live")), r.errors());
        assertEquals(2, r.functionsScanned(), "a and c completely; b not");
        assertEquals(Set.of(arn("a") + " LAMBDA_NOT_IN_VPC", arn("c") + " LAMBDA_NOT_IN_VPC"), found(r));
        assertTrue(logged.toString(StandardCharsets.UTF_8).contains("\"operation\":\"GetPolicy\""));
    }

    @Test
    void findingsReadBeforeAnErrorAreKept() {
        FakeInventory inv = new FakeInventory().add("a", VpcConfig.NONE, Map.of());
        inv.versions.put(arn("a"), List.of("1"));
        inv.failingPolicies.add(arn("a") + ":1");
        ScanResult r = scanner(inv, Optional.empty(), ScanSettings.DEFAULT).scan(REGION, Optional.empty());
        assertEquals(Set.of(arn("a") + " LAMBDA_NOT_IN_VPC"), found(r));
        assertEquals(1, r.errors().size());
    }

    @Test
    void functionDeletedSinceListedIsCountedNotAnError() {
        FakeInventory inv = new FakeInventory().add("gone", VpcConfig.NONE, Map.of()).add("here", GOOD_VPC, Map.of());
        inv.deleted.add(arn("gone"));
        ScanResult r = scanner(inv, Optional.empty(), ScanSettings.DEFAULT).scan(REGION, Optional.empty());
        assertEquals(1, r.functionsVanished());
        assertEquals(1, r.functionsScanned());
        assertEquals(List.of(), r.errors());
        assertEquals(List.of(), r.findings());
    }

    @Test
    void compliantVpcConfigsBecomeKnownGoodWhenAStateStoreIsGiven() {
        FakeInventory inv = new FakeInventory().add("good", GOOD_VPC, Map.of()).add("none", VpcConfig.NONE, Map.of())
                .add("good-but-public", GOOD_VPC, Map.of());
        inv.policies.put(arn("good-but-public"), PUBLIC);
        RecordingState state = new RecordingState();

        ScanResult r = scanner(inv, Optional.of(state), ScanSettings.DEFAULT).scan(REGION, Optional.empty());

        assertEquals(Map.of(arn("good"), GOOD_VPC, arn("good-but-public"), GOOD_VPC), state.remembered,
                "a permission finding says nothing about the VPC config");
        assertEquals(2, r.vpcConfigsRemembered());
    }

    @Test
    void exemptedFindingsAreKeptApart() {
        FakeInventory inv = new FakeInventory().add("exempt", VpcConfig.NONE, Map.of("guardrail:exempt", "*"));
        ScanResult r = scanner(inv, Optional.empty(), ScanSettings.DEFAULT).scan(REGION, Optional.empty());
        assertEquals(List.of(), r.findings());
        assertEquals(1, r.exempted().size());
        assertEquals(Optional.of("tag guardrail:exempt=*"), r.exempted().get(0).exemption());
    }

    @Test
    void functionsNotStartedByTheDeadlineAreCountedAsNotScanned() {
        FakeInventory inv = new FakeInventory().add("a", VpcConfig.NONE, Map.of()).add("b", VpcConfig.NONE, Map.of());
        Instant now = Instant.parse("2026-11-25T12:00:00Z");
        FunctionScanner scanner = new FunctionScanner(inv, new GuardrailEngine(Policy.defaults(), Set.of()),
                Optional.empty(), ScanSettings.DEFAULT.withParallelism(1), TrafficMeter.NONE, log,
                Clock.fixed(now, ZoneOffset.UTC));
        ScanResult r = scanner.scan(REGION, Optional.of(now));
        assertEquals(2, r.functionsNotScanned());
        assertEquals(0, r.functionsScanned());
        assertEquals(false, r.complete());
    }

    @Test
    void onlyFunctionsWithTheNamePrefixAreInScope() {
        FakeInventory inv = new FakeInventory().add("team-a-1", VpcConfig.NONE, Map.of()).add("team-b-1", VpcConfig.NONE, Map.of());
        ScanResult r = scanner(inv, Optional.empty(), ScanSettings.DEFAULT.withFunctionNamePrefix("team-a-"))
                .scan(REGION, Optional.empty());
        assertEquals(1, r.functionsListed());
        assertEquals(Set.of(arn("team-a-1") + " LAMBDA_NOT_IN_VPC"), found(r));
    }

    @Test
    void emptyRegionGivesAnEmptyResult() {
        ScanResult r = scanner(new FakeInventory(), Optional.empty(), ScanSettings.DEFAULT).scan(REGION, Optional.empty());
        assertEquals(0, r.functionsListed());
        assertEquals("", r.account());
        assertEquals(Optional.empty(), r.severity());
        assertTrue(r.complete());
    }

    /** The engine judges existing state under the sweep's own record header, which names the sweep. */
    @Test
    void lookAtAFunctionIsRecordedAsTheSweepsInItsAccountAndRegion() {
        RecordHeader h = FunctionScanner.look(ACCOUNT, REGION);
        assertEquals(List.of("sweep", "Sweep", "lambda-guardrail-sweep"), List.of(h.eventId(), h.eventName(), h.actor().arn()));
        assertEquals(List.of(ACCOUNT, REGION), List.of(h.account(), h.region()));
        assertTrue(h.isActionable());
    }
}
