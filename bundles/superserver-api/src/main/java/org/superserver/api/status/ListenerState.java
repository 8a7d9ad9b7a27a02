package org.superserver.api.status;

/** Where a service's listener stands. */
public enum ListenerState {
    /** Bound and serving. */
    LISTENING,
    /** The definition names a handler that no bundle provides yet; nothing is bound. */
    WAITING_FOR_HANDLER,
    /** Being bound, rebound or closed. */
    STARTING,
    /** Temporarily not accepting (a rate limit, or a wait-service's server is running). */
    PAUSED,
    /**
     * Its socket could not be bound (the address is in use, or not there yet); the core tries
     * again after a back-off, and {@link ListenerStatus#detail()} says the error and when.
     */
    RETRYING,
    /** Cannot serve (bind failed, unsupported dispatch); {@link ListenerStatus#detail()} says why. */
    FAILED
}
