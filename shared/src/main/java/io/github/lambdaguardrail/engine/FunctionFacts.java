package io.github.lambdaguardrail.engine;

import java.util.Map;
import java.util.Optional;

/**
 * What the caller knows about the function beyond the event: its current tags (for the exemption
 * tag) and the last VPC config the guard saw compliant (for restoring it). The command-line tool
 * knows neither and passes {@link #NONE}.
 */
public record FunctionFacts(Map<String, String> tags, Optional<VpcConfig> lastKnownGoodVpc) {

    public static final FunctionFacts NONE = new FunctionFacts(Map.of(), Optional.empty());

    public FunctionFacts {
        tags = Map.copyOf(tags);
    }
}
