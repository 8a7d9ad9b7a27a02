package org.superserver.access.xinetd.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * Configuration PID {@code org.superserver.access.xinetd}: how the {@code xinetd} access policy looks
 * names up and how much it keeps. Method names map to property names as Declarative Services maps
 * them: {@code lookup__timeout__ms()} is {@code lookup_timeout_ms}.
 */
@ObjectClassDefinition(
        id = XinetdPolicyComponent.PID,
        name = "Superserver xinetd access policy",
        description = "only_from, no_access, access_times, banners and SENSOR/deny_time for the services that "
                + "name the xinetd policy.")
@interface XinetdConfig {

    @AttributeDefinition(name = "lookup_timeout_ms", required = false, type = AttributeType.LONG, min = "1",
            description = "How long, in milliseconds, the reverse lookup of a client's name (for .domain entries) "
                    + "may take; a name not found in time counts as none. Default: 5000.")
    long lookup__timeout__ms() default 5000;

    @AttributeDefinition(name = "name_cache_seconds", required = false, type = AttributeType.LONG, min = "0",
            description = "How long, in seconds, a client's looked-up name (or its lack of one) is kept. Default: 60.")
    long name__cache__seconds() default 60;

    @AttributeDefinition(name = "name_cache_size", required = false, type = AttributeType.INTEGER, min = "1",
            description = "How many client names are kept at most. Default: 10000.")
    int name__cache__size() default 10_000;

    @AttributeDefinition(name = "host_refresh_seconds", required = false, type = AttributeType.LONG, min = "1",
            description = "How old, in seconds, the addresses of the host names in only_from and no_access may get "
                    + "before they are resolved again (in the background; decisions use the old ones meanwhile). "
                    + "Default: 300.")
    long host__refresh__seconds() default 300;

    @AttributeDefinition(name = "banner_max_bytes", required = false, type = AttributeType.INTEGER, min = "0",
            description = "How many bytes of each banner, banner_success and banner_fail file are sent at most; "
                    + "the rest of a longer file is left out and logged. Default: 65536.")
    int banner__max__bytes() default 65_536;

    @AttributeDefinition(name = "sensor_max_clients", required = false, type = AttributeType.INTEGER, min = "1",
            description = "How many clients the global no_access list of SENSOR services holds at most (xinetd: "
                    + "10240); when full, a new client is logged and not added. Default: 10240.")
    int sensor__max__clients() default 10_240;
}
