package org.superserver.config.xinetd.internal;

import org.superserver.api.ServiceDefinition;

/**
 * Where definitions are published: in the framework, an OSGi service registration each; in tests,
 * a recording fake.
 */
interface RegistrationSink {

    /** Publishes one definition; the returned handle withdraws it. */
    Registration register(ServiceDefinition definition);

    /** A published definition. */
    interface Registration {
        /** Withdraws the definition; does nothing when it is already gone. */
        void unregister();
    }
}
