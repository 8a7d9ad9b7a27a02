package org.superserver.webconsole.internal;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The results of the last few actions, kept so that the page a POST redirects to can show them
 * (post/redirect/get) without putting their text in the URL, where anyone could forge it.
 */
final class Outcomes {

    static final int KEPT = 32;

    private final SecureRandom random = new SecureRandom();
    private final Map<String, ActionResult> results = new LinkedHashMap<>(KEPT, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, ActionResult> eldest) {
            return size() > KEPT;
        }
    };

    /** Keeps a result and returns the key that finds it. */
    synchronized String put(ActionResult result) {
        byte[] bytes = new byte[12];
        random.nextBytes(bytes);
        String key = HexFormat.of().formatHex(bytes);
        results.put(key, result);
        return key;
    }

    /** The result kept under {@code key}, or {@code null}. */
    synchronized ActionResult get(String key) {
        return key == null ? null : results.get(key);
    }
}
