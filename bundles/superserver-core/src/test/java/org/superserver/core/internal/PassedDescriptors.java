package org.superserver.core.internal;

import static org.junit.Assert.assertTrue;

import io.netty.channel.unix.Socket;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Descriptors passed to a registry as a service manager passes them, for the socket activation tests. */
final class PassedDescriptors {

    private PassedDescriptors() {
    }

    /**
     * Copies {@code originals} to consecutive free descriptors (without close-on-exec, as a service
     * manager passes them), adds the copies to {@code passed} and returns the first.
     */
    static int copyConsecutive(List<Integer> passed, int... originals) {
        for (int base = 700; base < 4000; base += 50) {
            List<Integer> copies = new ArrayList<>();
            boolean consecutive = true;
            for (int original : originals) {
                int copy = Libc.fcntl(original, 0 /* F_DUPFD */, base);
                assertTrue("fcntl(F_DUPFD) failed", copy >= 0);
                copies.add(copy);
                consecutive &= copy == copies.get(0) + copies.size() - 1;
            }
            if (consecutive) {
                passed.addAll(copies);
                return copies.get(0);
            }
            copies.forEach(Libc::close);
        }
        throw new AssertionError("no consecutive free descriptors");
    }

    /** A TCP socket listening at {@code host} on an ephemeral port, added to {@code owned} (closed after the test). */
    static Socket stream(List<Socket> owned, String host) throws IOException {
        Socket s = Socket.newSocketStream();
        owned.add(s);
        s.bind(new InetSocketAddress(host, 0));
        s.listen(16);
        return s;
    }

    /** A UDP socket bound at {@code host} on an ephemeral port, added to {@code owned} (closed after the test). */
    static Socket datagram(List<Socket> owned, String host) throws IOException {
        Socket s = Socket.newSocketDgram();
        owned.add(s);
        s.bind(new InetSocketAddress(host, 0));
        return s;
    }

    /** The environment that tells this process about {@code count} passed descriptors, named {@code names}. */
    static Map<String, String> environment(int count, String names) {
        Map<String, String> env = new HashMap<>();
        env.put("LISTEN_PID", Long.toString(ProcessHandle.current().pid()));
        env.put("LISTEN_FDS", Integer.toString(count));
        if (names != null) {
            env.put("LISTEN_FDNAMES", names);
        }
        return env;
    }
}
