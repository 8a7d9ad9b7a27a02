package org.superserver.access.tcpd.internal;

/**
 * tcpd's {@code percent_x}: {@code %a %A} client/server address, {@code %c} client info
 * (user@host, host name or address), {@code %d} daemon, {@code %h %H} client/server name if looked up
 * and known, else address, {@code %n %N} client/server name (looks it up; {@code unknown} or
 * {@code paranoid}), {@code %p} process id, {@code %r %R} client/server port, {@code %s} server
 * info (daemon@host), {@code %u} user, {@code %%} a percent sign; any other letter expands to
 * nothing. In every expansion, characters outside tcpd's safe set (letters, digits and
 * {@code !@%-_=+:,./}) become {@code _}, so a host name cannot smuggle shell syntax into a command.
 */
final class Expander {

    private Expander() {
    }

    static String expand(String text, Request r) {
        if (text.indexOf('%') < 0) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length() + 32);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c != '%' || i + 1 >= text.length()) {
                out.append(c);
                continue;
            }
            char ch = text.charAt(++i);
            String x;
            switch (ch) {
                case 'a': x = r.client.addr; break;
                case 'A': x = r.server.addr; break;
                case 'c': x = client(r); break;
                case 'd': x = r.daemon; break;
                case 'h': x = r.client.info(); break;
                case 'H': x = r.server.info(); break;
                case 'n': x = r.client.name(); break;
                case 'N': x = r.server.name(); break;
                case 'p': x = Long.toString(r.pid); break;
                case 'r': x = Integer.toString(r.client.port()); break;
                case 'R': x = Integer.toString(r.server.port()); break;
                case 's': x = server(r); break;
                case 'u': x = r.user(); break;
                case '%': x = "%"; break;
                default: x = ""; break;
            }
            for (int k = 0; k < x.length(); k++) {
                char e = x.charAt(k);
                out.append(safe(e) ? e : '_');
            }
        }
        return out.toString();
    }

    /** tcpd's {@code eval_client}: user@host when the user is already known, else the host info. */
    static String client(Request r) {
        String host = r.client.info();
        String user = r.userIfKnown();
        return user != null && !user.equalsIgnoreCase(Request.UNKNOWN) ? user + "@" + host : host;
    }

    /** tcpd's {@code eval_server}: daemon@host. */
    static String server(Request r) {
        String host = r.server.info();
        return host.equalsIgnoreCase(Request.UNKNOWN) ? r.daemon : r.daemon + "@" + host;
    }

    static boolean safe(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "!@%-_=+:,./".indexOf(c) >= 0;
    }
}
