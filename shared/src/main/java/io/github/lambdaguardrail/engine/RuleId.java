package io.github.lambdaguardrail.engine;

import java.util.Arrays;
import java.util.Optional;

/**
 * The rule ids. They are part of the public contract: policies, alerts, SNS message attributes
 * and exemption tags name rules by these exact strings.
 */
public enum RuleId {
    LAMBDA_NOT_IN_VPC(Severity.MEDIUM, "a function is created without VPC config, or an update removes it"),
    LAMBDA_VPC_NOT_ALLOWED(Severity.MEDIUM, "VPC, subnet or security group outside the allow-lists, or a denied security group"),
    PERMISSION_PUBLIC(Severity.CRITICAL, "principal * with nothing that narrows it (no source account, source ARN or org id)"),
    PERMISSION_UNTRUSTED_ACCOUNT(Severity.HIGH, "an account or organisation outside the function's own account and the trusted lists"),
    PERMISSION_SERVICE_WITHOUT_SOURCE(Severity.MEDIUM, "a service principal without source account or source ARN (confused deputy)"),
    PERMISSION_WILDCARD_ACTION(Severity.HIGH, "an action other than the allowed ones, e.g. lambda:*"),
    FUNCTION_URL_PUBLIC(Severity.HIGH, "either half of a public function URL (auth type NONE), unless public URLs are allowed"),
    GUARDRAIL_TAMPERED(Severity.CRITICAL, "a change to the guardrail itself: its functions, rules, key or topics (a CloudFormation deploy: MEDIUM)"),
    GUARDRAIL_TAG_CHANGED(Severity.HIGH, "a guardrail tag (the exemption tag or guardrail:*) set or removed on a function");

    private final Severity severity;
    private final String description;

    RuleId(Severity severity, String description) {
        this.severity = severity;
        this.description = description;
    }

    public Severity severity() {
        return severity;
    }

    /** One line saying when the rule fires. */
    public String description() {
        return description;
    }

    /**
     * Whether the rule audits the guardrail itself: it always notifies, cannot be turned off,
     * exempted or rolled back, so that nobody can silence the guard through the guard.
     */
    public boolean isAudit() {
        return this == GUARDRAIL_TAMPERED || this == GUARDRAIL_TAG_CHANGED;
    }

    /** The rule with exactly this id, if any. */
    public static Optional<RuleId> parse(String id) {
        return Arrays.stream(values()).filter(r -> r.name().equals(id)).findFirst();
    }
}
