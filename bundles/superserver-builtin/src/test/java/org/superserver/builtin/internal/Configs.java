package org.superserver.builtin.internal;

import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Map;

/** {@link BuiltinConfig} values as DS makes them from configuration properties, for tests without a framework. */
final class Configs {

    private Configs() {
    }

    /** The property name DS gives {@code method}: each {@code _} becomes a dot. */
    static String property(Method method) {
        return method.getName().replace('_', '.');
    }

    /** The configuration whose properties are {@code properties}, the others at their defaults. */
    static BuiltinConfig builtin(Map<String, ?> properties) {
        return (BuiltinConfig) Proxy.newProxyInstance(BuiltinConfig.class.getClassLoader(),
                new Class<?>[] {BuiltinConfig.class}, (proxy, method, args) -> {
                    if (method.getDeclaringClass() == Object.class) {
                        return method.getName().equals("equals") ? proxy == args[0]
                                : method.getName().equals("hashCode") ? System.identityHashCode(proxy)
                                : "BuiltinConfig" + properties;
                    }
                    if (method.getName().equals("annotationType")) {
                        return BuiltinConfig.class;
                    }
                    Object value = properties.get(property(method));
                    return value == null ? method.getDefaultValue() : Integer.valueOf(value.toString().trim());
                });
    }
}
