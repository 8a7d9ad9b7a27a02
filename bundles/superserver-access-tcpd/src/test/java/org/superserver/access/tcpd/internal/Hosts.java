package org.superserver.access.tcpd.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Test fixture: hosts.allow and hosts.deny in a folder, a name table instead of DNS (address to
 * name; a name mapped to {@code paranoid} does not map back), netgroups, an ident answer, and the
 * decisions the matcher makes for them.
 */
final class Hosts implements Request.Lookups, Resolver {

    final Path dir;
    final Path allow;
    final Path deny;
    /** Address (as text) to name. */
    final Map<String, String> names = new HashMap<>();
    /** Addresses whose name does not map back to them. */
    final Set<String> liars = new HashSet<>();
    final Map<String, Set<String>> netgroups = new HashMap<>();
    final AtomicInteger lookups = new AtomicInteger();
    final List<String> identQueries = new ArrayList<>();
    /** The timeout of each ident query, in milliseconds. */
    final List<Long> identTimeouts = new ArrayList<>();
    String identUser = Request.UNKNOWN;
    boolean netgroupSupport = true;
    boolean ident;

    Hosts(Path dir) {
        this.dir = dir;
        this.allow = dir.resolve("hosts.allow");
        this.deny = dir.resolve("hosts.deny");
    }

    Hosts name(String address, String name) {
        names.put(address, name);
        return this;
    }

    Hosts files(String allowText, String denyText) throws IOException {
        write(allow, allowText);
        write(deny, denyText);
        return this;
    }

    static void write(Path file, String text) throws IOException {
        Files.write(file, text.getBytes(StandardCharsets.ISO_8859_1));
    }

    RuleSet rules() {
        return RuleSet.load(allow, deny, netgroupSupport);
    }

    /** The decision for a daemon and a client address, the server at 127.0.0.1:{@code port}. */
    Outcome decide(String daemon, String client) {
        return decide(daemon, client, 79);
    }

    Outcome decide(String daemon, String client, int port) {
        return Matcher.decide(rules(), request(daemon, client, "127.0.0.1", port));
    }

    Request request(String daemon, String client, String server, int port) {
        return new Request(daemon, endpoint(server, port), endpoint(client, 40000), true, ident, 1000, this, 4242);
    }

    static InetSocketAddress endpoint(String address, int port) {
        return new InetSocketAddress(org.superserver.api.AddressLiterals.parse(address).orElseThrow(), port);
    }

    /** "allow /path/hosts.allow:3", "deny (no rule matched)", ... */
    String verdict(String daemon, String client) {
        Outcome o = decide(daemon, client);
        return (o.allowed ? "allow " : "deny ") + (o.rule == null ? o.reason : dir.relativize(Path.of(o.rule.file))
                + ":" + o.rule.line);
    }

    @Override
    public String hostName(InetAddress address) {
        lookups.incrementAndGet();
        String a = Request.format(address);
        String name = names.get(a);
        return name == null ? Request.UNKNOWN : liars.contains(a) ? Request.PARANOID : name;
    }

    @Override
    public String user(InetSocketAddress local, InetSocketAddress remote, long timeoutMillis) {
        identQueries.add(remote.getPort() + "," + local.getPort());
        identTimeouts.add(timeoutMillis);
        return identUser;
    }

    @Override
    public boolean inNetgroup(String netgroup, String host) {
        return netgroups.getOrDefault(netgroup, Set.of()).contains(host);
    }

    @Override
    public boolean aclexec(String command, Map<String, String> env) {
        return command.contains("true");
    }

    // Resolver, for NameCache and TcpdPolicy tests

    @Override
    public String nameOf(InetAddress address) {
        lookups.incrementAndGet();
        return names.get(Request.format(address));
    }

    @Override
    public List<InetAddress> addressesOf(String name) throws Exception {
        List<InetAddress> out = new ArrayList<>();
        for (Map.Entry<String, String> e : names.entrySet()) {
            if (e.getValue().equalsIgnoreCase(name) && !liars.contains(e.getKey())) {
                out.add(InetAddress.getByName(e.getKey()));
            }
        }
        return out;
    }
}
