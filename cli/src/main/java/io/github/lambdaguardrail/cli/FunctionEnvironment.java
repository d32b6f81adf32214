package io.github.lambdaguardrail.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The environment a guard function sees, built as {@code sam local invoke --env-vars} builds it:
 * this process's environment, overlaid with the {@code "Parameters"} entry of {@code env.json}
 * (applied to every function), overlaid with the function's own entry (keyed by its logical id), and
 * {@code AWS_SAM_LOCAL=true}, which SAM sets in every local container (a guard that would roll back
 * refuses to start locally without an endpoint). Values may be JSON strings, numbers or booleans (as
 * SAM accepts them); anything else is an error.
 */
final class FunctionEnvironment {

    /** The {@code env.json} entry applied to every function. */
    static final String PARAMETERS = "Parameters";

    /** Set by SAM in every local container, and by this class: the function runs locally. */
    static final String SAM_LOCAL = "AWS_SAM_LOCAL";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, String> variables;
    private final Map<String, String> overlay;
    private final List<String> entriesFound;

    private FunctionEnvironment(Map<String, String> variables, Map<String, String> overlay, List<String> entriesFound) {
        variables.put(SAM_LOCAL, "true");
        this.variables = Collections.unmodifiableMap(variables);
        this.overlay = Collections.unmodifiableMap(overlay);
        this.entriesFound = List.copyOf(entriesFound);
    }

    /** Thrown for an {@code env.json} that cannot be used; the message names the file and the entry. */
    static final class EnvFileException extends Exception {
        EnvFileException(String message) {
            super(message);
        }
    }

    /** {@code base} alone: no {@code env.json}. */
    static FunctionEnvironment of(Map<String, String> base) {
        return new FunctionEnvironment(new LinkedHashMap<>(base), Map.of(), List.of());
    }

    /** {@code base} overlaid with the {@code Parameters} entry, then with the entry of {@code logicalId}. */
    static FunctionEnvironment of(Map<String, String> base, Path envFile, String logicalId) throws EnvFileException {
        JsonNode root;
        try (InputStream in = Files.newInputStream(envFile)) {
            root = JSON.readTree(in);
        } catch (JsonProcessingException e) {
            throw new EnvFileException(envFile + ": not JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new EnvFileException(envFile + ": " + Diagnostics.reason(e));
        }
        if (root == null || !root.isObject()) {
            throw new EnvFileException(envFile + ": not a JSON object ({\"" + logicalId + "\": {...}})");
        }
        Map<String, String> overlay = new LinkedHashMap<>();
        List<String> found = new ArrayList<>();
        for (String entry : List.of(PARAMETERS, logicalId)) {
            JsonNode values = root.get(entry);
            if (values == null || values.isNull()) {
                continue;
            }
            if (!values.isObject()) {
                throw new EnvFileException(envFile + ": " + entry + ": not a JSON object of variables");
            }
            found.add(entry);
            for (Map.Entry<String, JsonNode> v : values.properties()) {
                JsonNode value = v.getValue();
                if (!value.isValueNode() || value.isNull()) {
                    throw new EnvFileException(envFile + ": " + entry + "." + v.getKey()
                            + ": not a string, number or boolean");
                }
                overlay.put(v.getKey(), value.asText());
            }
        }
        Map<String, String> variables = new LinkedHashMap<>(base);
        variables.putAll(overlay);
        return new FunctionEnvironment(variables, overlay, found);
    }

    /** Every variable the function sees. */
    Map<String, String> variables() {
        return variables;
    }

    /** Only what {@code env.json} set (from both entries). */
    Map<String, String> fromEnvFile() {
        return overlay;
    }

    /** The {@code env.json} entries that were applied, in order. */
    List<String> entriesFound() {
        return entriesFound;
    }
}
