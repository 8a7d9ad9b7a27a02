package org.superserver.access.xinetd.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads banner files for {@code banner}, {@code banner_success} and {@code banner_fail}: as they
 * are on disk at each connection (as xinetd opens them per connection), as-is (no line-end
 * translation), at most {@code maxBytes} of each; the rest of a longer file is left out and logged.
 * The core sends the text as UTF-8, so a file is read as UTF-8 (other bytes become U+FFFD). A file
 * that cannot be read, or is not a regular file (a FIFO, a device, a directory), is logged and skipped.
 * Blocking: only on a lookup thread.
 */
final class BannerFiles {

    private static final Logger LOG = LoggerFactory.getLogger(BannerFiles.class);

    private final int maxBytes;

    BannerFiles(int maxBytes) {
        this.maxBytes = Math.max(0, maxBytes);
    }

    /** The file's text, or {@code null} when it cannot be read. */
    String read(String file, String service, String attribute) {
        Path path = Path.of(file);
        if (!Files.isRegularFile(path)) {
            // checked before opening, so that a FIFO or a device never blocks a lookup thread
            LOG.warn("XINETD service={} {}={} is not a readable regular file, skipped", service, attribute, file);
            return null;
        }
        try (InputStream in = Files.newInputStream(path)) {
            byte[] b = in.readNBytes(maxBytes + 1);
            int n = b.length;
            if (n > maxBytes) {
                n = maxBytes;
                LOG.warn("XINETD service={} {}={} is longer than {} bytes: only its first {} bytes are sent",
                        service, attribute, file, maxBytes, maxBytes);
            }
            return new String(b, 0, n, StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            LOG.warn("XINETD service={} {}={} cannot be read, skipped ({})", service, attribute, file, e.toString());
            return null;
        }
    }
}
