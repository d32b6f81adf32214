package io.github.lambdaguardrail.engine;

import java.util.Optional;

/**
 * A function as {@code GetFunction} showed it just before the engine judged a change to it: the
 * live state a rollback is planned against, so a rollback never acts on a function that has
 * changed since the event (or is gone).
 */
public sealed interface LiveFunction {

    /** The function no longer exists: nothing to roll back. */
    record Missing() implements LiveFunction {
    }

    /**
     * @param vpc              its VPC config, every field; {@link VpcConfig#NONE} outside a VPC
     * @param revisionId       its {@code RevisionId}, which guards a write (empty if not shown)
     * @param state            {@code State}, e.g. {@code Active}
     * @param lastUpdateStatus {@code LastUpdateStatus}, e.g. {@code Successful}, {@code InProgress}
     */
    record Found(VpcConfig vpc, Optional<String> revisionId, String state, String lastUpdateStatus) implements LiveFunction {
    }
}
