package org.superserver.shell.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.superserver.api.ConfigFormat;
import org.superserver.api.Diagnostic;
import org.superserver.api.ServiceDefinition;

/**
 * One {@code convert} run: its arguments, parsed; then read with one format, written with another,
 * printed or put into a directory. Problems of the source file and what the target cannot express
 * are listed after the result, one per line.
 */
final class Conversion {

    static final String USAGE = "usage: inetd:convert --from inetd|xinetd|cfg --to xinetd|cfg [--force] FILE [DIR]\n"
            + "  reads FILE in the --from format and prints it in the --to format, or writes one file per\n"
            + "  service into DIR (mode 0644; an existing file is kept unless --force replaces it)";

    final String from;
    final String to;
    final Path file;
    final Path dir;
    final boolean force;

    private Conversion(String from, String to, Path file, Path dir, boolean force) {
        this.from = from;
        this.to = to;
        this.file = file;
        this.dir = dir;
        this.force = force;
    }

    /** The arguments as given; {@link IllegalArgumentException} with what is wrong. */
    static Conversion parse(String... args) {
        String from = null;
        String to = null;
        boolean force = false;
        List<String> operands = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--from") || a.equals("--to")) {
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("option " + a + " needs a format name");
                }
                if (a.equals("--from")) {
                    from = args[++i];
                } else {
                    to = args[++i];
                }
            } else if (a.startsWith("--from=")) {
                from = a.substring(7);
            } else if (a.startsWith("--to=")) {
                to = a.substring(5);
            } else if (a.equals("--force")) {
                force = true;
            } else if (a.startsWith("-") && a.length() > 1) {
                throw new IllegalArgumentException("unknown option '" + a + "'");
            } else {
                operands.add(a);
            }
        }
        if (from == null || to == null) {
            throw new IllegalArgumentException("--from and --to are required");
        }
        if (operands.isEmpty() || operands.size() > 2) {
            throw new IllegalArgumentException("expected FILE and an optional DIR, not " + operands);
        }
        return new Conversion(from, to, Path.of(operands.get(0)).toAbsolutePath(),
                operands.size() > 1 ? Path.of(operands.get(1)).toAbsolutePath() : null, force);
    }

    /** The result of a run: what to show, and whether an error occurred. */
    static final class Outcome {
        final String text;
        final boolean failed;

        Outcome(String text, boolean failed) {
            this.text = text;
            this.failed = failed;
        }
    }

    /** Runs with the formats {@code formats} finds by name ({@code null} when none has that name). */
    Outcome run(Function<String, ConfigFormat> formats) {
        ConfigFormat reader = formats.apply(from);
        ConfigFormat writer = formats.apply(to);
        if (reader == null || writer == null) {
            return new Outcome("convert: no format named '" + (reader == null ? from : to) + "' is installed "
                    + "(the config-format bundles register inetd, xinetd and cfg)", true);
        }
        if (!writer.canWrite()) {
            return new Outcome("convert: format " + to + " cannot be written; expected --to xinetd or --to cfg", true);
        }
        List<Diagnostic> problems = new ArrayList<>();
        StringBuilder out = new StringBuilder();
        boolean failed;
        try {
            List<ServiceDefinition> definitions = reader.read(file, problems::add);
            Map<String, String> files = writer.write(definitions, problems::add);
            if (dir == null) {
                out.append(ConvertedFiles.print(files));
            } else {
                for (Path written : ConvertedFiles.write(dir, files, force)) {
                    out.append("wrote ").append(written).append('\n');
                }
            }
            out.append(definitions.size()).append(definitions.size() == 1 ? " service" : " services")
                    .append(" converted from ").append(file).append('\n');
            failed = problems.stream().anyMatch(Diagnostic::isError);
        } catch (IOException | RuntimeException e) {
            out.append("convert: ").append(e.getMessage() == null ? e.toString() : e.getMessage()).append('\n');
            failed = true;
        }
        for (Diagnostic d : problems) {
            out.append(d).append('\n');
        }
        return new Outcome(out.toString(), failed);
    }
}
