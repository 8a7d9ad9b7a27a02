package org.superserver.core.internal;

/**
 * The core, told by {@link HangupReloader} when a reload of every config source starts and ends,
 * so that the service manager hears {@code RELOADING=1} before it and {@code READY=1} once its
 * changes are applied, even when the files did not change. Registered by {@link CoreComponent}
 * under this bundle-private type: no other bundle can see it.
 */
interface ReloadWindow {

    /** A reload starts; returns once the service manager has been told. */
    void reloadStarts();

    /** The sources have republished their definitions. */
    void reloadEnds();
}
