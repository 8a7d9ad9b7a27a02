package org.superserver.config.cm.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.osgi.service.component.annotations.Component;
import org.superserver.api.ConfigFormat;
import org.superserver.api.Diagnostic;
import org.superserver.api.ServiceDefinition;

/**
 * The {@code cfg} format: Configuration Admin factory configurations of {@code
 * org.superserver.service} as FileInstall reads them from {@code .cfg} files ({@code key = value}
 * properties). Reads one file (or every {@code org.superserver.service-*.cfg} of a directory)
 * through the same {@link ServiceConfigMapper} the running bundle uses; writes one file per
 * service with {@link CfgWriter}.
 */
@Component(service = ConfigFormat.class, property = ConfigFormat.NAME_PROPERTY + "=" + CfgFormat.NAME)
public final class CfgFormat implements ConfigFormat {

    static final String NAME = "cfg";

    private static final String FILE_PREFIX = ServiceConfigMapper.FACTORY_PID + "-";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<ServiceDefinition> read(Path file, Consumer<Diagnostic> problems) throws IOException {
        if (Files.isDirectory(file)) {
            List<Path> files;
            try (Stream<Path> list = Files.list(file)) {
                files = list.filter(f -> {
                    String n = f.getFileName().toString();
                    return n.startsWith(FILE_PREFIX) && n.endsWith(".cfg") && Files.isRegularFile(f);
                }).sorted().collect(java.util.stream.Collectors.toList());
            }
            List<ServiceDefinition> all = new ArrayList<>();
            for (Path f : files) {
                all.addAll(readFile(f, problems));
            }
            return all;
        }
        return readFile(file, problems);
    }

    private static List<ServiceDefinition> readFile(Path file, Consumer<Diagnostic> problems) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException(file + " is not a regular file");
        }
        Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            properties.load(in); // ISO-8859-1 with \\u escapes, as FileInstall reads .cfg files
        }
        Map<String, Object> map = new LinkedHashMap<>();
        properties.forEach((k, v) -> map.put((String) k, v));
        String base = file.getFileName().toString();
        base = base.endsWith(".cfg") ? base.substring(0, base.length() - 4) : base;
        String instance = base.startsWith(FILE_PREFIX) ? base.substring(FILE_PREFIX.length()) : base;
        map.put("service.pid", ServiceConfigMapper.FACTORY_PID + "~" + instance);
        map.put("service.factoryPid", ServiceConfigMapper.FACTORY_PID);
        map.put(ServiceConfigMapper.FILEINSTALL_FILENAME, file.toUri().toString());
        MappingResult result = ServiceConfigMapper.map(map);
        for (MappingResult.Notice notice : result.notices()) {
            problems.accept(Diagnostic.warning(file.toString(), lineOf(file, notice.property), notice.property,
                    notice.message));
        }
        if (result.definition() != null) {
            return List.of(result.definition());
        }
        if (result.isValid()) {
            problems.accept(Diagnostic.warning(file.toString(), lineOf(file, "disable"), "disable",
                    "disable = yes: the configuration defines no service"));
        } else {
            problems.accept(Diagnostic.error(file.toString(), lineOf(file, result.property()), result.property(),
                    result.problem() + " (pid " + map.get("service.pid") + ")"));
        }
        return List.of();
    }

    /** The line that sets {@code key}, or 0 when none does (the property is missing). */
    static int lineOf(Path file, String key) {
        Pattern p = Pattern.compile("^\\s*" + Pattern.quote(key) + "\\s*[=:\\s]");
        try {
            List<String> lines = Files.readAllLines(file, java.nio.charset.StandardCharsets.ISO_8859_1);
            for (int i = lines.size() - 1; i >= 0; i--) {
                if (p.matcher(lines.get(i) + " ").find()) {
                    return i + 1;
                }
            }
        } catch (IOException e) {
            return 0;
        }
        return 0;
    }

    @Override
    public boolean canWrite() {
        return true;
    }

    /** One {@code org.superserver.service-NAME.cfg} per definition (NAME-protocol when names repeat). */
    @Override
    public Map<String, String> write(List<ServiceDefinition> definitions, Consumer<Diagnostic> problems) {
        return new CfgWriter(problems).write(definitions);
    }
}
