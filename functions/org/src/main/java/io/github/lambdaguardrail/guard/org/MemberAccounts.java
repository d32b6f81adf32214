package io.github.lambdaguardrail.guard.org;

import java.util.List;

/**
 * The member accounts the organisation sweep covers: those that have the member roles, as the roles
 * StackSet's stack instances say. Implementations are thread-safe.
 */
public interface MemberAccounts {

    /** Every member with a stack instance, one entry per account; a failure to list is thrown. */
    List<Member> list();

    /**
     * A member account and the state of its roles stack.
     *
     * @param status the stack instance's status ({@code CURRENT}, {@code OUTDATED}, {@code INOPERABLE})
     * @param reason why it is not {@code CURRENT}, as CloudFormation says ({@code ""} if it says nothing)
     */
    record Member(String account, String status, String reason) {

        public static final String CURRENT = "CURRENT";

        /** Only a stack that is up to date is known to hold the role with the sweep's permissions. */
        public boolean current() {
            return CURRENT.equals(status);
        }
    }
}
