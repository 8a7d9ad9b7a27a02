package org.superserver.itests.karaf;

import static org.junit.Assume.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Map;
import java.util.Optional;

/**
 * A Karaf into which {@code feature:install superserver superserver-default} has run, with the
 * embedded default's ten services on free ports: their {@code .cfg} files are written into etc/
 * before the install (Karaf keeps a feature's configuration when its file exists), so that a
 * test never takes the standard 100xx ports that another server on this machine may hold.
 */
final class SuperserverInKaraf implements AutoCloseable {

    private static final String[] DEFAULT_SERVICES = {"echo", "discard", "daytime", "chargen", "time"};
    private static final long BOOT_TIMEOUT_SECONDS = 240;
    /** Free ports besides Karaf's three and the default's five, for a test's own services. */
    static final int SPARE_PORTS = 4;

    final KarafInstance karaf;
    final int echoPort;
    final int[] sparePorts;
    final String installOutput;

    private SuperserverInKaraf(KarafInstance karaf, int echoPort, int[] sparePorts, String installOutput) {
        this.karaf = karaf;
        this.echoPort = echoPort;
        this.sparePorts = sparePorts;
        this.installOutput = installOutput;
    }

    /**
     * Starts Karaf with {@code frameworkProperties} added to etc/custom.properties and installs the
     * features; skips the calling test class, saying why, where there is no JDK 17 to run Karaf on.
     */
    static SuperserverInKaraf install(Map<String, String> frameworkProperties) throws Exception {
        Optional<Path> java17 = KarafInstance.java17(System.getProperty("karaf.java.home"));
        assumeTrue("Apache Karaf 4.4 boots on Java 17 only, and there is no JDK 17 at "
                + System.getProperty("karaf.java.home") + " (-Dkaraf.java.home=...) and this is Java "
                + Runtime.version().feature(), java17.isPresent());

        int[] ports = FreePorts.take(3 + DEFAULT_SERVICES.length + SPARE_PORTS);
        KarafInstance karaf = KarafInstance.prepare(Paths.get(System.getProperty("karaf.distribution")),
                Paths.get(System.getProperty("karaf.system.extra")), Paths.get(System.getProperty("karaf.work")),
                java17.get(), ports[0], ports[1], ports[2]);
        try {
            StringBuilder custom = new StringBuilder("\n");
            frameworkProperties.forEach((key, value) -> custom.append(key).append(" = ").append(value).append('\n'));
            Files.writeString(karaf.etc().resolve("custom.properties"), custom, StandardCharsets.ISO_8859_1,
                    java.nio.file.StandardOpenOption.APPEND);
            for (int i = 0; i < DEFAULT_SERVICES.length; i++) {
                writeDefaultService(karaf, DEFAULT_SERVICES[i], "tcp", ports[3 + i]);
                writeDefaultService(karaf, DEFAULT_SERVICES[i], "udp", ports[3 + i]);
            }
            karaf.start();
            karaf.awaitBooted(BOOT_TIMEOUT_SECONDS);
            String output = karaf.execute(
                    "feature:repo-add mvn:org.superserver/superserver-features/" + System.getProperty("superserver.version")
                            + "/xml/features",
                    "feature:install superserver superserver-default");
            int[] spare = new int[SPARE_PORTS];
            System.arraycopy(ports, 3 + DEFAULT_SERVICES.length, spare, 0, SPARE_PORTS);
            return new SuperserverInKaraf(karaf, ports[3], spare, output);
        } catch (Exception | Error e) {
            karaf.close();
            throw e;
        }
    }

    private static void writeDefaultService(KarafInstance karaf, String service, String protocol, int port)
            throws IOException {
        String socketType = protocol.equals("tcp") ? "stream" : "dgram";
        Files.writeString(karaf.etc().resolve("org.superserver.service-" + service + "-" + protocol + ".cfg"),
                "service = " + service + "\ntype = INTERNAL\nsocket_type = " + socketType + "\nprotocol = " + protocol
                        + "\nbind = 127.0.0.1\nport = " + port + "\nwait = no\n", StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws Exception {
        karaf.close();
    }
}
