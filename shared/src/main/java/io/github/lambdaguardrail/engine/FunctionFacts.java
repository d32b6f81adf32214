package io.github.lambdaguardrail.engine;

import java.util.Map;
import java.util.Optional;

/**
 * What the caller knows about the function beyond the event: its current tags (for the exemption
 * tag; {@link FunctionTags.Unreadable} when they could not be read), the last VPC config the guard
 * saw compliant (for restoring it, and as the proof that the function was in a VPC before), and the
 * live state a rollback is planned against: the function ({@code GetFunction}) and, for a
 * permission, the resource policy ({@code GetPolicy}). The command-line tool knows none of it and
 * passes {@link #NONE}: the engine then plans from the event alone, and the executor checks the
 * live state itself.
 *
 * @param function the live function; empty when not read
 * @param policy   the live resource policy of the function or qualifier the change names; empty when not read
 */
public record FunctionFacts(FunctionTags tags, Optional<VpcConfig> lastKnownGoodVpc,
                            Optional<LiveFunction> function, Optional<LivePolicy> policy) {

    public static final FunctionFacts NONE = new FunctionFacts(Map.of(), Optional.empty());

    /** Whether the live state shows the function no longer exists. */
    public boolean functionGone() {
        return function.map(live -> switch (live) {
            case LiveFunction.Missing missing -> true;
            case LiveFunction.Found found -> false;
        }).orElse(false);
    }

    /** Tags read and a known-good VPC config, without the live state. */
    public FunctionFacts(Map<String, String> tags, Optional<VpcConfig> lastKnownGoodVpc) {
        this(new FunctionTags.Read(tags), lastKnownGoodVpc, Optional.empty(), Optional.empty());
    }
}
