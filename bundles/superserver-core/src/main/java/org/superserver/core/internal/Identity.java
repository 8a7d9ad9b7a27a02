package org.superserver.core.internal;

import java.util.List;
import java.util.Optional;
import org.superserver.core.internal.Accounts.Account;

/**
 * Whom a child runs as: a pure decision from the server's own account and the user and group a
 * definition (or an access policy's decision) names.
 *
 * <ul>
 *   <li>No user named: the server's own identity, no switch.</li>
 *   <li>The server runs as root ({@code euid 0}): the named user with the named group, or else the
 *       user's primary group, and the supplementary groups {@code initgroups(user, gid)} sets
 *       ({@code getgrouplist(3)}: the group itself and every group that lists the user as a
 *       member), as openbsd-inetd does with {@code setgid(gid); initgroups(user, gid)}: so
 *       {@code nobody.daemon} runs with groups {@code [1]} and keeps no group of nobody's own
 *       primary group. A line for root is not switched at all, a named group included, again as
 *       openbsd-inetd does (it changes no id for root): {@code root.daemon} runs as the server's
 *       own uid, gid and groups.</li>
 *   <li>The server runs as an ordinary user: the named user must be that same user (by name or
 *       uid), and a named group its primary group; anything else is refused, so a service never
 *       runs as the wrong user. This includes {@code root}: a server that is not root cannot
 *       serve a line that asks for root.</li>
 * </ul>
 *
 * <p>A user or group that does not exist is {@link #unknown() unknown} rather than refused for
 * good: accounts from NSS (LDAP, say) may appear after the server starts.
 *
 * @param account the account the child runs as (its HOME, USER, SHELL)
 * @param gid the group id the child runs as
 * @param groups the supplementary groups of a switched child (empty: none at all)
 * @param switched whether the child must switch identity (uid or gid differ from the server's)
 * @param refusal why the service cannot be served, or {@code null}
 * @param unknown whether the refusal is a user or group that does not exist (yet)
 */
record Identity(Account account, int gid, List<Integer> groups, boolean switched, String refusal, boolean unknown) {

    static Identity refused(String why) {
        return new Identity(null, -1, List.of(), false, why, false);
    }

    static Identity unknownName(String why) {
        return new Identity(null, -1, List.of(), false, why, true);
    }

    boolean isRefused() {
        return refusal != null;
    }

    /**
     * @param server the account the server runs as
     * @param user the user named, or {@code null}/empty for the server's own
     * @param group the group named, or {@code null}/empty for the user's primary group
     * @param accounts where users, groups and group lists are looked up
     */
    static Identity decide(Account server, String user, String group, Accounts.Directory accounts) {
        boolean namedGroup = group != null && !group.isBlank();
        Account target;
        if (user == null || user.isBlank()) {
            target = server;
        } else {
            Optional<Account> found = accounts.user(user);
            if (found.isEmpty()) {
                return unknownName("user " + user + " does not exist (getpwnam found no entry)");
            }
            target = found.get();
        }
        int gid = target.gid();
        if (namedGroup) {
            Optional<Integer> found = accounts.group(group);
            if (found.isEmpty()) {
                return unknownName("group " + group + " does not exist (getgrnam found no entry)");
            }
            gid = found.get();
        }
        if (server.uid() == 0) {
            if (target.uid() == 0) {
                return new Identity(target, server.gid(), List.of(), false, null, false);
            }
            return new Identity(target, gid, accounts.groupList(target.name(), gid), true, null, false);
        }
        if (target.uid() != server.uid()) {
            return refused("the server runs as " + server.name() + " (uid " + server.uid() + "), not root, so it"
                    + " cannot run a server as user " + target.name() + "; run the superserver as root or name user "
                    + server.name());
        }
        if (gid != server.gid()) {
            return refused("the server runs as " + server.name() + ", not root, so it cannot switch to group "
                    + group + " (gid " + gid + ")");
        }
        return new Identity(target, gid, List.of(), false, null, false);
    }
}
