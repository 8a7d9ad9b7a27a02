/**
 * The built-in services of inetd, each a {@link org.superserver.api.Handler} component that puts
 * one small Netty handler per transport into the pipeline the core hands it: echo (RFC 862),
 * discard (RFC 863), chargen (RFC 864), daytime (RFC 867) and time (RFC 868).
 *
 * <p>Datagram replies are guarded by one {@link org.superserver.builtin.internal.DatagramGuard}
 * shared by every handler: a datagram from a privileged port (as openbsd-inetd), from one of our
 * own built-in sockets' ports, or from a broadcast or multicast address is dropped unanswered (it
 * may come from another small service, and answering could start an endless exchange), and each
 * source address gets at most its reply budget, so that forged requests cannot reflect traffic. A
 * reply that cannot be queued because the socket is not writable is dropped, as UDP allows,
 * instead of growing memory.
 */
package org.superserver.builtin.internal;
