package org.superserver.launcher;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceEvent;
import org.osgi.framework.ServiceListener;
import org.osgi.framework.ServiceReference;

/**
 * Prints what bundles log through the OSGi Log Service (Declarative Services, Configuration Admin,
 * Metatype...) as lines on standard output: warnings and errors, and everything with --debug.
 *
 * <p>The Log Service API lives in a bundle, not on the launcher's class path, so the reader is
 * used through its interfaces as that bundle loads them. Entries logged before the reader was
 * found are printed from its history first.
 */
final class LogServiceBridge implements ServiceListener {

    private static final String READER = "org.osgi.service.log.LogReaderService";
    private static final String LISTENER = "org.osgi.service.log.LogListener";
    private static final String ENTRY = "org.osgi.service.log.LogEntry";
    private static final int ERROR = 1;
    private static final int WARNING = 2;
    private static final int INFO = 3;

    private final BundleContext context;
    private final int threshold;
    private ServiceReference<?> reference;
    private Method getLevel;
    private Method getMessage;
    private Method getBundle;
    private Method getException;

    private LogServiceBridge(BundleContext context, int threshold) {
        this.context = context;
        this.threshold = threshold;
    }

    /** Prints entries up to {@code threshold} (1 error, 2 warning, 3 info, 4 debug) from now on. */
    static void start(BundleContext context, int threshold) throws InvalidSyntaxException {
        LogServiceBridge bridge = new LogServiceBridge(context, threshold);
        context.addServiceListener(bridge, "(objectClass=" + READER + ")");
        ServiceReference<?> existing = context.getServiceReference(READER);
        if (existing != null) {
            bridge.attach(existing);
        }
    }

    @Override
    public synchronized void serviceChanged(ServiceEvent event) {
        if (event.getType() == ServiceEvent.REGISTERED && reference == null) {
            attach(event.getServiceReference());
        } else if (event.getType() == ServiceEvent.UNREGISTERING && event.getServiceReference().equals(reference)) {
            context.ungetService(reference);
            reference = null;
        }
    }

    private synchronized void attach(ServiceReference<?> candidate) {
        if (reference != null) {
            return;
        }
        Object reader = context.getService(candidate);
        if (reader == null) {
            return;
        }
        try {
            ClassLoader loader = reader.getClass().getClassLoader();
            Class<?> readerType = loader.loadClass(READER);
            Class<?> listenerType = loader.loadClass(LISTENER);
            Class<?> entryType = loader.loadClass(ENTRY);
            getLevel = entryType.getMethod("getLevel");
            getMessage = entryType.getMethod("getMessage");
            getBundle = entryType.getMethod("getBundle");
            getException = entryType.getMethod("getException");

            Enumeration<?> history = (Enumeration<?>) readerType.getMethod("getLog").invoke(reader);
            List<Object> earlier = new ArrayList<>();
            while (history.hasMoreElements()) {
                earlier.add(history.nextElement());
            }
            Collections.reverse(earlier);
            for (Object entry : earlier) {
                print(entry);
            }

            Object listener = Proxy.newProxyInstance(loader, new Class<?>[] {listenerType}, (proxy, method, args) -> {
                switch (method.getName()) {
                    case "logged":
                        print(args[0]);
                        return null;
                    case "equals":
                        return proxy == args[0];
                    case "hashCode":
                        return System.identityHashCode(proxy);
                    default:
                        return "LogServiceBridge";
                }
            });
            readerType.getMethod("addLogListener", listenerType).invoke(reader, listener);
            reference = candidate;
        } catch (ReflectiveOperationException | RuntimeException e) {
            context.ungetService(candidate);
            Launcher.log("WARN", "Log Service messages are not shown: " + e, null);
        }
    }

    private void print(Object entry) {
        try {
            int level = (Integer) getLevel.invoke(entry);
            if (level > threshold) {
                return;
            }
            Bundle bundle = (Bundle) getBundle.invoke(entry);
            Throwable exception = (Throwable) getException.invoke(entry);
            String message = String.valueOf(getMessage.invoke(entry));
            if (exception != null) {
                message = message + ": " + exception;
            }
            String name = level <= ERROR ? "ERROR" : level == WARNING ? "WARN" : level == INFO ? "INFO" : "DEBUG";
            Launcher.line(name, bundle == null ? "LogService" : bundle.getSymbolicName(), message,
                    level > INFO ? exception : null);
        } catch (IllegalAccessException | InvocationTargetException | RuntimeException e) {
            Launcher.log("WARN", "Could not print a Log Service entry: " + e, null);
        }
    }
}
