package org.superserver.core.internal;

import io.netty.channel.Channel;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.superserver.api.LogField;
import org.superserver.api.ServiceDefinition;
import org.superserver.api.status.ConnectionStatus;
import org.superserver.api.status.ListenerStatus;

/**
 * The text of a state dump, laid out like xinetd's SIGUSR1 dump ({@code /var/run/xinetd.dump}):
 * a header, one {@code Service =} block per service with its configuration (tab-indented, xinetd's
 * names where it has them) and its counters, the table of running servers ({@code Server table
 * dump}), the open in-process connections, and the core's own counters. A pure function of what
 * it is given.
 */
final class StateDump {

    private static final DateTimeFormatter CTIME = DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss yyyy",
            java.util.Locale.ROOT);

    /** What the dump reads. */
    record Input(Instant now, Instant started, List<Entry> entries, Function<String, Occupancy> occupancy,
                 List<LiveChildren.Child> children, Iterable<Channel> connections, List<ConnectionStatus> held,
                 ChildSlots slots, ConnectionLog log) {
    }

    private StateDump() {
    }

    static String text(Input in) {
        StringBuilder out = new StringBuilder();
        out.append("INTERNAL STATE DUMP: superserver\n");
        out.append("Current time: ").append(ctime(in.now())).append('\n');
        out.append("Started: ").append(ctime(in.started())).append("\n\n");
        List<Entry> entries = new ArrayList<>(in.entries());
        entries.sort(Comparator.comparing((Entry e) -> e.definition().name()).thenComparing(Entry::id));
        out.append("Services:\n");
        for (Entry entry : entries) {
            service(out, entry, in.occupancy().apply(entry.id()));
        }
        out.append("Server table dump:\n");
        for (LiveChildren.Child child : in.children()) {
            out.append(child.definition().name()).append(" server\n");
            out.append("pid = ").append(child.pid()).append('\n');
            out.append("start_time = ").append(ctime(child.started())).append('\n');
            out.append("Connection info:\n");
            out.append("\tservice id = ").append(child.definition().id()).append('\n');
            out.append("\tfrom = ").append(child.remote() == null ? "- (wait service: the server has the socket)"
                    : Addresses.format(child.remote())).append('\n');
            out.append('\n');
        }
        out.append('\n');
        out.append("Connection table dump:\n");
        List<String> lines = new ArrayList<>();
        for (Channel channel : in.connections()) {
            String id = channel.attr(Listeners.SERVICE_ID).get();
            if (id == null || !channel.isActive()) {
                continue;
            }
            LiveConnection live = LiveConnection.of(channel);
            Instant accepted = live == null ? null : live.accepted();
            lines.add(id + " connection\n"
                    + "\tfrom = " + Addresses.format(Peers.remote(channel)) + "\n"
                    + "\tto = " + Addresses.format(Peers.local(channel)) + "\n"
                    + "\taccepted = " + (accepted == null ? "-" : ctime(accepted)) + "\n");
        }
        for (ConnectionStatus c : in.held()) {
            lines.add(c.serviceId() + " connection\n"
                    + "\tfrom = " + Addresses.format(c.remote()) + "\n"
                    + "\tto = " + Addresses.format(c.local()) + "\n"
                    + "\taccepted = " + ctime(c.started()) + "\n");
        }
        lines.sort(null);
        lines.forEach(l -> out.append(l).append('\n'));
        out.append('\n');
        out.append("Counters:\n");
        out.append("\trunning servers = ").append(in.slots().running()).append(" (children.max ")
                .append(in.slots().max()).append(")\n");
        out.append("\tclients turned away = ").append(in.log().failures()).append('\n');
        out.append("\tFAIL lines suppressed = ").append(in.log().suppressed()).append('\n');
        LogWriter writer = in.log().writer();
        out.append("\tlog lines written to files and syslog = ").append(writer.written()).append('\n');
        out.append("\tlog lines dropped = ").append(writer.dropped()).append('\n');
        out.append("\tlog lines queued = ").append(writer.queued()).append('\n');
        out.append("END OF DUMP\n");
        return out.toString();
    }

    private static void service(StringBuilder out, Entry entry, Occupancy occupancy) {
        ServiceDefinition d = entry.definition();
        ListenerStatus status = entry.status();
        out.append("Service = ").append(d.name()).append('\n');
        out.append("\tState = ").append(status.state()).append('\n');
        if (!status.detail().isEmpty()) {
            out.append("\tDetail = ").append(status.detail()).append('\n');
        }
        out.append("\tService configuration: ").append(d.name()).append('\n');
        line(out, "id", d.id());
        line(out, "origin", d.origin());
        line(out, "socket_type", d.socketType().configName());
        line(out, "protocol", d.protocol().configName());
        line(out, "port", String.valueOf(d.port()));
        line(out, "Bind", d.bindAddress() == null ? "All addresses." : d.bindAddress());
        line(out, "wait", d.isWait() ? "yes" : "no");
        line(out, "Instances", d.instances() == 0 ? "UNLIMITED" : String.valueOf(d.instances()));
        if (d.maxPerMinute() > 0) {
            line(out, "max per minute", String.valueOf(d.maxPerMinute()));
        }
        if (d.perSource() > 0) {
            line(out, "PER_SOURCE", String.valueOf(d.perSource()));
        }
        if (d.cps() > 0) {
            line(out, "CPS", "max conn:" + d.cps() + " wait:" + d.cpsPauseSeconds());
        }
        if (d.maxLoad() > 0) {
            line(out, "max_load", String.valueOf(d.maxLoad()));
        }
        if (d.user() != null) {
            line(out, "user", d.user());
        }
        if (d.group() != null) {
            line(out, "group", d.group());
        }
        if (d.isInternal()) {
            line(out, "handler", d.handler());
        } else if (d.isRedirect()) {
            line(out, "redirect", d.redirectHost() + " " + d.redirectPort());
        } else {
            line(out, "Server", d.server());
            line(out, "Server argv", String.join(" ", d.argv()));
        }
        if (!d.policies().isEmpty()) {
            line(out, "policies", String.join(" ", d.policies()));
        }
        if (!d.optionalPolicies().isEmpty()) {
            line(out, "optional policies", String.join(" ", d.optionalPolicies()));
        }
        for (Map.Entry<String, List<String>> attribute : d.attributes().entrySet()) {
            line(out, attribute.getKey(), String.join(" ", attribute.getValue()));
        }
        if (d.bannerFail() != null) {
            line(out, "banner_fail", d.bannerFail());
        }
        line(out, "log_type", d.logTarget().toString());
        line(out, "log_on_success", fields(d.logOnSuccess()));
        line(out, "log_on_failure", fields(d.logOnFailure()));
        InetSocketAddress bound = status.boundAddress();
        out.append("\tlistening on = ").append(bound == null ? "-" : Addresses.format(bound)).append('\n');
        out.append("\taccepted = ").append(status.accepted()).append('\n');
        if (occupancy != null) {
            out.append("\trunning servers = ").append(occupancy.children.get()).append('\n');
            out.append("\topen connections = ").append(occupancy.connections.get()).append('\n');
            out.append("\tclient addresses counted (per_source) = ").append(occupancy.sources.addresses())
                    .append('\n');
            out.append("\trefused by limits = ").append(occupancy.refused.get()).append('\n');
            out.append("\tdenied by policies = ").append(occupancy.denied.get()).append('\n');
            out.append("\tended by reloads = ").append(occupancy.revoked.get()).append('\n');
        }
        out.append('\n');
    }

    private static void line(StringBuilder out, String name, String value) {
        out.append("\t\t").append(name).append(" = ").append(value == null ? "" : value).append('\n');
    }

    private static String fields(java.util.Set<LogField> fields) {
        if (fields.isEmpty()) {
            return "";
        }
        StringBuilder b = new StringBuilder();
        for (LogField f : fields) {
            b.append(b.length() == 0 ? "" : " ").append(f.name());
        }
        return b.toString();
    }

    static String ctime(Instant when) {
        return CTIME.format(ZonedDateTime.ofInstant(when, ZoneId.systemDefault()));
    }
}
