package org.superserver.config.xinetd.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.superserver.api.Diagnostic;

/**
 * The statements of one xinetd.conf(5) file, as xinetd's parser reads them (parse.c, parsesup.c):
 * a line whose first non-blank character is {@code #} is a comment (a {@code #} later in a line is
 * part of a value); {@code service NAME}, {@code defaults}, {@code include FILE} and {@code
 * includedir DIR} start a statement; a block's {@code {} and {@code }} each stand on a line of
 * their own; inside a block each line is {@code attribute OP value ...} with a blank before the
 * operator ({@code =}, {@code +=}, {@code -=}) and values separated by blanks. What xinetd rejects
 * is reported here with file and line, and skipped the way xinetd skips it (a bad line inside a
 * block loses the whole block; a line that starts nothing skips to the next {@code }}). Pure.
 */
final class XinetdSyntax {

    /** The assignment operators. */
    enum Op {
        SET("="), ADD("+="), REMOVE("-=");

        final String text;

        Op(String text) {
            this.text = text;
        }
    }

    /** One {@code attribute OP values} line of a block. */
    static final class Assignment {
        final String attribute;
        final Op op;
        final List<String> values;
        final int line;

        Assignment(String attribute, Op op, List<String> values, int line) {
            this.attribute = attribute;
            this.op = op;
            this.values = List.copyOf(values);
            this.line = line;
        }

        @Override
        public String toString() {
            return attribute + " " + op.text + " " + String.join(" ", values);
        }
    }

    /** What a statement is. */
    enum Kind {
        SERVICE, DEFAULTS, INCLUDE, INCLUDEDIR
    }

    /**
     * One statement: an include, or a block with its assignments. A block that is {@link #broken}
     * had a line xinetd cannot read (the error is already reported) and is dropped.
     */
    static final class Statement {
        final Kind kind;
        /** The service name, or the include's path; {@code null} for defaults. */
        final String name;
        final int line;
        final List<Assignment> assignments;
        final boolean broken;

        Statement(Kind kind, String name, int line, List<Assignment> assignments, boolean broken) {
            this.kind = kind;
            this.name = name;
            this.line = line;
            this.assignments = List.copyOf(assignments);
            this.broken = broken;
        }
    }

    private final String file;
    private final String[] lines;
    private final Consumer<Diagnostic> problems;
    /** Index of the next line to read. */
    private int next;

    private XinetdSyntax(String file, String text, Consumer<Diagnostic> problems) {
        this.file = file;
        this.lines = text.split("\n", -1);
        this.problems = problems;
    }

    /** The statements of {@code text}; syntax errors go to {@code problems} naming {@code file}. */
    static List<Statement> parse(String file, String text, Consumer<Diagnostic> problems) {
        return new XinetdSyntax(file, text, problems).statements();
    }

    private List<Statement> statements() {
        List<Statement> out = new ArrayList<>();
        for (;;) {
            int line = nextLine();
            if (line < 0) {
                return out;
            }
            List<String> words = words(lines[line - 1]);
            String keyword = words.get(0);
            boolean service = keyword.equals("service");
            if (service || keyword.equals("include") || keyword.equals("includedir")) {
                if (words.size() < 2) {
                    error(line, keyword, "'" + keyword + "' names no " + (service ? "service" : keyword.equals("include")
                            ? "file" : "directory") + "; expected " + keyword + (service ? " NAME" : keyword.equals("include")
                            ? " FILE" : " DIR") + " (what follows, up to the next '}', is skipped, as xinetd does)");
                    skipEntry();
                    continue;
                }
                if (!service) {
                    if (words.size() > 2) {
                        warning(line, keyword, "words after '" + words.get(1) + "' are ignored, as xinetd ignores them");
                    }
                    out.add(new Statement(keyword.equals("include") ? Kind.INCLUDE : Kind.INCLUDEDIR, words.get(1), line,
                            List.of(), false));
                    continue;
                }
            } else if (!keyword.equals("defaults")) {
                error(line, null, "'" + keyword + "' starts no statement; expected service NAME, defaults, include FILE "
                        + "or includedir DIR (what follows, up to the next '}', is skipped, as xinetd does)");
                skipEntry();
                continue;
            }
            String name = service ? words.get(1) : null;
            String what = service ? "service " + name : "defaults";
            int open = nextLine();
            if (open < 0 || !onlyChar(lines[open - 1], '{')) {
                error(open < 0 ? line : open, null, what + " (line " + line + ") is not followed by a line holding "
                        + "only '{'; the block is skipped (xinetd wants '{' and '}' each on a line of its own)");
                if (open >= 0 && !onlyChar(lines[open - 1], '}')) {
                    skipEntry();
                }
                continue;
            }
            out.add(block(service ? Kind.SERVICE : Kind.DEFAULTS, name, line, what));
        }
    }

    private Statement block(Kind kind, String name, int start, String what) {
        List<Assignment> assignments = new ArrayList<>();
        for (;;) {
            int line = nextLine();
            if (line < 0) {
                error(start, null, what + " has no closing '}' before the end of the file; it is skipped");
                return new Statement(kind, name, start, assignments, true);
            }
            String text = lines[line - 1];
            if (onlyChar(text, '}')) {
                return new Statement(kind, name, start, assignments, false);
            }
            Assignment a = assignment(text, line, what);
            if (a == null) {
                skipEntry();
                return new Statement(kind, name, start, assignments, true);
            }
            assignments.add(a);
        }
    }

    /** Parses {@code attribute OP values}; reports and returns null when the line is not one. */
    private Assignment assignment(String text, int line, String what) {
        int i = 0;
        int n = text.length();
        while (i < n && blank(text.charAt(i))) {
            i++;
        }
        int nameStart = i;
        while (i < n && !blank(text.charAt(i)) && text.charAt(i) != '=') {
            i++;
        }
        String attribute = text.substring(nameStart, i);
        if (i < n && text.charAt(i) == '=' || attribute.endsWith("+") && i < n && text.charAt(i) == '='
                || attribute.endsWith("-") && i < n && text.charAt(i) == '=') {
            error(line, attribute, "attribute '" + attribute + "' needs a blank before its operator, e.g. '"
                    + attribute.replaceAll("[+-]$", "") + " = value'; " + what + " is skipped, as xinetd skips it");
            return null;
        }
        while (i < n && blank(text.charAt(i))) {
            i++;
        }
        Op op;
        if (i < n && text.charAt(i) == '=') {
            op = Op.SET;
            i++;
        } else if (i + 1 < n && (text.charAt(i) == '+' || text.charAt(i) == '-') && text.charAt(i + 1) == '=') {
            op = text.charAt(i) == '+' ? Op.ADD : Op.REMOVE;
            i += 2;
        } else {
            error(line, attribute, (i >= n ? "nothing follows attribute '" + attribute + "'"
                    : "'" + text.substring(i).trim() + "' after attribute '" + attribute + "' is no operator")
                    + "; expected '" + attribute + " = value', '+=' or '-='; " + what + " is skipped, as xinetd skips it");
            return null;
        }
        List<String> values = i < n ? words(text.substring(i)) : List.of();
        return new Assignment(attribute, op, values, line);
    }

    /** Skips lines up to and including the next line holding only '}', as xinetd's skip_entry. */
    private void skipEntry() {
        for (;;) {
            int line = nextLine();
            if (line < 0 || onlyChar(lines[line - 1], '}')) {
                return;
            }
        }
    }

    /** The 1-based number of the next line that is neither blank nor a comment, or -1 at the end. */
    private int nextLine() {
        while (next < lines.length) {
            String line = lines[next++];
            for (int i = 0; i < line.length(); i++) {
                char c = line.charAt(i);
                if (c == '#') {
                    break;
                }
                if (!blank(c)) {
                    return next;
                }
            }
        }
        return -1;
    }

    /** Whether the line holds exactly one {@code c} and otherwise only blanks. */
    static boolean onlyChar(String line, char c) {
        boolean seen = false;
        for (int i = 0; i < line.length(); i++) {
            char ch = line.charAt(i);
            if (ch == c && !seen) {
                seen = true;
            } else if (!blank(ch)) {
                return false;
            }
        }
        return seen;
    }

    /** The blank-separated words of a line (blank: space, tab, CR, FF, VT, as isspace(3)). */
    static List<String> words(String text) {
        List<String> out = new ArrayList<>();
        int i = 0;
        int n = text.length();
        while (i < n) {
            while (i < n && blank(text.charAt(i))) {
                i++;
            }
            int start = i;
            while (i < n && !blank(text.charAt(i))) {
                i++;
            }
            if (i > start) {
                out.add(text.substring(start, i));
            }
        }
        return out;
    }

    static boolean blank(char c) {
        return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == 0x0b;
    }

    private void error(int line, String field, String message) {
        problems.accept(Diagnostic.error(file, line, field, message));
    }

    private void warning(int line, String field, String message) {
        problems.accept(Diagnostic.warning(file, line, field, message));
    }
}
