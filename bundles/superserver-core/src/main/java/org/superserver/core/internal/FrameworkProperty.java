package org.superserver.core.internal;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;

/** The framework properties the core reads at run time, with the JVM's system properties behind them. */
final class FrameworkProperty {

    private FrameworkProperty() {
    }

    /**
     * The framework property {@code name} (which Felix backs with the system property of the same
     * name), or outside a framework the system property; {@code null} when neither is set.
     */
    static String get(String name) {
        try {
            Bundle bundle = FrameworkUtil.getBundle(FrameworkProperty.class);
            BundleContext context = bundle == null ? null : bundle.getBundleContext();
            if (context != null) {
                return context.getProperty(name);
            }
        } catch (LinkageError | RuntimeException e) {
            // outside a framework
        }
        return System.getProperty(name);
    }
}
