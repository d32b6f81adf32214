package io.github.lambdaguardrail.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * The inputs of the benchmarks, built from the sample events in {@code events/} (copied into the
 * jar under {@value #DIR} at build time, so the jar runs from any directory).
 */
final class SampleRecords {

    static final String DIR = "guardrail-events";
    static final String LOG_FILE = "cloudtrail-logfile-mixed.json";

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The {@code detail} of every single-event sample, as a bare CloudTrail record, by file name. */
    final List<ObjectNode> lambdaDetails = new ArrayList<>();
    /** The records of the sample log file, in order. */
    final List<ObjectNode> logFileRecords = new ArrayList<>();

    private SampleRecords() {
    }

    static SampleRecords load() {
        SampleRecords samples = new SampleRecords();
        try {
            Path location = Path.of(SampleRecords.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (Files.isRegularFile(location)) {
                try (FileSystem jar = FileSystems.newFileSystem(location)) {
                    samples.read(jar.getPath("/" + DIR));
                }
            } else {
                samples.read(location.resolve(DIR));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        if (samples.lambdaDetails.isEmpty() || samples.logFileRecords.isEmpty()) {
            throw new IllegalStateException("no sample events found under " + DIR);
        }
        return samples;
    }

    private void read(Path dir) throws IOException {
        List<Path> files;
        try (Stream<Path> list = Files.list(dir)) {
            files = list.filter(p -> p.getFileName().toString().endsWith(".json")).sorted().toList();
        }
        for (Path file : files) {
            JsonNode root = JSON.readTree(Files.readAllBytes(file));
            if (file.getFileName().toString().equals(LOG_FILE)) {
                root.get("Records").forEach(r -> logFileRecords.add((ObjectNode) r));
            } else if (root.path("detail").isObject()) {
                lambdaDetails.add((ObjectNode) root.get("detail"));
            }
        }
    }

    /** Each single-event sample's detail serialised as a bare CloudTrail record. */
    List<byte[]> typicalRecordBytes() {
        return lambdaDetails.stream().map(SampleRecords::bytes).toList();
    }

    /**
     * A CloudTrail log file ({@code {"Records":[...]}}) of {@code size} records, {@code lambdaPercent}%
     * Lambda (every Lambda sample in turn) and the rest from other services (S3, EC2, STS in turn),
     * in a fixed shuffled order, each with its own {@code eventID}.
     */
    byte[] mixedLogFile(int size, int lambdaPercent) {
        List<ObjectNode> others = List.of(record("s3.amazonaws.com"), record("ec2.amazonaws.com"), assumeRole());
        List<ObjectNode> lambda = new ArrayList<>(lambdaDetails);
        logFileRecords.stream().filter(r -> "lambda.amazonaws.com".equals(r.path("eventSource").asText()))
                .forEach(lambda::add);
        int otherCount = size - size * lambdaPercent / 100;
        List<ObjectNode> records = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            records.add(i < otherCount ? others.get(i % others.size()) : lambda.get((i - otherCount) % lambda.size()));
        }
        Random random = new Random(20260318L);
        Collections.shuffle(records, random);
        ObjectNode doc = JSON.createObjectNode();
        ArrayNode array = doc.putArray("Records");
        for (int i = 0; i < records.size(); i++) {
            ObjectNode copy = records.get(i).deepCopy();
            copy.put("eventID", new UUID(random.nextLong(), random.nextLong()).toString());
            array.add(copy);
        }
        return bytes(doc);
    }

    private ObjectNode record(String eventSource) {
        return logFileRecords.stream().filter(r -> eventSource.equals(r.path("eventSource").asText())).findFirst()
                .orElseThrow(() -> new IllegalStateException(LOG_FILE + " has no " + eventSource + " record"));
    }

    /** An STS AssumeRole record, shaped like CloudTrail's (the sample log file has none). */
    private ObjectNode assumeRole() {
        ObjectNode r = record("iam.amazonaws.com").deepCopy();
        r.put("eventSource", "sts.amazonaws.com");
        r.put("eventName", "AssumeRole");
        r.put("userAgent", "aws-sdk-java/2.57.8 Linux/6.1 OpenJDK_64-Bit_Server_VM/17.0.15+6 Java/17.0.15");
        ObjectNode request = r.putObject("requestParameters");
        request.put("roleArn", "arn:aws:iam::111122223333:role/orders-exporter");
        request.put("roleSessionName", "orders-exporter-1742288412");
        request.put("durationSeconds", 3600);
        ObjectNode response = r.putObject("responseElements");
        ObjectNode credentials = response.putObject("credentials");
        credentials.put("accessKeyId", "ASIAEXAMPLESTS00001");
        credentials.put("sessionToken", "IQoJb3JpZ2luX2VjEXAMPLEsessionTokenEXAMPLEsessionTokenEXAMPLEsessionToken");
        credentials.put("expiration", "Mar 18, 2026, 10:00:12 AM");
        ObjectNode user = response.putObject("assumedRoleUser");
        user.put("assumedRoleId", "AROAEXAMPLEORDERSEXP1:orders-exporter-1742288412");
        user.put("arn", "arn:aws:sts::111122223333:assumed-role/orders-exporter/orders-exporter-1742288412");
        ArrayNode resources = r.putArray("resources");
        ObjectNode role = resources.addObject();
        role.put("accountId", "111122223333");
        role.put("type", "AWS::IAM::Role");
        role.put("ARN", "arn:aws:iam::111122223333:role/orders-exporter");
        r.put("readOnly", true);
        return r;
    }

    private static byte[] bytes(JsonNode node) {
        try {
            return JSON.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
