package org.superserver.shell.internal;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.superserver.api.Diagnostic;
import org.superserver.api.access.PolicyInspector.Explanation;

/** Text for {@code inetd:tcpdmatch} and {@code inetd:tcpdchk}: pure functions of what an inspector answered. */
final class InspectorFormat {

    static final String NO_PROBLEMS = "no problems found in ";

    private InspectorFormat() {
    }

    /** The policy's own report, one line each. */
    static String explanation(Explanation e) {
        return String.join("\n", e.report());
    }

    /**
     * One line per diagnostic, in the order found, then {@code N errors, M warnings in FILE, ...} (the
     * files that have problems, in the order first named); or one line saying that none was found
     * in {@code what}.
     */
    static String diagnostics(List<Diagnostic> diagnostics, String what) {
        if (diagnostics.isEmpty()) {
            return NO_PROBLEMS + what;
        }
        StringBuilder out = new StringBuilder();
        Set<String> files = new LinkedHashSet<>();
        int errors = 0;
        for (Diagnostic d : diagnostics) {
            out.append(d).append('\n');
            files.add(d.file());
            if (d.isError()) {
                errors++;
            }
        }
        int warnings = diagnostics.size() - errors;
        out.append(count(errors, "error")).append(", ").append(count(warnings, "warning"))
                .append(" in ").append(String.join(", ", files));
        return out.toString();
    }

    private static String count(int n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }
}
