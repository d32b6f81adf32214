package io.github.lambdaguardrail.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class RegionNameTest {

    @ParameterizedTest
    @ValueSource(strings = {"us-east-1", "eu-west-3", "us-gov-west-1", "ap-southeast-7", "cn-northwest-1", "mx-central-1",
            "eu-isoe-west-1", "us-isob-east-1", "ap-south-12"})
    void takesRegionNames(String name) {
        assertTrue(RegionName.isWellFormed(name), name);
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"US-EAST-1", "us-east", "us-east-1:evil", "us_east_1", "useast1", "us-east-123", "u-east-1",
            "us--east-1", "us-east-1 ", "us-east-١"})
    void refusesWhatIsNotARegionName(String name) {
        assertFalse(RegionName.isWellFormed(name), name);
    }

    @Test
    void refusesALongValueWithoutMatchingIt() {
        String longest = "aa-" + "a".repeat(RegionName.MAX_LENGTH - 5) + "-1";
        assertEquals(RegionName.MAX_LENGTH, longest.length());
        assertTrue(RegionName.isWellFormed(longest));
        assertFalse(RegionName.isWellFormed("aa-" + "a".repeat(RegionName.MAX_LENGTH - 4) + "-1"));
        // Many parts: a backtracking pattern overflows the stack on this (the exporter's and the
        // organisation sweep's own patterns did); the check answers.
        assertFalse(RegionName.isWellFormed("aa" + "-a".repeat(100_000) + "-1"));
    }
}
