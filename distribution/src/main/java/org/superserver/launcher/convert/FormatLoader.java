package org.superserver.launcher.convert;

import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Stream;
import org.superserver.api.ConfigFormat;

/**
 * Finds the {@link ConfigFormat}s of the config-format bundles in an installation's {@code
 * bundle/} directory, outside any framework: a class loader over those jars (and SLF4J's, which
 * they may log through), with the API from the class path as parent, and {@link ServiceLoader}
 * over their {@code META-INF/services} entries. The formats are pure, so nothing is started,
 * registered or bound. The launcher uses them too, to find the sockets of a start's configuration
 * before the framework starts ({@code ConfiguredSockets}).
 */
public final class FormatLoader {

    /** Provider errors after which the search stops. */
    private static final int MAX_ERRORS = 32;

    private FormatLoader() {
    }

    /** The jars of {@code bundleDir} that hold formats or what they need besides the API. */
    public static List<Path> jars(Path bundleDir) throws IOException {
        List<Path> jars = new ArrayList<>();
        try (Stream<Path> list = Files.list(bundleDir)) {
            list.filter(p -> {
                String n = p.getFileName().toString();
                return n.endsWith(".jar") && (n.startsWith("superserver-config-") || n.startsWith("slf4j-api-")
                        || n.startsWith("superserver-slf4j-simple-"));
            }).sorted().forEach(jars::add);
        }
        return jars;
    }

    /** Every format the jars provide, by their service files; a provider that fails to load is skipped. */
    static List<ConfigFormat> load(List<Path> jars) {
        // never closed: the formats' classes stay in use until the process ends
        return load(loader(jars), failure -> System.err.println("superserver convert: " + failure));
    }

    /**
     * What {@code use} makes of the formats the jars provide, with a class loader closed once it
     * returns: the formats' classes can then go at the next full collection. A provider that fails to
     * load is skipped and told to {@code failures}.
     */
    public static <T> T with(List<Path> jars, Consumer<String> failures, Function<List<ConfigFormat>, T> use)
            throws IOException {
        try (URLClassLoader loader = loader(jars)) {
            return use.apply(load(loader, failures));
        }
    }

    private static URLClassLoader loader(List<Path> jars) {
        URL[] urls = new URL[jars.size()];
        for (int i = 0; i < urls.length; i++) {
            try {
                urls[i] = jars.get(i).toUri().toURL();
            } catch (MalformedURLException e) {
                throw new IllegalArgumentException(jars.get(i) + ": " + e.getMessage(), e);
            }
        }
        return new URLClassLoader("superserver-formats", urls, ConfigFormat.class.getClassLoader());
    }

    /**
     * The formats {@code loader} finds; a provider that cannot be found, loaded or made (a jar that
     * names a missing class, a class that fails to link) is told to {@code failures} and the others
     * are still returned, as ServiceLoader's iterator goes on after an error.
     */
    private static List<ConfigFormat> load(URLClassLoader loader, Consumer<String> failures) {
        List<ConfigFormat> formats = new ArrayList<>();
        Iterator<ConfigFormat> providers = ServiceLoader.load(ConfigFormat.class, loader).iterator();
        for (int errors = 0; errors < MAX_ERRORS; ) {
            try {
                if (!providers.hasNext()) {
                    break;
                }
                formats.add(providers.next());
            } catch (ServiceConfigurationError | LinkageError e) {
                errors++;
                failures.accept("a format could not be loaded: " + e.getMessage());
            }
        }
        return formats;
    }
}
