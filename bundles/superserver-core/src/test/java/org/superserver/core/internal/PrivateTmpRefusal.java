package org.superserver.core.internal;

import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.superserver.api.Protocol;
import org.superserver.api.ServiceDefinition;
import org.superserver.api.SocketType;

/**
 * A core, run in a process of its own (by {@link SandboxTest}) where the kernel refuses a mount
 * namespace, serving one {@code private_tmp} service on the port given as the argument: prints the
 * listener's state and whether a client on that port was refused.
 */
final class PrivateTmpRefusal {

    private PrivateTmpRefusal() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        Registry registry = new Registry();
        registry.start(CoreFixture.SETTINGS).get(10, TimeUnit.SECONDS);
        try {
            registry.addDefinition("d", ServiceDefinition.builder().id("boxed").name("boxed")
                    .socketType(SocketType.STREAM).protocol(Protocol.TCP).bindAddress("127.0.0.1").port(port)
                    .server("/bin/cat").argv(List.of("/bin/cat")).privateTmp(true).origin("test:boxed").build());
            registry.settled().get(10, TimeUnit.SECONDS);
            System.out.println("state=" + registry.listener("boxed").map(l -> l.state().name()).orElse("none"));
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
                System.out.println("client=connected");
            } catch (ConnectException e) {
                System.out.println("client=refused");
            }
        } finally {
            registry.stop();
        }
        System.out.flush();
        System.exit(0);
    }
}
