package io.github.lambdaguardrail.engine;

import java.util.regex.Pattern;

/**
 * What every part of the guardrail takes for an AWS region name ({@code us-east-1},
 * {@code us-gov-west-1}, {@code ap-southeast-7}): the one check, for records, alerts and settings.
 */
public final class RegionName {

    /** AWS's longest today is 14 characters; a hostile value is refused before the pattern runs. */
    static final int MAX_LENGTH = 32;
    /** Possessive: a long value of many "-a" parts must not overflow the stack while matching. */
    private static final Pattern REGION = Pattern.compile("[a-z]{2}(?:-[a-z]++)++-\\d{1,2}");

    private RegionName() {
    }

    /** Whether {@code name} is shaped like a region name; null is not. */
    public static boolean isWellFormed(String name) {
        return name != null && name.length() <= MAX_LENGTH && REGION.matcher(name).matches();
    }
}
