package org.superserver.access.tcpd.internal;

/**
 * hosts_access(5): hosts.allow first, the first matching rule wins; then hosts.deny; otherwise allow.
 * A matching rule's options (hosts_options(5)) are processed in order and may turn the verdict
 * ({@code allow}, {@code deny}, {@code twist}) or add to it; a bad option denies, as in tcpd. A
 * table that could not be read denies every client it might have decided about (fail closed).
 * Pure: reads only the {@link RuleSet} and the {@link Request}, whose lookups may throw
 * {@link Request.WouldBlock} to have the whole decision made again where waiting is allowed.
 */
final class Matcher {

    private Matcher() {
    }

    static Outcome decide(RuleSet rules, Request request) {
        return decide(rules, request, true);
    }

    /**
     * @param keepViews whether index views made for this request are kept for the next ones (true for
     *                  connections; false for a request typed in a shell, see {@link TableIndex#firstMatch(Request, boolean)})
     */
    static Outcome decide(RuleSet rules, Request request, boolean keepViews) {
        request.patternFiles = rules.patternFiles;
        Outcome o = new Outcome();
        if (rules.allow.status == RuleSet.Status.UNREADABLE) {
            o.allowed = false;
            o.reason = rules.allow.problem + ", denied (fail closed)";
            return o;
        }
        Rule allow = rules.allow.index.firstMatch(request, keepViews);
        if (allow != null) {
            return apply(allow, true, "allow", request, o);
        }
        if (rules.deny.status == RuleSet.Status.UNREADABLE) {
            o.allowed = false;
            o.reason = rules.deny.problem + ", denied (fail closed)";
            return o;
        }
        Rule deny = rules.deny.index.firstMatch(request, keepViews);
        if (deny != null) {
            return apply(deny, false, "deny", request, o);
        }
        o.allowed = true;
        o.reason = "no rule matched";
        return o;
    }

    private static Outcome apply(Rule rule, boolean allowed, String table, Request r, Outcome o) {
        o.rule = rule;
        o.table = table;
        o.reason = rule.where();
        o.allowed = allowed;
        for (Option option : rule.options) {
            String value = option.value != null && option.kind.expands()
                    ? Expander.expand(option.value, r).strip() : option.value;
            switch (option.kind) {
                case ALLOW:
                    o.allowed = true;
                    return o;
                case DENY:
                    o.allowed = false;
                    return o;
                case TWIST:
                    o.allowed = true;
                    o.twist = value;
                    return o;
                case SPAWN:
                    o.spawns.add(new Outcome.Spawn(value, o.env));
                    break;
                case ACLEXEC:
                    if (!r.lookups.aclexec(value, o.env)) {
                        o.allowed = false;
                        o.error = "aclexec command exited with a non-zero status";
                        return o;
                    }
                    break;
                case SETENV: {
                    int blank = 0;
                    while (blank < value.length() && !Character.isWhitespace(value.charAt(blank))) {
                        blank++;
                    }
                    o.env.put(value.substring(0, blank), value.substring(blank).strip());
                    break;
                }
                case BANNERS:
                    o.bannerDirs.add(value);
                    break;
                case USER: {
                    int dot = value.indexOf('.');
                    if (dot > 0) {
                        o.user = value.substring(0, dot);
                        o.group = value.substring(dot + 1);
                    } else {
                        o.user = value;
                    }
                    break;
                }
                case GROUP:
                    o.group = value;
                    break;
                case SEVERITY:
                    o.severity = value;
                    break;
                case RFC931:
                    r.askUser(value == null ? 0 : Long.parseLong(value) * 1000);
                    break;
                case KEEPALIVE:
                    o.keepAlive = true;
                    break;
                case LINGER:
                    o.lingerSeconds = Integer.parseInt(value);
                    break;
                case UMASK:
                    o.umask = Integer.parseInt(value, 8);
                    break;
                case NICE:
                    // each nice option calls nice(2) in tcpd, so two of them add up
                    o.nice += value == null ? 10 : Integer.parseInt(value);
                    break;
                default:
                    throw new IllegalStateException("option " + option.kind);
            }
        }
        if (rule.optionError != null) {
            o.allowed = false;
            o.error = rule.optionError;
        }
        return o;
    }
}
