package org.superserver.shell.remote.internal;

import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Map;

/** {@link RemoteShellConfig} values as DS makes them from configuration properties, for tests without a framework. */
final class Configs {

    private Configs() {
    }

    /** The property name DS gives {@code method}: each {@code _} becomes a dot. */
    static String property(Method method) {
        return method.getName().replace('_', '.');
    }

    /** The configuration whose properties are {@code properties}, the others at their defaults. */
    static RemoteShellConfig remoteShell(Map<String, ?> properties) {
        return (RemoteShellConfig) Proxy.newProxyInstance(RemoteShellConfig.class.getClassLoader(),
                new Class<?>[] {RemoteShellConfig.class}, (proxy, method, args) -> {
                    if (method.getDeclaringClass() == Object.class) {
                        return method.getName().equals("equals") ? proxy == args[0]
                                : method.getName().equals("hashCode") ? System.identityHashCode(proxy)
                                : "RemoteShellConfig" + properties;
                    }
                    if (method.getName().equals("annotationType")) {
                        return RemoteShellConfig.class;
                    }
                    Object value = properties.get(property(method));
                    if (value == null) {
                        return method.getDefaultValue();
                    }
                    String text = value.toString().trim();
                    Class<?> type = method.getReturnType();
                    return type == int.class ? Integer.valueOf(text) : type == boolean.class ? Boolean.valueOf(text) : text;
                });
    }
}
