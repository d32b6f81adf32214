package io.github.lambdaguardrail.cli;

import io.github.lambdaguardrail.engine.Policy;
import io.github.lambdaguardrail.engine.PolicyException;
import io.github.lambdaguardrail.engine.PolicyLoader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * The {@code --policy FILE} option every subcommand that judges shares (a picocli mixin): the
 * built-in defaults when no file is given.
 */
final class PolicyFile {

    @Option(names = "--policy", paramLabel = "FILE",
            description = "Policy JSON document; keys left out take their defaults. Default: the built-in policy.")
    Path file;

    /** The policy, or empty after reporting (naming the file and the key) why it is unusable. */
    Optional<Policy> read(Diagnostics diagnostics) {
        if (file == null) {
            return Optional.of(Policy.defaults());
        }
        try (InputStream in = Files.newInputStream(file)) {
            return Optional.of(PolicyLoader.fromJson(in));
        } catch (PolicyException e) {
            diagnostics.error(file.toString(), e.getMessage());
        } catch (IOException e) {
            diagnostics.error(file.toString(), Diagnostics.reason(e));
        }
        return Optional.empty();
    }
}
