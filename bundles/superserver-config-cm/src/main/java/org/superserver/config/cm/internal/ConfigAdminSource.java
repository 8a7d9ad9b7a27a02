package org.superserver.config.cm.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Dictionary;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.superserver.api.ConfigSource;
import org.superserver.api.Diagnostic;

/**
 * The factory configurations of {@code org.superserver.service} as a {@link ConfigSource}: which
 * service ids they define, their problems ({@code inetd:check}), a re-map of all of them
 * ({@code inetd:reload}, SIGHUP), and {@code disable = yes}/{@code no} written into one of them
 * through Configuration Admin ({@code inetd:disable}, {@code inetd:enable}).
 *
 * <p>A configuration that FileInstall made from a file is that file's: when FileInstall does not
 * write configurations back (framework property {@value #CONFIG_SAVE} = false, as the
 * distribution sets it), turning its service on or off is refused with the file to edit.
 */
@Component(service = ConfigSource.class, immediate = true,
        property = {
            ConfigAdminSource.FORMAT_PROPERTY + "=" + ConfigAdminSource.FORMAT,
            ConfigAdminSource.PID_PROPERTY + "=" + ServiceConfigMapper.FACTORY_PID,
            "service.description=" + ConfigAdminSource.DESCRIPTION
        })
public final class ConfigAdminSource implements ConfigSource {

    /** ConfigSource service property naming the format, as every config-format bundle sets it. */
    static final String FORMAT_PROPERTY = "superserver.config.format";
    static final String FORMAT = "cm";
    /** ConfigSource service property naming the factory PID read. */
    static final String PID_PROPERTY = "superserver.config.pid";
    static final String DESCRIPTION = "Configuration Admin factory PID " + ServiceConfigMapper.FACTORY_PID;
    /** FileInstall's framework property: false when it never writes a configuration back to its file. */
    static final String CONFIG_SAVE = "felix.fileinstall.enableConfigSave";

    private static final Logger LOG = LoggerFactory.getLogger(ConfigAdminSource.class);

    private final BundleContext context;
    private final ConfigurationAdmin configAdmin;
    private final ConfiguredServices services;

    @Activate
    public ConfigAdminSource(BundleContext context,
            @Reference(name = "configAdmin") ConfigurationAdmin configAdmin,
            @Reference(name = "services") ConfiguredServices services) {
        this.context = context;
        this.configAdmin = configAdmin;
        this.services = services;
    }

    @Override
    public String description() {
        return DESCRIPTION;
    }

    @Override
    public void reload() {
        int n = services.remapAll();
        LOG.info("RELOAD source=cm pid={} configurations={}", ServiceConfigMapper.FACTORY_PID, n);
    }

    @Override
    public List<Diagnostic> check() {
        Map<String, MappingResult> kept = new HashMap<>();
        for (ConfiguredService service : services.live()) {
            MappingResult rejected = service.rejected();
            if (rejected != null) {
                kept.put(service.pid(), rejected);
            }
        }
        List<Diagnostic> out = new ArrayList<>();
        for (Configured c : configurations()) {
            Map<String, Object> p = c.properties;
            String pid = c.configuration.getPid();
            MappingResult result = ServiceConfigMapper.map(p, services::isHandler);
            boolean fromFile = p.get(ServiceConfigMapper.FILEINSTALL_FILENAME) != null;
            for (MappingResult.Notice notice : result.notices()) {
                out.add(Diagnostic.warning(result.origin(), line(result.origin(), fromFile, notice.property),
                        notice.property, notice.message + " (pid " + pid + ")"));
            }
            if (!result.isValid()) {
                String serving = kept.containsKey(pid) ? "; the update was rejected and the previous definition keeps "
                        + "serving" : "; nothing is registered";
                out.add(Diagnostic.error(result.origin(), line(result.origin(), fromFile, result.property()),
                        result.property(), result.problem() + " (pid " + pid + ")" + serving));
            }
        }
        return out;
    }

    @Override
    public boolean publishes(String serviceId) {
        return find(serviceId) != null;
    }

    /**
     * Writes {@code disable = yes} or {@code no} into the configuration with this id; or, given a
     * service name (no {@code cm:} prefix), into every configuration of that {@code service}, so that
     * {@code inetd:enable echo} turns on echo's configurations that are off and are therefore served
     * under no id.
     */
    @Override
    public String setDisabled(String serviceId, boolean disabled) {
        Configured found = find(serviceId);
        if (found != null) {
            return turn(found, serviceId, disabled);
        }
        List<Configured> named = named(serviceId);
        if (named.isEmpty()) {
            throw new IllegalArgumentException("no configuration of factory PID " + ServiceConfigMapper.FACTORY_PID
                    + " defines the service " + serviceId + "; its services are " + ids());
        }
        if (named.size() == 1) {
            return turn(named.get(0), ServiceConfigMapper.definitionId(named.get(0).properties), disabled);
        }
        List<String> answers = new ArrayList<>();
        for (Configured c : named) {
            String id = ServiceConfigMapper.definitionId(c.properties);
            try {
                answers.add(turn(c, id, disabled));
            } catch (UnsupportedOperationException e) {
                answers.add((disabled ? "cannot disable " : "cannot enable ") + id + ": " + e.getMessage());
            }
        }
        return String.join("\n", answers);
    }

    private String turn(Configured found, String serviceId, boolean disabled) {
        Map<String, Object> p = found.properties;
        String pid = found.configuration.getPid();
        Object file = p.get(ServiceConfigMapper.FILEINSTALL_FILENAME);
        String origin = ServiceConfigMapper.origin(p);
        String value = disabled ? "yes" : "no";
        String now = ServiceConfigMapper.string(p, "disable");
        if (Boolean.valueOf(disabled).equals(isOff(p))) {
            return serviceId + " is already " + (disabled ? "disabled" : "enabled") + ": configuration " + pid
                    + (now == null ? " has no disable property" : " has disable = " + now);
        }
        if (file != null && "false".equalsIgnoreCase(String.valueOf(context.getProperty(CONFIG_SAVE)).trim())) {
            throw new UnsupportedOperationException(serviceId + " is defined by the file " + origin + ", which decides "
                    + "(FileInstall does not write configurations back: " + CONFIG_SAVE + "=false); set disable = "
                    + value + " there");
        }
        try {
            Dictionary<String, Object> properties = found.configuration.getProperties();
            if (properties == null) {
                throw new IllegalArgumentException("configuration " + pid + " of " + serviceId + " no longer exists");
            }
            properties.put("disable", value);
            found.configuration.update(properties);
        } catch (IOException | IllegalStateException e) {
            throw new IllegalStateException("configuration " + pid + " of " + serviceId + " could not be updated: "
                    + e.getMessage(), e);
        }
        p.put("disable", value);
        MappingResult result = ServiceConfigMapper.map(p, services::isHandler);
        LOG.info("{} service={} pid={} disable={}", disabled ? "DISABLE" : "ENABLE", serviceId, pid, value);
        String done = (disabled ? "disabled " : "enabled ") + serviceId + ": configuration " + pid
                + " now has disable = " + value + (file != null ? " (FileInstall writes it to " + origin + ")" : "");
        if (!result.isValid()) {
            done += "; but the configuration is invalid, so nothing is served: property " + result.property() + ": "
                    + result.problem();
        }
        return done;
    }

    /** A configuration and its properties (with {@code service.pid}). */
    private static final class Configured {
        final Configuration configuration;
        final Map<String, Object> properties;

        Configured(Configuration configuration, Map<String, Object> properties) {
            this.configuration = configuration;
            this.properties = properties;
        }
    }

    /** The configuration that defines {@code serviceId}, or {@code null}. */
    private Configured find(String serviceId) {
        if (serviceId == null || !serviceId.startsWith("cm:")) {
            return null;
        }
        for (Configured c : configurations()) {
            if (serviceId.equals(ServiceConfigMapper.definitionId(c.properties))) {
                return c;
            }
        }
        return null;
    }

    /** Whether the configuration says {@code disable = yes}; {@code null} for a value that is neither yes nor no. */
    private static Boolean isOff(Map<String, Object> p) {
        try {
            return ServiceConfigMapper.yesNo(p, "disable", false);
        } catch (RuntimeException invalid) {
            return null;
        }
    }

    /** The configurations whose {@code service} is {@code name}, by PID; none for a {@code cm:} id. */
    private List<Configured> named(String name) {
        List<Configured> out = new ArrayList<>();
        if (name == null || name.startsWith("cm:")) {
            return out;
        }
        for (Configured c : configurations()) {
            if (name.equals(ServiceConfigMapper.string(c.properties, "service"))) {
                out.add(c);
            }
        }
        return out;
    }

    private List<String> ids() {
        List<String> ids = new ArrayList<>();
        configurations().forEach(c -> ids.add(ServiceConfigMapper.definitionId(c.properties)));
        return ids;
    }

    /** Every configuration of the factory PID that has properties, by PID. */
    private List<Configured> configurations() {
        Configuration[] all;
        try {
            all = configAdmin.listConfigurations("(service.factoryPid=" + ServiceConfigMapper.FACTORY_PID + ")");
        } catch (IOException | InvalidSyntaxException e) {
            throw new IllegalStateException("Configuration Admin cannot list the configurations of "
                    + ServiceConfigMapper.FACTORY_PID + ": " + e.getMessage(), e);
        }
        List<Configured> out = new ArrayList<>();
        if (all == null) {
            return out;
        }
        Arrays.sort(all, Comparator.comparing(Configuration::getPid));
        for (Configuration c : all) {
            Dictionary<String, Object> properties = c.getProperties();
            if (properties == null) {
                continue; // created, never updated: defines nothing yet
            }
            Map<String, Object> map = new HashMap<>();
            for (Enumeration<String> keys = properties.keys(); keys.hasMoreElements(); ) {
                String key = keys.nextElement();
                map.put(key, properties.get(key));
            }
            map.put("service.pid", c.getPid());
            out.add(new Configured(c, map));
        }
        return out;
    }

    private static int line(String origin, boolean fromFile, String property) {
        if (!fromFile) {
            return 0;
        }
        try {
            return CfgFormat.lineOf(Path.of(origin), property);
        } catch (RuntimeException e) {
            return 0;
        }
    }
}
