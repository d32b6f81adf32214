package io.github.lambdaguardrail.guard.org;

import io.github.lambdaguardrail.engine.CloudTrailReader;
import io.github.lambdaguardrail.engine.ParsedRecord;
import io.github.lambdaguardrail.engine.RecordHeader;
import io.github.lambdaguardrail.guard.Alert;
import io.github.lambdaguardrail.guard.GuardReport;
import io.github.lambdaguardrail.guard.Notifier;
import io.github.lambdaguardrail.runtime.Failures;
import io.github.lambdaguardrail.runtime.JsonLog;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Organisation mode, in the central account: the remediation queue's consumer. Each message is one
 * event for one member account and region (its message group); the guard of that member
 * ({@link MemberGuards}) handles it exactly as the single-account guard handles an event: claim,
 * live state and tags read through the member role, act only if the change is still there, alert.
 *
 * <p>In order, per group: a message that fails is left for the queue to deliver again, and so is
 * every later message of its group in the batch, while other groups go on. A message whose event
 * is not for its group's account and region (or holds more than one record) is alerted as invalid
 * and dropped: no member is acted on with another's credentials.
 */
public final class OrgRemediator {

    /** {@code account:region}, as the evaluator sets the group. */
    private static final Pattern GROUP = Pattern.compile("(\\d{12}):([a-z]{2}(?:-[a-z]++)++-\\d)");

    private final MemberGuards members;
    private final Notifier notifier;
    private final JsonLog log;

    public OrgRemediator(MemberGuards members, Notifier notifier, JsonLog log) {
        this.members = members;
        this.notifier = notifier;
        this.log = log;
    }

    /**
     * Handles a batch, counting into {@code report}.
     *
     * @param timeLeft the invocation's remaining time, asked before each message
     * @return the ids of the messages to deliver again (Lambda's {@code batchItemFailures})
     */
    public List<String> handle(List<QueuedEvent> batch, Supplier<Duration> timeLeft, GuardReport report) {
        List<String> retry = new ArrayList<>();
        Set<String> stalledGroups = new HashSet<>();
        for (QueuedEvent message : batch) {
            if (stalledGroups.contains(message.groupId())) {
                retry.add(message.messageId());
                continue;
            }
            try {
                handle(message, timeLeft.get(), report);
            } catch (RuntimeException e) {
                // The guard released its claim (or kept its alert): the queue delivers the message again.
                log.warn("message left for another delivery; later messages of its group too", f -> f
                        .put("messageId", message.messageId()).put("group", message.groupId())
                        .put("error", e.getClass().getSimpleName()).put("detail", Failures.describe(e)));
                stalledGroups.add(message.groupId());
                retry.add(message.messageId());
            }
        }
        return retry;
    }

    private void handle(QueuedEvent message, Duration timeLeft, GuardReport report) {
        var group = GROUP.matcher(message.groupId());
        if (!group.matches()) {
            reject(message, "the message group '" + bounded(message.groupId()) + "' is not account:region", Map.of());
            return;
        }
        String account = group.group(1);
        String region = group.group(2);
        byte[] event = message.body().getBytes(StandardCharsets.UTF_8);
        Optional<String> mismatch = mismatch(event, account, region);
        if (mismatch.isPresent()) {
            reject(message, mismatch.get(), Map.of("account", account, "region", region));
            return;
        }
        members.forMember(account, region).handle(new ByteArrayInputStream(event), report, timeLeft);
    }

    /**
     * Why the event may not be handled as this group's: more than one record, or a record of
     * another account or region. An unreadable event is the guard's to alert (it acts on nothing).
     */
    private static Optional<String> mismatch(byte[] event, String account, String region) {
        List<RecordHeader> headers = new ArrayList<>();
        int[] records = {0};
        try {
            CloudTrailReader.read(new ByteArrayInputStream(event), record -> {
                records[0]++;
                header(record).ifPresent(headers::add);
            });
        } catch (IOException e) {
            return Optional.empty();
        }
        if (records[0] > 1) {
            return Optional.of("the message holds " + records[0] + " records; the evaluator sends one event per message");
        }
        return headers.stream().filter(h -> !h.account().equals(account) || !h.region().equals(region)).findFirst()
                .map(h -> "the event (" + bounded(h.eventId()) + ") is of account " + bounded(h.account()) + ", region "
                        + bounded(h.region()) + ", not of its message group " + account + ":" + region);
    }

    private static Optional<RecordHeader> header(ParsedRecord record) {
        return switch (record) {
            case ParsedRecord.Watched watched -> Optional.of(watched.event().header());
            case ParsedRecord.Guarded guarded -> Optional.of(guarded.call().header());
            case ParsedRecord.Ignored ignored -> Optional.of(ignored.header());
            case ParsedRecord.Invalid invalid -> Optional.empty();
            case ParsedRecord.Scheduled scheduled -> Optional.empty();
            case ParsedRecord.OtherService other -> Optional.empty();
        };
    }

    /** Alerts a message that must not be handled and drops it; a failed alert is thrown, so it is delivered again. */
    private void reject(QueuedEvent message, String reason, Map<String, String> seen) {
        log.error("message rejected", f -> f.put("messageId", message.messageId()).put("reason", reason));
        Map<String, String> fields = new LinkedHashMap<>(seen);
        fields.put("messageId", message.messageId());
        notifier.publish(Alert.invalid("remediation queue: " + reason, fields));
    }

    private static String bounded(String text) {
        return text.length() <= 80 ? text : text.substring(0, 77) + "...";
    }
}
