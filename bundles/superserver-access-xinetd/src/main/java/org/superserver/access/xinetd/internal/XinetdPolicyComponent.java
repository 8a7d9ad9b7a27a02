package org.superserver.access.xinetd.internal;

import java.time.Clock;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;
import org.superserver.api.ConnectionInfo;
import org.superserver.api.ServiceDefinition;
import org.superserver.api.access.AccessPolicy;
import org.superserver.api.access.Decision;

/**
 * The {@code xinetd} access policy service, configured by PID {@code org.superserver.access.xinetd}
 * (optional). Lookups, host name resolution and banner reads run on at most four threads with a
 * bounded queue, never on an event loop. The table of clients that touched a SENSOR lives as long
 * as the component, across configuration changes.
 *
 * <p>Testing hook: the wall clock that {@code access_times} and {@code deny_time} read is the
 * system's, unless a {@link Clock} service with {@code superserver.clock=xinetd} is registered;
 * integration tests register a fixed clock that way.
 */
@Component(name = XinetdPolicyComponent.PID,
        configurationPid = XinetdPolicyComponent.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL,
        immediate = true,
        service = AccessPolicy.class,
        property = AccessPolicy.NAME_PROPERTY + "=" + XinetdPolicyComponent.POLICY_NAME)
@Designate(ocd = XinetdConfig.class)
public final class XinetdPolicyComponent implements AccessPolicy {

    static final String PID = "org.superserver.access.xinetd";
    static final String POLICY_NAME = "xinetd";
    /** The service property that marks the {@link Clock} this policy reads (a testing hook). */
    static final String CLOCK_PROPERTY = "superserver.clock";
    static final String LOOKUP_THREADS_NAME = "xinetd-lookup";
    static final int LOOKUP_THREADS = 4;
    static final int LOOKUP_QUEUE = 1024;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, target = "(" + CLOCK_PROPERTY + "=" + POLICY_NAME + ")")
    private volatile Clock clock;

    private final ThreadPoolExecutor lookups;
    private final SensorTable sensors;
    private volatile XinetdPolicy policy;

    @Activate
    public XinetdPolicyComponent(XinetdConfig config) {
        this.lookups = new ThreadPoolExecutor(LOOKUP_THREADS, LOOKUP_THREADS, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(LOOKUP_QUEUE), threads());
        this.lookups.allowCoreThreadTimeOut(true);
        this.sensors = new SensorTable(config.sensor__max__clients());
        apply(config);
    }

    @Modified
    void modified(XinetdConfig config) {
        apply(config);
    }

    @Deactivate
    void deactivate() {
        lookups.shutdownNow();
    }

    @Override
    public CompletionStage<Decision> check(ConnectionInfo connection, ServiceDefinition definition) {
        return policy.check(connection, definition);
    }

    private void apply(XinetdConfig c) {
        XinetdPolicy.Settings s = new XinetdPolicy.Settings(Math.max(1, c.lookup__timeout__ms()),
                Math.max(0, c.name__cache__seconds()) * 1000, Math.max(1, c.name__cache__size()),
                Math.max(1, c.host__refresh__seconds()) * 1000, Math.max(0, c.banner__max__bytes()));
        policy = new XinetdPolicy(Resolver.SYSTEM, lookups, this::clock, System::nanoTime, sensors, s);
    }

    private Clock clock() {
        Clock c = clock;
        return c != null ? c : Clock.systemDefaultZone();
    }

    private static java.util.concurrent.ThreadFactory threads() {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, LOOKUP_THREADS_NAME + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
