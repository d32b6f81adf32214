import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * Rewrites a function's shaded jar as its deployment package holds it: every entry stored, not
 * compressed, the manifest first, then the entries in the order of their names read backwards.
 *
 * <p>{@code sam deploy} deflates the whole artifact, so one deflate stream runs over the stored jar
 * and compresses across classes, where a jar of entries deflated one by one compresses nothing
 * more; Lambda's class loader then reads each class without inflating it. Deflate finds repeats
 * within 32 KB only: read backwards, names sort classes of one kind together (every
 * {@code ...Request$BuilderImpl.class}, every {@code ...Marshaller.class}), whose bytes repeat one
 * another far more than a service's differently shaped classes do (a guard's package: 7.7 MB instead of
 * 8.5 MB in the order shading wrote). The order of entries means nothing to a jar's readers, which
 * find them through its central directory; {@code JarInputStream} alone wants the manifest first.
 *
 * <p>Run by the functions' build (functions/pom.xml) with the JDK running Maven:
 * {@code java StoredJar.java <shaded.jar> <package.jar> [<shaded.jar> <package.jar>...]} (a module that
 * makes several packages rewrites them in one run, compiling this once).
 */
public final class StoredJar {

    private StoredJar() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length == 0 || args.length % 2 != 0) {
            System.err.println("usage: java StoredJar.java <shaded.jar> <package.jar> [<shaded.jar> <package.jar>...]");
            System.exit(2);
        }
        for (int i = 0; i < args.length; i += 2) {
            rewrite(Path.of(args[i]), Path.of(args[i + 1]));
        }
    }

    static void rewrite(Path shaded, Path packaged) throws IOException {
        try (ZipFile in = new ZipFile(shaded.toFile());
             OutputStream file = Files.newOutputStream(packaged);
             ZipOutputStream out = new ZipOutputStream(file)) {
            List<ZipEntry> entries = new ArrayList<>(in.stream().toList());
            entries.sort(Comparator.comparingInt(StoredJar::rank)
                    .thenComparing(entry -> new StringBuilder(entry.getName()).reverse().toString()));
            for (ZipEntry entry : entries) {
                byte[] bytes;
                try (InputStream content = in.getInputStream(entry)) {
                    bytes = content.readAllBytes();
                }
                CRC32 crc = new CRC32();
                crc.update(bytes);
                ZipEntry stored = new ZipEntry(entry.getName());
                stored.setMethod(ZipEntry.STORED);
                stored.setSize(bytes.length);
                stored.setCompressedSize(bytes.length);
                stored.setCrc(crc.getValue());
                stored.setTime(entry.getTime());
                out.putNextEntry(stored);
                out.write(bytes);
                out.closeEntry();
            }
        }
    }

    /** The manifest and its folder ahead of everything, as the jar tool writes them. */
    private static int rank(ZipEntry entry) {
        return switch (entry.getName()) {
            case "META-INF/" -> 0;
            case "META-INF/MANIFEST.MF" -> 1;
            default -> 2;
        };
    }
}
