package org.superserver.core.internal;

import java.net.InetSocketAddress;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.superserver.api.ServiceDefinition;

/**
 * Carries out an access policy's {@code twist}: the client's connection goes to {@code /bin/sh -c
 * command} as its fd 0, 1 and 2 instead of to the service's server or handler, as tcpd replaces
 * itself by the command. The command runs as the service's user (or the user and group the
 * deciding rules asked for), with the environment an exec'd server of the service would get and
 * the umask and nice value the decisions asked for, and is reaped and logged like one. Banners the
 * decisions carried are written to the client first. Its user and group are looked up through the
 * account cache, off the event loop when the cache does not know them ({@link WhenPrepared}).
 * Logs {@code TWIST service=… from=… reason=… command=…} at INFO.
 */
final class Twist {

    private static final Logger LOG = LoggerFactory.getLogger(Twist.class);
    static final String SHELL = "/bin/sh";

    private Twist() {
    }

    /**
     * Starts the twist command on {@code fd}; the caller closes its own copy of {@code fd} afterwards.
     *
     * @param definition the service whose server the command replaces
     * @param verdict a verdict with a {@link PolicyChain.Verdict#twist() twist} command
     */
    static void run(Launcher launcher, Binding binding, ServiceDefinition definition, PolicyChain.Verdict verdict,
                    int fd, InetSocketAddress local, InetSocketAddress remote) {
        LOG.info("TWIST service={} protocol={} from={} reason={} command={}", definition.name(),
                definition.protocol().configName(), Addresses.format(remote), verdict.reason(), verdict.twist());
        ServiceDefinition command = definition.toBuilder()
                .handler(null)
                .server(SHELL)
                .argv(List.of("sh", "-c", verdict.twist()))
                .user(verdict.user() == null ? definition.user() : verdict.user())
                .group(verdict.group() == null ? definition.group() : verdict.group())
                .build();
        WhenPrepared.run(launcher.prepareAsync(command), fd, (program, failure, socket) -> {
            if (program == null) {
                LOG.error("TWIST service={} protocol={} from={} origin={} error=the twist command cannot run: {}",
                        definition.name(), definition.protocol().configName(), Addresses.format(remote),
                        definition.origin(), failure.getMessage() == null ? failure.toString() : failure.getMessage());
                return;
            }
            if (!verdict.banners().isEmpty()) {
                ExecDispatcher.send(socket, String.join("", verdict.banners()));
            }
            ExecDispatcher.launch(launcher, binding, program.tuned(verdict.tuning()), socket, local, remote,
                    verdict.env());
        });
    }
}
