package org.superserver.config.inetd.internal;

import java.util.List;
import org.superserver.api.Diagnostic;
import org.superserver.api.ServiceDefinition;

/** What one inetd.conf file parses to: its definitions, in file order, and its diagnostics. */
final class ParseResult {

    private final List<ServiceDefinition> definitions;
    private final List<Diagnostic> diagnostics;

    ParseResult(List<ServiceDefinition> definitions, List<Diagnostic> diagnostics) {
        this.definitions = List.copyOf(definitions);
        this.diagnostics = List.copyOf(diagnostics);
    }

    List<ServiceDefinition> definitions() {
        return definitions;
    }

    List<Diagnostic> diagnostics() {
        return diagnostics;
    }

    /** The diagnostics that skipped a line (or a file). */
    long errorCount() {
        return diagnostics.stream().filter(Diagnostic::isError).count();
    }
}
