package org.superserver.core.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The contents of {@code banner_fail} files, sent to a client a limit turns away. Read on a thread
 * of their own, never on an event loop; kept while the file's size and modification time stay the
 * same (one {@code stat} per use, on that thread), at most {@value #MAX_BYTES} bytes of a file
 * (the rest is not sent) and {@value #MAX_FILES} files. A file that cannot be read sends nothing
 * and is logged once per change. At most {@value #MAX_QUEUED} reads wait at once; past that a
 * refused client gets no banner.
 */
final class BannerFiles implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(BannerFiles.class);

    static final int MAX_BYTES = 64 * 1024;
    static final int MAX_FILES = 256;
    static final int MAX_QUEUED = 1024;

    private static final byte[] NOTHING = new byte[0];

    private record Cached(long size, FileTime modified, Object key, byte[] bytes) {
    }

    private final ExecutorService reader = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
            new LinkedBlockingQueue<>(MAX_QUEUED), r -> {
                Thread thread = new Thread(r, "superserver-banners");
                thread.setDaemon(true);
                return thread;
            });
    // Confined to the reader thread.
    private final Map<String, Cached> cache = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Cached> eldest) {
            return size() > MAX_FILES;
        }
    };
    private final Map<String, String> reported = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
            return size() > MAX_FILES;
        }
    };

    /** The file's contents (empty when it cannot be read), completed on the reading thread. */
    CompletableFuture<byte[]> read(String path) {
        try {
            return CompletableFuture.supplyAsync(() -> load(path), reader);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.completedFuture(NOTHING);
        }
    }

    private byte[] load(String path) {
        Path file = Path.of(path);
        try {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
            Cached known = cache.get(path);
            if (known != null && known.size == attributes.size() && known.modified.equals(attributes.lastModifiedTime())
                    && java.util.Objects.equals(known.key, attributes.fileKey())) {
                return known.bytes;
            }
            if (!attributes.isRegularFile()) {
                throw new IOException("not a regular file");
            }
            byte[] bytes;
            try (InputStream in = Files.newInputStream(file)) {
                bytes = in.readNBytes(MAX_BYTES);
            }
            cache.put(path, new Cached(attributes.size(), attributes.lastModifiedTime(), attributes.fileKey(), bytes));
            reported.remove(path);
            return bytes;
        } catch (IOException | RuntimeException e) {
            cache.remove(path);
            String why = e.toString();
            if (!why.equals(reported.put(path, why))) {
                LOG.warn("BANNER file={} error={}; refused clients get no banner", path, why);
            }
            return NOTHING;
        }
    }

    @Override
    public void close() {
        reader.shutdownNow();
    }
}
