package org.superserver.itests.reverse;

import java.util.Hashtable;
import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;
import org.superserver.api.Handler;

/** The tiny bundle's activator: registers the reverse handler while the bundle is active. */
public final class ReverseActivator implements BundleActivator {

    @Override
    public void start(BundleContext context) {
        Hashtable<String, Object> props = new Hashtable<>();
        props.put(Handler.NAME_PROPERTY, ReverseHandler.NAME);
        context.registerService(Handler.class, new ReverseHandler(), props);
    }

    @Override
    public void stop(BundleContext context) {
        // the framework unregisters the handler with the bundle
    }
}
