package org.superserver.shell.internal;

import org.apache.felix.service.command.Descriptor;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.superserver.api.access.AccessPolicy;
import org.superserver.api.access.PolicyInspector;

/**
 * {@code inetd:tcpdmatch} and {@code inetd:tcpdchk}: tcpdmatch(8) and tcpdchk(8) over the tcpd
 * policy the server runs, through its {@link PolicyInspector} (the one registered with
 * {@code superserver.policy=tcpd}; of several, the highest ranked). The reference is optional and
 * dynamic, so the commands work as soon as the tcpd bundle starts, and say so while it is absent.
 */
@Component(service = TcpdCommands.class, property = {
        "osgi.command.scope=inetd",
        "osgi.command.function=tcpdmatch",
        "osgi.command.function=tcpdchk"})
public final class TcpdCommands {

    static final String POLICY = "tcpd";
    static final String NOT_ACTIVE = "the tcpd access policy is not active (no "
            + "org.superserver.api.access.PolicyInspector service with superserver.policy=tcpd); install and start "
            + "bundle superserver-access-tcpd";
    static final String FILES = "the tcpd rule files";

    /** The tcpd policy's inspector, or {@code null}; the framework binds the highest ranked. */
    @Reference(service = PolicyInspector.class, target = "(" + AccessPolicy.NAME_PROPERTY + "=" + POLICY + ")",
            cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile PolicyInspector inspector;

    /**
     * {@code inetd:tcpdmatch DAEMON CLIENT}: what the tcpd rules in effect decide for CLIENT
     * ({@code [user@]host}: a host name, an address, {@code unknown} or {@code paranoid}) connecting
     * to DAEMON ({@code daemon[@server]}), in tcpdmatch's words. Runs no command, sends no banner.
     */
    @Descriptor("tells what the tcpd rules (hosts.allow, hosts.deny) decide for a client of a daemon, in"
            + " tcpdmatch(8)'s words; runs no command and sends no banner")
    public String tcpdmatch(
            @Descriptor("the daemon as the rules name it: a process name (in.fingerd) or a service name, optionally"
                    + " daemon@server") String daemon,
            @Descriptor("the client: a host name, an address, unknown or paranoid, optionally user@host")
            String client) {
        PolicyInspector tcpd = inspector;
        if (tcpd == null) {
            return NOT_ACTIVE;
        }
        try {
            return InspectorFormat.explanation(tcpd.explain(daemon, client));
        } catch (IllegalArgumentException e) {
            return "tcpdmatch: " + e.getMessage();
        }
    }

    /** {@code inetd:tcpdchk}: every problem of hosts.allow, hosts.deny and their pattern files as they are on disk now. */
    @Descriptor("lists every problem of hosts.allow, hosts.deny and the pattern files they name, as tcpdchk(8)"
            + " does, with file and line")
    public String tcpdchk() {
        PolicyInspector tcpd = inspector;
        return tcpd == null ? NOT_ACTIVE : InspectorFormat.diagnostics(tcpd.check(), FILES);
    }
}
