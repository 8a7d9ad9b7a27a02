package org.superserver.api;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.util.EnumSet;
import java.util.List;
import org.junit.Test;

public class ServiceDefinitionTest {

    private static ServiceDefinition.Builder echo() {
        return ServiceDefinition.builder().name("echo").socketType(SocketType.STREAM)
                .protocol(Protocol.TCP).bindAddress("127.0.0.1").port(10007).handler("echo");
    }

    @Test
    public void equalFieldsMakeEqualDefinitions() {
        assertEquals(echo().build(), echo().build());
        assertEquals(echo().build().hashCode(), echo().build().hashCode());
        assertNotEquals(echo().build(), echo().port(10008).build());
        assertEquals(echo().build(), echo().build().toBuilder().build());
    }

    @Test
    public void idDefaultsToNameAndProtocol() {
        assertEquals("echo/tcp", echo().build().id());
    }

    @Test
    public void wildcardBindAddressIsNull() {
        assertNull(echo().bindAddress("*").build().bindAddress());
        assertNull(echo().bindAddress("").build().bindAddress());
    }

    @Test
    public void bindAddressMustBeALiteral() {
        assertEquals("::1", echo().bindAddress("::1").build().bindAddress());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> echo().bindAddress("localhost").build());
        assertTrue(e.getMessage(), e.getMessage().contains("localhost"));
        assertThrows(IllegalArgumentException.class, () -> echo().bindAddress("127.0.0.256").build());
    }

    @Test
    public void addressLiteralsAreParsedWithoutNameLookups() {
        assertTrue(AddressLiterals.isLiteral("127.0.0.1"));
        assertTrue(AddressLiterals.isLiteral("[::1]"));
        assertTrue(AddressLiterals.isLiteral("fe80::1%1"));
        assertEquals("127.0.0.2", AddressLiterals.parse("127.0.0.2").get().getHostAddress());
        assertTrue(AddressLiterals.parse("localhost").isEmpty());
        assertTrue(AddressLiterals.parse("1.2.3").isEmpty());
        assertTrue(AddressLiterals.parse("300.1.1.1").isEmpty());
        assertTrue(AddressLiterals.parse("::g").isEmpty());
    }

    @Test
    public void streamOverUdpIsRejectedNamingBoth() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> echo().protocol(Protocol.UDP).build());
        assertTrue(e.getMessage(), e.getMessage().contains("stream") && e.getMessage().contains("udp"));
    }

    @Test
    public void exactlyOneOfHandlerAndServerIsRequired() {
        assertThrows(IllegalArgumentException.class, () -> echo().server("/bin/cat").argv(List.of("cat")).build());
        assertThrows(IllegalArgumentException.class, () -> echo().handler(null).build());
        ServiceDefinition exec = echo().handler(null).server("/bin/cat").argv(List.of("cat")).build();
        assertEquals(List.of("cat"), exec.argv());
    }

    @Test
    public void portOutOfRangeIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> echo().port(70000).build());
        assertTrue(e.getMessage().contains("70000"));
        assertThrows(IllegalArgumentException.class, () -> echo().port(-1).build());
    }

    @Test
    public void collectionsAreCopiedAndReadOnly() {
        List<String> argv = new java.util.ArrayList<>(List.of("cat"));
        ServiceDefinition exec = echo().handler(null).server("/bin/cat").argv(argv).build();
        argv.add("-n");
        assertEquals(List.of("cat"), exec.argv());
        assertThrows(UnsupportedOperationException.class, () -> exec.argv().add("x"));
    }

    @Test
    public void protocolAndSocketTypeParseTheirConfigNames() {
        assertEquals(Protocol.UDP6, Protocol.parse("UDP6"));
        assertEquals(SocketType.DGRAM, SocketType.parse("dgram"));
        assertThrows(IllegalArgumentException.class, () -> Protocol.parse("sctp"));
    }

    @Test
    public void xinetdFieldsSurviveToBuilderAndTakePartInEquality() {
        ServiceDefinition d = echo().handler(null).redirect("127.0.0.1", 2222).perSource(3).cps(10, 5)
                .maxLoad(2.5).nice(5).umask(022).supplementaryGroups(false)
                .resourceLimit(ResourceLimit.NOFILE, 64).resourceLimit(ResourceLimit.CPU, ServiceDefinition.UNLIMITED)
                .bannerFail("/etc/banner.fail").logOnSuccess(EnumSet.of(LogField.TRAFFIC))
                .logOnFailure(EnumSet.noneOf(LogField.class)).logTarget(LogTarget.file("/var/log/s", 10, 20))
                .keepAlive(true).noDelay(true).v6Only(true).optionalPolicy("tcpd").build();
        assertEquals(d, d.toBuilder().build());
        assertTrue(d.isRedirect());
        assertEquals("FILE /var/log/s 10 20", d.logTarget().toString());
        assertEquals(Long.valueOf(64), d.resourceLimits().get(ResourceLimit.NOFILE));
        assertNotEquals(d, d.toBuilder().perSource(4).build());
        assertNotEquals(d, d.toBuilder().logOnSuccess(EnumSet.of(LogField.PID)).build());
        assertEquals(ServiceDefinition.DEFAULT_LOG_ON_SUCCESS, echo().build().logOnSuccess());
        assertTrue(echo().build().supplementaryGroups());
    }

    @Test
    public void dispatchIsExactlyOneOfHandlerServerAndRedirect() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> echo().redirect("127.0.0.1", 22).build());
        assertTrue(e.getMessage(), e.getMessage().contains("more than one"));
        e = assertThrows(IllegalArgumentException.class,
                () -> echo().handler(null).redirect("127.0.0.1", 0).build());
        assertTrue(e.getMessage(), e.getMessage().contains("redirect port 0"));
        e = assertThrows(IllegalArgumentException.class, () -> echo().handler(null)
                .socketType(SocketType.DGRAM).protocol(Protocol.UDP).redirect("127.0.0.1", 22).build());
        assertTrue(e.getMessage(), e.getMessage().contains("redirect relays stream"));
        e = assertThrows(IllegalArgumentException.class, () -> echo().cps(5, 0).build());
        assertTrue(e.getMessage(), e.getMessage().contains("pause"));
        e = assertThrows(IllegalArgumentException.class, () -> echo().umask(01000).build());
        assertTrue(e.getMessage(), e.getMessage().contains("umask"));
    }

    @Test
    public void tlsNeedsACertificateAndAKeyAndFitsOnlyStreamNowait() {
        ServiceDefinition d = echo().tls(true).tlsCertificate("/etc/ssl/a.pem").tlsKey("/etc/ssl/a.key").build();
        assertTrue(d.tls());
        assertEquals("/etc/ssl/a.pem", d.tlsCertificate());
        assertNull(d.tlsClientCa());
        assertEquals(d, d.toBuilder().build());
        assertNotEquals(d, d.toBuilder().tlsClientCa("/etc/ssl/ca.pem").build());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> echo().tls(true).tlsKey("/k").build());
        assertTrue(e.getMessage(), e.getMessage().contains("tls_certificate"));
        e = assertThrows(IllegalArgumentException.class, () -> echo().tls(true).tlsCertificate("/c").build());
        assertTrue(e.getMessage(), e.getMessage().contains("tls_key"));
        e = assertThrows(IllegalArgumentException.class,
                () -> echo().tls(true).tlsCertificate("/c").tlsKey("/k").wait(true).build());
        assertTrue(e.getMessage(), e.getMessage().contains("wait"));
    }
}
