package org.superserver.core.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

/** Configuration of the core (PID {@value CoreComponent#PID}); every attribute has a working default. */
@ObjectClassDefinition(
        id = CoreComponent.PID,
        name = "Superserver core",
        description = "Listeners and dispatch: the network transport, threads, backlog, buffer limits and the"
                + " pause of a service over its rate limit, and the bound on running children. A change applies in place:"
                + " only a new transport or worker thread count rebinds the listeners (connections stay).")
@interface CoreConfig {

    @AttributeDefinition(
            name = "Transport",
            description = "Network transport: 'auto' uses epoll where it is available and NIO otherwise;"
                    + " 'epoll' asks for epoll (falls back to NIO, with a warning, where epoll is not available);"
                    + " 'nio' always uses NIO. Default: auto.",
            options = {
                @Option(label = "auto", value = "auto"),
                @Option(label = "epoll", value = "epoll"),
                @Option(label = "nio", value = "nio")
            })
    String transport() default "auto";

    @AttributeDefinition(
            name = "Worker threads",
            description = "Event loop threads serving connections and datagram sockets;"
                    + " 0 means one per available processor. Listeners accept on one further thread. Default: 0.",
            min = "0")
    int worker_threads() default 0;

    @AttributeDefinition(
            name = "Backlog",
            description = "Pending-connection queue length of every TCP listener (listen(2) backlog). Default: 128.",
            min = "1")
    int backlog() default 128;

    @AttributeDefinition(
            name = "Write buffer low water mark",
            description = "Bytes queued for a client below which a connection becomes writable again."
                    + " Default: 32768 (32 KiB).",
            min = "1")
    int write_buffer_low() default 32 * 1024;

    @AttributeDefinition(
            name = "Write buffer high water mark",
            description = "Bytes queued for a client above which a connection stops being writable, so"
                    + " handlers stop reading from a client that does not read. Default: 65536 (64 KiB).",
            min = "1")
    int write_buffer_high() default 64 * 1024;

    @AttributeDefinition(
            name = "Access policy timeout",
            description = "Milliseconds the access policies of a service may take to decide about a client;"
                    + " a client still undecided then is refused. Default: 30000.",
            min = "1")
    long policy_timeout_ms() default 30_000L;

    @AttributeDefinition(
            name = "Rate limit pause",
            description = "Seconds a service stays paused (its socket closed) after more invocations in 60 s than its"
                    + " limit allows (inetd.conf's wait.N / nowait.N); applies to exec'd and internal services."
                    + " Default: 600 (10 minutes, as inetd).",
            min = "1")
    long rate_pause_seconds() default 600L;

    @AttributeDefinition(
            name = "Children at most",
            description = "Started servers (children) that may run at once, all services together. At this"
                    + " limit every listener of an exec'd service stops accepting until a child exits: clients"
                    + " wait in the listen backlog (datagrams in the socket buffer) instead of being accepted and"
                    + " dropped; internal services keep answering. A definition's 'instances' bounds its own"
                    + " running servers the same way. Applies at once when changed. Default: 1024.",
            min = "1")
    int children_max() default Settings.CHILDREN_MAX;

    @AttributeDefinition(
            name = "State dump file",
            description = "Where SIGUSR1 writes the state dump (like xinetd's /var/run/xinetd.dump): replaced"
                    + " atomically, mode 0600, never through a symbolic link. Empty: superserver.dump in the"
                    + " directory of the framework property superserver.data, or else in the core bundle's data"
                    + " area. Default: empty.")
    String dump_file() default "";
}
