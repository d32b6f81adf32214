package io.github.lambdaguardrail.guard;

import java.util.List;

/**
 * What happened when the guard carried out (or, in dry run, would have carried out) one action.
 *
 * @param detail       one sentence for the alert
 * @param undoCommands the exact AWS CLI commands that undo what the guard did (empty if nothing was done)
 */
public record ActionOutcome(String type, Status status, String detail, List<String> undoCommands) {

    public enum Status {
        /** The guard changed the function. */
        DONE,
        /** Already in the wanted state (a duplicate delivery, or someone was quicker): nothing to do. */
        ALREADY_DONE,
        /** The live state differs from what the event recorded, so the guard left it alone. */
        LEFT_ALONE,
        /** Dry run: what the guard would have done. */
        DRY_RUN,
        /** The guard tried and could not (access denied, invalid parameter, a bad tag value): the detail says why. */
        FAILED,
        /**
         * Organisation mode: handed to the remediator of the function's account and region, which
         * reads the live state, acts and sends its own alert.
         */
        QUEUED
    }

    public ActionOutcome {
        undoCommands = List.copyOf(undoCommands);
    }

    public static ActionOutcome of(String type, Status status, String detail) {
        return new ActionOutcome(type, status, detail, List.of());
    }

    /** An action that could not be carried out: nothing was changed by it. */
    public static ActionOutcome failed(String type, String why) {
        return of(type, Status.FAILED, why);
    }
}
