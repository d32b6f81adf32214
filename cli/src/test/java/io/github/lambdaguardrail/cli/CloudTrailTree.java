package io.github.lambdaguardrail.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.lambdaguardrail.engine.RuleId;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.zip.GZIPOutputStream;

/**
 * A trail's S3 prefix made for tests: gzipped CloudTrail log files in the layout CloudTrail
 * delivers ({@code AWSLogs/<account>/CloudTrail/<region>/<yyyy>/<mm>/<dd>/<account>_CloudTrail_<region>_<yyyymmddThhmmZ>_<random>.json.gz}),
 * over {@link #DAYS} days from {@link #START} in two regions, of records made from {@code events/}:
 * about 70 % other services, Lambda reads, failed calls, compliant changes and, planted at
 * random times, the violations of {@link #PLANTED}, each of which fires exactly its rule. Every
 * record has a fresh eventID and its own eventTime; a file lands in the folder of the day it was
 * delivered, five minutes after its last record, so the last file of a day lands in the next
 * day's folder. {@link #records} says where every record went, for the expectations.
 */
final class CloudTrailTree {

    static final String ACCOUNT = "111122223333";
    static final List<String> REGIONS = List.of("us-east-1", "eu-west-1");
    static final Instant START = Instant.parse("2026-03-01T00:00:00Z");
    static final int DAYS = 5;
    static final int FILES_PER_DAY_AND_REGION = 6;
    /** Policy under which each planted template fires exactly its rule: the denied security group of vpc-changed-denied-sg. */
    static final String POLICY = "{\"vpc\": {\"deniedSecurityGroupIds\": [\"sg-0badbadbadbad0001\"]}}";

    /** Per rule, the events/ file planted and how many times (distinct counts, so that mix-ups show). */
    static final Map<RuleId, Planted> PLANTED = plantedTable();

    record Planted(String eventFile, int count) {
    }

    /** Where one record went. */
    record Placed(Instant eventTime, Kind kind, RuleId rule, Path file) {
    }

    enum Kind { OTHER_SERVICE, LAMBDA_READ, FAILED_CALL, COMPLIANT, VIOLATION }

    private static final Path EVENTS = Path.of("..", "events");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter FILE_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmm'Z'").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter FOLDER = DateTimeFormatter.ofPattern("yyyy/MM/dd").withZone(ZoneOffset.UTC);

    final Path root;
    final List<Placed> records = new ArrayList<>();
    final List<Path> files = new ArrayList<>();

    private CloudTrailTree(Path root) {
        this.root = root;
    }

    private static Map<RuleId, Planted> plantedTable() {
        Map<RuleId, Planted> planted = new EnumMap<>(RuleId.class);
        planted.put(RuleId.LAMBDA_NOT_IN_VPC, new Planted("createfunction-no-vpc.json", 3));
        planted.put(RuleId.LAMBDA_VPC_NOT_ALLOWED, new Planted("updatefunctionconfiguration-vpc-changed-denied-sg.json", 5));
        planted.put(RuleId.PERMISSION_PUBLIC, new Planted("addpermission-public-principal.json", 7));
        planted.put(RuleId.PERMISSION_UNTRUSTED_ACCOUNT, new Planted("addpermission-cross-account-untrusted.json", 11));
        planted.put(RuleId.PERMISSION_SERVICE_WITHOUT_SOURCE, new Planted("addpermission-service-without-source.json", 13));
        planted.put(RuleId.PERMISSION_WILDCARD_ACTION, new Planted("addpermission-wildcard-action.json", 17));
        planted.put(RuleId.FUNCTION_URL_PUBLIC, new Planted("addpermission-function-url-public-auth-none.json", 19));
        return Collections.unmodifiableMap(planted);
    }

    /** Writes the tree under {@code root}: 60 files, about 3,600 records. */
    static CloudTrailTree write(Path root) throws IOException {
        CloudTrailTree tree = new CloudTrailTree(root);
        tree.generate(new Random(20260301));
        return tree;
    }

    private void generate(Random random) throws IOException {
        JsonNode mixed = JSON.readTree(EVENTS.resolve("cloudtrail-logfile-mixed.json").toFile()).path("Records");
        List<JsonNode> otherServices = new ArrayList<>();
        JsonNode lambdaRead = null;
        for (JsonNode record : mixed) {
            if (!"lambda.amazonaws.com".equals(record.path("eventSource").textValue())) {
                otherServices.add(record);
            } else if (record.path("eventName").textValue().startsWith("GetFunction")) {
                lambdaRead = record;
            }
        }
        JsonNode failed = detail("addpermission-failed-call.json");
        List<JsonNode> compliant = List.of(detail("createfunction-in-vpc.json"), detail("updatefunctionconfiguration-in-vpc.json"),
                detail("addpermission-service-with-source-arn.json"));

        List<Slot> slots = new ArrayList<>();
        for (Map.Entry<RuleId, Planted> planted : PLANTED.entrySet()) {
            JsonNode template = detail(planted.getValue().eventFile());
            for (int i = 0; i < planted.getValue().count(); i++) {
                slots.add(new Slot(template, Kind.VIOLATION, planted.getKey()));
            }
        }
        for (int i = 0; i < 300; i++) {
            slots.add(new Slot(compliant.get(i % compliant.size()), Kind.COMPLIANT, null));
        }
        for (int i = 0; i < 500; i++) {
            slots.add(new Slot(lambdaRead, Kind.LAMBDA_READ, null));
        }
        for (int i = 0; i < 100; i++) {
            slots.add(new Slot(failed, Kind.FAILED_CALL, null));
        }
        for (int i = 0; i < 2600; i++) {
            slots.add(new Slot(otherServices.get(i % otherServices.size()), Kind.OTHER_SERVICE, null));
        }
        Collections.shuffle(slots, random);

        int fileCount = DAYS * FILES_PER_DAY_AND_REGION * REGIONS.size();
        Duration filePeriod = Duration.ofDays(1).dividedBy(FILES_PER_DAY_AND_REGION);
        int next = 0;
        for (int f = 0; f < fileCount; f++) {
            String region = REGIONS.get(f % REGIONS.size());
            int period = f / REGIONS.size();
            Instant from = START.plus(filePeriod.multipliedBy(period));
            int count = (slots.size() - next) / (fileCount - f);
            List<Slot> inFile = slots.subList(next, next + count);
            next += count;
            Duration step = filePeriod.dividedBy(count + 1);
            Instant last = from;
            ArrayNode array = JSON.createArrayNode();
            List<Placed> placed = new ArrayList<>();
            for (int i = 0; i < inFile.size(); i++) {
                Slot slot = inFile.get(i);
                last = from.plus(step.multipliedBy(i + 1)).truncatedTo(ChronoUnit.SECONDS);
                ObjectNode record = slot.template().deepCopy();
                record.put("eventID", new UUID(random.nextLong(), random.nextLong()).toString());
                record.put("requestID", new UUID(random.nextLong(), random.nextLong()).toString());
                record.put("eventTime", last.toString());
                array.add(record);
                placed.add(new Placed(last, slot.kind(), slot.rule(), null));
            }
            Instant delivered = last.plus(Duration.ofMinutes(5));
            Path folder = root.resolve("AWSLogs").resolve(ACCOUNT).resolve("CloudTrail").resolve(region)
                    .resolve(FOLDER.format(delivered));
            Path file = folder.resolve(ACCOUNT + "_CloudTrail_" + region + "_" + FILE_TIME.format(delivered) + "_"
                    + Long.toString(Math.abs(random.nextLong()), 36) + ".json.gz");
            Files.createDirectories(folder);
            ObjectNode log = JSON.createObjectNode();
            log.set("Records", array);
            try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
                out.write(JSON.writeValueAsBytes(log));
            }
            files.add(file);
            placed.forEach(p -> records.add(new Placed(p.eventTime(), p.kind(), p.rule(), file)));
        }
    }

    private record Slot(JsonNode template, Kind kind, RuleId rule) {
    }

    private static JsonNode detail(String eventFile) throws IOException {
        return JSON.readTree(EVENTS.resolve(eventFile).toFile()).path("detail");
    }

    long count(Predicate<Placed> which) {
        return records.stream().filter(which).count();
    }

    static Predicate<Placed> in(Instant since, Instant until) {
        return p -> !p.eventTime().isBefore(since) && p.eventTime().isBefore(until);
    }

    static Predicate<Placed> isLambda() {
        return p -> p.kind() != Kind.OTHER_SERVICE;
    }

    static Predicate<Placed> violates(RuleId rule) {
        return p -> p.rule() == rule;
    }
}
