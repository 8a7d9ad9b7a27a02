package org.superserver.core.internal;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

/**
 * Works out the children's open-file limit when the core bundle starts and raises the server's
 * own soft limit to its hard one ({@link ChildLimits}), so that the listeners can hold many
 * connections even when no exec'd service is configured.
 */
@Component(immediate = true, service = {})
public final class OpenFileLimit {

    @Activate
    void activate() {
        try {
            ChildLimits.original();
        } catch (LinkageError | RuntimeException e) {
            org.slf4j.LoggerFactory.getLogger(OpenFileLimit.class).warn("LIMITS error=cannot read the open-file"
                    + " limit: {}", e.toString());
        }
    }
}
