package org.superserver.access.tcpd.internal;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import org.superserver.api.Diagnostic;

/**
 * hosts_access(5) and hosts_options(5) text to {@link Rule}s: a pure function of the file name and
 * the text, with a {@link Diagnostic} (file and line) for every problem; a bad rule is skipped and
 * the file's other rules still apply. It reads what Debian's tcpd 7.6.q reads:
 *
 * <ul>
 * <li>a backslash right before a newline joins the next line to this one (a comment line too); the
 * rule, and each problem in it, is named by the last of the lines so joined, as tcpd names it;</li>
 * <li>a line whose first character is {@code #} is a comment ({@code #} elsewhere is an ordinary
 * character), a line of blanks is ignored;</li>
 * <li>a rule is {@code daemon_list : client_list [: options]}; a ':' inside {@code [...]} does not
 * separate; a line without ':' is an error and is skipped;</li>
 * <li>list elements are separated by blanks and/or commas; keywords ignore case;</li>
 * <li>the last line may lack its newline.</li>
 * </ul>
 */
final class HostsParser {

    /** The field names of a rule, as diagnostics name them. */
    static final String DAEMON_LIST = "daemon list";
    static final String CLIENT_LIST = "client list";
    static final String OPTION = "option";
    private static final String EXCEPT = "EXCEPT";

    private final boolean netgroups;

    /** @param netgroups whether the system answers netgroup queries; without, {@code @group} warns */
    HostsParser(boolean netgroups) {
        this.netgroups = netgroups;
    }

    /** The rules of one file, in order, and its problems. */
    static final class Result {
        final List<Rule> rules;
        final List<Diagnostic> diagnostics;
        /** The {@code /file} patterns the rules name, as written. */
        final Set<String> patternFiles;

        Result(List<Rule> rules, List<Diagnostic> diagnostics, Set<String> patternFiles) {
            this.rules = List.copyOf(rules);
            this.diagnostics = List.copyOf(diagnostics);
            this.patternFiles = Set.copyOf(patternFiles);
        }
    }

    Result parse(String file, String text) {
        List<Rule> rules = new ArrayList<>();
        List<Diagnostic> diagnostics = new ArrayList<>();
        Set<String> files = new LinkedHashSet<>();
        StringBuilder logical = new StringBuilder();
        int pos = 0;
        int lineNo = 0;
        int len = text.length();
        while (pos < len) {
            logical.setLength(0);
            while (pos < len) {
                int nl = text.indexOf('\n', pos);
                int end = nl < 0 ? len : nl;
                lineNo++;
                boolean joined = nl >= 0 && end > pos && text.charAt(end - 1) == '\\';
                logical.append(text, pos, joined ? end - 1 : end);
                pos = nl < 0 ? len : nl + 1;
                if (!joined) {
                    break;
                }
            }
            // tcpd names a rule, and its problems, by the last line it is written on
            rule(file, lineNo, logical.toString(), rules, diagnostics, files);
        }
        return new Result(rules, diagnostics, files);
    }

    private void rule(String file, int line, String text, List<Rule> rules, List<Diagnostic> diagnostics,
                      Set<String> files) {
        if (text.startsWith("#") || isBlank(text)) {
            return;
        }
        int colon = splitAt(text, 0);
        if (colon < 0) {
            diagnostics.add(Diagnostic.error(file, line, null, "missing \":\" separator, rule skipped; expected "
                    + "daemon_list : client_list [: option : ...]"));
            return;
        }
        int second = splitAt(text, colon + 1);
        String daemonText = text.substring(0, colon);
        String clientText = second < 0 ? text.substring(colon + 1) : text.substring(colon + 1, second);
        List<String> daemonTokens = tokens(daemonText);
        List<String> clientTokens = tokens(clientText);
        checkList(file, line, DAEMON_LIST, daemonTokens, "daemon names, port numbers or ALL before the first ':'",
                diagnostics);
        checkList(file, line, CLIENT_LIST, clientTokens, "host patterns or ALL after the first ':'", diagnostics);
        Consumer<String> daemonWarning = m -> diagnostics.add(Diagnostic.warning(file, line, DAEMON_LIST, m));
        Consumer<String> clientWarning = m -> diagnostics.add(Diagnostic.warning(file, line, CLIENT_LIST, m));
        collectFiles(clientTokens, files, false);
        collectFiles(daemonTokens, files, true);
        PatternList daemons = PatternList.daemons(daemonTokens, netgroups, daemonWarning);
        PatternList clients = PatternList.clients(clientTokens, netgroups, clientWarning);
        Option.Parsed options = second < 0 ? new Option.Parsed(List.of(), null) : Option.parse(text.substring(second + 1));
        if (options.error != null) {
            diagnostics.add(Diagnostic.error(file, line, OPTION, options.error
                    + "; the rule denies when it matches, as tcpd does"));
        }
        rules.add(new Rule(file, line, daemons, clients, options.options, options.error));
    }

    /** An empty list, or one that begins or ends with EXCEPT: tcpdchk's list checks, with their meaning. */
    private static void checkList(String file, int line, String field, List<String> tokens, String expected,
                                  List<Diagnostic> diagnostics) {
        if (tokens.isEmpty()) {
            diagnostics.add(Diagnostic.warning(file, line, field, "empty, the rule never matches; expected " + expected));
        } else if (tokens.get(0).equalsIgnoreCase(EXCEPT)) {
            diagnostics.add(Diagnostic.warning(file, line, field, "begins with EXCEPT, the rule never matches; "
                    + "expected patterns before EXCEPT"));
        } else if (tokens.get(tokens.size() - 1).equalsIgnoreCase(EXCEPT)) {
            diagnostics.add(Diagnostic.warning(file, line, field, "ends in EXCEPT, which excepts nothing: the list "
                    + "matches what the patterns before EXCEPT match; expected patterns after EXCEPT"));
        }
    }

    /** tcpd's {@code split_at} with Debian's brackets: the first ':' from {@code from} outside [...]. */
    static int splitAt(String s, int from) {
        int bracket = 0;
        for (int i = from; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '[') {
                bracket++;
            } else if (c == ']') {
                bracket--;
            } else if (bracket == 0 && c == ':') {
                return i;
            }
        }
        return -1;
    }

    /** List elements: separated by blanks and/or commas. */
    static List<String> tokens(String s) {
        List<String> out = new ArrayList<>();
        int i = 0;
        int n = s.length();
        while (i < n) {
            while (i < n && isSeparator(s.charAt(i))) {
                i++;
            }
            int start = i;
            while (i < n && !isSeparator(s.charAt(i))) {
                i++;
            }
            if (i > start) {
                out.add(s.substring(start, i));
            }
        }
        return out;
    }

    private static boolean isSeparator(char c) {
        return c == ' ' || c == ',' || c == '\t' || c == '\r' || c == '\n';
    }

    private static boolean isBlank(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != ' ' && c != '\t' && c != '\r' && c != '\n') {
                return false;
            }
        }
        return true;
    }

    /** The {@code /file} host parts of a list's tokens ({@code /f}, {@code user@/f}, {@code daemon@/f}). */
    private static void collectFiles(List<String> tokens, Set<String> files, boolean hostPartOnly) {
        for (String t : tokens) {
            int at = t.indexOf('@', 1);
            if (hostPartOnly && at < 0) {
                continue;
            }
            String host = at < 0 ? t : t.substring(at + 1);
            if (host.startsWith("/")) {
                files.add(host);
            }
        }
    }
}
