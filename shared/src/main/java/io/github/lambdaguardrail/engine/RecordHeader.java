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

    /**
     * Whether the account id and region are well formed. Published samples anonymise them (9 or
     * 13 digit accounts, invented regions); the engine evaluates such records but never plans a
     * rollback for them.
     */
    public boolean isActionable() {
        return ACCOUNT_ID.matcher(account).matches() && RegionName.isWellFormed(region);
    }
}
