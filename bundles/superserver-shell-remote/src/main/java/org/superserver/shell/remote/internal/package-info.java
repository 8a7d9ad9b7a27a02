/**
 * The Gogo shell of a running server, for its own user, over a Unix-domain socket: what
 * {@code bin/superserver shell} talks to. {@link org.superserver.shell.remote.internal.RemoteShell}
 * is the component; {@link org.superserver.shell.remote.internal.ShellSocket} creates the socket
 * so that no other user can ever connect, {@link org.superserver.shell.remote.internal.ShellServer}
 * accepts and checks peers, {@link org.superserver.shell.remote.internal.ShellSession} runs one
 * connection's commands in one Gogo session, and
 * {@link org.superserver.shell.remote.internal.AnswerWriter} writes the answers in the protocol
 * the bundle's README describes. Nothing here is exported.
 */
package org.superserver.shell.remote.internal;
