package io.github.lambdaguardrail.guard.sweep;

import io.github.lambdaguardrail.engine.Actor;
import io.github.lambdaguardrail.engine.Finding;
import io.github.lambdaguardrail.engine.FunctionFacts;
import io.github.lambdaguardrail.engine.FunctionRef;
import io.github.lambdaguardrail.engine.FunctionTags;
import io.github.lambdaguardrail.engine.GuardrailEngine;
import io.github.lambdaguardrail.engine.LambdaChange;
import io.github.lambdaguardrail.engine.RecordHeader;
import io.github.lambdaguardrail.engine.ResourcePolicy;
import io.github.lambdaguardrail.engine.Verdict;
import io.github.lambdaguardrail.engine.VerdictJson;
import io.github.lambdaguardrail.engine.VpcConfig;
import io.github.lambdaguardrail.guard.StateStore;
import io.github.lambdaguardrail.guard.sweep.FunctionInventory.ListedFunction;
import io.github.lambdaguardrail.guard.sweep.FunctionInventory.LiveFunction;
import io.github.lambdaguardrail.guard.sweep.FunctionInventory.UrlConfig;
import io.github.lambdaguardrail.guard.sweep.ScanResult.ScanError;
import io.github.lambdaguardrail.guard.sweep.ScanResult.ScanFinding;
import io.github.lambdaguardrail.runtime.JsonLog;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Sweeps the existing functions of one region: for each function its configuration, the
 * resource policies of the function, of each alias and of each published version, and its
 * function URL configs, each judged by {@link GuardrailEngine#evaluateExisting} (pre-existing
 * findings: reported, never rolled back). An error on one function is counted and reported and
 * never stops the scan. With a state store, compliant VPC configs become the functions' last
 * known-good ones. Pacing and retries are the inventory's client's ({@link ScanSettings#lambdaClient}).
 * Thread-safe; one scan at a time per instance is the intended use.
 */
public final class FunctionScanner {

    /** The event id, event name and actor of the sweep's record headers. */
    static final String EVENT_ID = "sweep";
    static final String EVENT_NAME = "Sweep";
    static final String ACTOR = "lambda-guardrail-sweep";

    private final FunctionInventory inventory;
    private final GuardrailEngine engine;
    private final Optional<StateStore> state;
    private final ScanSettings settings;
    private final TrafficMeter traffic;
    private final JsonLog log;
    private final Clock clock;

    public FunctionScanner(FunctionInventory inventory, GuardrailEngine engine, Optional<StateStore> state,
                           ScanSettings settings, TrafficMeter traffic, JsonLog log) {
        this(inventory, engine, state, settings, traffic, log, Clock.systemUTC());
    }

    FunctionScanner(FunctionInventory inventory, GuardrailEngine engine, Optional<StateStore> state, ScanSettings settings,
                    TrafficMeter traffic, JsonLog log, Clock clock) {
        this.inventory = inventory;
        this.engine = engine;
        this.state = state;
        this.settings = settings;
        this.traffic = traffic;
        this.log = log;
        this.clock = clock;
    }

    /**
     * Scans every function of the region (within the settings' name prefix).
     *
     * @param deadline functions not started by then are left unscanned and counted
     */
    public ScanResult scan(String region, Optional<Instant> deadline) {
        Instant started = clock.instant();
        long requestsBefore = traffic.requests();
        long throttledBefore = traffic.throttled();
        List<ListedFunction> functions = inventory.functions().stream()
                .filter(f -> f.name().startsWith(settings.functionNamePrefix())).toList();
        log.info("sweep started", f -> f.put("region", region).put("functions", functions.size())
                .put("rateLimit", settings.rateLimit()));
        Tally tally = new Tally();
        if (settings.parallelism() == 1) {
            functions.forEach(fn -> scanUnlessLate(fn, region, deadline, tally));
        } else {
            scanInParallel(functions, region, deadline, tally);
        }
        Instant finished = clock.instant();
        return tally.result(region, started, Duration.between(started, finished), functions.size(),
                traffic.requests() - requestsBefore, traffic.throttled() - throttledBefore, settings.rateLimit());
    }

    private void scanInParallel(List<ListedFunction> functions, String region, Optional<Instant> deadline, Tally tally) {
        AtomicInteger threads = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(settings.parallelism(), task -> {
            Thread t = new Thread(task, "sweep-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<?>> pending = new ArrayList<>(functions.size());
            for (ListedFunction fn : functions) {
                pending.add(pool.submit(() -> scanUnlessLate(fn, region, deadline, tally)));
            }
            for (Future<?> task : pending) {
                task.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("sweep interrupted", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("sweep worker failed", e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    private void scanUnlessLate(ListedFunction listed, String region, Optional<Instant> deadline, Tally tally) {
        if (deadline.isPresent() && !clock.instant().isBefore(deadline.get())) {
            tally.notScanned();
            return;
        }
        scan(listed, region, tally);
    }

    private void scan(ListedFunction listed, String region, Tally tally) {
        String arn = listed.arn();
        String operation = "GetFunction";
        String target = arn;
        try {
            Optional<LiveFunction> found = inventory.function(arn);
            if (found.isEmpty()) {
                tally.vanished();
                return;
            }
            LiveFunction fn = found.get();
            String account = accountOf(arn);
            FunctionFacts facts = new FunctionFacts(fn.tags(), Optional.empty(), Optional.empty(), Optional.empty());
            if (fn.tags() instanceof FunctionTags.Unreadable) {
                tally.tagsUnreadable(arn);
            }
            LambdaChange.FunctionConfigured configured = new LambdaChange.FunctionConfigured(ref(fn, Optional.empty()), false,
                    Optional.empty(), fn.vpc(), Map.of());
            RecordHeader look = look(account, region);
            Verdict config = engine.evaluateExisting(configured, look, facts);
            tally.add(account, config);

            operation = "ListAliases";
            List<Optional<String>> qualifiers = new ArrayList<>();
            qualifiers.add(Optional.empty());
            inventory.aliases(arn).forEach(alias -> qualifiers.add(Optional.of(alias)));
            operation = "ListVersionsByFunction";
            inventory.versions(arn).forEach(version -> qualifiers.add(Optional.of(version)));
            operation = "GetPolicy";
            for (Optional<String> qualifier : qualifiers) {
                target = qualifier.map(q -> arn + ":" + q).orElse(arn);
                Optional<String> document = inventory.policy(arn, qualifier);
                if (document.isPresent()) {
                    tally.policyRead();
                    tally.add(account, engine.evaluateExisting(new LambdaChange.ResourcePolicyReplaced(ref(fn, qualifier),
                            ResourcePolicy.statements(document.get())), look, facts));
                }
            }

            operation = "ListFunctionUrlConfigs";
            target = arn;
            for (UrlConfig url : inventory.urlConfigs(arn)) {
                tally.urlConfigRead();
                tally.add(account, engine.evaluateExisting(new LambdaChange.FunctionUrlConfigured(
                        ref(fn, qualifierOf(url.functionArn())), url.authType()), look, facts));
            }

            Optional<VpcConfig> knownGood = GuardrailEngine.knownGoodVpc(configured, config);
            if (state.isPresent() && knownGood.isPresent()) {
                operation = "remember known-good VPC config";
                state.get().rememberKnownGoodVpc(arn, knownGood.get());
                tally.vpcRemembered();
            }
            tally.scanned();
        } catch (RuntimeException e) {
            ScanError error = new ScanError(target, operation, e.getClass().getSimpleName(), String.valueOf(e.getMessage()));
            tally.failed(error);
            log.error("function could not be swept; the sweep goes on", f -> f.put("functionArn", error.functionArn())
                    .put("operation", error.operation()).put("error", error.error()).put("detail", error.message()));
        }
    }

    /** The record header of the sweep's look at one function: the engine judges it as existing state. */
    static RecordHeader look(String account, String region) {
        return new RecordHeader(EVENT_ID, EVENT_NAME, Instant.now().toString(), account, region,
                new Actor(ACTOR, EVENT_NAME, Optional.empty(), Optional.empty()));
    }

    private static FunctionRef ref(LiveFunction fn, Optional<String> qualifier) {
        return new FunctionRef(fn.name(), qualifier, fn.arn());
    }

    /** {@code arn:aws:lambda:region:account:function:name[:qualifier]}. */
    static Optional<String> qualifierOf(String functionArn) {
        String[] parts = functionArn.split(":", -1);
        return parts.length > 7 ? Optional.of(parts[7]) : Optional.empty();
    }

    static String accountOf(String functionArn) {
        String[] parts = functionArn.split(":", -1);
        return parts.length > 4 ? parts[4] : "";
    }

    /** The scan's counts, shared by its workers. */
    private final class Tally {
        private String account = "";
        private int scanned;
        private int vanished;
        private int notScanned;
        private int policies;
        private int urlConfigs;
        private int vpcsRemembered;
        private final List<ScanFinding> findings = new ArrayList<>();
        private final List<ScanFinding> exempted = new ArrayList<>();
        private final List<ScanError> errors = new ArrayList<>();
        private final List<String> tagsUnreadable = new ArrayList<>();

        synchronized void add(String functionAccount, Verdict verdict) {
            if (account.isEmpty()) {
                account = functionAccount;
            }
            String arn = verdict.function().map(FunctionRef::qualifiedArn).orElse("");
            for (Finding f : verdict.findings()) {
                (f.isExempted() ? exempted : findings).add(new ScanFinding(arn, f));
            }
            if (!verdict.findings().isEmpty()) {
                log.info("finding", l -> {
                    l.put("functionArn", arn).put("decision", verdict.decision().name());
                    verdict.note().ifPresent(n -> l.put("note", n));
                    l.set("findings", VerdictJson.findings(verdict.findings()));
                });
            }
        }

        synchronized void scanned() {
            scanned++;
        }

        synchronized void vanished() {
            vanished++;
        }

        synchronized void notScanned() {
            notScanned++;
        }

        synchronized void policyRead() {
            policies++;
        }

        synchronized void urlConfigRead() {
            urlConfigs++;
        }

        synchronized void vpcRemembered() {
            vpcsRemembered++;
        }

        synchronized void tagsUnreadable(String functionArn) {
            tagsUnreadable.add(functionArn);
        }

        synchronized void failed(ScanError error) {
            errors.add(error);
        }

        synchronized ScanResult result(String region, Instant started, Duration duration, int listed, long requests,
                                       long throttled, double rateLimit) {
            return new ScanResult(account, region, started, duration, listed, scanned, vanished, notScanned, policies,
                    urlConfigs, vpcsRemembered, findings, exempted, errors, tagsUnreadable, requests, throttled, rateLimit);
        }
    }
}
