package org.superserver.access.tcpd.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * RFC 1413 (ident) client: asks the client host's port 113 who owns the connection. Blocking, with
 * a timeout; called only off the event loop, when ident is enabled or a rule has the {@code rfc931} option.
 */
interface Ident {

    /** The user owning the connection, or {@code unknown}. */
    String query(InetSocketAddress local, InetSocketAddress remote, long timeoutMillis);

    /** The RFC 1413 protocol over a socket bound to the server's address. */
    Ident RFC1413 = (local, remote, timeoutMillis) -> {
        int timeout = (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeoutMillis));
        try (Socket s = new Socket()) {
            s.bind(new InetSocketAddress(local.getAddress(), 0));
            s.connect(new InetSocketAddress(remote.getAddress(), 113), timeout);
            s.setSoTimeout(timeout);
            OutputStream out = s.getOutputStream();
            out.write((remote.getPort() + " , " + local.getPort() + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            StringBuilder line = new StringBuilder();
            int c;
            while ((c = in.read()) >= 0 && c != '\n' && line.length() < 1000) {
                line.append((char) c);
            }
            return parse(line.toString(), remote.getPort(), local.getPort());
        } catch (IOException | RuntimeException e) {
            return Request.UNKNOWN;
        }
    };

    /** {@code rport , lport : USERID : opsys : user}, else unknown. */
    static String parse(String reply, int remotePort, int localPort) {
        String[] parts = reply.split(":", 4);
        if (parts.length < 4 || !parts[1].trim().equalsIgnoreCase("USERID")) {
            return Request.UNKNOWN;
        }
        String[] ports = parts[0].split(",");
        try {
            if (ports.length != 2 || Integer.parseInt(ports[0].trim()) != remotePort
                    || Integer.parseInt(ports[1].trim()) != localPort) {
                return Request.UNKNOWN;
            }
        } catch (NumberFormatException e) {
            return Request.UNKNOWN;
        }
        String user = parts[3].replace("\r", "").trim();
        return user.isEmpty() ? Request.UNKNOWN : user;
    }
}
