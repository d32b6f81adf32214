package io.github.lambdaguardrail.guard.securityhub;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.lambdaguardrail.runtime.ClientSettings;
import io.github.lambdaguardrail.runtime.EmfMetrics;
import io.github.lambdaguardrail.runtime.JsonLog;
import io.github.lambdaguardrail.runtime.SdkClients;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.services.securityhub.SecurityHubClient;

/**
 * The exporter's handler as Lambda runs it, wired as its no-argument constructor wires it but on
 * the client settings a test gives (moto or WireMock), writing its log and metrics lines where the
 * test reads them.
 */
final class Exporter implements AutoCloseable {

    private final SecurityHubClient client;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final SecurityHubExportHandler handler;

    Exporter(ClientSettings settings) {
        client = SdkClients.build(SecurityHubClient.builder(), settings);
        PrintStream lines = new PrintStream(out, true, StandardCharsets.UTF_8);
        JsonLog log = new JsonLog(lines);
        handler = new SecurityHubExportHandler(new SecurityHubExportFunction(
                new SecurityHubExport(new SecurityHubImporter(() -> client), log, Clock.systemUTC()), log,
                new EmfMetrics(lines, "LambdaGuardrail", "securityhub-export", Clock.systemUTC())));
    }

    /** Invokes the handler with {@code event}; returns its result, the report. Throws what the handler throws. */
    JsonNode invoke(byte[] event) {
        ByteArrayOutputStream result = new ByteArrayOutputStream();
        try {
            handler.handleRequest(new ByteArrayInputStream(event), result, null);
            return SnsEvents.JSON.readTree(result.toByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every line written, log and metrics, one JSON object each. */
    List<JsonNode> lines() {
        List<JsonNode> lines = new ArrayList<>();
        for (String line : out.toString(StandardCharsets.UTF_8).split("\n")) {
            if (!line.isBlank()) {
                try {
                    lines.add(SnsEvents.JSON.readTree(line));
                } catch (IOException e) {
                    throw new AssertionError("a line that is not JSON: " + line, e);
                }
            }
        }
        return lines;
    }

    /** The log lines at {@code level} with {@code message}. */
    List<JsonNode> log(String level, String message) {
        return lines().stream().filter(l -> level.equals(l.path("level").asText()) && message.equals(l.path("message").asText()))
                .toList();
    }

    /** The metrics (Embedded Metric Format) lines. */
    List<JsonNode> metrics() {
        return lines().stream().filter(l -> l.has("_aws")).toList();
    }

    @Override
    public void close() {
        client.close();
    }

    @Override
    public String toString() {
        return out.toString(StandardCharsets.UTF_8);
    }
}
