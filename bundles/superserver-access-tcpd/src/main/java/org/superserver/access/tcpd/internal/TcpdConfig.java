package org.superserver.access.tcpd.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * Configuration PID {@code org.superserver.access.tcpd}: which hosts_access(5) files the
 * {@code tcpd} access policy reads, and how it looks names up. Method names map to property names as
 * Declarative Services maps them: {@code allow__file()} is {@code allow_file}.
 */
@ObjectClassDefinition(
        id = TcpdPolicyComponent.PID,
        name = "Superserver tcpd access policy",
        description = "hosts.allow and hosts.deny (hosts_access(5), hosts_options(5)) for the services that name "
                + "the tcpd policy; re-read when they change on disk.")
@interface TcpdConfig {

    @AttributeDefinition(name = "allow_file", required = false,
            description = "The hosts.allow file. Default: empty, which means the framework property "
                    + "superserver.hosts.allow (bin/superserver --hosts-allow FILE), else /etc/hosts.allow.")
    String allow__file() default "";

    @AttributeDefinition(name = "deny_file", required = false,
            description = "The hosts.deny file. Default: empty, which means the framework property "
                    + "superserver.hosts.deny (bin/superserver --hosts-deny FILE), else /etc/hosts.deny.")
    String deny__file() default "";

    @AttributeDefinition(name = "lookup_timeout_ms", required = false, type = AttributeType.LONG, min = "1",
            description = "How long, in milliseconds, one name lookup (reverse and forward) or ident query may "
                    + "take; a name not found in time counts as unknown. Default: 5000.")
    long lookup__timeout__ms() default 5000;

    @AttributeDefinition(name = "cache_seconds", required = false, type = AttributeType.LONG, min = "0",
            description = "How long, in seconds, a looked-up name (or a failed lookup) is kept. Default: 30.")
    long cache__seconds() default 30;

    @AttributeDefinition(name = "ident", required = false,
            description = "true: user@host patterns and %u ask the client's ident server (RFC 1413, TCP only); "
                    + "false: they see the user 'unknown'. A rule's rfc931 option asks in either case. Default: false.")
    boolean ident() default false;

    @AttributeDefinition(name = "poll_interval_ms", required = false, type = AttributeType.LONG, min = "0",
            description = "How often, in milliseconds, the files are checked in the background, so that their "
                    + "problems are logged soon after an edit; every decision checks them anyway (device, inode, size, "
                    + "modification and change time) and reads them again first when one changed. 0: never; below 100 "
                    + "counts as 100. Default: 1000.")
    long poll__interval__ms() default 1000;
}
