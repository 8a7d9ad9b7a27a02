package org.superserver.api.access;

import java.util.List;
import org.osgi.annotation.versioning.ConsumerType;
import org.superserver.api.Diagnostic;

/**
 * The administrator's view of an access policy: what it would decide for a given client, and what
 * is wrong with its rule files. It is what tcpdmatch(8) and tcpdchk(8) are to tcp wrappers.
 * Registered by a policy bundle beside its {@link AccessPolicy}, with the same
 * {@value AccessPolicy#NAME_PROPERTY} property. Nothing here has side effects: no command is
 * run, no banner is sent, no decision is logged.
 */
@ConsumerType
public interface PolicyInspector {

    /**
     * Works out what the policy would decide for {@code client} connecting to {@code daemon}. May
     * look names up (it is called from a shell, never from an event loop).
     *
     * @param daemon the daemon name as the rules see it: a process name ({@code in.fingerd}), a
     *               service name for in-process services, optionally {@code daemon@server}
     * @param client a host name or address, optionally {@code user@host}
     * @return the report, in the policy's own words, and its verdict
     * @throws IllegalArgumentException when {@code daemon} or {@code client} cannot be understood
     */
    Explanation explain(String daemon, String client);

    /** Every problem in the policy's files as they are on disk now, in the order found. */
    List<Diagnostic> check();

    /**
     * What {@link #explain} found.
     *
     * @param allowed whether the client would be let in (a {@code twist} counts as not let in
     *                to the server)
     * @param rule the rule that decides ({@code /etc/hosts.deny:3}), or {@code null} when none does
     * @param report the lines to show, in the style of the policy's classic tool
     */
    record Explanation(boolean allowed, String rule, List<String> report) {
        public Explanation {
            report = List.copyOf(report);
        }
    }
}
