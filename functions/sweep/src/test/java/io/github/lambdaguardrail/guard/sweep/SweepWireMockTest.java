package io.github.lambdaguardrail.guard.sweep;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.http.RequestMethod;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.matching.UrlPattern;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import io.github.lambdaguardrail.engine.Policy;
import io.github.lambdaguardrail.guard.sweep.FakeLambdaApi.Fn;
import io.github.lambdaguardrail.guard.sweep.ScanResult.ScanError;
import io.github.lambdaguardrail.runtime.ClientSettings;
import io.github.lambdaguardrail.runtime.JsonLog;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;

/**
 * The sweep's production client ({@link ScanSettings#lambdaClient}: rate limit, standard retries with 10
 * attempts and exponential backoff, the SDK's paginators) against a fake Lambda API in
 * WireMock: sustained and random throttling, pagination, pacing.
 */
class SweepWireMockTest {

    static final FakeLambdaApi API = new FakeLambdaApi();

    @RegisterExtension
    static WireMockExtension wm = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1").extensions(API))
            .build();

    private static final UrlPattern LIST_FUNCTIONS = urlPathMatching("/2015-03-31/functions/?");
    private static final UrlPattern GET_FUNCTION = urlPathMatching("/2015-03-31/functions/[^/]+/?");
    private static final UrlPattern LIST_ALIASES = urlPathMatching("/2015-03-31/functions/[^/]+/aliases/?");
    private static final UrlPattern LIST_VERSIONS = urlPathMatching("/2015-03-31/functions/[^/]+/versions/?");
    private static final UrlPattern GET_POLICY = urlPathMatching("/2015-03-31/functions/[^/]+/policy/?");
    private static final UrlPattern LIST_URLS = urlPathMatching("/2021-10-31/functions/[^/]+/urls/?");
    private static final String ACCOUNT = FakeLambdaApi.ACCOUNT;
    private static final JsonLog QUIET = new JsonLog(new PrintStream(OutputStream.nullOutputStream()));
    /** Test pace: short backoffs; the production attempt count ({@link ScanSettings#DEFAULT}). */
    private static final ScanSettings FAST = ScanSettings.DEFAULT.withRateLimit(200).withParallelism(1)
            .withBackoff(10, Duration.ofMillis(10), Duration.ofMillis(50), Duration.ofMillis(400));

    @BeforeEach
    void fallBackToTheFake() {
        wm.stubFor(any(anyUrl()).atPriority(10).willReturn(aResponse().withTransformers(FakeLambdaApi.NAME)));
    }

    static String policy(String resource, String sid, String principal, String condition) {
        return "{\"Version\":\"2012-10-17\",\"Id\":\"default\",\"Statement\":[{\"Sid\":\"" + sid + "\",\"Effect\":\"Allow\","
                + "\"Principal\":" + principal + ",\"Action\":\"lambda:InvokeFunction\",\"Resource\":\"" + resource + "\""
                + (condition.isEmpty() ? "" : ",\"Condition\":" + condition) + "}]}";
    }

    static Fn plain(String name, boolean inVpc) {
        return new Fn(name, inVpc ? Optional.of(FakeLambdaApi.IN_VPC) : Optional.empty(), List.of(), List.of(), Map.of(),
                Map.of(), Map.of());
    }

    private ScanResult scan(ScanSettings settings) {
        return Sweep.scanRegion(Policy.defaults(), FakeLambdaApi.REGION, settings, ClientSettings.DEFAULT
                .withRegion(Region.of(FakeLambdaApi.REGION))
                .withEndpoint(URI.create(wm.baseUrl()))
                .withCredentials(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test"))), QUIET);
    }

    private static Set<String> found(ScanResult result) {
        return result.findings().stream().map(f -> f.functionArn() + " " + f.ruleId()).collect(Collectors.toSet());
    }

    /** The first {@code times} requests matching {@code url} are throttled, one after the other; then the fake answers. */
    private static void throttleFirst(String scenario, UrlPattern url, int times) {
        for (int i = 0; i < times; i++) {
            wm.stubFor(get(url).atPriority(1).inScenario(scenario)
                    .whenScenarioStateIs(i == 0 ? Scenario.STARTED : scenario + " " + i)
                    .willReturn(tooManyRequests())
                    .willSetStateTo(scenario + " " + (i + 1)));
        }
    }

    private static ResponseDefinitionBuilder tooManyRequests() {
        return aResponse().withStatus(429).withHeader("Content-Type", "application/json")
                .withHeader("x-amzn-ErrorType", "TooManyRequestsException").withBody(FakeLambdaApi.THROTTLED_BODY);
    }

    private static long status(int code) {
        return wm.getAllServeEvents().stream().filter(e -> e.getResponse().getStatus() == code).count();
    }

    /** Calls a clean scan of these functions makes: ListFunctions pages, then five reads per function plus a GetPolicy per qualifier. */
    private static int calls(List<Fn> functions, int pageSize) {
        int calls = Math.max(1, (functions.size() + pageSize - 1) / pageSize);
        for (Fn fn : functions) {
            calls += 5 + fn.aliases().size() + fn.versions().size();
        }
        return calls;
    }

    @Test
    void sustainedThrottlingSlowsTheScanDownAndEveryFunctionIsStillEvaluated() {
        List<Fn> functions = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            functions.add(plain("svc-" + i, i % 2 == 0));
        }
        String publicArn = Fn.arn("svc-1");
        functions.set(1, new Fn("svc-1", Optional.empty(), List.of(), List.of(),
                Map.of("", policy(publicArn, "anyone", "\"*\"", "")), Map.of(), Map.of()));
        API.serve(functions);
        throttleFirst("ListFunctions throttled", LIST_FUNCTIONS, 5);
        throttleFirst("GetFunction throttled", GET_FUNCTION, 8);
        throttleFirst("GetPolicy throttled", GET_POLICY, 8);

        ScanResult r = scan(FAST.withRateLimit(50));

        assertEquals(List.of(), r.errors());
        assertEquals(6, r.functionsScanned());
        assertEquals(Set.of(Fn.arn("svc-1") + " LAMBDA_NOT_IN_VPC", Fn.arn("svc-1") + " PERMISSION_PUBLIC",
                Fn.arn("svc-3") + " LAMBDA_NOT_IN_VPC", Fn.arn("svc-5") + " LAMBDA_NOT_IN_VPC"), found(r));
        assertEquals(21, r.throttled(), "every throttled answer was seen, and retried");
        assertEquals(21, status(429));
        assertEquals(calls(functions, 50) + 21, r.requests(), "each retry is one more request");
        // Paced: every attempt, the 21 retries too, went through the scan's limiter (RateLimiterTest: its slots).
        assertEquals(wm.getAllServeEvents().size(), r.requests(), "the rate limiter saw every attempt");
    }

    /**
     * GetFunction answers with {@code TagsError} instead of the tags (the sweep's role lacks
     * {@code lambda:ListTags}): exemptions by tag are unknown, so the finding is reported, never
     * exempted, and the function is named as one whose tags could not be read.
     */
    @Test
    void unreadableTagsNeverTurnAFindingIntoAnExemptionAndAreReported() {
        Map<String, String> exempt = Map.of("guardrail:exempt", "*");
        API.serve(List.of(new Fn("svc-0", Optional.empty(), List.of(), List.of(), Map.of(), Map.of(), exempt),
                new Fn("svc-1", Optional.empty(), List.of(), List.of(), Map.of(), Map.of(), exempt)));
        wm.stubFor(get(urlPathMatching("/2015-03-31/functions/[^/]*svc-1/?")).atPriority(1).willReturn(aResponse()
                .withStatus(200).withHeader("Content-Type", "application/json").withBody("{\"Configuration\":{"
                        + "\"FunctionName\":\"svc-1\",\"FunctionArn\":\"" + Fn.arn("svc-1") + "\",\"Runtime\":\"java21\","
                        + "\"Version\":\"$LATEST\"},\"TagsError\":{\"ErrorCode\":\"AccessDeniedException\",\"Message\":"
                        + "\"User is not authorized to perform: lambda:ListTags\"}}")));

        ScanResult r = scan(FAST);

        assertEquals(List.of(), r.errors());
        assertEquals(Set.of(Fn.arn("svc-1") + " LAMBDA_NOT_IN_VPC"), found(r), "svc-1's tags are unknown: not exempted");
        assertEquals(List.of(Fn.arn("svc-0")), r.exempted().stream().map(ScanResult.ScanFinding::functionArn).toList());
        assertEquals(List.of(Fn.arn("svc-1")), r.tagsUnreadable());
        assertEquals(1, ScanReport.toJson(r).get("functions").get("tagsUnreadable").asInt());
        assertTrue(ScanReport.text(r, 10, 10).contains("Tags unreadable (exemptions by tag unknown; their findings are"
                + " counted): 1 function(s)"), ScanReport.text(r, 10, 10));
    }

    @Test
    void throttlingBeyondTheRetryBudgetIsAnErrorOfThatFunctionAndTheScanGoesOn() {
        List<Fn> functions = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            functions.add(plain("svc-" + i, true));
        }
        API.serve(functions);
        wm.stubFor(get(urlPathMatching("/2015-03-31/functions/[^/]*svc-2/policy/?")).atPriority(1)
                .willReturn(tooManyRequests()));

        ScanResult r = scan(FAST.withBackoff(3, Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(20)));

        assertEquals(1, r.errors().size());
        ScanError error = r.errors().get(0);
        assertEquals(Fn.arn("svc-2"), error.functionArn());
        assertEquals("GetPolicy", error.operation());
        assertEquals("TooManyRequestsException", error.error());
        assertEquals(3, r.throttled(), "three attempts, then given up");
        assertEquals(3, r.functionsScanned());
        wm.verify(1, getRequestedFor(urlPathMatching("/2021-10-31/functions/[^/]*svc-3/urls/?")));
    }

    @Test
    void paginationTokensAreFollowedEverywhere() {
        List<Fn> functions = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            functions.add(plain(String.format("page-%d", i), true));
        }
        String arn = Fn.arn("page-6");
        List<String> aliases = List.of("a1", "a2", "a3", "a4", "a5");
        List<String> versions = List.of("1", "2", "3", "4", "5");
        functions.set(6, new Fn("page-6", Optional.of(FakeLambdaApi.IN_VPC), aliases, versions,
                Map.of("a5", policy(arn + ":a5", "anyone", "\"*\"", ""),
                        "5", policy(arn + ":5", "s3", "{\"Service\":\"s3.amazonaws.com\"}", "")),
                Map.of("", "AWS_IAM", "a3", "AWS_IAM", "a4", "NONE"), Map.of()));
        API.serve(functions);
        API.pageSizes(3, 2);

        ScanResult r = scan(FAST);

        assertEquals(List.of(), r.errors());
        assertEquals(7, r.functionsListed());
        assertEquals(Set.of(arn + ":a5 PERMISSION_PUBLIC", arn + ":5 PERMISSION_SERVICE_WITHOUT_SOURCE",
                arn + ":a4 FUNCTION_URL_PUBLIC"), found(r));
        assertEquals(3, r.urlConfigsRead());
        assertEquals(Set.of("", "3", "6"), markers(LIST_FUNCTIONS), "ListFunctions: 7 functions in pages of 3");
        wm.verify(3, getRequestedFor(LIST_FUNCTIONS));
        assertEquals(Set.of("", "2", "4"), markers(LIST_ALIASES), "ListAliases: 5 aliases in pages of 2");
        assertEquals(Set.of("", "2", "4"), markers(LIST_VERSIONS), "ListVersionsByFunction: $LATEST and 5 versions");
        assertEquals(Set.of("", "2"), markers(LIST_URLS), "ListFunctionUrlConfigs: 3 URL configs in pages of 2");
        wm.verify(7 + 2, getRequestedFor(LIST_ALIASES));
        wm.verify(7 + 2, getRequestedFor(LIST_VERSIONS));
        wm.verify(7 + 1, getRequestedFor(LIST_URLS));
        assertEquals(Set.of("", "a1", "a2", "a3", "a4", "a5", "1", "2", "3", "4", "5"),
                wm.findAll(getRequestedFor(urlPathMatching("/2015-03-31/functions/[^/]*page-6/policy/?"))).stream()
                        .map(q -> q.queryParameter("Qualifier").isPresent() ? q.queryParameter("Qualifier").firstValue() : "")
                        .collect(Collectors.toSet()),
                "each alias and version has its own policy ($LATEST's is the function's)");
    }

    /** The {@code Marker}s requests to {@code url} carried ({@code ""}: none, a first page). */
    private static Set<String> markers(UrlPattern url) {
        return wm.findAll(getRequestedFor(url)).stream()
                .map(r -> r.queryParameter("Marker").isPresent() ? r.queryParameter("Marker").firstValue() : "")
                .collect(Collectors.toSet());
    }

    @Test
    void rateLimiterKeepsRequestsUnderTheLimitWhateverTheParallelism() {
        List<Fn> functions = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            functions.add(plain("paced-" + i, true));
        }
        API.serve(functions);
        double rate = 20;

        ScanResult r = scan(FAST.withRateLimit(rate).withParallelism(4));

        assertEquals(26, r.requests(), "1 ListFunctions + 5 functions x 5 reads");
        List<Long> times = wm.getAllServeEvents().stream().map(ServeEvent::getRequest)
                .map(q -> q.getLoggedDate().getTime()).sorted().toList();
        assertEquals(26, times.size());
        // Lower bound only: 26 evenly spaced slots at 20/s span at least 25 intervals (1.25 s).
        assertTrue(times.get(25) - times.get(0) >= 1250 - 30, "span " + (times.get(25) - times.get(0)) + " ms");
        for (int i = 0; i < times.size(); i++) {
            long start = times.get(i);
            long inOneSecond = times.stream().filter(t -> t >= start && t < start + 1000).count();
            assertTrue(inOneSecond <= rate + 2, inOneSecond + " requests within one second from " + start);
        }
    }

    @Test
    void thousandFunctionsWithRandomThrottlingFinishWithoutAnUnretriedThrottle() {
        List<Fn> functions = new ArrayList<>();
        Set<String> expected = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            String name = String.format("bulk-%04d", i);
            String arn = Fn.arn(name);
            switch (i % 5) {
                case 0 -> functions.add(plain(name, true));
                case 1 -> {
                    functions.add(plain(name, false));
                    expected.add(arn + " LAMBDA_NOT_IN_VPC");
                }
                case 2 -> {
                    functions.add(new Fn(name, Optional.of(FakeLambdaApi.IN_VPC), List.of("live"), List.of("1"),
                            Map.of("live", policy(arn + ":live", "anyone", "\"*\"", ""),
                                    "", policy(arn, "events", "{\"Service\":\"events.amazonaws.com\"}",
                                            "{\"ArnLike\":{\"AWS:SourceArn\":\"arn:aws:events:us-east-1:" + ACCOUNT
                                                    + ":rule/nightly\"}}")),
                            Map.of(), Map.of()));
                    expected.add(arn + ":live PERMISSION_PUBLIC");
                }
                case 3 -> {
                    functions.add(new Fn(name, Optional.of("{\"SubnetIds\":[],\"SecurityGroupIds\":[],\"VpcId\":\"\"}"),
                            List.of(), List.of("1", "2"),
                            Map.of("2", policy(arn + ":2", "partner", "{\"AWS\":\"arn:aws:iam::444455556666:root\"}", "")),
                            Map.of("", "NONE"), Map.of()));
                    expected.addAll(List.of(arn + " LAMBDA_NOT_IN_VPC", arn + ":2 PERMISSION_UNTRUSTED_ACCOUNT",
                            arn + " FUNCTION_URL_PUBLIC"));
                }
                default -> functions.add(new Fn(name, Optional.empty(), List.of(), List.of(), Map.of(), Map.of(),
                        Map.of("guardrail:exempt", "LAMBDA_NOT_IN_VPC")));
            }
        }
        API.serve(functions);
        API.throttleAtRandom(0.2, 20261125L);
        ScanSettings settings = ScanSettings.DEFAULT.withRateLimit(1000).withParallelism(8)
                .withBackoff(ScanSettings.DEFAULT.maxAttempts(), Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(200));

        ScanResult r = scan(settings);

        assertEquals(List.of(), r.errors(), "no unretried throttle");
        assertEquals(1000, r.functionsScanned());
        assertEquals(expected, found(r));
        assertEquals(expected.size(), r.findings().size());
        assertEquals(200, r.exempted().size());
        long throttled = status(429);
        assertEquals(throttled, r.throttled());
        assertEquals(calls(functions, 50) + throttled, r.requests());
        assertTrue(throttled > r.requests() / 10, "about a fifth was throttled: " + throttled + " of " + r.requests());
        // The fake serves only the six read APIs of GuardPermissions.SWEEP (anything else would be a 400 and an error).
        assertTrue(wm.getAllServeEvents().stream().allMatch(e -> RequestMethod.GET.equals(e.getRequest().getMethod())),
                "the sweep only reads");
        System.out.printf("sweep of 1000 functions with 20%% random 429s: %d requests, %d throttled and retried, "
                        + "0 errors, %.1f s, %.0f requests/s%n", r.requests(), throttled, r.duration().toMillis() / 1000.0,
                r.requests() * 1000.0 / r.duration().toMillis());
    }
}
