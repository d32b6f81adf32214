package io.github.lambdaguardrail.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The --since/--until values, the eventTime of records and the day folders, against the window. */
class WindowTest {

    private static final Window MARCH_2_TO_4 = Window.of("2026-03-02T12:00:00Z", "2026-03-04");

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "2026-03-01,                2026-03-01T00:00:00Z",
        "2026-03-01T12:00:00Z,      2026-03-01T12:00:00Z",
        "2026-03-01T12:00Z,         2026-03-01T12:00:00Z",
        "2026-03-01T12:00:00.250Z,  2026-03-01T12:00:00.250Z",
        "2026-03-01T13:00:00+01:00, 2026-03-01T12:00:00Z",
        "2024-02-29,                2024-02-29T00:00:00Z"})
    void boundIsADateAtMidnightUtcOrAnInstant(String value, Instant expected) {
        assertEquals(expected, Window.bound("--since", value));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "yesterday           | --since: 'yesterday' is not an ISO-8601 date (2026-03-01) or instant (2026-03-01T12:00:00Z)",
        "2026-02-30          | --since: '2026-02-30' is not an ISO-8601 date (2026-03-01) or instant (2026-03-01T12:00:00Z)",
        "1740787200          | --since: '1740787200' is not an ISO-8601 date (2026-03-01) or instant (2026-03-01T12:00:00Z)",
        "2026-03-01T12:00:00 | --since: '2026-03-01T12:00:00' is not an ISO-8601 date (2026-03-01) or instant (2026-03-01T12:00:00Z): add a zone, Z for UTC"})
    void unusableBoundIsRejectedNamingTheOption(String value, String message) {
        assertEquals(message, assertThrows(IllegalArgumentException.class, () -> Window.bound("--since", value)).getMessage());
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "2026-03-02T12:00:00Z, true",    // --since is inclusive
        "2026-03-02T11:59:59Z, false",
        "2026-03-03T23:59:59Z, true",
        "2026-03-04T00:00:00Z, false"})  // --until is exclusive
    void windowHoldsSinceButNotUntil(Instant time, boolean inside) {
        assertEquals(inside, MARCH_2_TO_4.contains(time));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "2026-03-01, true",    // ends at 03-02T00:00, before --since
        "2026-03-02, false",
        "2026-03-03, false",
        "2026-03-04, false",   // the day of --until: records of the window delivered late
        "2026-03-05, true"})   // a day or more after --until
    void dayFolderIsLeftUnreadOnlyWhenItCannotHoldARecordOfTheWindow(LocalDate day, boolean excluded) {
        assertEquals(excluded, MARCH_2_TO_4.excludesDeliveryDay(day));
        assertFalse(Window.ALL.excludesDeliveryDay(day));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(nullValues = "none", value = {
        "2026-03-01T12:00:00Z,      2026-03-01T12:00:00Z",
        "2024-02-29T23:59:59Z,      2024-02-29T23:59:59Z",
        "2026-03-01T12:00:00.5Z,    2026-03-01T12:00:00.500Z",
        "2026-03-01T13:00:00+01:00, 2026-03-01T12:00:00Z",
        "2026-02-30T12:00:00Z,      none",
        "2026-03-01T25:00:00Z,      none",
        "2026-03-0xT12:00:00Z,      none",
        "March 1st,                 none"})
    void eventTimeIsReadAsAnInstantOrNotAtAll(String text, Instant expected) {
        assertEquals(Optional.ofNullable(expected), Window.eventTime(text));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(nullValues = "none", value = {
        "AWSLogs/111122223333/CloudTrail/us-east-1/2026/03/01, 2026-03-01",
        "logs/2024/02/29,                                      2024-02-29",
        "logs/2026/02/30,                                      none",
        "logs/2026/3/01,                                       none",
        "logs/26/03/01,                                        none",
        "logs/2026/03/notes,                                   none"})
    void dayFolderIsRecognisedByItsLastThreePathNames(Path directory, LocalDate expected) {
        assertEquals(Optional.ofNullable(expected), InputPaths.dayFolder(directory));
    }
}
