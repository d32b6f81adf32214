package io.github.lambdaguardrail.engine.prevent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.lambdaguardrail.engine.CloudTrailReader;
import io.github.lambdaguardrail.engine.Finding;
import io.github.lambdaguardrail.engine.FunctionFacts;
import io.github.lambdaguardrail.engine.GuardrailEngine;
import io.github.lambdaguardrail.engine.ParsedRecord;
import io.github.lambdaguardrail.engine.Policy;
import io.github.lambdaguardrail.engine.PolicyLoader;
import io.github.lambdaguardrail.engine.RuleId;
import io.github.lambdaguardrail.engine.Verdict;
import io.github.lambdaguardrail.engine.prevent.ScpReport.Coverage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The evaluator round trip: for each policy below and each call behind {@code events/} (top level:
 * AddPermission, CreateFunction, UpdateFunctionConfiguration; and the tag changes of
 * {@code events/guardrail/}), the SCP's decision on the request an
 * SCP sees ({@link ScpRequests}), evaluated by {@link ScpEvaluator}, against the detective verdict of
 * the engine on the same record, per rule: the report's claim (denies exactly, more or less) must
 * hold, and each claim of more or less must be seen at least once.
 */
class ScpRoundTripTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Policies that exercise every expressible field and exemption. */
    static Stream<String> policies() {
        return Stream.of(
                "{}",
                "{\"permissions\":{\"trustedAccountIds\":[\"444455556666\"]}}",
                "{\"permissions\":{\"trustedOrgIds\":[\"o-exampleorg1\"]}}",
                "{\"permissions\":{\"allowPublicFunctionUrls\":true}}",
                "{\"vpc\":{\"deniedSecurityGroupIds\":[\"sg-0badbadbadbad0001\"]}}",
                "{\"vpc\":{\"allowedVpcIds\":[\"vpc-0a1b2c3d4e5f60001\"],\"allowedSubnetIds\":[\"subnet-0a1b2c3d4e5f60011\"],"
                        + "\"allowedSecurityGroupIds\":[\"sg-0a1b2c3d4e5f60021\"]}}",
                "{\"vpc\":{\"allowedVpcIds\":[\"vpc-0ffffffffffff0001\"],\"required\":false}}",
                "{\"exemptions\":{\"actorArnPatterns\":[\"arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_PowerUserAccess_*/*\"]}}",
                "{\"exemptions\":{\"actorArnPatterns\":[\"arn:aws:iam::111122223333:user/*\"]}}",
                "{\"exemptions\":{\"functionNamePatterns\":[\"public-*\",\"data-*\",\"orders-*\"]}}",
                "{\"rules\":{\"LAMBDA_NOT_IN_VPC\":\"off\",\"PERMISSION_PUBLIC\":\"off\",\"FUNCTION_URL_PUBLIC\":\"off\"}}");
    }

    /** The calls behind events/ an SCP can deny, and the guardrail tag changes of events/guardrail/. */
    static List<Path> events() throws IOException {
        List<Path> events = new ArrayList<>();
        try (Stream<Path> top = Files.list(eventsDir()); Stream<Path> guardrail = Files.list(eventsDir().resolve("guardrail"))) {
            top.filter(p -> p.getFileName().toString().matches("(addpermission|createfunction|updatefunctionconfiguration)-.*\\.json"))
                    .forEach(events::add);
            guardrail.filter(p -> p.getFileName().toString().matches("tag-.*\\.json")).forEach(events::add);
        }
        return events.stream().sorted().toList();
    }

    /** One rule on one call: what the report claims and what was seen. */
    record Observation(String event, RuleId rule, Coverage claim, Coverage seen, String detail) {
        boolean keepsClaim() {
            return seen == Coverage.EXACT || seen == claim;
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("policies")
    void scpDeniesPerRuleAsTheReportClaims(String policyJson) throws IOException {
        List<Observation> observations = compare(policyJson);
        assertTrue(observations.size() > 10, observations::toString);
        assertEquals(List.of(), observations.stream().filter(o -> !o.keepsClaim()).toList());
    }

    @Test
    void everyClaimOfMoreOrLessIsSeenOnTheSampleEvents() throws IOException {
        List<Observation> all = new ArrayList<>();
        for (String policyJson : policies().toList()) {
            all.addAll(compare(policyJson));
        }
        Set<String> claimed = new TreeSet<>();
        Set<String> seen = new TreeSet<>();
        for (Observation o : all) {
            if (o.claim() != Coverage.EXACT) {
                claimed.add(o.rule() + " " + o.claim());
            }
            seen.add(o.rule() + " " + o.seen());
        }
        assertFalse(claimed.isEmpty());
        assertEquals(Set.of(), claimed.stream().filter(c -> !seen.contains(c)).collect(Collectors.toSet()),
                "claims never seen; seen: " + seen);
    }

    /** Every rule with a statement, on every call behind events/, under one policy. */
    private static List<Observation> compare(String policyJson) throws IOException {
        Policy policy = PolicyLoader.fromJson(JSON.readTree(policyJson));
        ScpReport report = ScpGenerator.generate(policy, List.of());
        ScpEvaluator scp = new ScpEvaluator(report.scp());
        Map<String, RuleId> ruleOfSid = report.expressible().stream()
                .collect(Collectors.toMap(ScpReport.Expressed::sid, ScpReport.Expressed::rule));
        Map<RuleId, Coverage> claims = claims(report);
        GuardrailEngine engine = new GuardrailEngine(policy, Set.of());
        List<Observation> observations = new ArrayList<>();
        for (Path file : events()) {
            JsonNode record = ScpRequests.detail(file);
            if (record.hasNonNull("errorCode")) {
                continue; // a failed call changed nothing: nothing to prevent
            }
            Set<RuleId> flagged = detective(engine, file).activeFindings().stream().map(Finding::ruleId)
                    .collect(Collectors.toCollection(() -> EnumSet.noneOf(RuleId.class)));
            ScpEvaluator.Request request = ScpRequests.of(record);
            Set<RuleId> denied = scp.denyingStatements(request).stream().map(ruleOfSid::get)
                    .collect(Collectors.toCollection(() -> EnumSet.noneOf(RuleId.class)));
            for (Map.Entry<RuleId, Coverage> claim : claims.entrySet()) {
                RuleId rule = claim.getKey();
                observations.add(new Observation(file.getFileName().toString(), rule, claim.getValue(),
                        seen(denied.contains(rule), flagged.contains(rule)),
                        policyJson + ": SCP denies " + denied + ", detective flags " + flagged + " on " + request));
            }
        }
        return observations;
    }

    /** The coverage per rule; the statements of one rule make one claim. */
    static Map<RuleId, Coverage> claims(ScpReport report) {
        Map<RuleId, Coverage> claims = new EnumMap<>(RuleId.class);
        for (ScpReport.Expressed e : report.expressible()) {
            Coverage before = claims.put(e.rule(), e.coverage());
            if (before != null && before != e.coverage()) {
                throw new AssertionError(e.rule() + " claims both " + before + " and " + e.coverage());
            }
        }
        return claims;
    }

    private static Coverage seen(boolean denied, boolean flagged) {
        return denied == flagged ? Coverage.EXACT : denied ? Coverage.MORE : Coverage.LESS;
    }

    private static Verdict detective(GuardrailEngine engine, Path file) throws IOException {
        List<ParsedRecord> records = new ArrayList<>();
        try (var in = Files.newInputStream(file)) {
            CloudTrailReader.read(in, records::add);
        }
        assertEquals(1, records.size(), file::toString);
        return engine.evaluate(records.get(0), FunctionFacts.NONE).orElseThrow();
    }

    static Path eventsDir() {
        Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        while (dir != null && !Files.isDirectory(dir.resolve("events"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("no events/ above " + System.getProperty("user.dir"));
        }
        return dir.resolve("events");
    }
}
