package org.superserver.config.cm.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.Test;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.superserver.api.Handler;
import org.superserver.api.ServiceDefinition;

/** The component's registrations, observed through a recording {@link BundleContext}. */
public class ConfiguredServiceTest {

    /** Every registration and unregistration, in order: "+port" or "-port". */
    private final List<String> events = new ArrayList<>();
    private final List<Dictionary<String, ?>> registeredProperties = new ArrayList<>();
    private int live;
    private final ConfiguredServices services = new ConfiguredServices();

    private final BundleContext context = (BundleContext) Proxy.newProxyInstance(
            getClass().getClassLoader(), new Class<?>[] {BundleContext.class}, (proxy, method, args) -> {
                if (!"registerService".equals(method.getName())) {
                    throw new UnsupportedOperationException(method.getName());
                }
                assertEquals(ServiceDefinition.class, args[0]);
                ServiceDefinition d = (ServiceDefinition) args[1];
                @SuppressWarnings("unchecked")
                Dictionary<String, ?> props = (Dictionary<String, ?>) args[2];
                registeredProperties.add(props);
                events.add("+" + d.port());
                live++;
                boolean[] gone = {false};
                return Proxy.newProxyInstance(getClass().getClassLoader(),
                        new Class<?>[] {ServiceRegistration.class}, (p, m, a) -> {
                            if (!"unregister".equals(m.getName())) {
                                throw new UnsupportedOperationException(m.getName());
                            }
                            if (gone[0]) {
                                throw new IllegalStateException("already unregistered");
                            }
                            gone[0] = true;
                            events.add("-" + d.port());
                            live--;
                            return null;
                        });
            });

    private static Map<String, Object> config(String port) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("service.pid", "org.superserver.service~echo");
        p.put("service", "echo");
        p.put("type", "INTERNAL");
        p.put("port", port);
        p.put("bind", "127.0.0.1");
        return p;
    }

    @Test
    public void validConfigurationRegistersOneDefinitionWithItsIdAsServiceProperty() {
        ConfiguredService component = new ConfiguredService(context, services, config("10007"));
        assertEquals(List.of("+10007"), events);
        assertEquals("cm:org.superserver.service~echo", registeredProperties.get(0).get("superserver.service.id"));
        assertEquals("echo", registeredProperties.get(0).get("superserver.service.name"));
        component.deactivate();
        assertEquals(List.of("+10007", "-10007"), events);
        assertEquals(0, live);
    }

    @Test
    public void changedConfigurationRegistersTheNewDefinitionBeforeWithdrawingTheOld() {
        ConfiguredService component = new ConfiguredService(context, services, config("10007"));
        component.modified(config("10008"));
        assertEquals(List.of("+10007", "+10008", "-10007"), events);
        component.deactivate();
        assertEquals(0, live);
    }

    @Test
    public void unchangedConfigurationKeepsItsRegistration() {
        ConfiguredService component = new ConfiguredService(context, services, config("10007"));
        component.modified(config("10007"));
        assertEquals(List.of("+10007"), events);
        component.deactivate();
        assertEquals(0, live);
    }

    @Test
    public void invalidConfigurationRegistersNothing() {
        ConfiguredService component = new ConfiguredService(context, services, config("seven"));
        assertTrue(events.isEmpty());
        component.deactivate();
        assertTrue(events.isEmpty());
    }

    @Test
    public void anInvalidUpdateIsRejectedAndThePreviousDefinitionKeepsServing() {
        ConfiguredService component = new ConfiguredService(context, services, config("10007"));
        component.modified(config("70000"));
        assertEquals(List.of("+10007"), events);
        assertEquals(1, live);
        assertEquals(10007, component.current().port());
        assertEquals("port", component.rejected().property());
        component.modified(config("10008"));
        assertEquals(List.of("+10007", "+10008", "-10007"), events);
        assertNull(component.rejected());
        component.deactivate();
        assertEquals(0, live);
    }

    @Test
    public void disableWithdrawsTheDefinitionAndEnableBringsItBack() {
        ConfiguredService component = new ConfiguredService(context, services, config("10007"));
        Map<String, Object> disabled = config("10007");
        disabled.put("disable", "yes");
        component.modified(disabled);
        assertEquals(List.of("+10007", "-10007"), events);
        assertNull(component.current());
        component.modified(config("10007"));
        assertEquals(List.of("+10007", "-10007", "+10007"), events);
        component.deactivate();
        assertEquals(0, live);
    }

    @Test
    public void liveComponentsAreKnownToTheirRegistryUntilDeactivated() {
        ConfiguredService component = new ConfiguredService(context, services, config("10007"));
        assertEquals(List.of(component), services.live());
        assertEquals(1, services.remapAll());
        assertEquals("a re-map of an unchanged configuration changes nothing", List.of("+10007"), events);
        component.deactivate();
        assertEquals(List.of(), services.live());
    }

    @Test
    public void anOlderFileWhoseIdNamesAPluginHandlerIsMappedAgainWhenTheHandlerComes() {
        Map<String, Object> p = config("10007");
        p.put("service", "rev");
        p.put("id", "reverse");
        ConfiguredService component = new ConfiguredService(context, services, p);
        assertEquals("rev", component.current().handler());
        ServiceReference<Handler> reverse = handlerReference("reverse");
        services.addHandler(reverse);
        assertEquals("reverse", component.current().handler());
        assertEquals(List.of("+10007", "+10007", "-10007"), events);
        services.removeHandler(reverse);
        assertEquals("rev", component.current().handler());
        component.deactivate();
        assertEquals(0, live);
    }

    @SuppressWarnings("unchecked")
    private static ServiceReference<Handler> handlerReference(String name) {
        return (ServiceReference<Handler>) Proxy.newProxyInstance(ConfiguredServiceTest.class.getClassLoader(),
                new Class<?>[] {ServiceReference.class}, (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "getProperty":
                            return Handler.NAME_PROPERTY.equals(args[0]) ? name : null;
                        case "hashCode":
                            return System.identityHashCode(proxy);
                        case "equals":
                            return proxy == args[0];
                        default:
                            throw new UnsupportedOperationException(method.getName());
                    }
                });
    }
}
