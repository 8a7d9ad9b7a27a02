package org.superserver.api;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

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
}
