package org.superserver.shell.remote.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * Configuration of the remote shell (PID {@value RemoteShell#PID}). Every attribute has a working
 * default; the sample {@code etc/samples/org.superserver.shell.remote.cfg} lists them.
 */
@ObjectClassDefinition(
        id = RemoteShell.PID,
        name = "Superserver remote shell",
        description = "The Gogo shell of the running server for its own user, over a Unix-domain socket"
                + " (mode 0600) that bin/superserver shell connects to.")
@interface RemoteShellConfig {

    @AttributeDefinition(
            name = "Socket path",
            description = "The Unix-domain socket. A relative path is taken in the data directory (the framework"
                    + " property superserver.data, else karaf.data, else the bundle's own data area); its"
                    + " directory must belong to the server's user (or root) and be writable by nobody else."
                    + " Default: shell.sock.")
    String path() default RemoteShell.DEFAULT_PATH;

    @AttributeDefinition(
            name = "Sessions",
            description = "Shell sessions served at once; a client beyond them is told so and closed."
                    + " Default: 4.",
            min = "1")
    int sessions_max() default 4;

    @AttributeDefinition(
            name = "Longest request line",
            description = "Bytes of one command line, its newline included; a longer line ends the session"
                    + " with an error. Default: 65536 (64 KiB).",
            min = "256")
    int line_max_bytes() default 65536;

    @AttributeDefinition(
            name = "Allow root",
            description = "Whether root may connect besides the server's own user (root can open any file"
                    + " anyway). Default: true.")
    boolean allow_root() default true;
}
