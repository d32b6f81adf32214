package io.github.lambdaguardrail.guard;

import io.github.lambdaguardrail.engine.FunctionFacts;
import io.github.lambdaguardrail.engine.FunctionRef;
import io.github.lambdaguardrail.engine.LambdaChange;
import io.github.lambdaguardrail.engine.LiveFunction;

/**
 * Looks up what the engine may consult about a function: its tags, its last known-good VPC config
 * and its live state. IAM: {@code lambda:GetFunction} (with {@code lambda:ListTags}), and
 * {@code lambda:GetPolicy} for the permission guard.
 */
public interface FunctionFactsSource {

    /** The facts for judging {@code change}: what its rollback would be planned against. */
    FunctionFacts factsFor(LambdaChange change);

    /** The function as it is now. */
    LiveFunction live(FunctionRef function);
}
