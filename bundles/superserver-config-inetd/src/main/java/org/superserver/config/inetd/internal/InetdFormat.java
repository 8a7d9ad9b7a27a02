package org.superserver.config.inetd.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.osgi.service.component.annotations.Component;
import org.superserver.api.ConfigFormat;
import org.superserver.api.Diagnostic;
import org.superserver.api.ServiceDefinition;
import org.superserver.api.config.ConfigFile;
import org.superserver.api.config.ServicesTable;

/**
 * The {@code inetd} format for converters: an inetd.conf(5) file read with the same {@link
 * InetdConfParser} that serves it, service names looked up in the services table of the framework
 * property {@code superserver.services} (a system property outside a framework), else
 * /etc/services. It cannot be written: inetd.conf has no place for most of what a definition
 * carries (limits, logging, access attributes).
 */
@Component(service = ConfigFormat.class, property = ConfigFormat.NAME_PROPERTY + "=" + InetdFormat.NAME)
public final class InetdFormat implements ConfigFormat {

    static final String NAME = "inetd";

    private final Path servicesFile;

    /** Reads with the services table of {@code superserver.services}, else /etc/services. */
    public InetdFormat() {
        this(null);
    }

    /** Reads with the given services table; {@code null} for the default. */
    InetdFormat(Path servicesFile) {
        this.servicesFile = servicesFile;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<ServiceDefinition> read(Path file, Consumer<Diagnostic> problems) throws IOException {
        Path services = servicesFile;
        if (services == null) {
            String property = System.getProperty(InetdConfigComponent.SERVICES_PROPERTY);
            services = Path.of(property == null || property.isBlank() ? InetdConfigComponent.DEFAULT_SERVICES
                    : property.trim());
        }
        ServicesTable table;
        try {
            table = ServicesTable.parse(new String(ConfigFile.read(services), StandardCharsets.ISO_8859_1));
        } catch (IOException e) {
            problems.accept(Diagnostic.warning(services.toString(), 0, "services", "services table " + services
                    + " cannot be read (" + e.getMessage() + "); only numeric ports resolve"));
            table = ServicesTable.EMPTY;
        }
        String text = new String(ConfigFile.read(file), StandardCharsets.ISO_8859_1);
        ParseResult result = new InetdConfParser(table, services.toString(), false, InetdFormat::resolve)
                .parse(file.toString(), text);
        result.diagnostics().forEach(problems);
        return result.definitions();
    }

    /** Host names in address prefixes, as inetd resolves them (getaddrinfo: /etc/hosts, then DNS). */
    private static List<String> resolve(String host) throws java.net.UnknownHostException {
        List<String> out = new ArrayList<>();
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(host);
        } catch (RuntimeException e) {
            throw new java.net.UnknownHostException(host + ": " + e.getMessage());
        }
        for (InetAddress address : addresses) {
            String literal = address.getHostAddress();
            int zone = literal.indexOf('%');
            out.add(zone >= 0 ? literal.substring(0, zone) : literal);
        }
        return out;
    }
}
