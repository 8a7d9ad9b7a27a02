package org.superserver.shell.internal;

import java.util.List;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.superserver.api.control.ServerControl;
import org.superserver.api.status.ConnectionStatus;
import org.superserver.api.status.ServerStatus;

/**
 * {@code inetd:kill [--pid] NUMBER}: ends one connection (by the number {@code inetd:connections}
 * shows) or one server this superserver started (by its pid), through the core's {@link
 * ServerControl}; says which of the two it was. Without {@code --pid} a connection number is
 * looked for first, then a server's pid.
 */
@Component(service = KillCommand.class, property = {
        "osgi.command.scope=inetd",
        "osgi.command.function=kill"})
public final class KillCommand {

    static final String CONTROL_ABSENT = "the core does not offer control (no org.superserver.api.control"
            + ".ServerControl service); start bundle superserver-core";

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile ServerStatus status;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile ServerControl control;

    @Descriptor("ends a connection or a server: connection NUMBER (as inetd:connections shows it) is closed and"
            + " its server, if any, sent SIGTERM (then SIGKILL after 2.5 s); with --pid, or when no connection has"
            + " that number, the server with that pid is; only servers this superserver started are ever signalled")
    public String kill(
            @Descriptor("the number is a server's process id, not a connection number")
            @Parameter(names = {"-p", "--pid"}, presentValue = "true", absentValue = "false") boolean pid,
            @Descriptor("a connection number from inetd:connections, or a server's pid") long number) {
        ServerControl actions = control;
        ServerStatus current = status;
        if (actions == null || current == null) {
            return CONTROL_ABSENT;
        }
        List<ConnectionStatus> live = current.connections();
        if (!pid) {
            ConnectionStatus connection = live.stream().filter(c -> c.id() == number).findFirst().orElse(null);
            if (connection != null) {
                if (!actions.close(number)) {
                    return "connection " + number + " ended meanwhile";
                }
                return "closed connection " + number + " (" + describe(connection) + ")"
                        + (connection.pid() == 0 ? "" : "; its server, pid " + connection.pid()
                        + ", was sent SIGTERM");
            }
        }
        if (number > 0 && number <= Integer.MAX_VALUE) {
            ConnectionStatus server = live.stream().filter(c -> c.pid() == number).findFirst().orElse(null);
            if (actions.terminate((int) number)) {
                return "sent SIGTERM to server pid " + number
                        + (server == null ? "" : " (" + describe(server) + ", connection " + server.id() + ")")
                        + "; SIGKILL follows if it has not exited within 2.5 s";
            }
        }
        return pid ? "no server with pid " + number + " was started by this superserver; nothing was signalled"
                : "no connection numbered " + number + " and no server with pid " + number
                        + " started by this superserver (see inetd:connections); nothing was done";
    }

    private static String describe(ConnectionStatus c) {
        return "service " + c.service() + (c.remote() == null ? "" : ", from " + StatusFormat.hostPort(c.remote()));
    }
}
