package org.superserver.core.internal;

import java.util.function.Consumer;

/**
 * What the dispatch of every listener shares: the connection log, the {@code banner_fail} files,
 * the load average, and whom to tell when a service goes over its {@code cps}.
 *
 * @param onCps told once per episode when a binding's connection rate trips
 */
record DispatchServices(ConnectionLog log, BannerFiles banners, LoadAverage load, Consumer<Binding> onCps) {
}
