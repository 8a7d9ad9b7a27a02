package org.superserver.launcher;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;

/**
 * Updates the framework's copy of a bundle in {@code bundle/} only when its jar has changed since
 * the last start, where Felix's auto-deploy {@code update} action updates every one of them at every
 * start: it copied each jar (9 MB) into the bundle cache again and made a new revision of each.
 *
 * <p>A jar has changed when its size or modification time differs from the stamp the last start
 * recorded in the data directory ({@value #FILE}), as rsync's quick check decides; a jar with no
 * stamp (a data directory from before the stamps) is updated. New jars are installed, and every
 * bundle started, by the auto-deploy's {@code install} and {@code start} actions as before.
 */
final class BundleUpdates {

    /** The stamps of the last start, in the data directory: a properties file of {@code jar = size:mtime-millis}. */
    static final String FILE = "bundle.stamps";

    private BundleUpdates() {
    }

    /**
     * Updates every installed bundle whose location is a jar in {@code bundleDir} that has changed
     * since the stamps in {@code data} were recorded, then records the stamps of every jar there.
     *
     * @return the file names of the jars it updated
     */
    static List<String> apply(BundleContext context, Path bundleDir, Path data) throws IOException {
        Map<String, String> before = read(data.resolve(FILE));
        Map<String, String> now = stamps(bundleDir);
        List<String> updated = new ArrayList<>();
        for (Bundle bundle : context.getBundles()) {
            Path jar = jarIn(bundle.getLocation(), bundleDir);
            if (jar == null) {
                continue;
            }
            String name = jar.getFileName().toString();
            String stamp = now.get(name);
            if (stamp == null || stamp.equals(before.get(name))) {
                continue; // gone from bundle/ (left as the auto-deploy leaves it), or unchanged
            }
            try {
                bundle.update();
                updated.add(name);
            } catch (BundleException e) {
                Launcher.log("WARN", "Cannot update " + name + " from " + bundleDir + ": " + e.getMessage(), e);
                now.remove(name); // tried again at the next start
            }
        }
        write(data, now);
        return updated;
    }

    /** The jar in {@code bundleDir} that a bundle location names, or {@code null}. */
    private static Path jarIn(String location, Path bundleDir) {
        if (location == null || !location.startsWith("file:") || !location.endsWith(".jar")) {
            return null;
        }
        try {
            Path jar = Path.of(URI.create(location));
            return bundleDir.equals(jar.getParent()) ? jar : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** The stamp of every jar in {@code bundleDir}, by file name. */
    private static Map<String, String> stamps(Path bundleDir) throws IOException {
        Map<String, String> stamps = new TreeMap<>();
        if (!Files.isDirectory(bundleDir)) {
            return stamps;
        }
        try (Stream<Path> files = Files.list(bundleDir)) {
            for (Path jar : (Iterable<Path>) files::iterator) {
                if (!jar.getFileName().toString().endsWith(".jar")) {
                    continue;
                }
                BasicFileAttributes attributes = Files.readAttributes(jar, BasicFileAttributes.class);
                if (attributes.isRegularFile()) {
                    stamps.put(jar.getFileName().toString(),
                            attributes.size() + ":" + attributes.lastModifiedTime().toMillis());
                }
            }
        }
        return stamps;
    }

    private static Map<String, String> read(Path file) throws IOException {
        Map<String, String> stamps = new TreeMap<>();
        if (!Files.isRegularFile(file, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return stamps;
        }
        Properties properties = new Properties();
        try (var in = Files.newInputStream(file)) {
            properties.load(in);
        }
        properties.forEach((name, stamp) -> stamps.put(name.toString(), stamp.toString()));
        return stamps;
    }

    /** Writes the stamps into {@code data} ({@link ReplacedFile}). */
    private static void write(Path data, Map<String, String> stamps) throws IOException {
        Properties properties = new Properties();
        properties.putAll(stamps);
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        properties.store(text, "the jars of bundle/ as of the last start: size:mtime");
        ReplacedFile.write(data.resolve(FILE), text.toByteArray());
    }
}
