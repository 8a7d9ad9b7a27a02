package org.superserver.access.xinetd.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.LongSupplier;
import org.superserver.api.ServiceDefinition;

/**
 * What the {@code xinetd} policy reads from one definition's attributes, read once per definition:
 * {@code only_from} and {@code no_access} ({@code null} when the attribute is absent; present and
 * empty is a list that matches nobody), {@code access_times}, the banner files, SENSOR and
 * {@code deny_time}. Every entry that cannot be read is in {@link #problems}.
 */
final class ServiceRules {

    static final String ONLY_FROM = "only_from";
    static final String NO_ACCESS = "no_access";
    static final String ACCESS_TIMES = "access_times";
    static final String BANNER = "banner";
    static final String BANNER_SUCCESS = "banner_success";
    static final String FLAGS = "flags";
    static final String DENY_TIME = "deny_time";

    /** {@link #denyMinutes} of {@code deny_time = FOREVER}. */
    static final long FOREVER = -1;

    final String service;
    final AddressList onlyFrom;
    final AddressList noAccess;
    final AccessTimes accessTimes;
    final String banner;
    final String bannerSuccess;
    final String bannerFail;
    final boolean sensor;
    /** Minutes a client that touched this sensor is denied: 0 only logs it (NEVER), {@link #FOREVER}. */
    final long denyMinutes;
    final List<String> problems;

    private ServiceRules(ServiceDefinition d, Resolver resolver, long refreshMillis, LongSupplier nanoClock) {
        this.service = d.name();
        List<String> p = new ArrayList<>();
        this.onlyFrom = list(d, ONLY_FROM, resolver, refreshMillis, nanoClock, p);
        this.noAccess = list(d, NO_ACCESS, resolver, refreshMillis, nanoClock, p);
        if (d.attributes().containsKey(ACCESS_TIMES)) {
            AccessTimes t = AccessTimes.parse(d.attribute(ACCESS_TIMES));
            t.problems.forEach(x -> p.add(ACCESS_TIMES + " " + x));
            this.accessTimes = t;
        } else {
            this.accessTimes = null;
        }
        this.banner = first(d, BANNER);
        this.bannerSuccess = first(d, BANNER_SUCCESS);
        this.bannerFail = d.bannerFail();
        this.sensor = d.attribute(FLAGS).stream().anyMatch(f -> f.equalsIgnoreCase("SENSOR"));
        this.denyMinutes = denyMinutes(d.attribute(DENY_TIME), p);
        this.problems = List.copyOf(p);
    }

    /** Reads a definition; host names are not resolved yet ({@link #resolveHosts()}). */
    static ServiceRules of(ServiceDefinition d, Resolver resolver, long refreshMillis, LongSupplier nanoClock) {
        return new ServiceRules(d, resolver, refreshMillis, nanoClock);
    }

    /** Whether host names must be resolved before the first decision. */
    boolean hasHostNames() {
        return (onlyFrom != null && !onlyFrom.hostNames().isEmpty())
                || (noAccess != null && !noAccess.hostNames().isEmpty());
    }

    /** Resolves the host names of both lists (blocks: a lookup thread only). */
    void resolveHosts() {
        if (onlyFrom != null) {
            onlyFrom.resolveHosts();
        }
        if (noAccess != null) {
            noAccess.resolveHosts();
        }
    }

    /** How many address entries and intervals there are to read: what building the rules costs. */
    static int size(ServiceDefinition d) {
        return d.attribute(ONLY_FROM).size() + d.attribute(NO_ACCESS).size() + d.attribute(ACCESS_TIMES).size();
    }

    private static AddressList list(ServiceDefinition d, String key, Resolver resolver, long refreshMillis,
                                    LongSupplier nanoClock, List<String> problems) {
        if (!d.attributes().containsKey(key)) {
            return null;
        }
        AddressList l = AddressList.parse(d.attribute(key), "service=" + d.name() + " attribute=" + key,
                resolver, refreshMillis, nanoClock);
        l.problems.forEach(x -> problems.add(key + " " + x));
        return l;
    }

    private static String first(ServiceDefinition d, String key) {
        List<String> v = d.attribute(key);
        return v.isEmpty() || v.get(0).isBlank() ? null : String.join(" ", v);
    }

    private static long denyMinutes(List<String> value, List<String> problems) {
        if (value.isEmpty()) {
            return 0;
        }
        String v = value.get(0).toUpperCase(Locale.ROOT);
        if (value.size() == 1) {
            if (v.equals("FOREVER")) {
                return FOREVER;
            }
            if (v.equals("NEVER")) {
                return 0;
            }
            if (v.matches("[0-9]{1,9}")) {
                return Long.parseLong(v);
            }
        }
        problems.add(DENY_TIME + " " + String.join(" ", value) + ": minutes, FOREVER or NEVER; read as NEVER");
        return 0;
    }
}
