package io.github.lambdaguardrail.engine;

import java.util.List;

/**
 * The principal of a statement, normalised from {@code "*"}, {@code {"AWS": ...}} and
 * {@code {"Service": ...}}.
 *
 * @param anyone     {@code "*"} or {@code {"AWS": "*"}}
 * @param accountIds accounts named by an AWS principal (an account id or any IAM ARN in it)
 * @param services   service principals, e.g. {@code s3.amazonaws.com}
 * @param other      principal values the engine does not recognise (federated, canonical user, ...)
 */
public record Principal(boolean anyone, List<String> accountIds, List<String> services, List<String> other) {

    public Principal {
        accountIds = List.copyOf(accountIds);
        services = List.copyOf(services);
        other = List.copyOf(other);
    }
}
