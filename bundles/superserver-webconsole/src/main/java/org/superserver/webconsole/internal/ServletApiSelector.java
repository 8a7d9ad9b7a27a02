package org.superserver.webconsole.internal;

import org.osgi.service.component.ComponentContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Enables the plugin servlet for the servlet API this bundle is wired to: Jakarta Servlet for
 * Web Console 5, else javax.servlet for Web Console 4 (Karaf 4.4). Both imports are optional, so
 * the bundle resolves with either; when both are there, Web Console 5 is assumed (it also takes
 * javax plugins, which would then show the page twice).
 */
@Component(immediate = true, service = {})
public final class ServletApiSelector {

    private static final Logger LOG = LoggerFactory.getLogger(ServletApiSelector.class);

    @Activate
    void activate(ComponentContext context) {
        if (visible("jakarta.servlet.http.HttpServlet")) {
            context.enableComponent(JakartaPluginServlet.class.getName());
            LOG.info("WEBCONSOLE page=" + SuperserverPage.LABEL + " api=jakarta.servlet");
        } else if (visible("javax.servlet.http.HttpServlet")) {
            context.enableComponent(JavaxPluginServlet.class.getName());
            LOG.info("WEBCONSOLE page=" + SuperserverPage.LABEL + " api=javax.servlet");
        } else {
            LOG.warn("WEBCONSOLE page=" + SuperserverPage.LABEL + " api=none: neither jakarta.servlet nor javax.servlet"
                    + " is wired to bundle superserver-webconsole; install the Web Console and refresh this bundle");
        }
    }

    private boolean visible(String className) {
        try {
            Class.forName(className, false, getClass().getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }
}
