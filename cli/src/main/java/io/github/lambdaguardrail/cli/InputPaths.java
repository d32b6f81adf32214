package io.github.lambdaguardrail.cli;

import java.io.IOException;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;

/**
 * Turns a command-line PATH into the files to read: a file named explicitly is read whatever its
 * name; a directory is searched recursively for {@code *.json} and {@code *.json.gz}, in sorted
 * path order so that the output is stable; symbolic links are followed. Problems are reported,
 * never thrown.
 */
final class InputPaths {

    private InputPaths() {
    }

    static List<Path> expand(Path path, Diagnostics diagnostics) {
        if (!Files.exists(path)) {
            diagnostics.error(path.toString(), "no such file or directory");
            return List.of();
        }
        if (!Files.isDirectory(path)) {
            return List.of(path);
        }
        List<Path> files = new ArrayList<>();
        try {
            Files.walkFileTree(path, EnumSet.of(FileVisitOption.FOLLOW_LINKS), Integer.MAX_VALUE, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
                    if (attributes.isRegularFile() && isLogFile(file)) {
                        files.add(file);
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    diagnostics.error(file.toString(), Diagnostics.reason(e));
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            diagnostics.error(path.toString(), Diagnostics.reason(e));
        }
        if (files.isEmpty()) {
            diagnostics.error(path.toString(), "no *.json or *.json.gz files in this directory");
        }
        files.sort(null);
        return files;
    }

    static boolean isLogFile(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return name.endsWith(".json") || name.endsWith(".json.gz");
    }
}
