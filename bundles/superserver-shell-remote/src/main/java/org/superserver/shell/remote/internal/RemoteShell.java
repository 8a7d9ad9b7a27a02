package org.superserver.shell.remote.internal;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.function.Function;
import org.apache.felix.service.command.CommandProcessor;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves the Gogo shell to the server's own user over a Unix-domain socket, by default
 * {@code shell.sock} in the data directory, for {@code bin/superserver shell}. A change of its
 * configuration re-creates the socket (open sessions end). When the socket cannot be created
 * safely, one error line says why and the rest of the server runs on.
 */
@Component(configurationPid = RemoteShell.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = RemoteShellConfig.class)
public final class RemoteShell {

    static final String PID = "org.superserver.shell.remote";
    static final String DEFAULT_PATH = "shell.sock";

    private static final Logger LOG = LoggerFactory.getLogger(RemoteShell.class);

    @Reference
    CommandProcessor processor;

    private ShellServer server;

    @Activate
    void activate(BundleContext context, RemoteShellConfig config) {
        File ownData = context.getDataFile("");
        Path path = socketPath(config.path(), context::getProperty, ownData == null ? null : ownData.toPath());
        if (path == null) {
            LOG.error("SHELL error=no data directory (framework property superserver.data) and no absolute path"
                    + " configured (property path of {}); the remote shell is not served", PID);
            return;
        }
        try {
            server = start(path, processor, config);
        } catch (IOException e) {
            LOG.error("SHELL socket={} error={}; the remote shell is not served", path, e.getMessage());
        }
    }

    static ShellServer start(Path path, CommandProcessor processor, RemoteShellConfig config) throws IOException {
        ShellSocket socket = ShellSocket.open(path, config.sessions_max());
        try {
            PeerCheck peers = new PeerCheck(socket.owner(), socket.uid(), config.allow_root());
            ShellServer started = new ShellServer(socket, processor, peers, config.sessions_max(),
                    config.line_max_bytes());
            started.start();
            LOG.info("SHELL listen={} uid={} sessions.max={}{}{}", socket.path(), socket.uid(), config.sessions_max(),
                    socket.replacedStale() ? " replaced=a stale socket of an earlier run" : "",
                    PeerCheck.available() ? "" : " peer_check=unavailable (jdk.net is not visible to the bundle;"
                            + " the socket's mode 0600 keeps other users out)");
            return started;
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    @Deactivate
    void deactivate() {
        if (server != null) {
            try {
                server.close();
            } catch (IOException e) {
                LOG.warn("SHELL error={} closing the remote shell", e.toString());
            }
            server = null;
        }
    }

    /**
     * The socket's path: {@code configured} if absolute, else in the data directory (framework
     * property {@code superserver.data}, else {@code karaf.data}, else the bundle's data area).
     */
    static Path socketPath(String configured, Function<String, String> properties, Path ownData) {
        String name = configured == null || configured.isBlank() ? DEFAULT_PATH : configured.trim();
        Path path = Path.of(name);
        if (path.isAbsolute()) {
            return path.normalize();
        }
        for (String property : new String[] {"superserver.data", "karaf.data"}) {
            String data = properties.apply(property);
            if (data != null && !data.isBlank()) {
                return Path.of(data).resolve(path).toAbsolutePath().normalize();
            }
        }
        return ownData == null ? null : ownData.resolve(path).toAbsolutePath().normalize();
    }
}
