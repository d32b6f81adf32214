package io.github.lambdaguardrail.guard.securityhub;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.securityhub.SecurityHubClient;
import software.amazon.awssdk.services.securityhub.model.AwsSecurityFinding;
import software.amazon.awssdk.services.securityhub.model.BatchImportFindingsResponse;

/**
 * {@link SecurityHubFindings} on Security Hub's {@code BatchImportFindings}: one request per
 * alert (a verdict has at most one finding per rule, far below the 100 a request takes).
 * Thread-safe.
 */
final class SecurityHubImporter implements SecurityHubFindings {

    private final Supplier<SecurityHubClient> securityHub;

    /** @param securityHub called on the first import: an alert that is not a verdict's builds no client */
    SecurityHubImporter(Supplier<SecurityHubClient> securityHub) {
        this.securityHub = securityHub;
    }

    @Override
    public List<Refused> importFindings(List<AwsSecurityFinding> findings) {
        BatchImportFindingsResponse response = securityHub.get().batchImportFindings(b -> b.findings(findings));
        List<Refused> refused = new ArrayList<>(response.failedFindings().stream()
                .map(f -> new Refused(f.id(), f.errorCode() + ": " + f.errorMessage())).toList());
        int failed = response.failedCount() == null ? 0 : response.failedCount();
        if (failed > refused.size()) {
            // Counted but not named: none of the unnamed findings is known to be imported.
            Set<String> named = refused.stream().map(Refused::id).collect(Collectors.toSet());
            findings.stream().map(AwsSecurityFinding::id).filter(id -> !named.contains(id)).forEach(id ->
                    refused.add(new Refused(id, "FailedCount " + failed + " but " + named.size() + " named")));
        }
        return refused;
    }
}
