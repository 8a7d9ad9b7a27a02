package org.superserver.api.access;

import java.util.concurrent.CompletionStage;
import org.osgi.annotation.versioning.ConsumerType;
import org.superserver.api.ConnectionInfo;
import org.superserver.api.ServiceDefinition;

/**
 * Decides whether a client may use a service. Registered as an OSGi service with the property
 * {@value #NAME_PROPERTY}; a definition lists the names of the policies that apply to it in
 * {@link ServiceDefinition#policies()}, and the core asks exactly those, in that order. A service
 * that names a policy which is not registered is refused (fail closed).
 */
@ConsumerType
public interface AccessPolicy {

    /** The service property that names a policy, e.g. {@code superserver.policy=tcpd}. */
    String NAME_PROPERTY = "superserver.policy";

    /**
     * Decides about one connection. Called on an event loop: anything slow (a name lookup, a file
     * read) must run elsewhere and complete the returned stage later. A stage completed
     * exceptionally counts as a denial.
     */
    CompletionStage<Decision> check(ConnectionInfo connection, ServiceDefinition definition);
}
