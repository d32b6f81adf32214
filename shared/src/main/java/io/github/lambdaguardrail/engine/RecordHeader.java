package io.github.lambdaguardrail.engine;

import java.util.regex.Pattern;

/**
 * The parts of a CloudTrail record that say which call it was, when, where and by whom.
 *
 * @param eventId   CloudTrail {@code eventID}: the key for idempotency
 * @param eventName as recorded, version suffix included
 * @param account   the account the call changed ({@code recipientAccountId}, else the envelope's)
 */
public record RecordHeader(String eventId, String eventName, String eventTime, String account, String region,
                           Actor actor) {

    private static final Pattern ACCOUNT_ID = Pattern.compile("\\d{12}");
    /** Possessive, and regions are short: a hostile 10 KB region must not overflow the stack. */
    private static final Pattern REGION = Pattern.compile("[a-z]{2}(?:-[a-z]++)++-\\d");
    private static final int MAX_REGION = 32;

    /**
     * Whether the account id and region are well formed. Published samples anonymise them (9 or
     * 13 digit accounts, invented regions); the engine evaluates such records but never plans a
     * rollback for them.
     */
    public boolean isActionable() {
        return ACCOUNT_ID.matcher(account).matches() && region.length() <= MAX_REGION && REGION.matcher(region).matches();
    }
}
