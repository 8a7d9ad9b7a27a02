package org.superserver.launcher;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.felix.framework.FrameworkFactory;
import org.apache.felix.framework.Logger;
import org.apache.felix.main.AutoProcessor;
import org.apache.felix.main.Main;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.launch.Framework;

/**
 * Starts Superserver's Felix framework in the foreground: writes the pid file, starts the
 * framework from {@code etc/config.properties}, and on SIGTERM, SIGINT or a framework stop,
 * stops the framework, waits for it and removes the pid file.
 *
 * <p>{@code bin/superserver} sets the system properties it reads: {@code superserver.home},
 * {@code superserver.data}, {@code superserver.pid.file}, and the configuration paths of
 * {@link ConfigPaths}. Before the framework starts it refuses a umask that lets other users
 * write (bin/superserver sets 022), a configuration path that is not a regular file, and a data
 * directory that another user could change ({@link DataDirectory}); it writes the pid file
 * without following symlinks ({@link PidFile}). Then it binds the sockets the last start listened
 * on, before the framework starts, for the core to take over ({@link EarlySockets}).
 *
 * <p>It sets the framework property {@value #RLIMIT_NOFILE_PROPERTY} to the open-file limit
 * the JVM was started with, {@code SOFT:HARD} as {@code /proc/self/limits} gives it (each a
 * number or {@code unlimited}, e.g. {@code 1024:524288}): bin/superserver starts the JVM with
 * {@code -XX:-MaxFDLimit}, so the limits are still the ones the server was started with, and the
 * core raises its own soft limit and gives children these. Without {@code /proc} it is not set.
 */
public final class Launcher {

    /** Framework property: the open-file limit the server was started with, {@code SOFT:HARD}. */
    static final String RLIMIT_NOFILE_PROPERTY = "superserver.rlimit.nofile";

    private static final long STOP_TIMEOUT_MILLIS = 30_000;
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSXXX");
    private static final PrintStream OUT = System.out;

    private Launcher() {
    }

    public static void main(String[] args) {
        try {
            System.exit(run());
        } catch (Exception e) {
            log("ERROR", "Superserver did not start: " + e, null);
            System.exit(1);
        }
    }

    private static int run() throws Exception {
        Path home = Paths.get(required("superserver.home")).toAbsolutePath().normalize();
        Path data = Paths.get(System.getProperty("superserver.data", home.resolve("data").toString()))
                .toAbsolutePath().normalize();
        Path pidPath = Paths.get(System.getProperty("superserver.pid.file", data.resolve("superserver.pid").toString()))
                .toAbsolutePath().normalize();
        System.setProperty("superserver.home", home.toString());
        System.setProperty("superserver.data", data.toString());
        String homeUri = home.toFile().toURI().toString();
        System.setProperty("superserver.home.uri", homeUri.endsWith("/") ? homeUri.substring(0, homeUri.length() - 1) : homeUri);
        setDefault("felix.config.properties", home.resolve("etc/config.properties").toUri().toString());
        setDefault("felix.system.properties", home.resolve("etc/system.properties").toUri().toString());

        OptionalInt umask = ProcSelf.umask();
        if (umask.isPresent() && (umask.getAsInt() & 022) != 022) {
            log("ERROR", String.format("The umask is %04o: the bundle cache and pid file this server writes would be"
                    + " writable by other users; start it with bin/superserver (which sets umask 022) or set umask"
                    + " 022 first", umask.getAsInt()), null);
            return 1;
        }
        Optional<String> badConfig = ConfigPaths.problem(System::getProperty);
        if (badConfig.isPresent()) {
            log("ERROR", badConfig.get(), null);
            return 2;
        }
        PidFile pidFile = new PidFile(pidPath, ProcessHandle.current().pid());
        if (heldByAnother(pidFile)) {
            return 1;
        }
        int uid = ProcSelf.effectiveUid().orElse(-1);
        if (uid >= 0) {
            try {
                String repaired = DataDirectory.secure(data, uid);
                if (repaired != null) {
                    log("WARN", repaired, null);
                }
                WatchedDirectories.check(ConfigPaths.files("superserver.fileinstall.dirs",
                        System.getProperty("superserver.fileinstall.dirs")), uid, (Integer) Files.getAttribute(home, "unix:uid"));
            } catch (DataDirectory.UnsafeException e) {
                log("ERROR", e.getMessage(), null);
                return 1;
            }
        } else {
            Files.createDirectories(data);
        }

        writePidFile(pidFile);
        String key = ConfigurationKey.of(System::getProperty);
        System.setProperty(ConfigurationKey.PROPERTY, key);
        String early = EarlySockets.bind(data, uid, System.getenv("LISTEN_PID"), key,
                () -> ConfiguredSockets.of(home.resolve("bundle"), System::getProperty));
        if (early != null) {
            log("INFO", early, null);
        }
        // Run by the main thread's finally and by the shutdown hook, whichever comes first; the other
        // waits until the removal is done, since the JVM halts as soon as the hook returns.
        AtomicBoolean pidFileRemoved = new AtomicBoolean();
        Runnable removePidFile = () -> {
            synchronized (pidFileRemoved) {
                if (pidFileRemoved.compareAndSet(false, true)) {
                    String left = pidFile.removeIfOurs();
                    if (left != null) {
                        log("WARN", "Left the pid file " + pidFile.path() + " in place: " + left, null);
                    }
                }
            }
        };

        try {
            return runFramework(home, data, removePidFile);
        } finally {
            removePidFile.run();
        }
    }

    private static int runFramework(Path home, Path data, Runnable removePidFile) throws Exception {
        Main.loadSystemProperties();
        routeJavaUtilLogging();
        Map<String, String> loaded = Main.loadConfigProperties();
        if (loaded == null) {
            log("ERROR", "Cannot read the framework configuration " + System.getProperty("felix.config.properties"), null);
            return 1;
        }
        Main.copySystemProperties(loaded);
        Map<String, Object> config = new HashMap<>(loaded);
        // This launcher stops the framework itself, so that the pid file goes only once it has stopped.
        config.put("felix.shutdown.hook", "false");
        config.put("felix.log.logger", new LineLogger());
        Optional<String> openFiles = ProcSelf.openFiles();
        openFiles.ifPresent(limit -> config.put(RLIMIT_NOFILE_PROPERTY, limit));
        boolean webConsole = Boolean.getBoolean(WebConsoleSetup.ENABLED_PROPERTY);
        if (webConsole) {
            try {
                WebConsoleSetup.Setup setup = WebConsoleSetup.prepare(home, System.getProperty("superserver.home.uri"),
                        data, (String) config.get("felix.auto.start.3"), System::getProperty);
                config.putAll(setup.properties());
                log("INFO", setup.summary(), null);
            } catch (WebConsoleSetup.SetupException e) {
                log("ERROR", e.getMessage(), null);
                return 2;
            }
        }

        Framework framework = new FrameworkFactory().newFramework(config);
        // On SIGTERM the JVM halts as soon as this hook returns, possibly before the main thread
        // wakes from waitForStop, so whichever of the two sees the stop first reports it.
        AtomicBoolean stopReported = new AtomicBoolean();
        Runnable reportStopped = () -> {
            if (stopReported.compareAndSet(false, true)) {
                log("INFO", "Superserver stopped", null);
            }
        };
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stop(framework);
            reportStopped.run();
            removePidFile.run();
        }, "superserver-shutdown"));
        try {
            framework.init();
            boolean debug = "debug".equals(System.getProperty("superserver.log.level"));
            LogServiceBridge.start(framework.getBundleContext(), debug ? 4 : 2);
            WebConsoleBundles.reconcile(framework.getBundleContext(),
                    WebConsoleSetup.locationPrefix(System.getProperty("superserver.home.uri")), webConsole);
            updateChangedBundles(framework.getBundleContext(), home.resolve("bundle"), data);
            AutoProcessor.process(config, framework.getBundleContext());
            framework.start();
        } catch (BundleException | InvalidSyntaxException e) {
            log("ERROR", "The framework did not start: " + e.getMessage(), e);
            stop(framework);
            EarlySockets.closeUnclaimed("the framework did not start");
            return 1;
        }
        log("INFO", "Superserver started (pid " + ProcessHandle.current().pid() + ", home " + home
                + ", data " + data + openFiles.map(limit -> ", " + RLIMIT_NOFILE_PROPERTY + " " + limit).orElse("")
                + ")", null);
        FrameworkEvent event = framework.waitForStop(0);
        EarlySockets.closeUnclaimed("the framework stopped before a core took them");
        reportStopped.run();
        return event.getType() == FrameworkEvent.ERROR ? 1 : 0;
    }

    /** Updates the bundles whose jars in {@code bundleDir} changed since the last start ({@link BundleUpdates}). */
    private static void updateChangedBundles(BundleContext context, Path bundleDir, Path data) {
        try {
            List<String> updated = BundleUpdates.apply(context, bundleDir, data);
            if (!updated.isEmpty()) {
                log("INFO", "Updated from " + bundleDir + ": " + String.join(" ", updated), null);
            }
        } catch (IOException e) {
            log("WARN", "Cannot tell which jars of " + bundleDir + " changed since the last start: " + e, null);
        }
    }

    /** True, with an error line, if a live server already holds the pid file. */
    private static boolean heldByAnother(PidFile pidFile) {
        Optional<ProcessHandle> other = pidFile.holder().flatMap(ProcessHandle::of)
                .filter(ProcessHandle::isAlive).filter(Launcher::mayBeSuperserver);
        if (other.isPresent()) {
            log("ERROR", "Another server (pid " + other.get().pid() + ") holds the pid file " + pidFile.path()
                    + "; stop it, or give this one another --data or --pid-file", null);
            return true;
        }
        return false;
    }

    /** Writes this process's pid, replacing a stale pid file or whatever else is at its path. */
    private static void writePidFile(PidFile pidFile) throws IOException {
        Optional<BasicFileAttributes> found = pidFile.current();
        if (found.isPresent()) {
            String what = found.get().isSymbolicLink() ? "the symlink (its target is left alone)"
                    : found.get().isRegularFile() ? "the stale pid file" : "what is not a pid file at";
            log("WARN", "Replacing " + what + " " + pidFile.path(), null);
        }
        pidFile.write();
    }

    /** False only for a process known to run something else (its pid was reused). */
    private static boolean mayBeSuperserver(ProcessHandle process) {
        return process.info().commandLine().map(line -> line.contains(Launcher.class.getName())).orElse(true);
    }

    private static void stop(Framework framework) {
        if ((framework.getState() & (Bundle.STARTING | Bundle.ACTIVE | Bundle.STOPPING)) == 0) {
            return;
        }
        try {
            if ((framework.getState() & Bundle.STOPPING) == 0) {
                log("INFO", "Superserver stopping", null);
                framework.stop();
            }
            FrameworkEvent event = framework.waitForStop(STOP_TIMEOUT_MILLIS);
            if (event.getType() == FrameworkEvent.WAIT_TIMEDOUT) {
                log("WARN", "The framework did not stop within " + STOP_TIMEOUT_MILLIS + " ms", null);
            }
        } catch (BundleException | InterruptedException e) {
            log("WARN", "Stopping the framework failed: " + e, null);
        }
    }

    /**
     * Sends java.util.logging (used by Aries SPI Fly and the JDK) to standard output, one line per
     * record in the same format as every other line.
     */
    private static void routeJavaUtilLogging() {
        java.util.logging.Logger root = java.util.logging.Logger.getLogger("");
        for (java.util.logging.Handler handler : root.getHandlers()) {
            root.removeHandler(handler);
        }
        boolean debug = "debug".equals(System.getProperty("superserver.log.level"));
        root.setLevel(debug ? java.util.logging.Level.FINE : java.util.logging.Level.INFO);
        root.addHandler(new LineHandler());
    }

    private static String required(String name) {
        String value = System.getProperty(name);
        if (value == null || value.isEmpty()) {
            throw new IllegalStateException("system property " + name + " is not set (start Superserver with bin/superserver)");
        }
        return value;
    }

    private static void setDefault(String name, String value) {
        if (System.getProperty(name) == null) {
            System.setProperty(name, value);
        }
    }

    /** One line per event, in the format of the bundles' slf4j-simple lines. */
    static void log(String level, String message, Throwable error) {
        line(level, "Launcher", message, error);
    }

    static void line(String level, String source, String message, Throwable error) {
        synchronized (OUT) {
            OUT.println(OffsetDateTime.now().format(TIME) + " [" + Thread.currentThread().getName() + "] "
                    + level + " " + source + " - " + (message == null ? "" : message.replace('\n', ' ')));
            if (error != null && "debug".equals(System.getProperty("superserver.log.level"))) {
                error.printStackTrace(OUT);
            }
        }
    }

    /** java.util.logging records, one line each, in the same format. */
    static final class LineHandler extends java.util.logging.Handler {
        @Override
        public void publish(java.util.logging.LogRecord record) {
            if (!isLoggable(record)) {
                return;
            }
            int level = record.getLevel().intValue();
            String name = level >= java.util.logging.Level.SEVERE.intValue() ? "ERROR"
                    : level >= java.util.logging.Level.WARNING.intValue() ? "WARN"
                    : level >= java.util.logging.Level.INFO.intValue() ? "INFO" : "DEBUG";
            String logger = record.getLoggerName() == null ? "" : record.getLoggerName();
            String message = record.getMessage();
            if (message != null && record.getParameters() != null && record.getParameters().length > 0) {
                message = java.text.MessageFormat.format(message, record.getParameters());
            }
            Throwable thrown = record.getThrown();
            if (thrown != null) {
                message = message + ": " + thrown;
            }
            line(name, logger.substring(logger.lastIndexOf('.') + 1), message, null);
        }

        @Override
        public void flush() {
            OUT.flush();
        }

        @Override
        public void close() {
            flush();
        }
    }

    /** The framework's own messages (and its resolver's), one line each, in the same format. */
    static final class LineLogger extends Logger {
        @Override
        protected void doLog(Bundle bundle, ServiceReference sr, int level, String msg, Throwable throwable) {
            emit(level, bundle == null ? msg : msg + " (bundle " + bundle.getSymbolicName() + ")", throwable);
        }

        @Override
        protected void doLog(int level, String msg, Throwable throwable) {
            emit(level, msg, throwable);
        }

        private static void emit(int level, String msg, Throwable throwable) {
            String name;
            switch (level) {
                case LOG_ERROR:
                    name = "ERROR";
                    break;
                case LOG_WARNING:
                    name = "WARN";
                    break;
                case LOG_INFO:
                    name = "INFO";
                    break;
                default:
                    name = "DEBUG";
                    break;
            }
            String message = msg == null ? "" : msg;
            if (throwable != null) {
                message = message + ": " + throwable;
            }
            line(name, "Felix", message, level >= LOG_DEBUG ? throwable : null);
        }
    }
}
