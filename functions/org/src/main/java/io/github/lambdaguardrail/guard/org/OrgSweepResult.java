package io.github.lambdaguardrail.guard.org;

import io.github.lambdaguardrail.engine.RuleId;
import io.github.lambdaguardrail.engine.Severity;
import io.github.lambdaguardrail.guard.sweep.ScanResult;
import io.github.lambdaguardrail.guard.sweep.ScanResult.ScanFinding;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * What one run of the organisation sweep did: for every member account and governed region either
 * the scan's result or why it was not swept. Immutable.
 *
 * @param accounts the member accounts listed by the roles StackSet, swept or not
 * @param targets  one per account and region, in account then region order
 */
public record OrgSweepResult(Instant startedAt, Duration duration, List<String> regions, int accounts,
                             List<Target> targets, double rateLimit) {

    public OrgSweepResult {
        regions = List.copyOf(regions);
        targets = List.copyOf(targets);
    }

    /** Why an account and region was not swept. */
    public enum Reason {
        /** The member roles' stack instance is not CURRENT: the role may be missing or out of date. */
        STACK_INSTANCE_NOT_CURRENT,
        /** STS refused the member role (its trust, a missing role, an SCP) or could not be reached. */
        ASSUME_ROLE_FAILED,
        /** Listing the functions was still throttled after the client's retries. */
        THROTTLED,
        /** Listing the functions failed otherwise. */
        FAILED,
        /** The run's time was up before this account and region's turn. */
        DEADLINE
    }

    /** One member account in one governed region. */
    public sealed interface Target {
        String account();

        String region();
    }

    /** Swept: the scan's result, which may itself be incomplete or hold errors on single functions. */
    public record Swept(String account, String region, ScanResult result) implements Target {
    }

    /** Not swept, and why; {@code detail} is what AWS or the sweep said, shortened. */
    public record NotSwept(String account, String region, Reason reason, String detail) implements Target {
    }

    public List<Swept> swept() {
        return targets.stream().flatMap(t -> t instanceof Swept s ? Stream.of(s) : Stream.empty()).toList();
    }

    public List<NotSwept> notSwept() {
        return targets.stream().flatMap(t -> t instanceof NotSwept n ? Stream.of(n) : Stream.empty()).toList();
    }

    public Map<Reason, Integer> notSweptByReason() {
        Map<Reason, Integer> counts = new EnumMap<>(Reason.class);
        notSwept().forEach(n -> counts.merge(n.reason(), 1, Integer::sum));
        return counts;
    }

    /** Every active finding of every swept account and region. */
    public List<ScanFinding> findings() {
        return swept().stream().flatMap(s -> s.result().findings().stream()).toList();
    }

    public Map<RuleId, Integer> findingsByRule() {
        Map<RuleId, Integer> counts = new EnumMap<>(RuleId.class);
        swept().forEach(s -> s.result().findingsByRule().forEach((rule, n) -> counts.merge(rule, n, Integer::sum)));
        return counts;
    }

    public Optional<Severity> severity() {
        return swept().stream().flatMap(s -> s.result().severity().stream()).max(Comparator.naturalOrder());
    }

    /** The {@code limit} worst findings across the organisation. */
    public List<ScanFinding> worst(int limit) {
        return findings().stream().sorted(ScanResult.WORST_FIRST).limit(limit).toList();
    }

    public int functionsListed() {
        return swept().stream().mapToInt(s -> s.result().functionsListed()).sum();
    }

    public int functionsScanned() {
        return swept().stream().mapToInt(s -> s.result().functionsScanned()).sum();
    }

    public int functionsNotScanned() {
        return swept().stream().mapToInt(s -> s.result().functionsNotScanned()).sum();
    }

    public int errors() {
        return swept().stream().mapToInt(s -> s.result().errors().size()).sum();
    }

    public int exempted() {
        return swept().stream().mapToInt(s -> s.result().exempted().size()).sum();
    }

    public long requests() {
        return swept().stream().mapToLong(s -> s.result().requests()).sum();
    }

    public long throttled() {
        return swept().stream().mapToLong(s -> s.result().throttled()).sum();
    }

    /** Every account and region was swept, every function of each read. */
    public boolean complete() {
        return notSwept().isEmpty() && swept().stream().allMatch(s -> s.result().complete());
    }
}
