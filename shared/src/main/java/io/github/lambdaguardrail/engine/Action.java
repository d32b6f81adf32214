package io.github.lambdaguardrail.engine;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A planned action. The engine only plans, from the live state passed in as {@link FunctionFacts};
 * the guard functions carry actions out: they verify that the live state is still what the action
 * expects, write (guarded by revision ids) and never decide anything else.
 */
public sealed interface Action {

    /**
     * What an action does, and the IAM actions a guard needs to carry it out, as Cloud Custodian's
     * actions declare their {@code permissions}: every call the guard makes for it, the reads that
     * verify the live state before a write included, and those AWS checks on the guard's behalf. A
     * guard's role grants the permissions of every kind the engine can plan for the calls it
     * watches ({@link GuardrailEngine#plannable}); a test proves the template does.
     */
    enum Kind {
        /** GetPolicy: the live policy, read when the plan has no revision id or its revision is stale. */
        REMOVE_PERMISSION("lambda:GetPolicy", "lambda:RemovePermission"),
        /**
         * GetFunction: the live VPC config, concurrency and tags (the previous quarantine record),
         * which it returns only to a caller also allowed ListTags.
         */
        QUARANTINE("lambda:GetFunction", "lambda:ListTags", "lambda:TagResource", "lambda:PutFunctionConcurrency"),
        /**
         * GetFunction: the live VPC config and revision before the write, LastUpdateStatus after
         * it. Lambda lets the caller attach only subnets and security groups it may describe.
         */
        RESTORE_VPC_CONFIG("lambda:GetFunction", "lambda:UpdateFunctionConfiguration",
                "ec2:DescribeSecurityGroups", "ec2:DescribeSubnets", "ec2:DescribeVpcs"),
        /** Nothing is read or written. */
        LEAVE_ALONE(),
        /** The alert. */
        NOTIFY("sns:Publish");

        private final Set<String> permissions;

        Kind(String... permissions) {
            this.permissions = Set.of(permissions);
        }

        /** The IAM actions ({@code service:Action}) a guard needs to carry out an action of this kind. */
        public Set<String> permissions() {
            return permissions;
        }
    }

    Kind kind();

    /** The action type as it appears in JSON output and logs: the name of its kind. */
    default String type() {
        return kind().name();
    }

    /**
     * Remove the statement the event added, and nothing else: never a statement chosen by its
     * shape (the other half of a public function URL arrives as its own event and is judged on its
     * own). The executor removes it guarded by the policy's revision id; when that revision is
     * stale, it reads the policy again and removes the statement only if it is still exactly the
     * expected one.
     *
     * @param statementId       the Sid the event added
     * @param expectedStatement the statement as CloudTrail recorded it
     * @param policyRevisionId  the revision of the live policy in which the engine saw exactly this
     *                          statement; empty when the live policy was not read (the executor reads
     *                          it first)
     */
    record RemovePermission(FunctionRef function, String statementId, String expectedStatement,
                            Optional<String> policyRevisionId) implements Action {
        public Kind kind() {
            return Kind.REMOVE_PERMISSION;
        }
    }

    /**
     * Set reserved concurrency to 0 and tag the function with the reason and how to undo it, only
     * while its live VPC config is still the one the event set.
     *
     * @param expectedVpc the VPC config the event left (subnets and security groups), which the live
     *                    function must still have
     */
    record Quarantine(FunctionRef function, List<RuleId> reasons, VpcConfig expectedVpc) implements Action {
        public Quarantine {
            reasons = List.copyOf(reasons);
        }

        public Kind kind() {
            return Kind.QUARANTINE;
        }
    }

    /**
     * Put back the last known-good VPC config, every field, guarded by the function's revision id,
     * only while the live config is still {@code replaced}.
     *
     * @param replaced   the live config the change left, which the restore replaces (and the undo
     *                   command puts back)
     * @param revisionId the function's revision in which the engine saw {@code replaced}; empty when
     *                   the live function was not read (the executor reads it first)
     */
    record RestoreVpcConfig(FunctionRef function, VpcConfig knownGood, VpcConfig replaced,
                            Optional<String> revisionId) implements Action {
        public Kind kind() {
            return Kind.RESTORE_VPC_CONFIG;
        }
    }

    /**
     * A rollback was due, but the live state shows it must not be done: the function changed after
     * the event, or the change is already undone. Nothing is written.
     *
     * @param instead       the kind of the rollback that was due, e.g. {@link Kind#QUARANTINE}
     * @param alreadyUndone the live state is already what the rollback would make it (or the
     *                      function is gone), as opposed to a live state that differs from both
     * @param reason        one sentence for the alert: what the live state shows
     */
    record LeaveAlone(FunctionRef function, Kind instead, boolean alreadyUndone, String reason) implements Action {
        public Kind kind() {
            return Kind.LEAVE_ALONE;
        }
    }

    /** Tell operators (SNS). */
    record Notify() implements Action {
        public Kind kind() {
            return Kind.NOTIFY;
        }
    }
}
