package org.superserver.config.xinetd.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.function.Consumer;
import org.osgi.service.component.annotations.Component;
import org.superserver.api.ConfigFormat;
import org.superserver.api.Diagnostic;
import org.superserver.api.ServiceDefinition;
import org.superserver.api.config.ConfigFile;
import org.superserver.api.config.ServicesTable;

/**
 * The {@code xinetd} format for converters: reads an xinetd.conf (with what it includes) with the
 * {@link XinetdReader} that serves it, and writes definitions as xinetd.d files with {@link
 * XinetdWriter}. Service names are looked up in the services table of the framework property
 * {@code superserver.services} (a system property outside a framework), else /etc/services.
 */
@Component(service = ConfigFormat.class, property = ConfigFormat.NAME_PROPERTY + "=" + XinetdFormat.NAME)
public final class XinetdFormat implements ConfigFormat {

    static final String NAME = "xinetd";
    static final String SERVICES_PROPERTY = "superserver.services";

    private final Path servicesFile;

    /** Looks service names up in the table of {@code superserver.services}, else /etc/services. */
    public XinetdFormat() {
        this(null);
    }

    /** Looks service names up in {@code servicesFile}; {@code null} for the default. */
    XinetdFormat(Path servicesFile) {
        this.servicesFile = servicesFile;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<ServiceDefinition> read(Path file, Consumer<Diagnostic> problems) throws IOException {
        return new XinetdReader(services()).read(file, problems);
    }

    @Override
    public boolean canWrite() {
        return true;
    }

    /** One xinetd.d file per service name; see {@link XinetdWriter}. */
    @Override
    public Map<String, String> write(List<ServiceDefinition> definitions, Consumer<Diagnostic> problems) {
        ServicesTable table;
        Path services = services();
        try {
            table = ServicesTable.parse(new String(ConfigFile.read(services), StandardCharsets.ISO_8859_1));
        } catch (IOException e) {
            problems.accept(Diagnostic.warning(services.toString(), 0, "services", "services table " + services
                    + " cannot be read (" + e.getMessage() + "); every service is written with type = UNLISTED"));
            table = ServicesTable.EMPTY;
        }
        ServicesTable lookup = table;
        return new XinetdWriter((name, protocol) -> {
            OptionalInt port = lookup.port(name, protocol);
            return port.isPresent() ? Integer.valueOf(port.getAsInt()) : null;
        }, problems).write(definitions);
    }

    private Path services() {
        if (servicesFile != null) {
            return servicesFile;
        }
        String property = System.getProperty(SERVICES_PROPERTY);
        return property == null || property.isBlank() ? XinetdReader.DEFAULT_SERVICES : Path.of(property.trim());
    }
}
