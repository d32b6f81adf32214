package io.github.lambdaguardrail.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.lambdaguardrail.engine.RuleId;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Runs {@code guardrail evaluate} in-process over {@code events/} and over broken files made here. */
class EvaluateCommandTest {

    private static final Path EVENTS = Path.of("..", "events");
    private static final Path COMPLIANT = EVENTS.resolve("createfunction-in-vpc.json");
    private static final Path VIOLATING = EVENTS.resolve("createfunction-no-vpc.json");
    private static final Path PUBLIC_PERMISSION = EVENTS.resolve("addpermission-public-principal.json");
    private static final Path MIXED_LOG = EVENTS.resolve("cloudtrail-logfile-mixed.json");
    private static final String COMPLIANT_FUNCTION = "arn:aws:lambda:us-east-1:111122223333:function:orders-db-writer";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private record Run(int status, String out, String err) {
        List<String> errorLines() {
            return err.lines().toList();
        }

        /** The one stderr line about {@code file}; fails unless there is exactly one. */
        String errorAbout(Path file) {
            List<String> lines = err.lines().filter(l -> l.startsWith("guardrail: " + file + ":")).toList();
            assertEquals(1, lines.size(), () -> "one error line about " + file + " in:\n" + err);
            return lines.get(0);
        }
    }

    private static Run run(Object... args) {
        return runWithInput(new byte[0], args);
    }

    /** {@link #run} with {@code stdin} as what {@code -} reads. */
    private static Run runWithInput(byte[] stdin, Object... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cmd = GuardrailCli.commandLine();
        EvaluateCommand evaluate = cmd.getSubcommands().get("evaluate").getCommand();
        evaluate.standardInput = new ByteArrayInputStream(stdin);
        cmd.setOut(new PrintWriter(out));
        cmd.setErr(new PrintWriter(err));
        int status = cmd.execute(Arrays.stream(args).map(String::valueOf).toArray(String[]::new));
        return new Run(status, out.toString(), err.toString());
    }

    private Path write(String name, String content) throws IOException {
        return write(name, content.getBytes(StandardCharsets.UTF_8));
    }

    private Path write(String name, byte[] content) throws IOException {
        Path file = tmp.resolve(name);
        Files.createDirectories(file.getParent());
        Files.write(file, content);
        return file;
    }

    private Path gzip(String name, Path source) throws IOException {
        Path file = tmp.resolve(name);
        Files.createDirectories(file.getParent());
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
            Files.copy(source, out);
        }
        return file;
    }

    private static ObjectNode event(Path file) throws IOException {
        return (ObjectNode) JSON.readTree(file.toFile());
    }

    /** The compliant event was still evaluated (and allowed) despite the other, bad input. */
    private static void assertCompliantEventStillEvaluated(Run run) {
        assertTrue(run.out().contains("ALLOW     -  " + COMPLIANT_FUNCTION), () -> "verdict for the good file in:\n" + run.out());
    }

    /** The value of a summary row such as {@code "  files read   22"}. */
    private static String summary(Run run, String label) {
        return run.out().lines().filter(l -> l.startsWith("  " + label + " ")).findFirst()
                .map(l -> l.substring(label.length() + 2).trim())
                .orElseThrow(() -> new AssertionError("no summary row '" + label + "' in:\n" + run.out()));
    }

    /** The row of a rule in the summary's table: mode, findings, exempted, rollbacks. */
    private static List<String> ruleRow(Run run, RuleId rule) {
        return run.out().lines().filter(l -> l.startsWith("    " + rule + " ")).findFirst()
                .map(l -> List.of(l.trim().split("\\s+")).subList(1, 5))
                .orElseThrow(() -> new AssertionError("no summary row for " + rule + " in:\n" + run.out()));
    }

    @Nested
    class ExitStatus {

        @Test
        void isZeroForACompliantEvent() {
            Run run = run("evaluate", COMPLIANT);

            assertEquals(0, run.status(), run.err());
            assertCompliantEventStillEvaluated(run);
            assertEquals("", run.err());
        }

        @Test
        void isOneForAnEventThatIntroducesAViolation() {
            Run run = run("evaluate", VIOLATING);

            assertEquals(1, run.status(), run.err());
            assertTrue(run.out().startsWith("NOTIFY    LAMBDA_NOT_IN_VPC  arn:aws:lambda:us-east-1:111122223333:function:data-scraper"
                    + "  by arn:aws:iam::111122223333:user/dana.dev  (" + VIOLATING + ")"), run.out());
            assertTrue(run.out().contains("MEDIUM LAMBDA_NOT_IN_VPC  vpcConfig: function created without VPC config"), run.out());
            assertEquals("", run.err());
        }

        @Test
        void isZeroWhenTheOnlyFindingIsExempted() {
            Run run = run("evaluate", EVENTS.resolve("createfunction-exempted-by-tag.json"));

            assertEquals(0, run.status(), run.err());
            assertTrue(run.out().contains("[exempted: tag guardrail:exempt=LAMBDA_NOT_IN_VPC]"), run.out());
        }

        @Test
        void isTwoForBadInputEvenWhenAnotherFileHasFindings() throws IOException {
            Path bad = write("bad.json", "{\"Records\": [");

            Run run = run("evaluate", VIOLATING, bad);

            assertEquals(2, run.status());
            assertTrue(run.out().contains("NOTIFY    LAMBDA_NOT_IN_VPC"), run.out());
            run.errorAbout(bad);
        }

        @Test
        void isOneForTheWholeEventsFolder() throws IOException {
            Run run = run("evaluate", EVENTS);

            assertEquals(1, run.status(), run.err());
            assertEquals("", run.err());
            try (var files = Files.walk(EVENTS)) {
                assertEquals(String.valueOf(files.filter(f -> f.toString().endsWith(".json")).count()),
                        summary(run, "files read"));
            }
        }
    }

    @Nested
    class BadInput {

        @Test
        void truncatedJsonIsReportedWithTheFileAndTheOtherFilesAreEvaluated() throws IOException {
            String whole = Files.readString(VIOLATING);
            Path truncated = write("truncated.json", whole.substring(0, whole.length() / 2));

            Run run = run("evaluate", truncated, COMPLIANT);

            assertEquals(2, run.status());
            assertTrue(run.errorAbout(truncated).contains("not valid JSON"), run.err());
            assertCompliantEventStillEvaluated(run);
        }

        @Test
        void truncatedLogFileNamesTheRecordWhereItBrokeOffAfterEvaluatingTheRecordsBefore() throws IOException {
            String whole = Files.readString(MIXED_LOG);
            int eighthRecord = whole.indexOf("\"CreateFunction20150331\"");
            Path truncated = write("truncated-log.json", whole.substring(0, eighthRecord));

            Run run = run("evaluate", truncated, COMPLIANT);

            assertEquals(2, run.status());
            assertTrue(run.errorAbout(truncated).startsWith("guardrail: " + truncated + ": record 8: "), run.err());
            assertTrue(run.out().contains("(" + truncated + ", record 7)"), run.out());
            assertCompliantEventStillEvaluated(run);
        }

        @Test
        void textThatIsNotJsonIsReportedWithTheFile() throws IOException {
            Path notJson = write("notes.json", "Dear operator, this is not JSON.\n");

            Run run = run("evaluate", notJson, COMPLIANT);

            assertEquals(2, run.status());
            assertTrue(run.errorAbout(notJson).contains("not valid JSON"), run.err());
            assertCompliantEventStillEvaluated(run);
        }

        @Test
        void emptyFileIsReportedWithTheFile() throws IOException {
            Path empty = write("empty.json", "");

            Run run = run("evaluate", empty, COMPLIANT);

            assertEquals(2, run.status());
            assertEquals("guardrail: " + empty + ": input is empty", run.errorAbout(empty));
            assertCompliantEventStillEvaluated(run);
        }

        @Test
        void binaryFileIsReportedOnOneLineWithTheFile() throws IOException {
            byte[] bytes = new byte[4096];
            for (int i = 0; i < bytes.length; i++) {
                bytes[i] = (byte) (i * 31 + 7);
            }
            Path binary = write("image.json", bytes);

            Run run = run("evaluate", binary, COMPLIANT);

            assertEquals(2, run.status());
            assertEquals(1, run.errorLines().size(), run.err());
            run.errorAbout(binary);
            assertCompliantEventStillEvaluated(run);
        }

        @Test
        void corruptGzipFileIsReportedWithTheFile() throws IOException {
            byte[] bytes = {0x1f, (byte) 0x8b, 8, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
            Path corrupt = write("log.json.gz", bytes);

            Run run = run("evaluate", corrupt, COMPLIANT);

            assertEquals(2, run.status());
            run.errorAbout(corrupt);
            assertCompliantEventStillEvaluated(run);
        }

        @Test
        void jsonThatIsNotAnEventIsReportedWithTheFileAndRecord() throws IOException {
            Path notEvent = write("package.json", "{\"name\": \"left-pad\", \"version\": \"1.3.0\"}");

            Run run = run("evaluate", notEvent, COMPLIANT);

            assertEquals(2, run.status());
            assertEquals("guardrail: " + notEvent + ": record 1: not a CloudTrail record: no eventSource",
                    run.errorAbout(notEvent));
            assertCompliantEventStillEvaluated(run);
        }

        @Test
        void recordWithMissingFieldsIsReportedWithTheFileAndRecord() throws IOException {
            ObjectNode event = event(PUBLIC_PERMISSION);
            ((ObjectNode) event.path("detail").path("requestParameters")).remove("functionName");
            Path missing = write("missing-function-name.json", event.toString());

            Run run = run("evaluate", missing, COMPLIANT);

            assertEquals(2, run.status());
            assertEquals("guardrail: " + missing + ": record 1: requestParameters has no functionName",
                    run.errorAbout(missing));
            assertCompliantEventStillEvaluated(run);
        }

        @Test
        void statementThatIsNotJsonIsAWarningAndTheRecordIsJudgedFailingClosedWithExitStatusOne() throws IOException {
            ObjectNode event = event(PUBLIC_PERMISSION);
            ((ObjectNode) event.path("detail").path("responseElements")).put("statement", "{\"Sid\": \"allow-anyone\", \"Eff");
            Path badStatement = write("bad-statement.json", event.toString());

            Run run = run("evaluate", badStatement, COMPLIANT);

            assertEquals(1, run.status(), "judged, with a finding: not unusable input");
            assertTrue(run.errorAbout(badStatement).startsWith(
                    "guardrail: " + badStatement + ": record 1: warning: statement 'allow-anyone': statement is not JSON"), run.err());
            String verdict = run.out().lines().filter(l -> l.contains("function:invoice-renderer")).findFirst().orElse("");
            assertTrue(verdict.startsWith("NOTIFY "), run.out());
            assertCompliantEventStillEvaluated(run);
            assertEquals("0", summary(run, "errors"));
            assertEquals("1  (records judged all the same: see stderr)", summary(run, "warnings"));
        }

        @Test
        void fileWithFindingsAndNoUnusableInputExitsOneWhateverItsRecordsSay() throws IOException {
            ObjectNode event = event(PUBLIC_PERMISSION);
            ((ObjectNode) event.path("detail").path("responseElements")).put("statement", "[\"not\", \"a statement\"]");
            Path oddStatement = write("odd-statement.json", event.toString());

            Run run = run("evaluate", "--mode", "rollback", oddStatement, MIXED_LOG, EVENTS.resolve("guardrail"));

            assertEquals(1, run.status(), run.err());
            assertTrue(run.err().lines().allMatch(l -> l.contains(": warning: ")), run.err());
            assertEquals("0", summary(run, "errors"));
        }

        @Test
        void missingPathIsReportedAndTheOtherPathsAreEvaluated() {
            Path missing = tmp.resolve("no-such-dir");

            Run run = run("evaluate", missing, COMPLIANT);

            assertEquals(2, run.status());
            assertEquals("guardrail: " + missing + ": no such file or directory", run.errorAbout(missing));
            assertCompliantEventStillEvaluated(run);
        }

        @Test
        void directoryWithoutLogFilesIsReported() throws IOException {
            Path dir = write("docs/readme.md", "# not a log").getParent();

            Run run = run("evaluate", dir, COMPLIANT);

            assertEquals(2, run.status());
            assertTrue(run.errorAbout(dir).contains("no *.json or *.json.gz files"), run.err());
            assertCompliantEventStillEvaluated(run);
        }

        @Test
        void symbolicLinkLoopIsReportedOnceAndTheFilesAreStillRead() throws IOException {
            Path dir = tmp.resolve("logs");
            Files.createDirectories(dir.resolve("a"));
            Files.copy(VIOLATING, dir.resolve("a/no-vpc.json"));
            Path loop = Files.createSymbolicLink(dir.resolve("a/back"), dir);

            Run run = run("evaluate", dir);

            assertEquals(2, run.status());
            assertEquals("guardrail: " + loop + ": symbolic link loop: not followed", run.errorAbout(loop));
            assertEquals("1", summary(run, "files read"));
        }

        @Test
        void policyWithAnUnknownKeyIsRejectedNamingTheFileAndTheKeyBeforeReadingAnything() throws IOException {
            Path policy = write("policy.json", "{\"vpc\": {\"required\": true, \"colour\": \"blue\"}}");

            Run run = run("evaluate", "--policy", policy, COMPLIANT);

            assertEquals(2, run.status());
            assertTrue(run.errorAbout(policy).startsWith("guardrail: " + policy + ": vpc.colour: unknown key"), run.err());
            assertEquals("", run.out());
        }

        @Test
        void missingPolicyFileIsRejectedNamingTheFile() {
            Path policy = tmp.resolve("policy.json");

            Run run = run("evaluate", "--policy", policy, COMPLIANT);

            assertEquals(2, run.status());
            assertEquals("guardrail: " + policy + ": no such file or directory", run.errorAbout(policy));
        }

        @Test
        void unknownModeIsRejectedNamingTheOption() {
            Run run = run("evaluate", "--mode", "destroy", COMPLIANT);

            assertEquals(2, run.status());
            assertEquals(List.of("guardrail: --mode: 'destroy' is not one of notify, rollback"), run.errorLines());
            assertEquals("", run.out());
        }

        @Test
        void unknownFormatIsRejectedNamingTheOption() {
            Run run = run("evaluate", "--format", "xml", COMPLIANT);

            assertEquals(2, run.status());
            assertTrue(run.err().startsWith("guardrail: Invalid value for option '--format'"), run.err());
            assertEquals("", run.out());
        }

        @Test
        void sinceThatIsNotADateIsRejectedNamingTheOption() {
            Run run = run("evaluate", "--since", "2026-02-30", COMPLIANT);

            assertEquals(2, run.status());
            assertEquals(List.of("guardrail: --since: '2026-02-30' is not an ISO-8601 date (2026-03-01) or instant"
                    + " (2026-03-01T12:00:00Z)"), run.errorLines());
            assertEquals("", run.out());
        }

        @Test
        void untilWithoutAZoneIsRejectedSayingSo() {
            Run run = run("evaluate", "--until", "2026-03-01T12:00:00", COMPLIANT);

            assertEquals(2, run.status());
            assertTrue(run.err().startsWith("guardrail: --until: '2026-03-01T12:00:00' is not an ISO-8601"), run.err());
            assertTrue(run.err().contains("add a zone, Z for UTC"), run.err());
        }

        @Test
        void untilNotAfterSinceIsRejected() {
            Run run = run("evaluate", "--since", "2026-03-02", "--until", "2026-03-01T23:59:59Z", COMPLIANT);

            assertEquals(2, run.status());
            assertEquals(List.of("guardrail: --until: 2026-03-01T23:59:59Z is not after --since 2026-03-02T00:00:00Z"),
                    run.errorLines());
        }

        @Test
        void zeroThreadsAreRejected() {
            Run run = run("evaluate", "--threads", 0, COMPLIANT);

            assertEquals(2, run.status());
            assertEquals(List.of("guardrail: --threads: 0 is not a number of threads (1 or more)"), run.errorLines());
        }

        @Test
        void summaryOnlyWithJsonIsRejected() {
            Run run = run("evaluate", "--summary-only", "--format", "json", COMPLIANT);

            assertEquals(2, run.status());
            assertTrue(run.err().startsWith("guardrail: --summary-only: only with --format text"), run.err());
            assertEquals("", run.out());
        }

        @Test
        void recordWhoseEventTimeIsNotAnInstantIsReportedWhenAWindowIsSet() throws IOException {
            ObjectNode event = event(VIOLATING);
            ((ObjectNode) event.path("detail")).put("eventTime", "last Tuesday");
            Path badTime = write("bad-event-time.json", event.toString());

            Run run = run("evaluate", "--since", "2026-03-01", badTime, COMPLIANT);

            assertEquals(2, run.status());
            assertEquals("guardrail: " + badTime + ": record 1: eventTime 'last Tuesday' is not an ISO-8601 instant:"
                    + " cannot tell whether it is in the window", run.errorAbout(badTime));
            assertCompliantEventStillEvaluated(run);
        }

        @Test
        void brokenRecordOutsideTheWindowIsSkippedNotReported() throws IOException {
            ObjectNode event = event(PUBLIC_PERMISSION);
            ((ObjectNode) event.path("detail").path("requestParameters")).remove("functionName");
            Path broken = write("old-broken.json", event.toString());

            Run run = run("evaluate", "--since", "2026-03-03", broken, COMPLIANT);

            assertEquals(0, run.status(), run.err());
            assertEquals("", run.err());
            assertEquals("1", summary(run, "outside the window (skipped)"));
        }

        @Test
        void noPathIsRejected() {
            Run run = run("evaluate");

            assertEquals(2, run.status());
            assertTrue(run.err().contains("PATH"), run.err());
        }
    }

    @Nested
    class Output {

        @Test
        void jsonFormatPrintsOnlyJsonLinesWithTheDesignFields() throws IOException {
            Run run = run("evaluate", "--format", "json", EVENTS);

            assertEquals(1, run.status(), run.err());
            assertEquals("", run.err());
            List<String> lines = run.out().lines().toList();
            assertEquals(summary(run("evaluate", EVENTS), "Lambda records"), String.valueOf(lines.size()),
                    "one line per Lambda record");
            for (String line : lines) {
                JsonNode verdict = JSON.readTree(line);
                for (String field : List.of("eventId", "eventName", "eventTime", "account", "region", "function", "actor", "decision")) {
                    assertTrue(verdict.path(field).isTextual(), () -> field + " in " + line);
                }
                assertTrue(verdict.path("findings").isArray(), line);
                assertTrue(verdict.path("actions").isArray(), line);
                for (JsonNode finding : verdict.path("findings")) {
                    for (String field : List.of("ruleId", "severity", "message")) {
                        assertTrue(finding.path(field).isTextual(), () -> field + " in " + line);
                    }
                }
                verdict.path("actions").forEach(action -> assertTrue(action.path("type").isTextual(), line));
            }
        }

        @Test
        void jsonFormatPrintsSkipVerdictsForIgnoredLambdaRecordsAndNothingForOtherServices() throws IOException {
            Run run = run("evaluate", "--format", "json", MIXED_LOG);

            List<String> decisions = new ArrayList<>();
            for (String line : run.out().lines().toList()) {
                decisions.add(JSON.readTree(line).path("decision").textValue());
            }
            assertEquals(List.of("SKIP", "SKIP", "SKIP", "ALLOW", "NOTIFY"), decisions);
        }

        @Test
        void jsonFormatKeepsErrorsOffStdout() throws IOException {
            Path bad = write("bad.json", "{\"eventSource\": \"lambda.amazonaws.com\"}");

            Run run = run("evaluate", "--format", "json", bad, COMPLIANT);

            assertEquals(2, run.status());
            assertEquals(1, run.out().lines().count(), run.out());
            assertEquals("ALLOW", JSON.readTree(run.out()).path("decision").textValue());
            assertTrue(run.errorAbout(bad).contains("record 1: record has no eventID"), run.err());
        }

        @Test
        void textSummaryCountsTheMixedLogFile() {
            Run run = run("evaluate", MIXED_LOG);

            assertEquals(1, run.status(), run.err());
            assertEquals("1", summary(run, "files read"));
            assertEquals("8", summary(run, "records read"));
            assertEquals("5", summary(run, "Lambda records"));
            assertEquals("3", summary(run, "other services (skipped)"));
            assertEquals("3  (failed 1, unwatched 2, self 0)", summary(run, "Lambda records skipped"));
            assertEquals("5  ROLLBACK 0, NOTIFY 1, EXEMPTED 0, ALLOW 1, SKIP 3", summary(run, "verdicts"));
            assertEquals("1", summary(run, "findings"));
            assertEquals(List.of("notify", "1", "0", "0"), ruleRow(run, RuleId.LAMBDA_NOT_IN_VPC));
            assertEquals(List.of("notify", "0", "0", "0"), ruleRow(run, RuleId.PERMISSION_PUBLIC));
            assertEquals("0", summary(run, "errors"));
            assertEquals("all records (no --since or --until)", summary(run, "window"));
        }

        @Test
        void textNamesTheRecordNumberOnlyInFilesWithSeveralRecords() {
            Run run = run("evaluate", MIXED_LOG, VIOLATING);

            assertTrue(run.out().contains("function:adhoc-csv-import  by "), run.out());
            assertTrue(run.out().contains("  (" + MIXED_LOG + ", record 8)\n"), run.out());
            assertTrue(run.out().contains("  (" + MIXED_LOG + ", record 4)\n          skipped: failed call (AccessDenied)\n"), run.out());
            assertTrue(run.out().contains("  (" + VIOLATING + ")\n"), run.out());
        }

        @Test
        void directoriesAreSearchedRecursivelyForJsonAndGzippedJsonInSortedOrder() throws IOException {
            gzip("logs/2026/11/b-no-vpc.json.gz", VIOLATING);
            Files.copy(COMPLIANT, tmp.resolve("logs/a-in-vpc.json"));
            write("logs/2026/notes.txt", "not read");
            write("logs/2026/11/README.md", "not read");

            Run run = run("evaluate", tmp.resolve("logs"));

            assertEquals(1, run.status(), run.err());
            List<String> sources = run.out().lines().filter(l -> !l.startsWith(" ") && l.contains("  ("))
                    .map(l -> l.substring(l.lastIndexOf("  (") + 3, l.length() - 1)).toList();
            assertEquals(List.of(tmp.resolve("logs/2026/11/b-no-vpc.json.gz").toString(),
                    tmp.resolve("logs/a-in-vpc.json").toString()), sources);
            assertEquals("2", summary(run, "files read"));
            assertEquals("", run.err());
        }

        @Test
        void fileNamedExplicitlyIsReadWhateverItsName() throws IOException {
            Path renamed = gzip("export.bin", VIOLATING);

            Run run = run("evaluate", renamed);

            assertEquals(1, run.status(), run.err());
            assertTrue(run.out().startsWith("NOTIFY    LAMBDA_NOT_IN_VPC"), run.out());
        }

        @Test
        void rollbackModeTurnsNotifyIntoRollbackForAnIntroducedViolation() {
            Run notify = run("evaluate", PUBLIC_PERMISSION);
            Run rollback = run("evaluate", "--mode", "rollback", PUBLIC_PERMISSION);

            assertTrue(notify.out().startsWith("NOTIFY    PERMISSION_PUBLIC"), notify.out());
            assertTrue(rollback.out().startsWith("ROLLBACK  PERMISSION_PUBLIC  "
                    + "arn:aws:lambda:us-east-1:111122223333:function:invoice-renderer"), rollback.out());
            assertTrue(rollback.out().contains("          → REMOVE_PERMISSION statement 'allow-anyone'\n"), rollback.out());
            assertEquals(1, rollback.status());
        }

        @Test
        void rollbackModeRemovesAPermissionWithItsQualifier() {
            Run run = run("evaluate", "--mode", "rollback", EVENTS.resolve("addpermission-qualified-alias-public.json"));

            assertTrue(run.out().contains("→ REMOVE_PERMISSION statement 'public-live-alias' (qualifier live)"), run.out());
        }

        @Test
        void rollbackModeOnlyNotifiesAPreExistingViolation() {
            Run run = run("evaluate", "--mode", "rollback", EVENTS.resolve("updatefunctionconfiguration-memory-only-no-vpc.json"));

            assertTrue(run.out().startsWith("NOTIFY    LAMBDA_NOT_IN_VPC"), run.out());
            assertTrue(run.out().contains("[pre-existing: notify only]"), run.out());
        }

        @Test
        void policyFileTrustingTheAccountAllowsTheCrossAccountGrant() throws IOException {
            Path policy = write("policy.json", "{\"permissions\": {\"trustedAccountIds\": [\"444455556666\"]}}");

            Run run = run("evaluate", "--policy", policy, EVENTS.resolve("addpermission-cross-account-trusted.json"));

            assertEquals(0, run.status(), run.err());
            assertTrue(run.out().startsWith("ALLOW "), run.out());
        }

        @Test
        void modeOptionOverridesThePolicyFilesMode() throws IOException {
            Path policy = write("policy.json", "{\"mode\": \"rollback\"}");

            Run run = run("evaluate", "--policy", policy, "--mode", "notify", VIOLATING);

            assertTrue(run.out().startsWith("NOTIFY "), run.out());
        }
    }

    @Nested
    class ReplayOfATrail {

        private static final Instant SINCE = Instant.parse("2026-03-02T12:00:00Z");
        private static final Instant UNTIL = Instant.parse("2026-03-04T00:00:00Z");
        private static final byte[] CORRUPT_GZIP = {0x1f, (byte) 0x8b, 8, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9};

        private CloudTrailTree tree;
        private Path policy;

        @BeforeEach
        void writeTheTrail() throws IOException {
            tree = CloudTrailTree.write(tmp.resolve("trail"));
            policy = write("policy.json", CloudTrailTree.POLICY);
        }

        private Path dayFolder(String region, String day) {
            return tree.root.resolve("AWSLogs").resolve(CloudTrailTree.ACCOUNT).resolve("CloudTrail").resolve(region)
                    .resolve(day);
        }

        private long plantedTotal() {
            return CloudTrailTree.PLANTED.values().stream().mapToInt(CloudTrailTree.Planted::count).sum();
        }

        @Test
        void summaryCountsEveryRecordAndEveryPlantedViolationUnderItsRule() {
            Run run = run("evaluate", "--summary-only", "--policy", policy, tree.root);

            assertEquals(1, run.status(), run.err());
            assertEquals("", run.err());
            assertTrue(run.out().startsWith("\nSummary\n"), "only the summary:\n" + run.out());
            assertEquals(String.valueOf(tree.files.size()), summary(run, "files read"));
            assertEquals(String.valueOf(tree.records.size()), summary(run, "records read"));
            assertEquals(String.valueOf(tree.count(CloudTrailTree.isLambda())), summary(run, "Lambda records"));
            assertEquals(String.valueOf(tree.count(CloudTrailTree.isLambda().negate())), summary(run, "other services (skipped)"));
            long failed = tree.count(p -> p.kind() == CloudTrailTree.Kind.FAILED_CALL);
            long reads = tree.count(p -> p.kind() == CloudTrailTree.Kind.LAMBDA_READ);
            assertEquals((failed + reads) + "  (failed " + failed + ", unwatched " + reads + ", self 0)",
                    summary(run, "Lambda records skipped"));
            assertEquals(String.valueOf(plantedTotal()), summary(run, "findings"));
            CloudTrailTree.PLANTED.forEach((rule, planted) ->
                    assertEquals(List.of("notify", String.valueOf(planted.count()), "0", "0"), ruleRow(run, rule), rule::name));
        }

        @Test
        void rollbackModeCountsTheChangesEachRuleWouldHaveRolledBack() {
            Run run = run("evaluate", "--summary-only", "--policy", policy, "--mode", "rollback", tree.root);

            assertEquals(1, run.status(), run.err());
            assertEquals("rollback", summary(run, "policy mode"));
            assertTrue(summary(run, "verdicts").contains("ROLLBACK " + plantedTotal() + ", NOTIFY 0, "), run.out());
            CloudTrailTree.PLANTED.forEach((rule, planted) -> assertEquals(
                    List.of("rollback", String.valueOf(planted.count()), "0", String.valueOf(planted.count())),
                    ruleRow(run, rule), rule::name));
        }

        @Test
        void windowSelectsExactlyTheRecordsWhoseEventTimeIsInsideIt() {
            Run run = run("evaluate", "--summary-only", "--policy", policy, "--since", SINCE, "--until", "2026-03-04", tree.root);

            assertEquals(1, run.status(), run.err());
            assertEquals("", run.err());
            Predicate<CloudTrailTree.Placed> window = CloudTrailTree.in(SINCE, UNTIL);
            long plantedInWindow = tree.count(window.and(p -> p.rule() != null));
            assertTrue(plantedInWindow > 0 && plantedInWindow < plantedTotal(), "violations planted on both sides of the window");
            assertEquals("from 2026-03-02T12:00:00Z (inclusive) until 2026-03-04T00:00:00Z (exclusive)", summary(run, "window"));
            assertEquals(String.valueOf(tree.count(window.and(CloudTrailTree.isLambda()))), summary(run, "Lambda records"));
            assertEquals(String.valueOf(tree.count(window.and(CloudTrailTree.isLambda().negate()))),
                    summary(run, "other services (skipped)"));
            assertEquals(String.valueOf(plantedInWindow), summary(run, "findings"));
            CloudTrailTree.PLANTED.forEach((rule, planted) -> assertEquals(
                    List.of("notify", String.valueOf(tree.count(window.and(CloudTrailTree.violates(rule)))), "0", "0"),
                    ruleRow(run, rule), rule::name));
            // Read: the day folders of 03-02, 03-03 and 03-04 (the day of --until, for late deliveries).
            Predicate<CloudTrailTree.Placed> read = p -> p.file().getParent().toString()
                    .matches(".*/2026/03/0[234]");
            assertTrue(tree.count(window.and(p -> p.file().getParent().endsWith("2026/03/04"))) > 0,
                    "records of the window delivered on the day of --until");
            assertEquals(String.valueOf(tree.count(read)), summary(run, "records read"));
            assertEquals(String.valueOf(tree.count(read.and(window.negate()))), summary(run, "outside the window (skipped)"));
        }

        @Test
        void dayFoldersOutsideTheWindowAreNotOpened() throws IOException {
            Files.write(dayFolder("us-east-1", "2026/03/01").resolve("corrupt.json.gz"), CORRUPT_GZIP);
            Files.write(dayFolder("eu-west-1", "2026/03/05").resolve("corrupt.json.gz"), CORRUPT_GZIP);
            long folders;
            try (var paths = Files.walk(tree.root)) {
                folders = paths.filter(p -> p.toString().matches(".*/2026/03/\\d\\d")).filter(p -> !p.toString()
                        .matches(".*/2026/03/0[234]")).count();
            }

            Run run = run("evaluate", "--summary-only", "--policy", policy, "--since", SINCE, "--until", UNTIL, tree.root);

            assertEquals(1, run.status(), run.err());
            assertEquals("", run.err());
            assertEquals(folders + "  (outside the window: not opened)", summary(run, "day folders skipped"));
        }

        @Test
        void corruptFileInADayFolderInsideTheWindowIsReported() throws IOException {
            Path corrupt = Files.write(dayFolder("us-east-1", "2026/03/03").resolve("corrupt.json.gz"), CORRUPT_GZIP);

            Run run = run("evaluate", "--summary-only", "--since", SINCE, "--until", UNTIL, tree.root);

            assertEquals(2, run.status());
            run.errorAbout(corrupt);
        }

        @Test
        void oneAndFourThreadsPrintTheSameVerdictsErrorsAndSummary() throws IOException {
            write("trail/AWSLogs/111122223333/CloudTrail/eu-west-1/2026/03/03/corrupt.json.gz", CORRUPT_GZIP);
            write("trail/AWSLogs/111122223333/CloudTrail/us-east-1/2026/03/02/truncated.json",
                    Files.readString(MIXED_LOG).substring(0, 9000));

            for (String format : List.of("text", "json")) {
                Run one = run("evaluate", "--format", format, "--threads", 1, "--policy", policy, "--since", SINCE, tree.root);
                Run four = run("evaluate", "--format", format, "--threads", 4, "--policy", policy, "--since", SINCE, tree.root);

                assertEquals(2, one.status(), one.err());
                assertEquals(2, one.errorLines().size(), one.err());
                assertTrue(one.out().lines().count() > 500, format);
                assertEquals(one, four, format);
            }
        }

        @Test
        void jsonFormatPrintsOneLinePerLambdaRecordInTheWindowAndNoSummary() throws IOException {
            Run run = run("evaluate", "--format", "json", "--policy", policy, "--since", SINCE, "--until", UNTIL, tree.root);

            assertEquals(1, run.status(), run.err());
            List<String> lines = run.out().lines().toList();
            assertEquals(tree.count(CloudTrailTree.in(SINCE, UNTIL).and(CloudTrailTree.isLambda())), lines.size());
            for (String line : lines) {
                Instant eventTime = Instant.parse(JSON.readTree(line).path("eventTime").textValue());
                assertTrue(!eventTime.isBefore(SINCE) && eventTime.isBefore(UNTIL), line);
            }
        }
    }

    @Nested
    class TopCommand {

        @Test
        void withoutSubcommandExitsTwoNamingTheCommands() {
            Run run = run();

            assertEquals(2, run.status());
            assertTrue(run.err().contains("evaluate"), run.err());
        }

        @Test
        void versionPrintsTheProjectVersion() {
            Run run = run("--version");

            assertEquals(0, run.status());
            assertTrue(run.out().matches("guardrail \\d+\\.\\d+\\.\\d+.*\\R"), run.out());
        }

        @Test
        void helpListsTheEvaluateSubcommand() {
            Run run = run("--help");

            assertEquals(0, run.status());
            assertTrue(run.out().contains("evaluate"), run.out());
            assertFalse(run.out().isEmpty());
        }
    }

    /** What users already have: the output of {@code aws cloudtrail lookup-events}, and a pipe. */
    @Nested
    class InputsUsersHave {

        private static final Path LOOKUP_EVENTS = Path.of("..", "shared", "src", "test", "resources", "lookup-events",
                "lambda-changes.json");

        @Test
        void lookupEventsOutputIsJudgedRecordByRecord() {
            Run run = run("evaluate", LOOKUP_EVENTS);

            assertEquals(GuardrailCli.FINDINGS, run.status(), run.err());
            assertTrue(run.out().contains("NOTIFY    PERMISSION_PUBLIC  arn:aws:lambda:us-east-1:111122223333:function:invoice-renderer"),
                    run.out());
            assertTrue(run.out().contains("NOTIFY    LAMBDA_NOT_IN_VPC  arn:aws:lambda:us-east-1:111122223333:function:data-scraper"),
                    run.out());
            assertTrue(run.out().contains("ALLOW     -  " + COMPLIANT_FUNCTION), run.out());
            assertEquals("3", summary(run, "records read"));
            assertEquals("", run.err());
        }

        @Test
        void dashReadsStandardInputAndNamesItInProblems() throws IOException {
            byte[] piped = (Files.readString(VIOLATING) + "\n{\"eventVersion\": \"1.08\"}").getBytes(StandardCharsets.UTF_8);

            Run run = runWithInput(piped, "evaluate", "-");

            assertEquals(GuardrailCli.UNUSABLE, run.status());
            assertTrue(run.out().contains("NOTIFY    LAMBDA_NOT_IN_VPC"), run.out());
            assertTrue(run.err().startsWith("guardrail: (standard input): record 2: "), run.err());
        }

        @Test
        void dashAmongFilesIsReadInItsPlace() throws IOException {
            Run run = runWithInput(Files.readAllBytes(PUBLIC_PERMISSION), "evaluate", "--format", "json", COMPLIANT, "-", VIOLATING);

            assertEquals(GuardrailCli.FINDINGS, run.status(), run.err());
            List<String> events = run.out().lines().map(line -> {
                try {
                    return JSON.readTree(line).path("eventName").asText();
                } catch (IOException e) {
                    throw new AssertionError(line, e);
                }
            }).toList();
            assertEquals(List.of("CreateFunction20150331", "AddPermission20150331v2", "CreateFunction20150331"), events);
        }

        @Test
        void emptyStandardInputIsUnusable() {
            Run run = runWithInput(new byte[0], "evaluate", "-");

            assertEquals(GuardrailCli.UNUSABLE, run.status());
            assertTrue(run.err().startsWith("guardrail: (standard input): "), run.err());
        }

        @Test
        void nothingReadPrintsTheErrorWithoutAnAllZeroSummary() {
            Run run = run("evaluate", tmp.resolve("missing.json"));

            assertEquals(GuardrailCli.UNUSABLE, run.status());
            assertEquals(List.of("guardrail: " + tmp.resolve("missing.json") + ": no such file or directory"), run.errorLines());
            assertEquals("", run.out());
        }

        @Test
        void somethingReadBesideAnErrorStillGetsItsSummary() {
            Run run = run("evaluate", tmp.resolve("missing.json"), VIOLATING);

            assertEquals(GuardrailCli.UNUSABLE, run.status());
            assertEquals("1", summary(run, "records read"));
        }

        @Test
        void modeIsCaseInsensitiveAsFormatIs() {
            Run run = run("evaluate", "--mode", "ROLLBACK", "--format", "JSON", PUBLIC_PERMISSION);

            assertEquals(GuardrailCli.FINDINGS, run.status(), run.err());
            assertTrue(run.out().contains("\"decision\":\"ROLLBACK\""), run.out());
        }
    }
}
