package org.superserver.shell.internal;

import java.util.AbstractList;
import java.util.ArrayList;
import java.util.List;
import org.superserver.api.Diagnostic;

/**
 * What {@code inetd:check} returns: every problem found, grouped by where it was found (a
 * configuration source, an access policy, the listeners), as one list of {@link Diagnostic}s a
 * script can use; printed like tcpdchk(8): one {@code file:line: error: field: message} line per
 * problem under its group, then the totals, or {@value #NO_PROBLEMS} and what was checked.
 */
public final class CheckReport extends AbstractList<Diagnostic> {

    static final String NO_PROBLEMS = "no problems found";

    /** The problems one checked thing has (none, when it has none). */
    record Group(String title, List<Diagnostic> problems) {
        Group {
            problems = List.copyOf(problems);
        }
    }

    private final List<Group> groups;
    private final List<Diagnostic> all = new ArrayList<>();

    CheckReport(List<Group> groups) {
        this.groups = List.copyOf(groups);
        groups.forEach(g -> all.addAll(g.problems()));
    }

    List<Group> groups() {
        return groups;
    }

    @Override
    public Diagnostic get(int index) {
        return all.get(index);
    }

    @Override
    public int size() {
        return all.size();
    }

    /** How many of the problems are errors. */
    public long errors() {
        return all.stream().filter(Diagnostic::isError).count();
    }

    @Override
    public String toString() {
        List<String> titles = groups.stream().map(Group::title).toList();
        if (all.isEmpty()) {
            return NO_PROBLEMS + (titles.isEmpty() ? " (nothing to check: no configuration source, no access policy"
                    + " inspector, no listener)" : " in " + String.join(", ", titles));
        }
        StringBuilder out = new StringBuilder();
        for (Group group : groups) {
            out.append(group.title()).append(": ");
            if (group.problems().isEmpty()) {
                out.append("no problems\n");
                continue;
            }
            out.append(count(group.problems().stream().filter(Diagnostic::isError).count(), "error")).append(", ")
                    .append(count(group.problems().stream().filter(d -> !d.isError()).count(), "warning"))
                    .append('\n');
            for (Diagnostic d : group.problems()) {
                out.append("  ").append(d).append('\n');
            }
        }
        long errors = errors();
        out.append(count(errors, "error")).append(", ").append(count(all.size() - errors, "warning"));
        return out.toString();
    }

    private static String count(long n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }
}
