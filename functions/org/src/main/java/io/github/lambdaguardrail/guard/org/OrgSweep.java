package io.github.lambdaguardrail.guard.org;

import io.github.lambdaguardrail.engine.GuardrailEngine;
import io.github.lambdaguardrail.guard.StateStore;
import io.github.lambdaguardrail.guard.org.MemberAccounts.Member;
import io.github.lambdaguardrail.guard.org.OrgSweepResult.NotSwept;
import io.github.lambdaguardrail.guard.org.OrgSweepResult.Reason;
import io.github.lambdaguardrail.guard.org.OrgSweepResult.Swept;
import io.github.lambdaguardrail.guard.org.OrgSweepResult.Target;
import io.github.lambdaguardrail.guard.sweep.FunctionScanner;
import io.github.lambdaguardrail.guard.sweep.RateLimitInterceptor;
import io.github.lambdaguardrail.guard.sweep.RateLimiter;
import io.github.lambdaguardrail.guard.sweep.ScanReport;
import io.github.lambdaguardrail.guard.sweep.ScanResult;
import io.github.lambdaguardrail.guard.sweep.ScanSettings;
import io.github.lambdaguardrail.guard.sweep.SdkFunctionInventory;
import io.github.lambdaguardrail.runtime.JsonLog;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkServiceException;

/**
 * The single-account sweep ({@link FunctionScanner}) in every member account and governed region,
 * through the member role ({@link MemberClients}, session {@value #SESSION_NAME}): read-only, each
 * account and region paced by its own limiter at the sweep's rate, {@value #TARGETS_AT_ONCE} of them
 * at a time. A member that cannot be swept (its roles stack not current, the role refused, its Lambda
 * API throttled beyond the retries, the run's time up) is recorded with the reason and never stops
 * the others. Thread-safe; one run at a time per instance is the intended use.
 */
public final class OrgSweep {

    /** As the members' CloudTrail names the sweep's calls; the member role admits {@code guardrail-*}. */
    static final String SESSION_NAME = "guardrail-sweep";
    /**
     * Account-regions swept at once. Each has its own budget, so more would be faster without
     * burdening any member; this bounds the function's threads and memory (each scan runs
     * {@link ScanSettings#parallelism()} threads of its own).
     */
    static final int TARGETS_AT_ONCE = 8;
    /** What AWS said, shortened: the summary lists every target not swept. */
    static final int MAX_DETAIL = 200;

    private final MemberAccounts members;
    private final MemberClients clients;
    private final List<String> regions;
    private final GuardrailEngine engine;
    private final Optional<StateStore> state;
    private final ScanSettings settings;
    private final JsonLog log;
    private final Clock clock;

    /**
     * @param state where compliant VPC configs are remembered as known-good, as the single-account sweep does
     */
    public OrgSweep(MemberAccounts members, MemberClients clients, List<String> regions, GuardrailEngine engine,
                    Optional<StateStore> state, ScanSettings settings, JsonLog log, Clock clock) {
        this.members = members;
        this.clients = clients;
        this.regions = List.copyOf(regions);
        this.engine = engine;
        this.state = state;
        this.settings = settings;
        this.log = log;
        this.clock = clock;
    }

    /**
     * Sweeps every member in every region. A failure to list the members is thrown.
     *
     * @param deadline account-regions not started by then are reported as {@link Reason#DEADLINE}; the
     *                 functions of one under way are left unscanned and counted
     */
    public OrgSweepResult run(Optional<Instant> deadline) {
        Instant started = clock.instant();
        List<Member> listed = members.list();
        log.info("organisation sweep started", f -> f.put("accounts", listed.size()).put("regions", String.join(",", regions))
                .put("rateLimit", settings.rateLimit()));
        AtomicInteger threads = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(TARGETS_AT_ONCE, task -> {
            Thread t = new Thread(task, "org-sweep-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        List<Target> targets = new ArrayList<>();
        try {
            List<Future<Target>> pending = new ArrayList<>();
            for (Member member : listed) {
                for (String region : regions) {
                    pending.add(member.current() ? pool.submit(() -> sweep(member.account(), region, deadline))
                            : CompletableFuture.completedFuture(notSwept(member.account(), region,
                            Reason.STACK_INSTANCE_NOT_CURRENT, member.status() + (member.reason().isEmpty() ? "" : ": " + member.reason()))));
                }
            }
            for (Future<Target> target : pending) {
                targets.add(target.get());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("organisation sweep interrupted", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("organisation sweep worker failed", e.getCause());
        } finally {
            pool.shutdownNow();
        }
        return new OrgSweepResult(started, Duration.between(started, clock.instant()), regions, listed.size(), targets,
                settings.rateLimit());
    }

    private Target sweep(String account, String region, Optional<Instant> deadline) {
        if (deadline.isPresent() && !clock.instant().isBefore(deadline.get())) {
            return notSwept(account, region, Reason.DEADLINE, "the run's time was up before this account and region's turn");
        }
        RateLimitInterceptor pacer = new RateLimitInterceptor(new RateLimiter(settings.rateLimit()));
        try (MemberClients.MemberLambda member = clients.open(account, region, SESSION_NAME, settings::retriesAndTimeouts, pacer)) {
            try {
                member.assumeRole();
            } catch (RuntimeException e) {
                return notSwept(account, region, Reason.ASSUME_ROLE_FAILED, describe(e));
            }
            FunctionScanner scanner = new FunctionScanner(new SdkFunctionInventory(member.lambda()), engine, state, settings,
                    pacer, log);
            try {
                ScanResult scanned = scanner.scan(region, deadline);
                ScanResult result = scanned.account().isEmpty() ? scanned.withAccount(account) : scanned;
                log.info("member swept", f -> f.set("summary", ScanReport.toJson(result, 0, 0)));
                return new Swept(account, region, result);
            } catch (SdkServiceException e) {
                return notSwept(account, region, e.isThrottlingException() ? Reason.THROTTLED : Reason.FAILED, describe(e));
            } catch (RuntimeException e) {
                return notSwept(account, region, Reason.FAILED, describe(e));
            }
        }
    }

    private NotSwept notSwept(String account, String region, Reason reason, String detail) {
        NotSwept target = new NotSwept(account, region, reason, detail);
        log.warn("member not swept", f -> f.put("account", account).put("region", region).put("reason", reason.name())
                .put("detail", detail));
        return target;
    }

    /** The exception's class, AWS's error code and message; at most {@value #MAX_DETAIL} characters. */
    static String describe(RuntimeException e) {
        String detail = e instanceof AwsServiceException aws && aws.awsErrorDetails() != null
                ? e.getClass().getSimpleName() + " " + aws.awsErrorDetails().errorCode() + ": " + aws.awsErrorDetails().errorMessage()
                : e.getClass().getSimpleName() + ": " + e.getMessage();
        return detail.length() <= MAX_DETAIL ? detail : detail.substring(0, MAX_DETAIL - 3) + "...";
    }
}
