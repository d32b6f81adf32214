package io.github.lambdaguardrail.engine;

import java.util.List;

/** A planned action. The engine only plans; the guard functions carry actions out. */
public sealed interface Action {

    /** The action type as it appears in JSON output and logs. */
    String type();

    /**
     * Remove the statement the event added, and nothing else: never a statement chosen by its
     * shape (the other half of a public function URL arrives as its own event and is judged on its
     * own). The executor first confirms the live policy (same qualifier) still holds exactly this
     * statement and removes it guarded by the policy's revision id.
     *
     * @param statementId       the Sid the event added
     * @param expectedStatement the statement as CloudTrail recorded it
     */
    record RemovePermission(FunctionRef function, String statementId, String expectedStatement) implements Action {
        public String type() {
            return "REMOVE_PERMISSION";
        }
    }

    /** Set reserved concurrency to 0 and tag the function with the reason and how to undo it. */
    record Quarantine(FunctionRef function, List<RuleId> reasons) implements Action {
        public Quarantine {
            reasons = List.copyOf(reasons);
        }

        public String type() {
            return "QUARANTINE";
        }
    }

    /**
     * Put back the last known-good subnets and security groups.
     *
     * @param replaced the config the change left, which the restore replaces (for the undo command)
     */
    record RestoreVpcConfig(FunctionRef function, VpcConfig knownGood, VpcConfig replaced) implements Action {
        public String type() {
            return "RESTORE_VPC_CONFIG";
        }
    }

    /** Tell operators (SNS). */
    record Notify() implements Action {
        public String type() {
            return "NOTIFY";
        }
    }
}
