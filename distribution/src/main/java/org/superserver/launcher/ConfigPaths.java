package org.superserver.launcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
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
            // --inetd and --xinetd take several files, separated by commas (or colons), as their bundles read them.
            boolean several = option.getKey().equals("superserver.inetd") || option.getKey().equals("superserver.xinetd");
            String[] paths = several ? value.split("[,:]") : new String[] {value};
            for (String path : paths) {
                if (path.isBlank()) {
                    continue;
                }
                Optional<String> kind = irregularKind(Path.of(path.trim()));
                if (kind.isPresent()) {
                    return Optional.of(option.getValue() + " " + path.trim() + ": is " + kind.get()
                            + ", not a regular file; name the configuration file itself");
                }
            }
        }
        return Optional.empty();
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
