package io.github.lambdaguardrail.cli;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * The time window of a replay ({@code --since} inclusive, {@code --until} exclusive; either may be
 * open), the test of a record's {@code eventTime} against it, and the test of a CloudTrail day
 * folder ({@code …/yyyy/mm/dd/}) against it. Immutable and thread-safe.
 *
 * <p>A day folder holds the log files CloudTrail <em>delivered</em> that UTC day, and a file
 * delivered at some time can hold records from any time before it. So a folder whose day ends at
 * or before {@code --since} holds nothing of the window, while a folder after {@code --until} may
 * still hold records of the window that were delivered late: folders are read up to
 * {@link #LATE_DELIVERY} past {@code --until}. Every record is still tested by its eventTime.
 */
record Window(Optional<Instant> since, Optional<Instant> until) {

    /** No bounds: every record is in the window. */
    static final Window ALL = new Window(Optional.empty(), Optional.empty());

    /**
     * How much later than its eventTime a record is assumed to be delivered, at most, when day
     * folders after {@code --until} are skipped. CloudTrail delivers within minutes on average.
     */
    static final Duration LATE_DELIVERY = Duration.ofDays(1);

    private static final int CANONICAL_LENGTH = "2026-03-01T12:00:00Z".length();

    Window {
        if (since.isPresent() && until.isPresent() && !until.get().isAfter(since.get())) {
            throw new IllegalArgumentException("--until: " + until.get() + " is not after --since " + since.get());
        }
    }

    /**
     * The window of the two option values (either null), or an {@link IllegalArgumentException}
     * whose message names the option and says what it accepts.
     */
    static Window of(String since, String until) {
        return new Window(Optional.ofNullable(since).map(value -> bound("--since", value)),
                Optional.ofNullable(until).map(value -> bound("--until", value)));
    }

    /**
     * An ISO-8601 date (midnight UTC, {@code 2026-03-01}) or instant with a zone or offset
     * ({@code 2026-03-01T12:00:00Z}, {@code 2026-03-01T12:00Z}, {@code 2026-03-01T13:00:00+01:00}).
     */
    static Instant bound(String option, String value) {
        try {
            if (value.indexOf('T') < 0) {
                return LocalDate.parse(value).atStartOfDay(ZoneOffset.UTC).toInstant();
            }
            return OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException e) {
            String zone = "";
            try {
                LocalDateTime.parse(value);
                zone = ": add a zone, Z for UTC";
            } catch (DateTimeParseException notLocal) {
                // not a zone-less time either: the general message says it all
            }
            throw new IllegalArgumentException(option + ": '" + value + "' is not an ISO-8601 date (2026-03-01) or instant"
                    + " (2026-03-01T12:00:00Z)" + zone);
        }
    }

    boolean isOpen() {
        return since.isEmpty() && until.isEmpty();
    }

    boolean contains(Instant time) {
        return since.map(s -> !time.isBefore(s)).orElse(true) && until.map(time::isBefore).orElse(true);
    }

    /** Whether a folder of the log files delivered on {@code day} (UTC) can be left unread. */
    boolean excludesDeliveryDay(LocalDate day) {
        Instant start = day.atStartOfDay(ZoneOffset.UTC).toInstant();
        Instant end = day.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
        return since.map(s -> !end.isAfter(s)).orElse(false)
                || until.map(u -> !start.isBefore(u.plus(LATE_DELIVERY))).orElse(false);
    }

    /** For the summary. */
    String describe() {
        if (isOpen()) {
            return "all records (no --since or --until)";
        }
        return since.map(s -> "from " + s + " (inclusive)").orElse("")
                + (since.isPresent() && until.isPresent() ? " " : "")
                + until.map(u -> "until " + u + " (exclusive)").orElse("");
    }

    /**
     * A CloudTrail eventTime ({@code 2026-03-01T12:00:00Z}; other ISO-8601 instants with a zone
     * are accepted too), or empty when it is not one.
     */
    static Optional<Instant> eventTime(String text) {
        if (text == null) {
            return Optional.empty();
        }
        if (text.length() == CANONICAL_LENGTH && text.charAt(4) == '-' && text.charAt(7) == '-' && text.charAt(10) == 'T'
                && text.charAt(13) == ':' && text.charAt(16) == ':' && text.charAt(19) == 'Z') {
            // The form CloudTrail writes, without a formatter: this runs once per record.
            int year = digits(text, 0, 4);
            int month = digits(text, 5, 7);
            int day = digits(text, 8, 10);
            int hour = digits(text, 11, 13);
            int minute = digits(text, 14, 16);
            int second = digits(text, 17, 19);
            if (year >= 0 && month >= 0 && day >= 0 && hour >= 0 && minute >= 0 && second >= 0) {
                try {
                    return Optional.of(LocalDateTime.of(year, month, day, hour, minute, second).toInstant(ZoneOffset.UTC));
                } catch (DateTimeException e) {
                    return Optional.empty();
                }
            }
        }
        try {
            return Optional.of(OffsetDateTime.parse(text).toInstant());
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    private static int digits(String text, int from, int to) {
        int value = 0;
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }
}
