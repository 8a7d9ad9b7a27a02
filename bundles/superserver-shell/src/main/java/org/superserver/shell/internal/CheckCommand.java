package org.superserver.shell.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.apache.felix.service.command.Descriptor;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.superserver.api.ConfigSource;
import org.superserver.api.Diagnostic;
import org.superserver.api.access.AccessPolicy;
import org.superserver.api.access.PolicyInspector;
import org.superserver.api.status.ListenerState;
import org.superserver.api.status.ListenerStatus;
import org.superserver.api.status.ServerStatus;

/**
 * {@code inetd:check}: every problem of every configuration format and access policy, as tcpdchk
 * does for tcpd: what each {@link ConfigSource#check()} and {@link PolicyInspector#check()} finds
 * in the files as they are on disk now (nothing is reloaded), and the listeners that cannot serve
 * ({@link ListenerState#FAILED}), each named by the file and line of its definition.
 */
@Component(service = CheckCommand.class, property = {
        "osgi.command.scope=inetd",
        "osgi.command.function=check"})
public final class CheckCommand {

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile ServerStatus status;

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile List<ConfigSource> sources = List.of();

    @Reference(service = PolicyInspector.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    volatile List<Map.Entry<Map<String, Object>, PolicyInspector>> inspectors = List.of();

    @Descriptor("lists every problem of every configuration, as tcpdchk(8) does for tcpd: each configuration"
            + " source's files (inetd.conf, xinetd.conf, ...) and each access policy's files (hosts.allow,"
            + " hosts.deny, ...) as they are on disk now, without reloading them, and every listener that failed;"
            + " one file:line: error|warning: field: message line each, grouped by where it was found")
    public Object check() {
        List<CheckReport.Group> groups = new ArrayList<>();
        List<ConfigSource> configs = new ArrayList<>(sources == null ? List.of() : sources);
        configs.sort(Comparator.comparing(CheckCommand::describe));
        for (ConfigSource source : configs) {
            groups.add(new CheckReport.Group(describe(source), problems(source::check, describe(source))));
        }
        List<Map.Entry<Map<String, Object>, PolicyInspector>> policies = new ArrayList<>(
                inspectors == null ? List.of() : inspectors);
        policies.sort(Comparator.comparing(e -> policyName(e.getKey())));
        for (Map.Entry<Map<String, Object>, PolicyInspector> policy : policies) {
            String title = "access policy " + policyName(policy.getKey());
            groups.add(new CheckReport.Group(title, problems(policy.getValue()::check, title)));
        }
        ServerStatus current = status;
        if (current != null) {
            groups.add(new CheckReport.Group("listeners", failed(current.listeners())));
        }
        return new CheckReport(groups);
    }

    /** A diagnostic per FAILED listener, at the file and line of its definition. */
    static List<Diagnostic> failed(List<ListenerStatus> listeners) {
        List<Diagnostic> problems = new ArrayList<>();
        listeners.stream().filter(l -> l.state() == ListenerState.FAILED).sorted(StatusFormat.ORDER).forEach(l -> {
            String origin = l.definition().origin() == null || l.definition().origin().isEmpty() ? "-"
                    : l.definition().origin();
            int colon = origin.lastIndexOf(':');
            String file = origin;
            int line = 0;
            if (colon > 0 && origin.substring(colon + 1).matches("[0-9]{1,9}")) {
                file = origin.substring(0, colon);
                line = Integer.parseInt(origin.substring(colon + 1));
            }
            problems.add(Diagnostic.error(file, line, "listener", "service " + l.definition().name() + "/"
                    + l.definition().protocol().configName() + " cannot be served: " + l.detail()));
        });
        return problems;
    }

    private interface Check {
        List<Diagnostic> run();
    }

    private static List<Diagnostic> problems(Check check, String what) {
        try {
            List<Diagnostic> found = check.run();
            return found == null ? List.of() : found;
        } catch (RuntimeException e) {
            return List.of(Diagnostic.error(what, 0, null, "the check failed: " + e));
        }
    }

    private static String policyName(Map<String, Object> properties) {
        Object name = properties.get(AccessPolicy.NAME_PROPERTY);
        if (name instanceof String[] names) {
            return String.join(",", names);
        }
        return name == null ? "?" : String.valueOf(name);
    }

    private static String describe(ConfigSource source) {
        try {
            return source.description();
        } catch (RuntimeException e) {
            return source.getClass().getName();
        }
    }
}
