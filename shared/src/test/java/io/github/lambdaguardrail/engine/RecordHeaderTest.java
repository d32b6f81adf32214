package io.github.lambdaguardrail.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Which account ids and regions are well formed enough to act on; hostile lengths included. */
class RecordHeaderTest {

    private static boolean actionable(String account, String region) {
        return new RecordHeader("id", "AddPermission20150331v2", "2026-12-02T00:00:00Z", account, region,
                new Actor("arn:aws:iam::111122223333:user/a", "IAMUser", Optional.empty(), Optional.empty())).isActionable();
    }

    @ParameterizedTest
    @CsvSource({"111122223333, us-east-1, true", "111122223333, ap-southeast-2, true", "111122223333, us-gov-west-1, true",
            "111122223333, cn-northwest-1, true", "11112222333, us-east-1, false", "111122223333, ca-centralnorth-1r, false",
            "111122223333, US-EAST-1, false", "111122223333, us-east, false"})
    void wellFormedAccountAndRegionAreActionable(String account, String region, boolean expected) {
        assertEquals(expected, actionable(account, region));
    }

    @ParameterizedTest
    @CsvSource({"5000", "100000"})
    void hugeRegionIsNotActionableAndDoesNotOverflowTheStack(int parts) {
        assertEquals(false, actionable("111122223333", "us" + "-a".repeat(parts)));
        assertEquals(false, actionable("111122223333", "us" + "-a".repeat(parts) + "-1"));
    }
}
