package org.superserver.launcher.convert;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.superserver.api.ConfigFormat;
import org.superserver.api.Diagnostic;
import org.superserver.api.ServiceDefinition;

/**
 * {@code bin/superserver convert}: reads a config file with one format and prints it in another, or
 * writes one file per service into {@code --out DIR}, with the formats of the installation's
 * config-format bundles ({@link FormatLoader}). It starts no framework and binds nothing. Problems
 * of the source and what the target cannot express go to standard error, one per line. Exit status:
 * 0 when everything converted, 1 when an entry was left out or a file could not be read or written,
 * 2 for a usage error.
 */
public final class Convert {

    static final String USAGE = "Usage: superserver convert --from inetd|xinetd|cfg --to xinetd|cfg FILE "
            + "[--out DIR] [--force] [--services FILE]\n"
            + "\n"
            + "Reads FILE (an inetd.conf, an xinetd.conf with what it includes, or a .cfg file or a directory of\n"
            + "them) and prints it in the --to format: xinetd.d files (as xinetd's itox did) or Configuration\n"
            + "Admin .cfg files for deploy/. Starts no server and binds nothing.\n"
            + "\n"
            + "Options:\n"
            + "  --from FORMAT     the format of FILE: inetd, xinetd or cfg\n"
            + "  --to FORMAT       the format to write: xinetd or cfg\n"
            + "  --out DIR         write one file per service into DIR (an existing directory), mode 0644,\n"
            + "                    instead of printing them\n"
            + "  --force           replace files that already exist in DIR (by renaming, never through a link)\n"
            + "  --services FILE   the services(5) table for service names, instead of /etc/services\n"
            + "  -h, --help        print this help and exit\n"
            + "\n"
            + "What the target format cannot express is reported as a warning naming the source file, line and\n"
            + "field, and noted as a comment in the written file. Exit status: 0 when everything converted, 1\n"
            + "when an entry of FILE was in error and left out or a file could not be read or written, 2 for a\n"
            + "usage error.\n";

    private Convert() {
    }

    public static void main(String[] args) {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.ISO_8859_1);
        System.exit(run(args, out, System.err, Path.of(System.getProperty("superserver.home", "."))));
    }

    /** One run; returns the exit status. */
    static int run(String[] args, PrintStream out, PrintStream err, Path home) {
        String from = null;
        String to = null;
        String outDir = null;
        String services = null;
        boolean force = false;
        List<String> operands = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            String value = null;
            int eq = a.indexOf('=');
            if (a.startsWith("--") && eq > 0) {
                value = a.substring(eq + 1);
                a = a.substring(0, eq);
            }
            switch (a) {
                case "--from":
                case "--to":
                case "--out":
                case "--services":
                    if (value == null) {
                        if (i + 1 >= args.length) {
                            return usage(err, "option " + a + " needs an argument");
                        }
                        value = args[++i];
                    }
                    if (value.isEmpty()) {
                        return usage(err, "option " + a + " needs a non-empty argument");
                    }
                    if (a.equals("--from")) {
                        from = value;
                    } else if (a.equals("--to")) {
                        to = value;
                    } else if (a.equals("--out")) {
                        outDir = value;
                    } else {
                        services = value;
                    }
                    break;
                case "--force":
                    force = true;
                    break;
                case "-h":
                case "--help":
                    out.print(USAGE);
                    return 0;
                default:
                    if (a.startsWith("-") && a.length() > 1) {
                        return usage(err, "unknown option '" + args[i] + "'");
                    }
                    operands.add(args[i]);
            }
        }
        if (from == null || to == null) {
            return usage(err, "--from and --to are required");
        }
        if (operands.size() != 1) {
            return usage(err, operands.isEmpty() ? "FILE is missing" : "one FILE expected, not " + operands);
        }
        if (services != null) {
            System.setProperty("superserver.services", Path.of(services).toAbsolutePath().toString());
        }

        List<ConfigFormat> formats;
        try {
            formats = FormatLoader.load(FormatLoader.jars(home.resolve("bundle")));
        } catch (IOException e) {
            err.println("superserver convert: cannot list " + home.resolve("bundle") + ": " + e.getMessage());
            return 1;
        }
        ConfigFormat reader = find(formats, from);
        ConfigFormat writer = find(formats, to);
        if (reader == null || writer == null) {
            return usage(err, "no format named '" + (reader == null ? from : to) + "' (this installation has "
                    + names(formats) + ")");
        }
        if (!writer.canWrite()) {
            return usage(err, "format " + to + " cannot be written; expected --to xinetd or --to cfg");
        }

        List<Diagnostic> problems = new ArrayList<>();
        Path file = Path.of(operands.get(0)).toAbsolutePath();
        int status;
        try {
            if (!Files.exists(file)) {
                throw new IOException(file + " does not exist");
            }
            List<ServiceDefinition> definitions = reader.read(file, problems::add);
            Map<String, String> files = writer.write(definitions, problems::add);
            if (outDir == null) {
                files.forEach((name, text) -> {
                    out.print("# ---- " + name + " ----\n");
                    out.print(text.endsWith("\n") ? text : text + "\n");
                });
            } else {
                for (Path written : SafeFiles.write(Path.of(outDir).toAbsolutePath(), files, force)) {
                    err.println("wrote " + written);
                }
            }
            err.println(definitions.size() + (definitions.size() == 1 ? " service" : " services") + " converted from "
                    + file + " (" + from + " to " + to + ")");
            status = problems.stream().anyMatch(Diagnostic::isError) ? 1 : 0;
        } catch (IOException | RuntimeException e) {
            err.println("superserver convert: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
            status = 1;
        }
        for (Diagnostic d : problems) {
            err.println(d);
        }
        out.flush();
        return status;
    }

    private static ConfigFormat find(List<ConfigFormat> formats, String name) {
        for (ConfigFormat f : formats) {
            if (f.name().equals(name)) {
                return f;
            }
        }
        return null;
    }

    private static String names(List<ConfigFormat> formats) {
        List<String> names = new ArrayList<>();
        formats.forEach(f -> names.add(f.name()));
        return names.isEmpty() ? "none" : String.join(", ", names);
    }

    private static int usage(PrintStream err, String problem) {
        err.println("superserver convert: " + problem);
        err.println("Try 'superserver convert --help'.");
        return 2;
    }
}
