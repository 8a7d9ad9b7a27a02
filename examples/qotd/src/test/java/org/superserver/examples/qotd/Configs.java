package org.superserver.examples.qotd;

import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Map;

/** Configurations as Declarative Services hands them to the component, for tests. */
final class Configs {

    private Configs() {
    }

    /** The property name Declarative Services maps {@code method} to ({@code quotes__file} is {@code quotes_file}). */
    static String property(Method method) {
        return method.getName().replace("__", "\u0000").replace('_', '.').replace('\u0000', '_');
    }

    /** A {@link QotdConfig} with {@code values} (text, converted as DS does) and the defaults for the rest. */
    static QotdConfig qotd(Map<String, String> values) {
        return (QotdConfig) Proxy.newProxyInstance(QotdConfig.class.getClassLoader(), new Class<?>[] {QotdConfig.class},
                (proxy, method, args) -> {
                    String value = values.get(property(method));
                    if (value == null) {
                        return method.getDefaultValue();
                    }
                    return method.getReturnType() == int.class ? Integer.valueOf(value.trim()) : value;
                });
    }
}
