package io.github.lambdaguardrail.cli;

import io.github.lambdaguardrail.engine.Policy;
import io.github.lambdaguardrail.engine.PolicyException;
import io.github.lambdaguardrail.engine.PolicyLoader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** The {@code --policy FILE} of the subcommands: the built-in defaults when no file is given. */
final class PolicyFile {

    private PolicyFile() {
    }

    /** The policy, or empty after reporting (naming the file and the key) why it is unusable. */
    static Optional<Policy> read(Path file, Diagnostics diagnostics) {
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
