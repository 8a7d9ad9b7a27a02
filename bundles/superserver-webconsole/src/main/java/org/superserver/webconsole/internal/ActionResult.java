package org.superserver.webconsole.internal;

/**
 * What one action did, for the administrator.
 *
 * @param action   {@code reload}, {@code enable} or {@code disable}
 * @param service  the service id it was about, or {@code ""}
 * @param ok       whether it was done; false for a refusal or a failure
 * @param message  what was done, or why not
 */
record ActionResult(String action, String service, boolean ok, String message) {
}
