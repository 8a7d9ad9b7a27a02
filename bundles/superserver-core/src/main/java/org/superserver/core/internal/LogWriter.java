package org.superserver.core.internal;

import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.superserver.api.LogTarget;

/**
 * Writes connection log lines to the definitions' own targets ({@code log_type} FILE and SYSLOG)
 * on one thread, so an event loop never waits for a disk or the syslog daemon. Callers only queue:
 * a line that finds the queue ({@value #QUEUE} lines) full is dropped and counted, as is a syslog
 * datagram the local daemon does not take at once; drops are reported in one warning line per
 * second at most ({@code LOGWRITER dropped=N}) and in the state dump.
 */
final class LogWriter implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LogWriter.class);

    static final int QUEUE = 4096;
    /** Files kept open at once; the least recently written is closed (and opened again when needed). */
    static final int MAX_OPEN_FILES = 64;
    /** The local syslog socket. */
    static final String DEV_LOG = "/dev/log";

    private static final DateTimeFormatter FILE_STAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    private record Line(LogTarget target, long millis, String text) {
    }

    private final BlockingQueue<Line> queue = new ArrayBlockingQueue<>(QUEUE);
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong written = new AtomicLong();
    private final String syslogSocket;
    private final Thread thread;
    // Confined to the writer thread.
    private final Map<LogTarget, LogFile> files = new LinkedHashMap<>(16, 0.75f, true);
    private UnixDatagram syslog;
    private long reportedDrops;
    private long lastReportNanos = System.nanoTime() - 1_000_000_000L;
    private int lastSyslogError;
    private volatile boolean closed;

    LogWriter() {
        this(DEV_LOG);
    }

    /** @param syslogSocket the local syslog socket ({@code /dev/log}; another path in tests) */
    LogWriter(String syslogSocket) {
        this.syslogSocket = syslogSocket;
        this.thread = new Thread(this::run, "superserver-connection-log");
        thread.setDaemon(true);
        thread.start();
    }

    /** Queues {@code text} for {@code target}; nothing for {@link LogTarget#DEFAULT}. Never blocks. */
    void write(LogTarget target, String text) {
        if (target.kind() == LogTarget.Kind.DEFAULT || closed) {
            return;
        }
        if (!queue.offer(new Line(target, System.currentTimeMillis(), text))) {
            dropped.incrementAndGet();
        }
    }

    /** Lines not written: the queue was full, the syslog daemon did not take them, or their file is stopped. */
    long dropped() {
        return dropped.get();
    }

    long written() {
        return written.get();
    }

    /** Lines waiting to be written. */
    int queued() {
        return queue.size();
    }

    private void run() {
        while (!closed) {
            Line line;
            try {
                line = queue.poll(1, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                break;
            }
            if (line != null) {
                try {
                    if (deliver(line)) {
                        written.incrementAndGet();
                    } else {
                        dropped.incrementAndGet();
                    }
                } catch (RuntimeException | LinkageError e) {
                    dropped.incrementAndGet();
                    LOG.warn("LOGWRITER error={}", e.toString());
                }
            }
            reportDrops();
        }
        files.values().forEach(LogFile::close);
        if (syslog != null) {
            syslog.close();
        }
    }

    private boolean deliver(Line line) {
        LogTarget target = line.target();
        if (target.kind() == LogTarget.Kind.FILE) {
            LogFile file = files.get(target);
            if (file == null) {
                file = new LogFile(target);
                files.put(target, file);
                if (files.size() > MAX_OPEN_FILES) {
                    LogTarget eldest = files.keySet().iterator().next();
                    LogFile closing = files.remove(eldest);
                    if (!closing.stopped()) {
                        closing.close(); // opened again on its next line; a stopped one stays out of the map
                    }
                }
            }
            String stamp = FILE_STAMP.format(LocalDateTime.ofInstant(java.time.Instant.ofEpochMilli(line.millis()),
                    ZoneId.systemDefault()));
            return file.write(stamp + " " + line.text());
        }
        if (syslog == null) {
            syslog = UnixDatagram.open();
        }
        ZonedDateTime when = ZonedDateTime.ofInstant(java.time.Instant.ofEpochMilli(line.millis()),
                ZoneId.systemDefault());
        int errno = syslog.send(syslogSocket, SyslogFormat.message(target, when, ProcessHandle.current().pid(),
                line.text()));
        if (errno != 0 && errno != lastSyslogError) {
            LOG.warn("LOGWRITER syslog={} error=errno {}; connection lines for syslog are dropped while it lasts",
                    syslogSocket, errno);
        }
        lastSyslogError = errno;
        return errno == 0;
    }

    private void reportDrops() {
        long now = dropped.get();
        long at = System.nanoTime();
        if (now != reportedDrops && at - lastReportNanos >= 1_000_000_000L) {
            LOG.warn("LOGWRITER dropped={} total_dropped={} (queue of {} lines full, syslog not taking them, or a"
                    + " log file stopped)", now - reportedDrops, now, QUEUE);
            reportedDrops = now;
            lastReportNanos = at;
        }
    }

    /** Writes what is queued (for at most {@code millis}), then stops the thread. */
    @Override
    public void close() {
        long deadline = System.currentTimeMillis() + 2_000;
        while (!queue.isEmpty() && System.currentTimeMillis() < deadline) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        closed = true;
        thread.interrupt();
    }

    /** Waits until every line queued so far has been handled (for tests and the dump). */
    void drain(long millis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + millis;
        while (!queue.isEmpty() && System.currentTimeMillis() < deadline) {
            Thread.sleep(5);
        }
        Thread.sleep(20);
    }
}
