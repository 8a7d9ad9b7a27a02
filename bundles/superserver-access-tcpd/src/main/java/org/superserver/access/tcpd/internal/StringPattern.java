package org.superserver.access.tcpd.internal;

import java.util.Locale;

/**
 * tcpd's {@code string_match}: one pattern matched against a daemon name, a user name, a host name
 * or a host address, ignoring case. {@code .suffix} matches the end of a string (not the whole of
 * it), {@code prefix.} its start, {@code ALL} anything, {@code KNOWN} anything but {@code unknown},
 * a pattern with {@code *} or {@code ?} is a wildcard over the whole string, anything else must be
 * equal.
 */
abstract class StringPattern {

    abstract boolean matches(String s);

    static StringPattern compile(String token) {
        String tok = token.toLowerCase(Locale.ROOT);
        if (tok.startsWith(".")) {
            return new StringPattern() {
                @Override
                boolean matches(String s) {
                    int n = s.length() - tok.length();
                    return n > 0 && s.regionMatches(true, n, tok, 0, tok.length());
                }
            };
        }
        if (tok.equals("all")) {
            return ALL;
        }
        if (tok.equals("known")) {
            return new StringPattern() {
                @Override
                boolean matches(String s) {
                    return !s.equalsIgnoreCase(Request.UNKNOWN);
                }
            };
        }
        if (tok.endsWith(".")) {
            return new StringPattern() {
                @Override
                boolean matches(String s) {
                    return s.regionMatches(true, 0, tok, 0, tok.length());
                }
            };
        }
        if (tok.indexOf('*') >= 0 || tok.indexOf('?') >= 0) {
            return new StringPattern() {
                @Override
                boolean matches(String s) {
                    return glob(tok, s.toLowerCase(Locale.ROOT));
                }
            };
        }
        return new StringPattern() {
            @Override
            boolean matches(String s) {
                return s.equalsIgnoreCase(tok);
            }
        };
    }

    static final StringPattern ALL = new StringPattern() {
        @Override
        boolean matches(String s) {
            return true;
        }
    };

    /** {@code *} is any run of characters, {@code ?} any one character; linear backtracking. */
    static boolean glob(String pattern, String s) {
        int p = 0;
        int i = 0;
        int star = -1;
        int mark = 0;
        while (i < s.length()) {
            if (p < pattern.length() && (pattern.charAt(p) == '?' || pattern.charAt(p) == s.charAt(i))) {
                p++;
                i++;
            } else if (p < pattern.length() && pattern.charAt(p) == '*') {
                star = p++;
                mark = i;
            } else if (star >= 0) {
                p = star + 1;
                i = ++mark;
            } else {
                return false;
            }
        }
        while (p < pattern.length() && pattern.charAt(p) == '*') {
            p++;
        }
        return p == pattern.length();
    }
}
