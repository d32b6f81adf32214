package io.github.lambdaguardrail.cli;

import java.io.IOException;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.NoSuchElementException;
import java.util.Optional;

/**
 * Turns a command-line PATH into the inputs to read, lazily: a file named explicitly is read
 * whatever its name; a directory is searched recursively for {@code *.json} and {@code *.json.gz},
 * in sorted path order so that the output is stable, one directory listing at a time so that memory
 * does not grow with the tree; symbolic links are followed. Below the PATH, a CloudTrail day folder
 * ({@code …/yyyy/mm/dd/}, as in {@code AWSLogs/<account>/CloudTrail/<region>/2026/03/01/}) that
 * {@link Window#excludesDeliveryDay} is skipped without being listed. Problems are yielded in
 * order among the files, never thrown: a directory that cannot be listed, or whose listing breaks
 * off part-way (an I/O error, a stale network mount), is a problem, and the files listed before
 * the break and the rest of the tree are still read. Not thread-safe.
 */
final class InputPaths implements Iterator<InputPaths.Input> {

    /** One input, in the order of the walk. */
    sealed interface Input {
    }

    /** A file to read. */
    record LogFile(Path path) implements Input {
    }

    /** Standard input, named {@code -} among the PATHs. */
    record StandardInput() implements Input {
    }

    /** The PATH that names standard input, as most Unix tools take it. */
    static final String STANDARD_INPUT = "-";

    /** Something that could not be read or searched; {@code where} is the path. */
    record Problem(String where, String reason) implements Input {
    }

    /** Opens a directory's listing: {@link Files#newDirectoryStream(Path)}, or a stand-in in tests. */
    @FunctionalInterface
    interface Lister {
        DirectoryStream<Path> list(Path directory) throws IOException;
    }

    static final Lister DIRECTORY_LISTER = Files::newDirectoryStream;

    /** A directory entry, sorted as its full path would sort (a directory as if its name ended in '/'). */
    private record Entry(Path path, boolean directory, Object fileKey, String sortKey) {
    }

    private final Path root;
    private final Window window;
    private final Lister lister;
    private final Deque<Iterator<Entry>> stack = new ArrayDeque<>();
    private final Deque<Object> openDirectories = new ArrayDeque<>();
    private final Deque<Input> ready = new ArrayDeque<>();
    private boolean started;
    private boolean finished;
    private long files;
    private long prunedDayFolders;

    private InputPaths(Path root, Window window, Lister lister) {
        this.root = root;
        this.window = window;
        this.lister = lister;
    }

    /** The inputs of {@code path}; day folders outside {@code window} are skipped. */
    static InputPaths walk(Path path, Window window) {
        return walk(path, window, DIRECTORY_LISTER);
    }

    /** {@link #walk(Path, Window)}, listing directories with {@code lister}. */
    static InputPaths walk(Path path, Window window, Lister lister) {
        return new InputPaths(path, window, lister);
    }

    /** Day folders skipped so far because they hold nothing of the window. */
    long prunedDayFolders() {
        return prunedDayFolders;
    }

    static boolean isLogFile(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return name.endsWith(".json") || name.endsWith(".json.gz");
    }

    @Override
    public boolean hasNext() {
        while (ready.isEmpty() && !finished) {
            advance();
        }
        return !ready.isEmpty();
    }

    @Override
    public Input next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        return ready.removeFirst();
    }

    /** Moves the walk on until it has yielded something or ended. */
    private void advance() {
        if (!started) {
            started = true;
            start();
            return;
        }
        if (stack.isEmpty()) {
            finished = true;
            if (files == 0 && prunedDayFolders == 0) {
                ready.add(new Problem(root.toString(), "no *.json or *.json.gz files in this directory"));
            }
            return;
        }
        Iterator<Entry> entries = stack.peekLast();
        if (!entries.hasNext()) {
            stack.removeLast();
            openDirectories.removeLast();
            return;
        }
        Entry entry = entries.next();
        if (!entry.directory()) {
            files++;
            ready.add(new LogFile(entry.path()));
        } else if (entry.fileKey() != null && openDirectories.contains(entry.fileKey())) {
            ready.add(new Problem(entry.path().toString(), "symbolic link loop: not followed"));
        } else if (dayFolder(entry.path()).filter(window::excludesDeliveryDay).isPresent()) {
            prunedDayFolders++;
        } else {
            open(entry.path(), entry.fileKey());
        }
    }

    private void start() {
        if (root.toString().equals(STANDARD_INPUT)) {
            ready.add(new StandardInput());
            finished = true;
        } else if (!Files.exists(root)) {
            ready.add(new Problem(root.toString(), "no such file or directory"));
            finished = true;
        } else if (!Files.isDirectory(root)) {
            ready.add(new LogFile(root));
            finished = true;
        } else {
            Object key = null;
            try {
                key = Files.readAttributes(root, BasicFileAttributes.class).fileKey();
            } catch (IOException e) {
                // no loop detection for the root then; listing it reports the problem if there is one
            }
            open(root, key);
        }
    }

    /**
     * Lists one directory, sorted; a directory that cannot be listed is a problem. When the
     * listing breaks off, what was listed before the break is still walked.
     */
    private void open(Path directory, Object fileKey) {
        List<Entry> entries = new ArrayList<>();
        int listed = 0;
        try (DirectoryStream<Path> children = lister.list(directory)) {
            for (Path child : children) {
                listed++;
                BasicFileAttributes attributes;
                try {
                    attributes = Files.readAttributes(child, BasicFileAttributes.class);
                } catch (NoSuchFileException e) {
                    continue; // a dangling symbolic link (or gone since the listing): not a file to read
                } catch (IOException e) {
                    ready.add(new Problem(child.toString(), Diagnostics.reason(e)));
                    continue;
                }
                String name = child.getFileName().toString();
                if (attributes.isDirectory()) {
                    entries.add(new Entry(child, true, attributes.fileKey(), name + "/"));
                } else if (attributes.isRegularFile() && isLogFile(child)) {
                    entries.add(new Entry(child, false, null, name));
                }
            }
        } catch (IOException e) {
            ready.add(new Problem(directory.toString(), Diagnostics.reason(e)));
            if (listed == 0) {
                return;
            }
        } catch (DirectoryIteratorException e) {
            ready.add(new Problem(directory.toString(), "listing broke off after " + listed + (listed == 1 ? " entry (" : " entries (")
                    + Diagnostics.reason(e.getCause()) + "): the entries not listed are not read"));
        }
        entries.sort(Comparator.comparing(Entry::sortKey));
        stack.addLast(entries.iterator());
        openDirectories.addLast(fileKey == null ? new Object() : fileKey);
    }

    /** The day of a {@code …/yyyy/mm/dd} directory, if that is what it is. */
    static Optional<LocalDate> dayFolder(Path directory) {
        Path day = directory.getFileName();
        if (day == null || !isDigits(day.toString(), 2)) {
            return Optional.empty();
        }
        Path absolute = directory.toAbsolutePath().normalize();
        Path month = absolute.getParent() == null ? null : absolute.getParent().getFileName();
        Path year = month == null || absolute.getParent().getParent() == null ? null
                : absolute.getParent().getParent().getFileName();
        if (month == null || year == null || !isDigits(month.toString(), 2) || !isDigits(year.toString(), 4)) {
            return Optional.empty();
        }
        try {
            return Optional.of(LocalDate.of(Integer.parseInt(year.toString()), Integer.parseInt(month.toString()),
                    Integer.parseInt(day.toString())));
        } catch (DateTimeException e) {
            return Optional.empty();
        }
    }

    private static boolean isDigits(String name, int length) {
        return name.length() == length && name.chars().allMatch(c -> c >= '0' && c <= '9');
    }
}
