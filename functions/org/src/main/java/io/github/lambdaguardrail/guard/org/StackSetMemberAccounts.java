package io.github.lambdaguardrail.guard.org;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudformation.model.CallAs;
import software.amazon.awssdk.services.cloudformation.model.StackInstanceSummary;

/**
 * {@link MemberAccounts} from the stack instances of the member roles StackSet
 * ({@code cloudformation:ListStackInstances}, every page), called as the delegated administrator that
 * created it. moto ignores {@code CallAs} and serves one page; AWS requires it for a service-managed
 * StackSet of a delegated administrator. The roles go to one region, so an account has one instance;
 * should it have several, it counts as current if any is. Thread-safe.
 */
public final class StackSetMemberAccounts implements MemberAccounts {

    private final Supplier<CloudFormationClient> cloudFormation;
    private final String stackSet;

    public StackSetMemberAccounts(Supplier<CloudFormationClient> cloudFormation, String stackSet) {
        this.cloudFormation = cloudFormation;
        this.stackSet = stackSet;
    }

    @Override
    public List<Member> list() {
        Map<String, Member> byAccount = new LinkedHashMap<>();
        for (StackInstanceSummary instance : cloudFormation.get().listStackInstancesPaginator(b -> b.stackSetName(stackSet)
                .callAs(CallAs.DELEGATED_ADMIN)).summaries()) {
            Member member = new Member(instance.account(), instance.statusAsString(),
                    Objects.requireNonNullElse(instance.statusReason(), ""));
            byAccount.merge(member.account(), member, (known, other) -> known.current() ? known : other);
        }
        return new ArrayList<>(byAccount.values());
    }
}
