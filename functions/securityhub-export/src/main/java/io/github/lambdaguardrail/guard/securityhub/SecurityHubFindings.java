package io.github.lambdaguardrail.guard.securityhub;

import java.util.List;
import software.amazon.awssdk.services.securityhub.model.AwsSecurityFinding;

/**
 * Sends findings to AWS Security Hub, in ASFF ({@link AsffFindings}): the exporter's second channel
 * for the alerts the SNS topic has already delivered, never instead of it. IAM:
 * {@code securityhub:BatchImportFindings} on the account's default product ARN.
 */
interface SecurityHubFindings {

    /**
     * Imports the findings (created, or updated by their {@code Id}).
     *
     * @return the findings Security Hub refused, with its reason; empty when it took them all
     * @throws RuntimeException when the call itself failed: then none is known to be imported
     */
    List<Refused> importFindings(List<AwsSecurityFinding> findings);

    /** A finding Security Hub did not take, and why ({@code ErrorCode: ErrorMessage}). */
    record Refused(String id, String reason) {
    }
}
