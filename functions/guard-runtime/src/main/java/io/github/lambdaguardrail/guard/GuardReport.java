package io.github.lambdaguardrail.guard;

/**
 * What one invocation did, counted: logged at the end and published as CloudWatch metrics.
 */
public final class GuardReport {

    int records;
    int evaluated;
    int skipped;
    int invalid;
    int duplicates;
    int findings;
    int rollbacks;
    int notifications;
    int notificationFailures;

    public int records() {
        return records;
    }

    public int evaluated() {
        return evaluated;
    }

    public int skipped() {
        return skipped;
    }

    public int invalid() {
        return invalid;
    }

    public int duplicates() {
        return duplicates;
    }

    public int findings() {
        return findings;
    }

    public int rollbacks() {
        return rollbacks;
    }

    public int notifications() {
        return notifications;
    }

    public int notificationFailures() {
        return notificationFailures;
    }

    @Override
    public String toString() {
        return "{\"records\":" + records + ",\"evaluated\":" + evaluated + ",\"skipped\":" + skipped
                + ",\"invalid\":" + invalid + ",\"duplicates\":" + duplicates + ",\"findings\":" + findings
                + ",\"rollbacks\":" + rollbacks + ",\"notifications\":" + notifications
                + ",\"notificationFailures\":" + notificationFailures + "}";
    }
}
