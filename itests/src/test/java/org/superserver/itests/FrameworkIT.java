package org.superserver.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.Constants;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.metatype.MetaTypeService;
import org.slf4j.LoggerFactory;

/** The framework the other tests stand on: every bundle active, SCR, ConfigAdmin, Metatype, SLF4J. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class FrameworkIT extends ItestSupport {

    @Configuration
    public Option[] config() {
        return frameworkOptions();
    }

    @Test
    public void everyBundleIsActiveOrAResolvedFragment() {
        List<String> problems = new ArrayList<>();
        for (Bundle bundle : context.getBundles()) {
            boolean fragment = bundle.getHeaders().get(Constants.FRAGMENT_HOST) != null;
            int expected = fragment ? Bundle.RESOLVED : Bundle.ACTIVE;
            if (bundle.getState() != expected) {
                problems.add(bundle.getSymbolicName() + " " + bundle.getVersion() + " is in state "
                        + bundle.getState());
            }
        }
        assertEquals("bundles not active", List.of(), problems);
    }

    @Test
    public void declarativeServicesConfigurationAdminAndMetatypeAreAvailable() throws Exception {
        service(ServiceComponentRuntime.class);
        service(ConfigurationAdmin.class);
        service(MetaTypeService.class);
    }

    @Test
    public void slf4jLogsThroughTheSlf4jSimpleFragmentWithoutAServiceLoaderMediator() {
        String factory = LoggerFactory.getILoggerFactory().getClass().getName();
        assertNotEquals("SLF4J found no provider (is the superserver-slf4j-simple fragment attached to slf4j-api?)",
                "org.slf4j.helpers.NOP_FallbackServiceProvider", factory);
        assertEquals("org.slf4j.simple.SimpleLoggerFactory", factory);
        LoggerFactory.getLogger(FrameworkIT.class).info("SLF4J works inside the framework");
    }

    @Test
    public void nettyHasItsNativeEpollTransport() throws Exception {
        Bundle epoll = installedBundle("io.netty.transport-classes-epoll");
        Class<?> epollClass = epoll.loadClass("io.netty.channel.epoll.Epoll");
        Throwable cause = (Throwable) epollClass.getMethod("unavailabilityCause").invoke(null);
        assertTrue("epoll is unavailable: " + cause, (Boolean) epollClass.getMethod("isAvailable").invoke(null));
    }
}
