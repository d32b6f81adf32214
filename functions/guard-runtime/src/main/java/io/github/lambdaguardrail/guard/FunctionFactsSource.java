package io.github.lambdaguardrail.guard;

import io.github.lambdaguardrail.engine.FunctionFacts;
import io.github.lambdaguardrail.engine.FunctionRef;

/** Looks up what the engine may consult about a function. IAM: {@code lambda:GetFunction}. */
public interface FunctionFactsSource {

    FunctionFacts factsFor(FunctionRef function);
}
