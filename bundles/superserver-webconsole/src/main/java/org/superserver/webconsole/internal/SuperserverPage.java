package org.superserver.webconsole.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.superserver.api.ConfigSource;
import org.superserver.api.status.ServerStatus;

/**
 * The Superserver page, independent of any servlet API: {@code GET} shows the page (or its JSON
 * with a {@code .json} path), {@code POST} runs an action ({@code action=reload}, or
 * {@code action=disable|enable} with {@code service=ID}) when it carries the page's
 * anti-forgery {@code token}. The core and the sources are dynamic references, so the page stays
 * up and says so when they are absent.
 */
@Component(service = SuperserverPage.class)
public final class SuperserverPage {

    static final String LABEL = "superserver";
    static final String TITLE = "Superserver";
    static final String CATEGORY = "Superserver";

    private static final Logger LOG = LoggerFactory.getLogger(SuperserverPage.class);

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile ServerStatus status;

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile List<ConfigSource> sources = List.of();

    private final String token;
    private final Outcomes outcomes = new Outcomes();
    private final Clock clock;

    public SuperserverPage() {
        this(newToken(), Clock.systemUTC());
    }

    SuperserverPage(String token, Clock clock) {
        this.token = token;
        this.clock = clock;
    }

    /** Answers one request. */
    public void serve(PageExchange exchange) throws IOException {
        boolean json = exchange.requestUri() != null && exchange.requestUri().endsWith(".json");
        switch (exchange.method()) {
            case "GET", "HEAD" -> show(exchange, json);
            case "POST" -> act(exchange, json);
            default -> exchange.respond(405, "text/plain", "only GET and POST\n");
        }
    }

    private void show(PageExchange exchange, boolean json) throws IOException {
        ConsoleView view = ConsoleView.of(status, currentSources());
        if (json) {
            exchange.respond(200, "application/json", JsonView.render(view, token));
        } else {
            ActionResult outcome = outcomes.get(exchange.parameter("outcome"));
            exchange.respond(200, "text/html", HtmlView.render(view, outcome, token, pagePath(exchange), clock.instant()));
        }
    }

    private void act(PageExchange exchange, boolean json) throws IOException {
        if (!tokenMatches(exchange.parameter("token"))) {
            LOG.warn("WEBCONSOLE refused=token action={}", exchange.parameter("action"));
            exchange.respond(403, json ? "application/json" : "text/plain", json
                    ? JsonView.render(new ActionResult(String.valueOf(exchange.parameter("action")), "", false,
                            "missing or wrong token: reload the page (or GET superserver.json) and send its token"))
                    : "missing or wrong token: reload the page and try again\n");
            return;
        }
        String action = exchange.parameter("action");
        String service = exchange.parameter("service");
        List<ConfigSource> current = currentSources();
        ActionResult result;
        if ("reload".equals(action)) {
            result = ConsoleActions.reload(current);
        } else if ("disable".equals(action) || "enable".equals(action)) {
            result = ConsoleActions.setDisabled(current, service == null ? null : service.trim(), "disable".equals(action));
        } else {
            exchange.respond(400, "text/plain", "unknown action: give action=reload, disable or enable\n");
            return;
        }
        LOG.info("WEBCONSOLE action={} service={} ok={} message={}", result.action(),
                result.service().isEmpty() ? "-" : result.service(), result.ok(), result.message());
        if (json) {
            exchange.respond(200, "application/json", JsonView.render(result));
        } else {
            exchange.redirect(pagePath(exchange) + "?outcome=" + outcomes.put(result));
        }
    }

    private List<ConfigSource> currentSources() {
        List<ConfigSource> current = sources;
        return current == null ? List.of() : current;
    }

    private boolean tokenMatches(String given) {
        return given != null && MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8),
                token.getBytes(StandardCharsets.UTF_8));
    }

    private static String pagePath(PageExchange exchange) {
        String root = exchange.appRoot();
        return (root == null ? "" : root + "/") + LABEL;
    }

    private static String newToken() {
        byte[] bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
