package org.superserver.builtin.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * Configuration of the built-in services (PID {@value DatagramGuard#PID}): the reply budget that
 * keeps the UDP built-ins from reflecting traffic at a forged source. Every attribute has a
 * working default; the sample {@code etc/samples/org.superserver.builtin.cfg} lists them.
 */
@ObjectClassDefinition(
        id = DatagramGuard.PID,
        name = "Superserver built-in services",
        description = "The reply budget of the UDP built-ins (echo, chargen, daytime, time): how many replies and"
                + " bytes one source address may get, so that a forged source cannot turn them into a reflector.")
@interface BuiltinConfig {

    @AttributeDefinition(
            name = "UDP replies per second",
            description = "Replies per second one source address may get from all UDP built-ins together,"
                    + " once its burst is spent. Default: 20.",
            min = "1")
    int udp_replies_per_second() default BudgetSettings.REPLIES_PER_SECOND;

    @AttributeDefinition(
            name = "UDP reply burst",
            description = "Replies one source address may get at once before the per-second rate applies."
                    + " Default: 40.",
            min = "1")
    int udp_replies_burst() default BudgetSettings.REPLIES_BURST;

    @AttributeDefinition(
            name = "UDP reply bytes per second",
            description = "Payload bytes per second one source address may get from all UDP built-ins together,"
                    + " once its byte burst is spent. Default: 16384 (16 KiB).",
            min = "1")
    int udp_bytes_per_second() default BudgetSettings.BYTES_PER_SECOND;

    @AttributeDefinition(
            name = "UDP reply byte burst",
            description = "Payload bytes one source address may get at once; a reply larger than this is never"
                    + " sent. Default: 65536 (64 KiB, the largest echo reply fits).",
            min = "1")
    int udp_bytes_burst() default BudgetSettings.BYTES_BURST;

    @AttributeDefinition(
            name = "UDP sources tracked",
            description = "Source addresses whose budget is kept at once. When all are busy, further sources share"
                    + " one budget, so a flood from forged sources costs bounded memory. Default: 4096.",
            min = "1")
    int udp_sources() default BudgetSettings.SOURCES;

    @AttributeDefinition(
            name = "Drop log period",
            description = "Seconds between two DEBUG lines about datagrams dropped from one source address."
                    + " Default: 60.",
            min = "1")
    int udp_drop_log_seconds() default BudgetSettings.DROP_LOG_SECONDS;
}
