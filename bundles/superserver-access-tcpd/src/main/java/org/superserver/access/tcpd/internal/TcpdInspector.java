package org.superserver.access.tcpd.internal;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.BiPredicate;
import org.superserver.api.AddressLiterals;
import org.superserver.api.Diagnostic;
import org.superserver.api.access.PolicyInspector;

/**
 * The tcpd policy as tcpdmatch(8) and tcpdchk(8) show it.
 *
 * <p>{@link #explain} applies the rules in effect to a daemon and a client as tcpdmatch does: a
 * client given by address is checked as if its name lookup had failed (its name is
 * {@code unknown}); a client given by host name is checked once per address of that name, each with
 * the verified name of the address; {@code unknown} and {@code paranoid} stand for a client without
 * an address and with that name. A server given as {@code daemon@server} (a name with one address,
 * or an address) gets the verified name of its address; without it the server is unknown. A user
 * given as {@code user@client} is taken as the client's user; without it the user is unknown.
 * Ports are unknown (0), so a port-number daemon pattern matches nothing, as in tcpdmatch. Options
 * are shown with their %-expansions and not carried out: no command runs ({@code spawn},
 * {@code twist}, {@code aclexec}, which counts as exiting 0), no banner is sent, nothing is logged.
 * Lookups wait here, each bounded by the lookup timeout: this runs on a shell's thread. They run on
 * the inspector's own executor, apart from the connections' lookups, and their answers are kept for
 * one explanation only (not in the connections' name cache).
 *
 * <p>{@link #check} reads the files again as they are on disk now and returns their diagnostics, in
 * the order found (hosts.allow, hosts.deny, then the pattern files); the rules in effect stay.
 */
final class TcpdInspector implements PolicyInspector {

    private static final String UNKNOWN = Request.UNKNOWN;
    private static final String PARANOID = Request.PARANOID;

    private final TcpdPolicy policy;
    private final Executor executor;
    private final Resolver resolver;
    private final BiPredicate<String, String> netgroups;
    private final long lookupTimeoutMillis;
    private final long pid = ProcessHandle.current().pid();
    /** How long, at most, one explanation's verified names are kept: it is dropped after it. */
    private static final long EXPLANATION_NAMES_MILLIS = 60_000;
    private static final int MAX_EXPLANATION_NAMES = 256;

    /**
     * @param policy    the policy whose rules in effect and files are shown
     * @param executor  where this inspector's lookups run (not the connections' lookup executor)
     * @param resolver  names of addresses and addresses of names
     * @param netgroups netgroup membership (group, host), or {@code null} where the system has none
     */
    TcpdInspector(TcpdPolicy policy, Executor executor, Resolver resolver, BiPredicate<String, String> netgroups,
                  long lookupTimeoutMillis) {
        this.policy = policy;
        this.executor = executor;
        this.resolver = resolver;
        this.netgroups = netgroups;
        this.lookupTimeoutMillis = lookupTimeoutMillis;
    }

    @Override
    public List<Diagnostic> check() {
        return RuleSet.load(policy.allowFile, policy.denyFile, netgroups != null).diagnostics;
    }

    /** One end of the imagined connection: its address ({@code null}: unknown), its name, and a lookup warning. */
    private static final class Peer {
        static final Peer UNKNOWN_HOST = new Peer(null, UNKNOWN, null);

        final InetAddress address;
        final String name;
        final String warning;

        Peer(InetAddress address, String name, String warning) {
            this.address = address;
            this.name = name;
            this.warning = warning;
        }

        InetSocketAddress endpoint() {
            return address == null ? InetSocketAddress.createUnresolved(UNKNOWN, 0) : new InetSocketAddress(address, 0);
        }
    }

    /**
     * @throws IllegalArgumentException when a part is missing or malformed, a host name has no
     *         address (or the server's has more than one), or a lookup takes longer than the timeout
     */
    @Override
    public Explanation explain(String daemon, String client) {
        String d = daemon == null ? "" : daemon.strip();
        String c = client == null ? "" : client.strip();
        int at = d.indexOf('@');
        String process = at < 0 ? d : d.substring(0, at);
        if (process.isEmpty()) {
            throw new IllegalArgumentException("no daemon name in '" + d + "'; expected daemon[@server], "
                    + "e.g. in.fingerd or in.fingerd@192.0.2.1");
        }
        at = c.indexOf('@');
        String user = at < 0 ? null : c.substring(0, at);
        String host = at < 0 ? c : c.substring(at + 1);
        if (host.isEmpty()) {
            throw new IllegalArgumentException("no client host in '" + c + "'; expected [user@]host, where host is a "
                    + "host name, an address, unknown or paranoid");
        }
        if (user != null && user.isEmpty()) {
            throw new IllegalArgumentException("no user before the '@' in '" + c + "'; expected user@host or host");
        }
        // Verified names for this explanation only.
        NameCache names = new NameCache(resolver, executor, EXPLANATION_NAMES_MILLIS, MAX_EXPLANATION_NAMES,
                System::nanoTime);
        Peer server = Peer.UNKNOWN_HOST;
        int serverAt = d.indexOf('@');
        if (serverAt >= 0) {
            String serverHost = d.substring(serverAt + 1);
            if (serverHost.isEmpty()) {
                throw new IllegalArgumentException("no server after the '@' in '" + d + "'; expected daemon@server, "
                        + "where server is a host name, an address, unknown or paranoid");
            }
            List<Peer> servers = peers(names, serverHost, "server", true);
            if (servers.size() > 1) {
                throw new IllegalArgumentException(serverHost + " has more than one address (" + addresses(servers)
                        + "); expected a server address or a name with one address");
            }
            server = servers.get(0);
        }
        List<Peer> clients = peers(names, host, "client", false);

        RuleSet rules = policy.rules();
        if (rules == null) {
            rules = RuleSet.load(policy.allowFile, policy.denyFile, netgroups != null);
        }
        List<String> report = new ArrayList<>();
        if (rules.changedOnDisk()) {
            report.add("warning: " + policy.allowFile + " or " + policy.denyFile + " (or a pattern file they name) "
                    + "changed on disk after it was read; this is what the rules in effect decide");
        }
        if (server.warning != null) {
            report.add("warning: " + server.warning);
        }
        Boolean allowed = null;
        String rule = null;
        for (int i = 0; i < clients.size(); i++) {
            if (i > 0) {
                report.add("");
            }
            Outcome o = explainOne(names, rules, process, server, clients.get(i), user, report);
            boolean letIn = o.allowed && o.twist == null;
            // The first address not let in decides the verdict; if every one is, the first does.
            if (allowed == null || (allowed && !letIn)) {
                allowed = letIn;
                rule = o.rule == null ? null : o.rule.where();
            }
        }
        return new Explanation(allowed, rule, report);
    }

    /** tcpdmatch's report for one client address: what is known, what the rules say, the verdict. */
    private Outcome explainOne(NameCache names, RuleSet rules, String process, Peer server, Peer client, String user,
                               List<String> out) {
        Request r = new Request(process, server.endpoint(), client.endpoint(), true, false, lookupTimeoutMillis,
                lookups(names), pid);
        r.server.assumeName(server.name);
        r.client.assumeName(client.name);
        if (user != null) {
            r.assumeUser(user);
        }
        if (client.warning != null) {
            out.add("warning: " + client.warning);
        }
        if (!client.name.equalsIgnoreCase(UNKNOWN)) {
            out.add("client:   hostname " + client.name);
        }
        if (!r.client.addr.equals(UNKNOWN)) {
            out.add("client:   address  " + r.client.addr);
        }
        String u = r.user();
        if (!u.equalsIgnoreCase(UNKNOWN)) {
            out.add("client:   username " + u);
        }
        if (!server.name.equalsIgnoreCase(UNKNOWN)) {
            out.add("server:   hostname " + server.name);
        }
        if (!r.server.addr.equals(UNKNOWN)) {
            out.add("server:   address  " + r.server.addr);
        }
        out.add("server:   process  " + process);
        // Not a connection: the views kept for connections stay as they are.
        Outcome o = Matcher.decide(rules, r, false);
        scanned(rules, o, out);
        if (o.rule != null) {
            Rule rule = o.rule;
            out.add("matched:  " + rule.file + " line " + rule.line);
            for (Option option : rule.options) {
                String value = option.value != null && option.kind.expands()
                        ? Expander.expand(option.value, r).strip() : option.value;
                out.add("option:   " + option.kind.keyword() + (value == null ? "" : " " + value));
                if (option.kind == Option.Kind.BANNERS && !Files.isDirectory(Path.of(value))) {
                    out.add("warning: " + rule.file + ", line " + rule.line + ": " + value + ": no such directory");
                }
            }
            if (rule.optionError != null) {
                out.add("error: " + rule.file + ", line " + rule.line + ": " + rule.optionError);
            }
        } else if (!o.allowed) {
            out.add("error: " + o.reason);
        }
        out.add("access:   " + (o.twist != null ? "delegated" : o.allowed ? "granted" : "denied"));
        return o;
    }

    /**
     * The problems of the lines read on the way to the decision (tcpdmatch reports them as it reads):
     * hosts.allow up to the matching rule or whole, then hosts.deny likewise when it was reached. The
     * matching rule's bad option is shown after its options instead.
     */
    private static void scanned(RuleSet rules, Outcome o, List<String> out) {
        boolean allowReadable = rules.allow.status != RuleSet.Status.UNREADABLE;
        boolean denyReached = allowReadable && !"allow".equals(o.table);
        String allow = rules.allow.path.toString();
        String deny = rules.deny.path.toString();
        for (Diagnostic d : rules.diagnostics) {
            if (d.line() == 0) {
                continue;
            }
            boolean inAllow = allowReadable && d.file().equals(allow);
            boolean inDeny = denyReached && d.file().equals(deny);
            if (!inAllow && !inDeny) {
                continue;
            }
            Rule matched = o.rule != null && d.file().equals(o.rule.file) ? o.rule : null;
            if (matched != null && (d.line() > matched.line || (d.line() == matched.line && HostsParser.OPTION.equals(d.field())))) {
                continue;
            }
            out.add((d.isError() ? "error: " : "warning: ") + d.file() + ", line " + d.line() + ": "
                    + (d.field() == null ? "" : d.field() + ": ") + d.message());
        }
    }

    /**
     * What a client or server argument stands for: {@code unknown} or {@code paranoid} (no address);
     * an address (a server's name is looked up, a client's is taken as unknown, as tcpdmatch does); or
     * a host name, one peer per address, each with its verified name.
     */
    private List<Peer> peers(NameCache names, String text, String role, boolean nameOfAddress) {
        String lower = text.toLowerCase(Locale.ROOT);
        if (lower.equals(UNKNOWN) || lower.equals(PARANOID)) {
            return List.of(new Peer(null, lower, null));
        }
        Optional<InetAddress> literal = AddressLiterals.parse(text);
        if (literal.isPresent()) {
            return List.of(nameOfAddress ? named(names, literal.get()) : new Peer(literal.get(), UNKNOWN, null));
        }
        if (text.chars().allMatch(ch -> (ch >= '0' && ch <= '9') || ch == '.')) {
            throw new IllegalArgumentException(role + " '" + text + "' is not an address; expected n.n.n.n, an IPv6 "
                    + "address, a host name, unknown or paranoid");
        }
        List<InetAddress> found = names.bounded(() -> {
            try {
                return resolver.addressesOf(text);
            } catch (Exception e) {
                return List.<InetAddress>of();
            }
        }, lookupTimeoutMillis, null);
        if (found == null) {
            throw new IllegalArgumentException(text + ": host name lookup did not finish within " + lookupTimeoutMillis
                    + " ms (lookup_timeout_ms)");
        }
        if (found.isEmpty()) {
            throw new IllegalArgumentException(text + ": host not found");
        }
        List<Peer> out = new ArrayList<>();
        for (InetAddress a : new LinkedHashSet<>(found)) {
            out.add(named(names, a));
        }
        return out;
    }

    /** An address with its verified name, and tcpdmatch's warning when there is none. */
    private Peer named(NameCache names, InetAddress address) {
        String name;
        try {
            name = names.lookup(address).get(lookupTimeoutMillis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            name = UNKNOWN;
        } catch (Exception e) {
            name = UNKNOWN;
        }
        String a = Request.format(address);
        String warning = name.equals(UNKNOWN) ? "host address " + a + "->name lookup failed"
                : name.equals(PARANOID) ? "host address " + a + "->name does not map back to " + a + " (paranoid)"
                : null;
        return new Peer(address, name, warning);
    }

    private static String addresses(List<Peer> peers) {
        List<String> out = new ArrayList<>();
        for (Peer p : peers) {
            out.add(Request.format(p.address));
        }
        return String.join(", ", out);
    }

    /** Names are assumed before matching; netgroups are asked; nothing is run. */
    private Request.Lookups lookups(NameCache names) {
        return new Request.Lookups() {
            @Override
            public String hostName(InetAddress address) {
                return address == null ? UNKNOWN : named(names, address).name;
            }

            @Override
            public String user(InetSocketAddress local, InetSocketAddress remote, long timeoutMillis) {
                return UNKNOWN;
            }

            @Override
            public boolean inNetgroup(String netgroup, String host) {
                return netgroups != null
                        && names.bounded(() -> netgroups.test(netgroup, host), lookupTimeoutMillis, Boolean.FALSE);
            }

            @Override
            public boolean aclexec(String command, Map<String, String> env) {
                return true;
            }
        };
    }
}
