package io.github.lambdaguardrail.engine;

import java.util.Optional;

/**
 * A function, optionally qualified by a version or alias. Resource-based policies are kept per
 * qualifier, so a permission is inspected and removed with the qualifier it was added with.
 *
 * @param name      the function name, never an ARN
 * @param qualifier version or alias, when the change targeted one
 * @param arn       the unqualified function ARN
 */
public record FunctionRef(String name, Optional<String> qualifier, String arn) {

    /** The ARN including the qualifier, as operators see it in the console. */
    public String qualifiedArn() {
        return qualifier.map(q -> arn + ":" + q).orElse(arn);
    }
}
