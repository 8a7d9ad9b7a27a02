package org.superserver.webconsole.internal;

import java.io.IOException;

/**
 * One HTTP request to the page and its response, as {@link SuperserverPage} needs them: what a
 * servlet adapter hands over, whichever servlet API it speaks.
 */
interface PageExchange {

    /** {@code GET}, {@code POST}, ... */
    String method();

    /** The request's path, e.g. {@code /system/console/superserver.json}. */
    String requestUri();

    /** A query or form parameter, or {@code null}. */
    String parameter(String name);

    /** The Web Console's root path (e.g. {@code /system/console}), or {@code null} when not known. */
    String appRoot();

    /**
     * Writes the response body. For an HTML page inside the console frame the console has set the
     * status and type already, and {@code contentType} {@code text/html} leaves them alone.
     */
    void respond(int status, String contentType, String body) throws IOException;

    /** A 303 See Other to {@code location}. */
    void redirect(String location) throws IOException;
}
