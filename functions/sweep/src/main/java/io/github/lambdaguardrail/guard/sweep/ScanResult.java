package io.github.lambdaguardrail.guard.sweep;

import io.github.lambdaguardrail.engine.Finding;
import io.github.lambdaguardrail.engine.RuleId;
import io.github.lambdaguardrail.engine.Severity;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What one scan of one region found. Immutable.
 *
 * @param account              the functions' account, from their ARNs ({@code ""} if none was read)
 * @param functionsListed      functions in scope ({@code ListFunctions}, name prefix applied)
 * @param functionsScanned     functions read completely
 * @param functionsVanished    functions deleted between listing and reading
 * @param functionsNotScanned  functions left when the scan ran out of time
 * @param policiesRead         resource policies read (function, aliases and versions each have one)
 * @param urlConfigsRead       function URL configs read
 * @param vpcConfigsRemembered compliant VPC configs written as the functions' last known-good ones
 * @param findings             active findings, worst first
 * @param exempted             exempted findings (reported, never counted as violations)
 * @param errors               functions that could not be read completely; their findings so far are kept
 * @param tagsUnreadable       functions whose tags could not be read: exemptions by tag unknown, so none of
 *                             their findings is exempted by tag
 * @param requests             HTTP requests sent, retries included
 * @param throttled            requests answered with 429 (and retried by the SDK)
 * @param rateLimit            the scan's requests/s limit
 */
public record ScanResult(String account, String region, Instant startedAt, Duration duration, int functionsListed,
                         int functionsScanned, int functionsVanished, int functionsNotScanned, int policiesRead,
                         int urlConfigsRead, int vpcConfigsRemembered, List<ScanFinding> findings,
                         List<ScanFinding> exempted, List<ScanError> errors, List<String> tagsUnreadable, long requests,
                         long throttled,
                         double rateLimit) {

    /** Worst first: severity, then function ARN, rule and subject. */
    public static final Comparator<ScanFinding> WORST_FIRST = Comparator
            .comparing(ScanFinding::severity, Comparator.reverseOrder())
            .thenComparing(ScanFinding::functionArn)
            .thenComparing(ScanFinding::ruleId)
            .thenComparing(ScanFinding::subject);

    public ScanResult {
        findings = findings.stream().sorted(WORST_FIRST).toList();
        exempted = exempted.stream().sorted(WORST_FIRST).toList();
        errors = errors.stream().sorted(Comparator.comparing(ScanError::functionArn)).toList();
        tagsUnreadable = tagsUnreadable.stream().sorted().toList();
    }

    /**
     * One violation of one function, alias or version.
     *
     * @param functionArn the ARN including the qualifier of the alias or version whose policy or URL it concerns
     * @param finding     the engine's finding (exempted ones name their exemption)
     */
    public record ScanFinding(String functionArn, Finding finding) {

        public RuleId ruleId() {
            return finding.ruleId();
        }

        public Severity severity() {
            return finding.severity();
        }

        /** The statement or config the rule examined. */
        public String subject() {
            return finding.subject();
        }

        /** The engine's sentence (subject and evidence). */
        public String message() {
            return finding.message();
        }

        public Optional<String> exemption() {
            return finding.exemption();
        }
    }

    /**
     * A function the scan could not read completely.
     *
     * @param functionArn the function (qualified when the failed call concerned an alias or version)
     * @param operation   the call that failed, e.g. {@code GetPolicy}
     * @param error       the exception's simple class name, e.g. {@code TooManyRequestsException}
     */
    public record ScanError(String functionArn, String operation, String error, String message) {
    }

    /** Active findings per rule, in rule order; rules without findings are left out. */
    public Map<RuleId, Integer> findingsByRule() {
        Map<RuleId, Integer> counts = new EnumMap<>(RuleId.class);
        findings.forEach(f -> counts.merge(f.ruleId(), 1, Integer::sum));
        return counts;
    }

    /** The worst severity found, if anything was found. */
    public Optional<Severity> severity() {
        return findings.stream().map(ScanFinding::severity).max(Comparator.naturalOrder());
    }

    /** The {@code limit} worst findings. */
    public List<ScanFinding> worst(int limit) {
        return findings.subList(0, Math.min(limit, findings.size()));
    }

    /** How many functions (unqualified) have at least one active finding. */
    public long functionsWithFindings() {
        return findings.stream().map(f -> unqualified(f.functionArn())).distinct().count();
    }

    /** Every function in scope was read (some may still have failed: see {@link #errors}). */
    public boolean complete() {
        return functionsNotScanned == 0;
    }

    /** The same result with the account named, for a scan that read no function ARN. */
    public ScanResult withAccount(String accountId) {
        return new ScanResult(accountId, region, startedAt, duration, functionsListed, functionsScanned,
                functionsVanished, functionsNotScanned, policiesRead, urlConfigsRead, vpcConfigsRemembered, findings,
                exempted, errors, tagsUnreadable, requests, throttled, rateLimit);
    }

    static String unqualified(String functionArn) {
        String[] parts = functionArn.split(":", -1);
        return parts.length > 7 ? String.join(":", List.of(parts).subList(0, 7)) : functionArn;
    }
}
