package org.superserver.core.internal;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.superserver.api.InheritedEnvironment;
import org.superserver.api.SocketType;
import org.superserver.core.internal.Accounts.Account;

/**
 * The environment of an exec'd server (and of an access policy's {@code twist} command), built in
 * this order (a later step overrides an earlier one):
 *
 * <ol>
 *   <li>{@code PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin}; {@code HOME},
 *       {@code SHELL}, {@code USER} and {@code LOGNAME} of the account the child runs as (from
 *       {@code getpwnam}).</li>
 *   <li>From the superserver's own environment, by allow-list only ({@link InheritedEnvironment}):
 *       {@code TZ}, {@code LANG}, {@code LC_*} and the names the definition's {@code passenv}
 *       lists (a name listed there passes the server's value, even over step 1). Nothing else
 *       passes: not {@code LD_*}, {@code BASH_ENV}, {@code PERL5OPT}, {@code JAVA_TOOL_OPTIONS},
 *       {@code GCONV_PATH}, {@code MALLOC_*}, nor a secret the server was started with; never the
 *       service manager's {@code LISTEN_PID}, {@code LISTEN_FDS}, {@code LISTEN_FDNAMES} nor
 *       {@code NOTIFY_SOCKET}, even when {@code passenv} names them.</li>
 *   <li>The client, for a stream connection: {@code PROTO=TCP}, {@code TCPREMOTEIP},
 *       {@code TCPREMOTEPORT}, {@code TCPLOCALIP}, {@code TCPLOCALPORT} (UCSPI, as tcpserver sets
 *       them) and {@code REMOTE_HOST}, {@code REMOTE_ADDR}, {@code REMOTE_PORT} (xinetd, systemd);
 *       {@code REMOTE_HOST} is the address, no name is looked up. For a datagram ({@code dgram
 *       wait}, the sender of the datagram that woke the service): {@code PROTO=UDP},
 *       {@code UDPREMOTEIP}, {@code UDPREMOTEPORT}, {@code UDPLOCALIP}, {@code UDPLOCALPORT} and the
 *       same {@code REMOTE_*}. For {@code stream wait} (the server accepts by itself, so no client
 *       is known): {@code PROTO=TCP}, {@code TCPLOCALIP}, {@code TCPLOCALPORT} only. Addresses are
 *       literals (IPv6 without brackets), ports decimal.</li>
 *   <li>The definition's own variables ({@code ServiceDefinition.env()}).</li>
 *   <li>Variables the access policies' decisions add ({@code Decision.env()}), in policy order.</li>
 * </ol>
 */
final class ChildEnvironment {

    static final String PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    private ChildEnvironment() {
    }

    /** Steps 1 and 2: what every child of a definition starts from. */
    static Map<String, String> base(Map<String, String> server, Collection<String> passenv, Account account) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", PATH);
        env.put("HOME", account.home().isEmpty() ? "/" : account.home());
        env.put("SHELL", account.shell().isEmpty() ? "/bin/sh" : account.shell());
        env.put("USER", account.name());
        env.put("LOGNAME", account.name());
        env.putAll(InheritedEnvironment.of(server, passenv));
        return env;
    }

    /**
     * The whole environment of one child as {@code NAME=value} strings.
     *
     * @param remote the client, or {@code null} when none is known ({@code stream wait})
     * @param local the server's address of the socket
     */
    static List<String> of(Map<String, String> base, Map<String, String> definitionEnv, SocketType type,
                           InetSocketAddress local, InetSocketAddress remote, Map<String, String> decisionEnv) {
        Map<String, String> env = new LinkedHashMap<>(base);
        if (isUnix(local)) {
            unix(env, local, remote);
            env.putAll(definitionEnv);
            env.putAll(decisionEnv);
            List<String> entries = new ArrayList<>(env.size());
            env.forEach((k, v) -> entries.add(k + "=" + v));
            return entries;
        }
        String prefix = type == SocketType.STREAM ? "TCP" : "UDP";
        env.put("PROTO", prefix);
        if (remote != null) {
            env.put(prefix + "REMOTEIP", ip(remote));
            env.put(prefix + "REMOTEPORT", Integer.toString(remote.getPort()));
        }
        if (local != null) {
            env.put(prefix + "LOCALIP", ip(local));
            env.put(prefix + "LOCALPORT", Integer.toString(local.getPort()));
        }
        if (remote != null) {
            env.put("REMOTE_HOST", ip(remote));
            env.put("REMOTE_ADDR", ip(remote));
            env.put("REMOTE_PORT", Integer.toString(remote.getPort()));
        }
        env.putAll(definitionEnv);
        env.putAll(decisionEnv);
        List<String> entries = new ArrayList<>(env.size());
        env.forEach((k, v) -> entries.add(k + "=" + v));
        return entries;
    }

    /** A Unix-domain socket's end, as {@link Peers} names it: no address, port 0, the path as its host. */
    static boolean isUnix(InetSocketAddress local) {
        return local != null && local.getAddress() == null && local.getPort() == 0
                && local.getHostString().startsWith("/");
    }

    /**
     * The UCSPI-unix variables (as ucspi-unix's unixserver sets them): {@code PROTO=UNIX},
     * {@code UNIXLOCALPATH}, and the client's {@code UNIXREMOTEEUID}, {@code UNIXREMOTEEGID},
     * {@code UNIXREMOTEPID} from its {@code unix:uid=…,gid=…,pid=…} name; no {@code REMOTE_*}
     * variables, as there is no remote address.
     */
    private static void unix(Map<String, String> env, InetSocketAddress local, InetSocketAddress remote) {
        env.put("PROTO", "UNIX");
        env.put("UNIXLOCALPATH", local.getHostString());
        if (remote == null || !remote.getHostString().startsWith("unix:")) {
            return;
        }
        for (String part : remote.getHostString().substring("unix:".length()).split(",")) {
            int eq = part.indexOf('=');
            if (eq < 0) {
                continue;
            }
            String value = part.substring(eq + 1);
            switch (part.substring(0, eq)) {
                case "uid" -> env.put("UNIXREMOTEEUID", value);
                case "gid" -> env.put("UNIXREMOTEEGID", value);
                case "pid" -> env.put("UNIXREMOTEPID", value);
                default -> { }
            }
        }
    }

    static String ip(InetSocketAddress address) {
        InetAddress ip = address.getAddress();
        if (ip == null) {
            return address.getHostString();
        }
        String text = ip.getHostAddress();
        int zone = text.indexOf('%');
        return zone < 0 ? text : text.substring(0, zone);
    }
}
