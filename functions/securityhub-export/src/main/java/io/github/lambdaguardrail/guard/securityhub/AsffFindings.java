package io.github.lambdaguardrail.guard.securityhub;

import io.github.lambdaguardrail.engine.Action;
import io.github.lambdaguardrail.engine.Origin;
import io.github.lambdaguardrail.engine.RuleId;
import io.github.lambdaguardrail.guard.securityhub.VerdictAlert.AlertFinding;
import io.github.lambdaguardrail.guard.securityhub.VerdictAlert.FunctionArn;
import io.github.lambdaguardrail.guard.securityhub.VerdictAlert.Outcome;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.regions.PartitionMetadata;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.securityhub.model.AwsSecurityFinding;
import software.amazon.awssdk.services.securityhub.model.ComplianceStatus;
import software.amazon.awssdk.services.securityhub.model.RecordState;
import software.amazon.awssdk.services.securityhub.model.Resource;
import software.amazon.awssdk.services.securityhub.model.SeverityLabel;
import software.amazon.awssdk.services.securityhub.model.WorkflowStatus;

/**
 * A verdict alert's findings in the AWS Security Finding Format (ASFF), one per finding, as the
 * exporter sends them to Security Hub. The alert is sent once the guard has acted, and says what
 * it did.
 *
 * <p>Security Hub takes a finding's {@code Workflow} (and {@code Note}) only when it creates the
 * finding: a later {@code BatchImportFindings} cannot change them, and {@code BatchUpdateFindings}
 * is the customers' API. So each finding is imported from the alert, when what the guard did is
 * known: {@code RESOLVED} and {@code PASSED} when its rollback undid the change (the statement
 * removed, the VPC config restored), {@code SUPPRESSED} for an exempted finding, else {@code NEW}
 * and {@code FAILED} (notify only, a quarantine, which leaves the function outside its VPC, a dry
 * run, a rollback left alone or failed). The {@code Id} is the CloudTrail event id and the rule,
 * so a repeated import updates the finding instead of adding one.
 */
final class AsffFindings {

    static final String SCHEMA_VERSION = "2018-10-08";
    static final String TYPE = "Software and Configuration Checks/AWS Security Best Practices";
    static final String PRODUCT_NAME = "Lambda Guardrail";
    /** ASFF's limits: Title 256 characters, Description 1024, Recommendation and Note text 512, a product field 2048. */
    static final int MAX_TITLE = 256;
    static final int MAX_DESCRIPTION = 1024;
    static final int MAX_TEXT = 512;
    static final int MAX_PRODUCT_FIELD = 2048;
    /** The kinds of rollback that undo the change itself; a quarantine only stops the function. */
    private static final List<String> UNDOING = List.of(Action.Kind.REMOVE_PERMISSION.name(),
            Action.Kind.RESTORE_VPC_CONFIG.name());
    /** The status of an outcome that changed the function. */
    private static final String DONE = "DONE";

    private AsffFindings() {
    }

    /**
     * The findings of {@code alert}, exempted ones too.
     *
     * @param now the import time ({@code UpdatedAt})
     */
    static List<AwsSecurityFinding> of(VerdictAlert alert, Instant now) {
        String decision = alert.decision();
        List<Outcome> outcomes = alert.outcomes();
        boolean undone = decision.equals("ROLLBACK") && outcomes.stream()
                .anyMatch(o -> o.status().equals(DONE) && UNDOING.contains(o.type()));
        String partition = partition(alert.region());
        String productArn = "arn:" + partition + ":securityhub:" + alert.region() + ":" + alert.account() + ":product/"
                + alert.account() + "/default";
        String createdAt = observedAt(alert.eventTime(), now);
        List<AwsSecurityFinding> findings = new ArrayList<>();
        for (AlertFinding f : alert.findings()) {
            // The rollback undoes the event's change, and with it every violation the change introduced.
            boolean resolved = undone && f.origin() == Origin.INTRODUCED;
            boolean suppressed = !resolved && f.exemption().isPresent();
            String findingDecision = suppressed ? "EXEMPTED" : decision;
            AwsSecurityFinding.Builder b = AwsSecurityFinding.builder()
                    .schemaVersion(SCHEMA_VERSION)
                    .id(id(alert.eventId(), f.ruleId()))
                    .productArn(productArn)
                    .productName(PRODUCT_NAME)
                    .generatorId(f.ruleId().name())
                    .awsAccountId(alert.account())
                    .types(TYPE)
                    .createdAt(createdAt)
                    .firstObservedAt(createdAt)
                    .updatedAt(now.toString())
                    .severity(s -> s.label(label(f)))
                    .title(cut(f.ruleId().name() + " on " + target(alert, f) + ": " + f.ruleId().description(), MAX_TITLE))
                    .description(cut(description(alert, f), MAX_DESCRIPTION))
                    .resources(resource(alert.function(), f, partition, alert.region()))
                    .compliance(c -> c.status(resolved ? ComplianceStatus.PASSED : ComplianceStatus.FAILED))
                    .workflow(w -> w.status(resolved ? WorkflowStatus.RESOLVED
                            : suppressed ? WorkflowStatus.SUPPRESSED : WorkflowStatus.NEW))
                    .recordState(RecordState.ACTIVE)
                    .remediation(r -> r.recommendation(t -> t.text(recommendation(f, findingDecision, resolved, outcomes))))
                    .productFields(productFields(alert, f, findingDecision));
            if (suppressed) {
                b.note(n -> n.text(cut("Exempted: " + f.exemption().orElseThrow(), MAX_TEXT))
                        .updatedBy(PRODUCT_NAME).updatedAt(now.toString()));
            }
            findings.add(b.build());
        }
        return findings;
    }

    /** A finding's {@code Id}: the CloudTrail event and the rule, the same on every import of the event. */
    static String id(String eventId, RuleId rule) {
        return eventId + "/" + rule.name();
    }

    private static SeverityLabel label(AlertFinding f) {
        return switch (f.severity()) {
            case LOW -> SeverityLabel.LOW;
            case MEDIUM -> SeverityLabel.MEDIUM;
            case HIGH -> SeverityLabel.HIGH;
            case CRITICAL -> SeverityLabel.CRITICAL;
        };
    }

    /** The partition of {@code region} as the SDK knows it ({@code aws}, {@code aws-cn}, {@code aws-us-gov}, ...). */
    private static String partition(String region) {
        return PartitionMetadata.of(Region.of(region)).id();
    }

    /** When the change was made: the event time in ASFF's form, or {@code now} if the record's is unusable or later. */
    private static String observedAt(String eventTime, Instant now) {
        try {
            Instant at = Instant.parse(eventTime);
            return (at.isAfter(now) ? now : at).toString();
        } catch (DateTimeParseException e) {
            return now.toString();
        }
    }

    private static String target(VerdictAlert alert, AlertFinding f) {
        return alert.function().map(FunctionArn::target).orElse(f.subject());
    }

    /** The function, by its unqualified ARN as AWS Config and Security Hub's own controls name it; else the resource the finding names. */
    private static Resource resource(Optional<FunctionArn> function, AlertFinding f, String partition, String region) {
        return Resource.builder().type(function.isPresent() ? "AwsLambdaFunction" : "Other")
                .id(function.map(FunctionArn::arn).orElse(f.subject())).partition(partition).region(region).build();
    }

    private static String description(VerdictAlert alert, AlertFinding f) {
        StringBuilder d = new StringBuilder(f.message());
        if (f.origin() == Origin.PRE_EXISTING) {
            d.append(" (pre-existing: reported, never rolled back)");
        }
        f.exemption().ifPresent(e -> d.append(" (exempted: ").append(e).append(')'));
        d.append(". ").append(alert.eventName()).append(" by ").append(alert.actor())
                .append(" at ").append(alert.eventTime()).append(" (CloudTrail event ")
                .append(alert.eventId()).append(").");
        alert.note().ifPresent(n -> d.append(' ').append(n).append('.'));
        return d.toString();
    }

    /**
     * What to do, from what the guard did and the rule's own advice. The undo commands go in only
     * whole (a cut command would run something else); they are always in the product fields.
     */
    private static String recommendation(AlertFinding f, String decision, boolean resolved, List<Outcome> outcomes) {
        if (resolved) {
            String done = "The guard undid the change.";
            List<String> undo = outcomes.stream().flatMap(o -> o.undo().stream()).toList();
            if (undo.isEmpty()) {
                return done;
            }
            String approved = done + " Only if it was intended and approved: exempt the function or the caller, then ";
            String text = approved + "run " + String.join(" ; ", undo);
            return text.length() <= MAX_TEXT ? text : approved + "run the commands in guardrail/undo/*.";
        }
        String did = f.origin() == Origin.PRE_EXISTING && !decision.equals("EXEMPTED")
                ? "Pre-existing: the guard reports it and never rolls it back. "
                : switch (decision) {
                    // The one rollback that leaves the violation: the function stops, still outside its VPC.
                    case "ROLLBACK" -> "The guard quarantined the function (reserved concurrency 0; to lift it, run the"
                            + " commands in guardrail/undo/*): the violation stands. ";
                    case "ROLLBACK_FAILED" -> "The guard could not undo the change: it is still in place. ";
                    case "LEFT_ALONE" -> "The guard changed nothing (the live state differed from the event's, or it was"
                            + " already undone): check the function. ";
                    case "WOULD_ROLLBACK" -> "Dry run: the guard would have undone the change; nothing was changed. ";
                    case "EXEMPTED" -> "Exempted: no action is due while the exemption stands. ";
                    default -> "";
                };
        return cut(did + advice(f.ruleId()), MAX_TEXT);
    }

    /** How to put a finding's violation right by hand. */
    private static String advice(RuleId rule) {
        return switch (rule) {
            case LAMBDA_NOT_IN_VPC -> "Attach the function to a VPC (allowed subnets and security groups), or exempt it.";
            case LAMBDA_VPC_NOT_ALLOWED -> "Move the function to an allowed VPC, subnets and security groups.";
            case PERMISSION_PUBLIC -> "Remove the statement, or narrow it with a source account, source ARN or organisation id.";
            case PERMISSION_UNTRUSTED_ACCOUNT -> "Remove the statement, or trust the account or organisation if it is trusted.";
            case PERMISSION_SERVICE_WITHOUT_SOURCE -> "Add a source account or source ARN to the statement (confused deputy).";
            case PERMISSION_WILDCARD_ACTION -> "Grant only the actions the caller needs, e.g. lambda:InvokeFunction.";
            case FUNCTION_URL_PUBLIC -> "Give the function URL auth type AWS_IAM, or remove its public statement.";
            case GUARDRAIL_TAMPERED -> "Check that the change to the guardrail was intended; if not, revert it and review the caller's access.";
            case GUARDRAIL_TAG_CHANGED -> "Check that the guardrail tag change was intended: the exemption tag turns rules off for the function.";
        };
    }

    /** The alert's identifiers and outcomes, for filters and automation: keys {@code guardrail/...}, values bounded. */
    private static Map<String, String> productFields(VerdictAlert alert, AlertFinding f, String decision) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("guardrail/decision", decision);
        fields.put("guardrail/ruleId", f.ruleId().name());
        fields.put("guardrail/origin", f.origin().name());
        fields.put("guardrail/mode", f.mode().label());
        fields.put("guardrail/eventId", alert.eventId());
        fields.put("guardrail/eventName", alert.eventName());
        fields.put("guardrail/actor", alert.actor());
        alert.function().ifPresent(fn -> fields.put("guardrail/function", fn.qualifiedArn()));
        f.exemption().ifPresent(e -> fields.put("guardrail/exemption", e));
        alert.note().ifPresent(n -> fields.put("guardrail/note", n));
        int i = 0;
        for (Outcome o : alert.outcomes()) {
            i++;
            fields.put("guardrail/outcome/" + i, o.type() + " " + o.status() + ": " + o.detail());
            int u = 0;
            for (String command : o.undo()) {
                u++;
                // Whole or not at all: a cut command would run something else.
                fields.put("guardrail/undo/" + i + "/" + u, command.length() <= MAX_PRODUCT_FIELD ? command
                        : "longer than a product field: see the SNS alert");
            }
        }
        fields.replaceAll((k, v) -> cut(v, MAX_PRODUCT_FIELD));
        return fields;
    }

    /** Text cut to {@code max} characters, ending with "..." when cut. */
    static String cut(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max - 3) + "...";
    }
}
