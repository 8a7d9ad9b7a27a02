package org.superserver.config.xinetd.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.superserver.api.Diagnostic;
import org.superserver.api.ServiceDefinition;
import org.superserver.api.config.ServicesTable;

/** Writes xinetd.conf trees into a temporary directory and reads them with a test services table. */
final class Conf {

    final Path dir;
    final List<Diagnostic> problems = new ArrayList<>();

    Conf(Path dir) {
        this.dir = dir;
    }

    static ServicesTable services() {
        try (InputStream in = Conf.class.getResourceAsStream("/services")) {
            return ServicesTable.parse(new String(in.readAllBytes(), StandardCharsets.ISO_8859_1));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static XinetdReader reader() {
        return new XinetdReader(services(), host -> {
            if (host.equals("loopback.test")) {
                return List.of("::1", "127.0.0.1");
            }
            throw new java.net.UnknownHostException(host);
        });
    }

    Path write(String name, String text) throws IOException {
        Path file = dir.resolve(name);
        Files.createDirectories(file.getParent());
        Files.write(file, text.getBytes(StandardCharsets.ISO_8859_1));
        return file;
    }

    /** Copies a resource tree (e.g. "debian") here, pointing its includedir at the copy. */
    Path copy(String resource, boolean enableAll) throws IOException {
        Path root = Path.of("src/test/resources", resource);
        Path target = dir.resolve(resource);
        try (var files = Files.walk(root)) {
            for (Path p : files.collect(Collectors.toList())) {
                Path t = target.resolve(root.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                    continue;
                }
                String text = new String(Files.readAllBytes(p), StandardCharsets.ISO_8859_1)
                        .replace("/etc/xinetd.d", target.resolve("xinetd.d").toString());
                if (enableAll) {
                    text = text.replaceAll("disable(\\s*)= yes", "disable$1= no");
                }
                Files.write(t, text.getBytes(StandardCharsets.ISO_8859_1));
            }
        }
        return target.resolve("xinetd.conf");
    }

    List<ServiceDefinition> read(Path file) throws IOException {
        return reader().read(file, problems::add);
    }

    List<ServiceDefinition> read(String text) throws IOException {
        return read(write("xinetd.conf", text));
    }

    List<Diagnostic> errors() {
        return problems.stream().filter(Diagnostic::isError).collect(Collectors.toList());
    }

    List<Diagnostic> warnings() {
        return problems.stream().filter(d -> !d.isError()).collect(Collectors.toList());
    }

    String problemText() {
        return problems.stream().map(Diagnostic::toString).collect(Collectors.joining("\n"));
    }
}
