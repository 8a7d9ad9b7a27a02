package org.superserver.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.superserver.itests.Clients.READ_TIMEOUT_MILLIS;
import static org.superserver.itests.Clients.ascii;
import static org.superserver.itests.Clients.connectFrom;
import static org.superserver.itests.Clients.readExactly;
import static org.superserver.itests.Clients.readToEnd;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.superserver.api.Protocol;
import org.superserver.api.ServiceDefinition;

/**
 * xinetd's access control (the {@code xinetd} access policy of superserver-access-xinetd) over real
 * loopback sockets in Felix: built-in echo services whose definitions, registered here as a config
 * format would register them, name the policy and carry the xinetd attributes; clients bound to
 * 127.0.0.x (Linux routes all of 127/8 to lo). Covers only_from / no_access and their precedence
 * (both matching denies, as xinetd 2.3.15), IPv4 clients of a dual-stack listener, a host name,
 * access_times against a clock the test injects (a {@link Clock} service with
 * {@code superserver.clock=xinetd}), the bytes banners put on the wire, and a SENSOR service whose
 * client every other xinetd service then denies until deny_time runs out on that clock.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class XinetdAccessIT extends ItestSupport {

    static final String XINETD = "xinetd";

    @Configuration
    public Option[] config() {
        return frameworkOptions();
    }

    @Test
    public void onlyFromAndNoAccessDecideByClientAddressAndBothMatchingDenies() throws Exception {
        log();
        // 127.0.0.0 is 127/8 (zero octets on the right are wildcards); 127.0.0.5 is in both lists
        InetSocketAddress echo = echo("xinetd-of-na", "only_from", "127.0.0.0", "no_access", "127.0.0.5");
        InetSocketAddress some = echo("xinetd-of-factorized", "only_from", "127.0.0.{1,2} 127.0.9.0",
                "no_access", "127.0.0.6/32");
        InetSocketAddress nobody = echo("xinetd-of-empty", "only_from", "");
        InetSocketAddress everyone = echo("xinetd-open", "no_access", "10.0.0.0/8");

        assertEchoServes(echo, "127.0.0.1", "only_from 127.0.0.0 (127/8)");
        assertEchoServes(echo, "127.0.1.1", "only_from 127.0.0.0 (127/8)");
        assertDenied(echo, "127.0.0.5", "", "127.0.0.5 in only_from and in no_access");

        assertEchoServes(some, "127.0.0.2", "only_from 127.0.0.{1,2}");
        assertEchoServes(some, "127.0.9.9", "only_from 127.0.9.0 (127.0.9/24)");
        assertDenied(some, "127.0.0.3", "", "127.0.0.3 is not in only_from");
        assertDenied(some, "127.0.0.6", "", "127.0.0.6 is in no_access");

        assertDenied(nobody, "127.0.0.1", "", "only_from = (empty): nobody");
        assertEchoServes(everyone, "127.0.0.3", "only no_access 10/8");

        String both = log().await(TIMEOUT, "XINETD service=echo from=127.0.0.5 deny reason=only_from and no_access both match");
        assertTrue("both lists matching is a configuration error, logged at WARN: " + both, both.contains(" WARN "));
        log().await(TIMEOUT, "DENY service=echo", "from=127.0.0.5:", "reason=xinetd: only_from and no_access both match");
        log().await(TIMEOUT, "DENY service=echo", "from=127.0.0.6:", "reason=xinetd: no_access");
        log().await(TIMEOUT, "DENY service=echo", "from=127.0.0.3:", "reason=xinetd: not in only_from");
        log().await(TIMEOUT, "DENY service=echo", "from=127.0.0.1:", "reason=xinetd: only_from is empty");
    }

    @Test
    public void ipv4ClientsOfADualStackListenerAreJudgedByTheIPv4Rules() throws Exception {
        log();
        // bound to ::, the listener takes IPv4 clients as IPv4-mapped IPv6 addresses (::ffff:127.0.0.x)
        ServiceDefinition d = xinetdEcho("xinetd-dual-stack", "only_from", "127.0.0.{1,2}", "no_access", "127.0.0.2")
                .toBuilder().bindAddress("::").build();
        define(d);
        int port = awaitListening(d.id()).getPort();
        InetSocketAddress viaV4 = new InetSocketAddress("127.0.0.1", port);
        assertEchoServes(viaV4, "127.0.0.1", "127.0.0.1 through ::");
        assertDenied(viaV4, "127.0.0.2", "", "127.0.0.2 through :: (both lists)");
        assertDenied(viaV4, "127.0.0.3", "", "127.0.0.3 through :: (not in only_from)");
        log().await(TIMEOUT, "DENY service=echo", "127.0.0.3", "reason=xinetd: not in only_from");
    }

    @Test
    public void aHostNameInOnlyFromAdmitsTheAddressesItResolvesTo() throws Exception {
        // localhost is 127.0.0.1 in /etc/hosts
        InetSocketAddress echo = echo("xinetd-host-name", "only_from", "localhost");
        assertEchoServes(echo, "127.0.0.1", "only_from = localhost");
        assertDenied(echo, "127.0.0.2", "", "only_from = localhost, client 127.0.0.2");
    }

    @Test
    public void accessTimesFollowTheInjectedClock() throws Exception {
        log();
        withdrawAfterTest(context.registerService(Clock.class,
                Clock.fixed(Instant.parse("2026-12-05T12:00:00Z"), ZoneOffset.UTC), properties("superserver.clock", XINETD)));
        InetSocketAddress office = echo("xinetd-office", "access_times", "08:00-17:00");
        InetSocketAddress night = echo("xinetd-night", "access_times", "22:00-06:00");
        assertEchoServes(office, "127.0.0.1", "12:00 is within 08:00-17:00");
        assertDenied(night, "127.0.0.1", "", "12:00 is outside 22:00-06:00");
        log().await(TIMEOUT, "DENY service=echo", "from=127.0.0.1:", "reason=xinetd: outside access_times 22:00-06:00");

        // a later clock with a higher ranking takes over (the policy's reference is greedy)
        withdrawAfterTest(context.registerService(Clock.class,
                Clock.fixed(Instant.parse("2026-12-05T23:30:00Z"), ZoneOffset.UTC),
                properties("superserver.clock", XINETD, org.osgi.framework.Constants.SERVICE_RANKING, 10)));
        assertEchoServes(night, "127.0.0.1", "23:30 is within 22:00-06:00 (across midnight)");
        assertDenied(office, "127.0.0.1", "", "23:30 is outside 08:00-17:00");
    }

    @Test
    public void bannersReachTheClientBeforeTheServiceOrBeforeTheConnectionEnds() throws Exception {
        Path banner = scratch().write("banner", "Welcome to echo\r\n");
        Path success = scratch().write("banner_success", "access granted\r\n");
        Path fail = scratch().write("banner_fail", "access denied\r\n");
        ServiceDefinition d = xinetdEcho("xinetd-banners", "banner", banner.toString(),
                "banner_success", success.toString(), "no_access", "127.0.0.5").toBuilder()
                .bannerFail(fail.toString()).build();
        define(d);
        InetSocketAddress echo = awaitListening(d.id());

        String expected = "Welcome to echo\r\naccess granted\r\n";
        try (Socket socket = connectFrom("127.0.0.1", echo)) {
            assertEquals("banner, then banner_success, first", expected,
                    ascii(readExactly(socket, expected.length())));
            socket.getOutputStream().write(ascii("then echo\n"));
            assertEquals("then the service", "then echo\n", ascii(readExactly(socket, "then echo\n".length())));
        }
        assertDenied(echo, "127.0.0.5", "Welcome to echo\r\naccess denied\r\n", "denied: banner, then banner_fail");
    }

    @Test
    public void aClientThatTouchesASensorIsDeniedByEveryXinetdServiceForDenyTime() throws Exception {
        log();
        MovableClock clock = new MovableClock(Instant.parse("2026-12-05T12:00:00Z"));
        withdrawAfterTest(context.registerService(Clock.class, clock, properties("superserver.clock", XINETD)));
        InetSocketAddress sensor = echo("xinetd-sensor", "flags", "SENSOR", "deny_time", "10");
        InetSocketAddress echo = echo("xinetd-guarded", "only_from", "127.0.0.0");
        InetSocketAddress other = echo("xinetd-guarded-2", "no_access", "10.0.0.0/8");
        String intruder = "127.0.0.77";

        assertEchoServes(echo, intruder, "before the sensor");
        assertDenied(sensor, intruder, "", "the sensor serves nobody");
        log().await(TIMEOUT, "SENSOR service=echo from=" + intruder + " deny_time=10");
        assertDenied(echo, intruder, "", "after touching the sensor");
        assertDenied(other, intruder, "", "after touching the sensor, another service");
        assertEchoServes(echo, "127.0.0.78", "another client");
        log().await(TIMEOUT, 2, "DENY service=echo", "from=" + intruder + ":", "reason=xinetd: deny_time");

        clock.advance(java.time.Duration.ofMinutes(9));
        assertDenied(echo, intruder, "", "9 of the 10 minutes of deny_time later");
        clock.advance(java.time.Duration.ofMinutes(1));
        assertEchoServes(echo, intruder, "deny_time over");
        log().await(TIMEOUT, "SENSOR from=" + intruder + " deny_time expired");
    }

    /** A clock the test moves forward (access_times and deny_time read it through the policy's hook). */
    static final class MovableClock extends Clock {
        private volatile Instant now;

        MovableClock(Instant start) {
            this.now = start;
        }

        void advance(java.time.Duration d) {
            now = now.plus(d);
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    // ---- helpers ---------------------------------------------------------------------------------

    /** An echo definition on 127.0.0.1 that names the xinetd policy, with attributes given as name, value pairs. */
    private static ServiceDefinition xinetdEcho(String id, String... attributes) {
        Map<String, List<String>> attrs = new LinkedHashMap<>();
        for (int i = 0; i < attributes.length; i += 2) {
            String v = attributes[i + 1].trim();
            attrs.put(attributes[i], v.isEmpty() ? List.of() : List.of(v.split("\\s+")));
        }
        ServiceDefinition.Builder b = internal(id, "echo", Protocol.TCP).toBuilder().policies(List.of(XINETD));
        attrs.forEach(b::attribute);
        return b.build();
    }

    private InetSocketAddress echo(String id, String... attributes) throws Exception {
        define(xinetdEcho(id, attributes));
        return awaitListening(id);
    }

    private static void assertEchoServes(InetSocketAddress echo, String source, String what) throws IOException {
        String message = "from " + source + "\n";
        try (Socket socket = connectFrom(source, echo)) {
            socket.getOutputStream().write(ascii(message));
            socket.getOutputStream().flush();
            assertEquals(what + ": echoed to the client from " + source, message,
                    ascii(readExactly(socket, message.length())));
        } catch (SocketTimeoutException e) {
            throw new AssertionError(what + ": the client from " + source + " got no echo within "
                    + READ_TIMEOUT_MILLIS + " ms, where it should be served (" + e + ")", e);
        } catch (IOException e) {
            throw new AssertionError(what + ": the client from " + source + " was not served (" + e
                    + "), where it should be allowed", e);
        }
    }

    /** The client reads exactly {@code expected} and then the end of the connection, without being served. */
    private static void assertDenied(InetSocketAddress service, String source, String expected, String what)
            throws IOException {
        try (Socket socket = connectFrom(source, service)) {
            // the client sends nothing: a served echo client would wait, and time out here
            byte[] got;
            try {
                got = readToEnd(socket);
            } catch (SocketTimeoutException e) {
                throw new AssertionError(what + ": the client from " + source + " was still connected after "
                        + READ_TIMEOUT_MILLIS + " ms: served, where it should be denied", e);
            } catch (SocketException e) {
                throw new AssertionError(what + ": the client from " + source + " should read "
                        + (expected.isEmpty() ? "end of file without data" : "'" + expected + "' and end of file")
                        + ", but got " + e, e);
            }
            assertEquals(what + ": the client from " + source + " is denied", expected, ascii(got));
        }
    }
}
