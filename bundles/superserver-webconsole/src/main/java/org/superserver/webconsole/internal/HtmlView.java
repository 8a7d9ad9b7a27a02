package org.superserver.webconsole.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import org.superserver.api.ServiceDefinition;
import org.superserver.api.status.ConnectionStatus;
import org.superserver.api.status.ServiceStats;

/**
 * The page's HTML, the content part only (the Web Console draws its header, navigation and
 * footer around it), in the console's own table and status-line styles. Every value shown is
 * escaped; every form carries the anti-forgery token.
 */
final class HtmlView {

    private HtmlView() {
    }

    /**
     * @param view     what to show
     * @param outcome  the result of the action that led here, or {@code null}
     * @param token    the anti-forgery token the forms send back
     * @param action   where the forms post to
     * @param now      the time the connections' ages are counted to
     */
    static String render(ConsoleView view, ActionResult outcome, String token, String action, Instant now) {
        StringBuilder h = new StringBuilder(4096);
        if (outcome != null) {
            h.append("<div id='superserver-outcome' class='ui-widget ui-corner-all ")
                    .append(outcome.ok() ? "ui-state-highlight" : "ui-state-error")
                    .append("' style='padding:0.5em;margin-bottom:0.5em'>")
                    .append(Html.escape(outcome.action()));
            if (!outcome.service().isEmpty()) {
                h.append(' ').append(Html.escape(outcome.service()));
            }
            h.append(outcome.ok() ? ": " : " refused: ").append(Html.escape(outcome.message())).append("</div>\n");
        }
        h.append("<p class='statline ui-state-highlight'>");
        if (view.coreRunning()) {
            h.append("Superserver: ").append(view.services().size()).append(" services, ")
                    .append(view.connections().size()).append(" live connections.");
        } else {
            h.append("The core is not running: no org.superserver.api.status.ServerStatus service; start bundle"
                    + " superserver-core.");
        }
        h.append(" Configuration sources: ");
        if (view.sources().isEmpty()) {
            h.append("none");
        } else {
            h.append(Html.escape(String.join("; ", view.sources())));
        }
        h.append(".</p>\n");
        form(h, token, action, "reload", null, "Reload configuration");

        services(h, view, token, action);
        counters(h, view);
        heading(h, "Enable a service");
        h.append("<form method='post' action='").append(Html.escape(action)).append("'>")
                .append(hidden("token", token)).append(hidden("action", "enable"))
                .append("<input type='text' name='service' size='30' placeholder='service id'/> ")
                .append("<input type='submit' class='ui-state-default ui-corner-all' value='Enable'/></form>\n");
        connections(h, view, now);
        return h.toString();
    }

    private static void services(StringBuilder h, ConsoleView view, String token, String action) {
        heading(h, "Services");
        h.append("<table id='superserver-services' class='tablesorter nicetable noauto'>\n<thead><tr>")
                .append("<th>Service</th><th>Id</th><th>Protocol</th><th>Address</th><th>State</th><th>Detail</th>")
                .append("<th>Dispatch</th><th>Accepted</th><th>Active</th><th>Origin</th><th>Actions</th>")
                .append("</tr></thead>\n<tbody>\n");
        if (view.services().isEmpty()) {
            h.append("<tr><td colspan='11'>no services are defined</td></tr>\n");
        }
        for (ConsoleView.ServiceRow row : view.services()) {
            ServiceDefinition d = row.definition();
            h.append("<tr>");
            cell(h, d.name());
            cell(h, d.id());
            cell(h, d.protocol().configName() + " " + d.socketType().configName());
            cell(h, row.address());
            cell(h, row.listener().state().name());
            cell(h, row.listener().detail());
            cell(h, dispatch(d));
            cell(h, row.listener().accepted());
            cell(h, row.listener().activeConnections());
            cell(h, d.origin() == null ? "" : d.origin());
            h.append("<td>");
            form(h, token, action, "disable", d.id(), "Disable");
            h.append("</td></tr>\n");
        }
        h.append("</tbody></table>\n");
    }

    private static void counters(StringBuilder h, ConsoleView view) {
        heading(h, "Counters");
        h.append("<table id='superserver-counters' class='tablesorter nicetable noauto'>\n<thead><tr>")
                .append("<th>Service</th><th>Id</th><th>Accepted</th><th>Denied</th><th>Refused</th>")
                .append("<th>Servers started</th><th>Servers failed</th><th>Bytes in</th><th>Bytes out</th>")
                .append("</tr></thead>\n<tbody>\n");
        for (ConsoleView.ServiceRow row : view.services()) {
            ServiceStats s = row.stats();
            h.append("<tr>");
            cell(h, s.service());
            cell(h, s.serviceId());
            cell(h, s.accepted());
            cell(h, s.denied() + breakdown(s.deniedBy()));
            cell(h, s.refused() + breakdown(s.refusedBy()));
            cell(h, s.childrenStarted());
            cell(h, s.childrenFailed());
            cell(h, s.bytesIn());
            cell(h, s.bytesOut());
            h.append("</tr>\n");
        }
        h.append("</tbody></table>\n");
    }

    private static void connections(StringBuilder h, ConsoleView view, Instant now) {
        heading(h, "Connections");
        if (view.connections().isEmpty()) {
            h.append("<p id='superserver-connections'>No live connections.</p>\n");
            return;
        }
        h.append("<table id='superserver-connections' class='tablesorter nicetable noauto'>\n<thead><tr>")
                .append("<th>Id</th><th>Service</th><th>Kind</th><th>Peer</th><th>Local</th><th>Age</th>")
                .append("<th>Bytes in</th><th>Bytes out</th><th>Pid</th></tr></thead>\n<tbody>\n");
        for (ConnectionStatus c : view.connections()) {
            h.append("<tr>");
            cell(h, c.id());
            cell(h, c.service());
            cell(h, c.kind().name());
            cell(h, ConsoleView.address(c.remote()));
            cell(h, ConsoleView.address(c.local()));
            cell(h, age(c.started(), now));
            cell(h, c.bytesIn() < 0 ? "-" : Long.toString(c.bytesIn()));
            cell(h, c.bytesOut() < 0 ? "-" : Long.toString(c.bytesOut()));
            cell(h, c.pid() == 0 ? "-" : Integer.toString(c.pid()));
            h.append("</tr>\n");
        }
        h.append("</tbody></table>\n");
    }

    static String dispatch(ServiceDefinition d) {
        return d.isInternal() ? "internal " + d.handler()
                : d.isRedirect() ? "redirect " + d.redirectHost() + " " + d.redirectPort() : String.valueOf(d.server());
    }

    /** {@code 1h02m03s}, {@code 4m05s} or {@code 6s}. */
    static String age(Instant started, Instant now) {
        long seconds = Math.max(0, Duration.between(started, now).getSeconds());
        long h = seconds / 3600;
        long m = seconds / 60 % 60;
        long s = seconds % 60;
        return h > 0 ? String.format("%dh%02dm%02ds", h, m, s) : m > 0 ? String.format("%dm%02ds", m, s) : s + "s";
    }

    private static String breakdown(Map<String, Long> by) {
        if (by.isEmpty()) {
            return "";
        }
        StringBuilder text = new StringBuilder(" (");
        new TreeMap<>(by).forEach((name, count) -> {
            if (text.length() > 2) {
                text.append(", ");
            }
            text.append(name).append(' ').append(count);
        });
        return text.append(')').toString();
    }

    private static void form(StringBuilder h, String token, String action, String what, String service, String label) {
        h.append("<form method='post' style='display:inline' action='").append(Html.escape(action)).append("'>")
                .append(hidden("token", token)).append(hidden("action", what));
        if (service != null) {
            h.append(hidden("service", service));
        }
        h.append("<input type='submit' class='ui-state-default ui-corner-all' value='").append(Html.escape(label))
                .append("'/></form>\n");
    }

    private static String hidden(String name, String value) {
        return "<input type='hidden' name='" + Html.escape(name) + "' value='" + Html.escape(value) + "'/>";
    }

    /** A section title in the console's widget-header style. */
    private static void heading(StringBuilder h, String title) {
        h.append("<div class='ui-widget-header ui-corner-top' style='margin-top:1em;padding:0.2em 0.5em'>")
                .append(Html.escape(title)).append("</div>\n");
    }

    private static void cell(StringBuilder h, Object value) {
        h.append("<td>").append(Html.escape(value)).append("</td>");
    }
}
