package org.superserver.launcher;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.function.UnaryOperator;
import org.superserver.api.ConfigFormat;
import org.superserver.api.ListenAddresses;
import org.superserver.api.ServiceDefinition;
import org.superserver.api.SocketType;
import org.superserver.launcher.convert.FormatLoader;

/**
 * The IP sockets that a start's own configuration files ask for, read before the framework starts
 * with the installation's config formats (those of {@code bin/superserver convert}, {@link
 * FormatLoader}): the files of {@code superserver.inetd} with the {@code inetd} format, those of
 * {@code superserver.xinetd} (and what they include) with the {@code xinetd} format, and the {@code
 * org.superserver.service-*.cfg} files of FileInstall's directories ({@code
 * superserver.fileinstall.dirs}: {@code deploy/}, the embedded default) with the {@code cfg} format.
 * {@link EarlySockets} binds them when there is no record of the last start's sockets for this
 * configuration: a first start, or a start after the files were edited.
 *
 * <p>A socket is where the core binds it first ({@link ListenAddresses}): the definition's literal
 * bind address, else the wildcard of its protocol's family, {@code ::} (dual-stack) for a plain
 * {@code tcp} or {@code udp} unless {@code java.net.preferIPv4Stack} is set. Left out as in the
 * core's record of its listening sockets: Unix-domain sockets, port 0, IPv6 sockets for IPv6 only
 * ({@code v6only}), link-local addresses with an interface, and bind addresses that are not literals
 * of the protocol's family
 * (the core reports those). Problems of the files are left to the bundles that read them for the
 * server, which report them with file, line and field; a socket bound here that no service takes is
 * closed by the core once its configuration has settled.
 */
final class ConfiguredSockets {

    /** The listen backlog of a socket bound here: the core's default ({@code backlog} of {@code org.superserver.core}). */
    static final int BACKLOG = 128;

    /**
     * What a start's configuration files ask for: the sockets, and the files read, for the log line;
     * {@code read} starts with {@code not read} when the configuration as a whole could not be read.
     */
    record Found(List<EarlySockets.Wanted> sockets, String read) {

        /** Nothing, since the configuration could not be read: {@code why} follows {@code not read}. */
        static Found notRead(String why) {
            return new Found(List.of(), "not read" + why);
        }

        /** Whether the configuration as a whole could not be read. */
        boolean wasNotRead() {
            return sockets.isEmpty() && read.startsWith("not read");
        }
    }

    private ConfiguredSockets() {
    }

    /**
     * The sockets of the configuration that {@code property} names, read with the formats of the jars
     * in {@code bundleDir}; none when the formats cannot be loaded (said in {@link Found#read}).
     */
    static Found of(Path bundleDir, UnaryOperator<String> property) {
        List<Source> sources = sources(property);
        if (sources.isEmpty()) {
            return new Found(List.of(), "no configuration files");
        }
        List<String> failures = new ArrayList<>();
        try {
            Found found = FormatLoader.with(FormatLoader.jars(bundleDir), failures::add, formats -> read(formats, sources,
                    !Boolean.parseBoolean(property.apply("java.net.preferIPv4Stack"))));
            return failures.isEmpty() ? found
                    : new Found(found.sockets(), found.read() + "; " + String.join("; ", failures));
        } catch (IOException | RuntimeException | ServiceConfigurationError | LinkageError e) {
            return Found.notRead(": the config formats of " + bundleDir + " could not be loaded (" + e + ")");
        }
    }

    /** A file or directory and the format that reads it. */
    record Source(String format, Path path) {
    }

    /** What the bundles will read, in the order they are given. */
    static List<Source> sources(UnaryOperator<String> property) {
        List<Source> sources = new ArrayList<>();
        for (Path file : ConfigPaths.files("superserver.inetd", property.apply("superserver.inetd"))) {
            sources.add(new Source("inetd", file));
        }
        for (Path file : ConfigPaths.files("superserver.xinetd", property.apply("superserver.xinetd"))) {
            sources.add(new Source("xinetd", file));
        }
        for (Path dir : ConfigPaths.files("superserver.fileinstall.dirs", property.apply("superserver.fileinstall.dirs"))) {
            if (Files.isDirectory(dir)) {
                sources.add(new Source("cfg", dir));
            }
        }
        return sources;
    }

    static Found read(List<ConfigFormat> formats, List<Source> sources, boolean ipv6Usable) {
        Map<String, EarlySockets.Wanted> sockets = new LinkedHashMap<>();
        List<String> read = new ArrayList<>();
        for (Source source : sources) {
            ConfigFormat format = formats.stream().filter(f -> f.name().equals(source.format())).findFirst()
                    .orElse(null);
            if (format == null) {
                read.add(source.path() + " (no " + source.format() + " format here)");
                continue;
            }
            List<ServiceDefinition> definitions;
            try {
                definitions = format.read(source.path(), problem -> { });
            } catch (IOException | RuntimeException | LinkageError e) {
                read.add(source.path() + " (not read: " + e + ")");
                continue;
            }
            read.add(source.path().toString());
            for (ServiceDefinition definition : definitions) {
                socket(definition, ipv6Usable).ifPresent(w -> sockets.putIfAbsent(w.describe(), w));
                if (sockets.size() == EarlySockets.MAX_SOCKETS) {
                    return new Found(List.copyOf(sockets.values()), String.join(", ", read));
                }
            }
        }
        return new Found(List.copyOf(sockets.values()), String.join(", ", read));
    }

    /**
     * Where the core binds {@code definition}'s socket ({@link ListenAddresses#first}), or nothing
     * when it cannot be bound early ({@link ListenAddresses#bindableEarly}).
     */
    static Optional<EarlySockets.Wanted> socket(ServiceDefinition definition, boolean ipv6Usable) {
        Optional<InetSocketAddress> address = ListenAddresses.first(definition, ipv6Usable);
        if (address.isEmpty() || !ListenAddresses.bindableEarly(definition, address.get())) {
            return Optional.empty();
        }
        boolean stream = definition.socketType() == SocketType.STREAM;
        return Optional.of(new EarlySockets.Wanted(stream, address.get(), stream ? BACKLOG : 0));
    }
}
