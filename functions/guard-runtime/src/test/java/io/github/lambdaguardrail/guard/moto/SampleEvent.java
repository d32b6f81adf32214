package io.github.lambdaguardrail.guard.moto;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * A sample event of the repository's {@code events/} folder as a handler test receives it from
 * aws-lambda-java-tests: {@code @Events(folder = "/events", type = SampleEvent.class)} reads each
 * file into one of these maps. It is named by its file, so each case of a test says which sample
 * it is and finds its expectation by that name. Not thread-safe.
 */
public final class SampleEvent extends LinkedHashMap<String, Object> {

    private static final long serialVersionUID = 1L;

    /** The account every sample event names (recipient, function ARNs, statements). */
    public static final String ACCOUNT = "111122223333";

    /** The file of {@code events/} (or of a subfolder: {@code guardrail/...}) with exactly this content. */
    public String file() {
        JsonNode self = SdkJson.JSON.valueToTree(this);
        try (Stream<Path> tree = Files.walk(CloudTrailEvents.EVENTS)) {
            return tree.filter(p -> p.toString().endsWith(".json")).sorted().filter(p -> read(p).equals(self)).findFirst()
                    .map(p -> CloudTrailEvents.EVENTS.relativize(p).toString())
                    .orElseThrow(() -> new IllegalStateException("not an event of " + CloudTrailEvents.EVENTS + ": " + self));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The payload Lambda hands the handler: the event's JSON. */
    public byte[] payload() {
        try {
            return SdkJson.JSON.writeValueAsBytes(this);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The CloudTrail records it carries: an EventBridge event's {@code detail}, or each record of a log file. */
    List<JsonNode> records() {
        JsonNode event = SdkJson.JSON.valueToTree(this);
        List<JsonNode> records = new ArrayList<>();
        if (event.has("Records")) {
            event.get("Records").forEach(records::add);
        } else {
            records.add(event.path("detail"));
        }
        return records;
    }

    /** The names of the sample event files ({@code *.json} directly in {@code events/}). */
    public static Set<String> files() {
        Set<String> files = new TreeSet<>();
        try (Stream<Path> list = Files.list(CloudTrailEvents.EVENTS)) {
            list.map(p -> p.getFileName().toString()).filter(name -> name.endsWith(".json")).forEach(files::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return files;
    }

    @Override
    public String toString() {
        return file();
    }

    private static JsonNode read(Path file) {
        try {
            return SdkJson.JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
