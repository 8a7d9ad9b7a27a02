package org.superserver.access.tcpd.internal;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import org.superserver.api.ConnectionInfo;
import org.superserver.api.InheritedEnvironment;
import org.superserver.api.ServiceDefinition;

/**
 * The environment of a {@code spawn} or {@code aclexec} command. tcpd's shell commands inherit
 * tcpd's own environment, which is what inetd gave the wrapped server; so a command here gets what
 * the core gives an exec'd server of the service, and nothing else of the superserver's:
 *
 * <ol>
 *   <li>the superserver's environment through {@link InheritedEnvironment}'s allow-list ({@code TZ},
 *       {@code LANG}, {@code LC_*}) and the definition's {@code passenv}; never {@code LD_*},
 *       {@code BASH_ENV} (which {@code sh} as bash would source) or a secret;</li>
 *   <li>{@code PATH}, and {@code HOME}, {@code SHELL}, {@code USER}, {@code LOGNAME} of the account the
 *       command runs as (the superserver's: this bundle starts it);</li>
 *   <li>the client, as the core sets it: {@code PROTO}, {@code TCPREMOTEIP}, {@code TCPREMOTEPORT},
 *       {@code TCPLOCALIP}, {@code TCPLOCALPORT} (or {@code UDP…}), {@code REMOTE_HOST},
 *       {@code REMOTE_ADDR}, {@code REMOTE_PORT} (addresses, no names);</li>
 *   <li>the definition's {@code env};</li>
 * </ol>
 *
 * and then the {@code setenv} options of the rule before the command (added by the caller).
 */
final class SpawnEnvironment {

    static final String PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    private SpawnEnvironment() {
    }

    /**
     * @param server the superserver's own environment ({@code System.getenv()})
     * @param user the account the command runs as: name and home directory
     */
    static Map<String, String> of(Map<String, String> server, ServiceDefinition definition, ConnectionInfo c,
                                  String user, String home) {
        Map<String, String> env = new LinkedHashMap<>(InheritedEnvironment.of(server, definition.passenv()));
        env.put("PATH", PATH);
        env.put("HOME", home == null || home.isEmpty() ? "/" : home);
        env.put("SHELL", "/bin/sh");
        env.put("USER", user);
        env.put("LOGNAME", user);
        String prefix = c.protocol().isTcp() ? "TCP" : "UDP";
        env.put("PROTO", prefix);
        env.put(prefix + "REMOTEIP", ip(c.remote()));
        env.put(prefix + "REMOTEPORT", Integer.toString(c.remote().getPort()));
        env.put(prefix + "LOCALIP", ip(c.local()));
        env.put(prefix + "LOCALPORT", Integer.toString(c.local().getPort()));
        env.put("REMOTE_HOST", ip(c.remote()));
        env.put("REMOTE_ADDR", ip(c.remote()));
        env.put("REMOTE_PORT", Integer.toString(c.remote().getPort()));
        env.putAll(definition.env());
        return env;
    }

    /** What every command this JVM starts gets: the JVM's user and environment. */
    static Map<String, String> of(ServiceDefinition definition, ConnectionInfo c) {
        return of(System.getenv(), definition, c, System.getProperty("user.name", "root"),
                System.getProperty("user.home", "/"));
    }

    private static String ip(InetSocketAddress address) {
        InetAddress ip = address.getAddress();
        if (ip == null) {
            return address.getHostString();
        }
        String text = ip.getHostAddress();
        int zone = text.indexOf('%');
        return zone < 0 ? text : text.substring(0, zone);
    }
}
