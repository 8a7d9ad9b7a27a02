package org.superserver.api;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.Test;

/** Capability names as every config format checks them, and the sandbox fields' defaults. */
public class CapabilitiesTest {

    @Test
    public void namesAreCaseInsensitiveWithAnOptionalPrefixAndComeBackCanonical() {
        assertEquals(Set.of("CAP_NET_BIND_SERVICE", "CAP_NET_RAW"),
                Capabilities.parse(List.of("net_raw", "CAP_NET_BIND_SERVICE")));
        assertEquals(Set.of(), Capabilities.parse(List.of("NONE")));
        assertEquals(10, Capabilities.number("CAP_NET_BIND_SERVICE"));
    }

    @Test
    public void anUnknownNameIsAnErrorNamingIt() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Capabilities.parse(List.of("CAP_NET_BIND_SERVICE", "CAP_FLY")));
        assertTrue(e.getMessage(), e.getMessage().contains("'CAP_FLY' is not a capability"));
        assertThrows(IllegalArgumentException.class, () -> Capabilities.parse(List.of("none", "CAP_NET_RAW")));
        assertThrows(IllegalArgumentException.class, () -> Capabilities.parse(List.of()));
    }

    @Test
    public void theKernelsListStartsWithChown() {
        assertEquals("CAP_CHOWN", Capabilities.known().get(0));
        assertTrue(Capabilities.known().contains("CAP_SYS_ADMIN"));
    }

    @Test
    public void aDefinitionIsUnsandboxedUnlessAskedAndKeepsTheSandboxThroughToBuilder() {
        ServiceDefinition.Builder b = ServiceDefinition.builder().name("s").socketType(SocketType.STREAM)
                .protocol(Protocol.TCP).port(1).server("/bin/true").argv(List.of("true"));
        ServiceDefinition plain = b.build();
        assertFalse(plain.noNewPrivs());
        assertNull(plain.capabilities());
        assertFalse(plain.privateTmp());
        assertFalse(plain.isSandboxed());
        ServiceDefinition boxed = b.noNewPrivs(true).capabilities(Set.of()).privateTmp(true).build();
        assertTrue(boxed.isSandboxed());
        assertEquals(boxed, boxed.toBuilder().build());
        assertFalse(boxed.equals(plain));
        assertThrows(IllegalArgumentException.class, () -> b.capabilities(Set.of("CAP_FLY")).build());
    }
}
