package org.superserver.launcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Refuses a configuration file named on the command line that is not a regular file: a FIFO, a
 * device, a socket or a directory. Opening a FIFO blocks until someone writes to it, and a device
 * may never end, so a bundle reading one would hang the framework's start without a word; the
 * launcher refuses to start instead, naming the option and the path.
 *
 * <p>Only the file's type is looked at ({@code stat}, following symlinks), which never blocks and
 * never opens it. A missing file passes: the bundle that reads the option reports it, as before.
 */
final class ConfigPaths {

    /** The framework properties bin/superserver sets, and the options they come from. */
    static final Map<String, String> OPTIONS = new LinkedHashMap<>();

    static {
        OPTIONS.put("superserver.inetd", "--inetd");
        OPTIONS.put("superserver.xinetd", "--xinetd");
        OPTIONS.put("superserver.hosts.allow", "--hosts-allow");
        OPTIONS.put("superserver.hosts.deny", "--hosts-deny");
        OPTIONS.put("superserver.services", "--services");
    }

    private ConfigPaths() {
    }

    /** The first problem among the paths the properties name, as one line; empty if none. */
    static Optional<String> problem(UnaryOperator<String> property) {
        for (Map.Entry<String, String> option : OPTIONS.entrySet()) {
            String value = property.apply(option.getKey());
            if (value == null || value.isBlank()) {
                continue;
            }
            for (Path path : files(option.getKey(), value)) {
                Optional<String> kind = irregularKind(path);
                if (kind.isPresent()) {
                    return Optional.of(option.getValue() + " " + path + ": is " + kind.get()
                            + ", not a regular file; name the configuration file itself");
                }
            }
        }
        return Optional.empty();
    }

    /**
     * The files the framework property {@code property} names in {@code value}: --inetd and --xinetd
     * take several, separated by commas (or colons), as their bundles read them; FileInstall's
     * directories ({@code superserver.fileinstall.dirs}) are separated by commas; the others name one.
     */
    static List<Path> files(String property, String value) {
        List<Path> files = new ArrayList<>();
        if (value == null || value.isBlank()) {
            return files;
        }
        boolean several = property.equals("superserver.inetd") || property.equals("superserver.xinetd");
        List<String> paths = several ? split(value, ",:")
                : property.equals("superserver.fileinstall.dirs") ? split(value, ",") : List.of(value);
        for (String path : paths) {
            if (!path.isBlank()) {
                files.add(Path.of(path.trim()));
            }
        }
        return files;
    }

    /**
     * The non-empty pieces of {@code text} between any of the characters of {@code separators}:
     * no regular expression, whose first use costs a cold JVM about 10 ms of its start.
     */
    static List<String> split(String text, String separators) {
        List<String> pieces = new ArrayList<>();
        int start = 0;
        for (int i = 0; i <= text.length(); i++) {
            if (i == text.length() || separators.indexOf(text.charAt(i)) >= 0) {
                if (i > start) {
                    pieces.add(text.substring(start, i));
                }
                start = i + 1;
            }
        }
        return pieces;
    }

    /** What the path is if it is there and not a regular file: "a FIFO", "a directory"... */
    static Optional<String> irregularKind(Path path) {
        int mode;
        try {
            mode = (Integer) Files.getAttribute(path, "unix:mode");
        } catch (NoSuchFileException missing) {
            return Optional.empty();
        } catch (IOException | UnsupportedOperationException unknown) {
            return Optional.empty();  // unreadable: the reading bundle reports it with the reason
        }
        switch (mode & 0170000) {
            case 0100000:
                return Optional.empty();
            case 0040000:
                return Optional.of("a directory");
            case 0010000:
                return Optional.of("a FIFO");
            case 0020000:
                return Optional.of("a character device");
            case 0060000:
                return Optional.of("a block device");
            case 0140000:
                return Optional.of("a socket");
            default:
                return Optional.of("not a file (mode " + Integer.toOctalString(mode) + ")");
        }
    }
}
