package org.superserver.api.config;

import org.superserver.api.ServiceDefinition;

/**
 * Where definitions are published: in the framework, an OSGi service registration each; in tests,
 * a recording fake.
 */
public interface RegistrationSink {

    /** Publishes one definition; the returned handle withdraws it. */
    Registration register(ServiceDefinition definition);

    /** A published definition. */
    interface Registration {
        /** Withdraws the definition; does nothing when it is already gone. */
        void unregister();
    }
}
