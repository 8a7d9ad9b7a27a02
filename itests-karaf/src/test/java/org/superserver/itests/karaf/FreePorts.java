package org.superserver.itests.karaf;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

/** Ports of 127.0.0.1 that are free for both TCP and UDP when asked, all different. */
final class FreePorts {

    private FreePorts() {
    }

    static int[] take(int count) throws IOException {
        List<AutoCloseable> held = new ArrayList<>();
        int[] ports = new int[count];
        try {
            InetAddress loopback = InetAddress.getByName("127.0.0.1");
            for (int i = 0; i < count; ) {
                ServerSocket tcp = new ServerSocket(0, 1, loopback);
                held.add(tcp);
                int port = tcp.getLocalPort();
                try {
                    held.add(new DatagramSocket(new InetSocketAddress(loopback, port)));
                } catch (IOException busyForUdp) {
                    continue;
                }
                ports[i++] = port;
            }
            return ports;
        } finally {
            for (AutoCloseable socket : held) {
                try {
                    socket.close();
                } catch (Exception ignored) {
                    // closing a socket that was only held to reserve its port
                }
            }
        }
    }
}
