package org.superserver.launcher;

import java.io.File;
import java.net.URI;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;

/**
 * Keeps the bundle cache in step with {@code --webconsole}: the console's bundles, installed
 * from {@code bundle-webconsole/} by an earlier start with the option, are uninstalled when it
 * is not given, and updated when their jar is newer than the installed copy.
 */
final class WebConsoleBundles {

    private WebConsoleBundles() {
    }

    static void reconcile(BundleContext context, String locationPrefix, boolean wanted) {
        for (Bundle bundle : context.getBundles()) {
            String location = bundle.getLocation();
            if (location == null || !location.startsWith(locationPrefix)) {
                continue;
            }
            try {
                File jar = new File(URI.create(location));
                if (!wanted || !jar.isFile()) {
                    bundle.uninstall();
                } else if (jar.lastModified() > bundle.getLastModified()) {
                    bundle.update();
                }
            } catch (BundleException | IllegalArgumentException e) {
                Launcher.log("WARN", "WEBCONSOLE bundle=" + location + " could not be "
                        + (wanted ? "updated" : "uninstalled") + ": " + e.getMessage(), null);
            }
        }
    }
}
