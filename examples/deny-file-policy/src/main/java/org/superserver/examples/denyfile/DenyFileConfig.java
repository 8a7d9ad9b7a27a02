package org.superserver.examples.denyfile;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * Configuration PID {@value DenyFileComponent#PID}: the file of denied addresses and how often it is
 * checked for changes. Method names map to property names as Declarative Services maps them:
 * {@code poll__interval__ms()} is {@code poll_interval_ms}.
 */
@ObjectClassDefinition(
        id = DenyFileComponent.PID,
        name = "Superserver example: deny-file access policy",
        description = "The denyfile access policy: clients whose address is listed in a file are denied.")
@interface DenyFileConfig {

    @AttributeDefinition(name = "file",
            description = "The file of denied clients: one IPv4 or IPv6 address or network (CIDR, e.g. 192.0.2.0/24)"
                    + " per line, # starts a comment. A file that does not exist denies nobody; one that cannot be"
                    + " read denies everybody. Required: without it every client is denied.")
    String file();

    @AttributeDefinition(name = "poll_interval_ms", required = false, type = AttributeType.LONG, min = "100",
            description = "How often, in milliseconds, the file is checked for a change (size, modification time,"
                    + " inode) and read again; below 100 counts as 100. Default: 1000.")
    long poll__interval__ms() default DenyFileComponent.DEFAULT_POLL_MS;
}
