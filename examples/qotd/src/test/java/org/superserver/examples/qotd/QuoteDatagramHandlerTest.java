package org.superserver.examples.qotd;

import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.net.InetSocketAddress;
import org.junit.Test;

/** Whom the UDP side answers: a pure function of the sender and the socket's own address. */
public class QuoteDatagramHandlerTest {

    private static final InetSocketAddress LOCAL = new InetSocketAddress("127.0.0.1", 10017);

    private static boolean answers(String address, int port) {
        return QuoteDatagramHandler.answers(new InetSocketAddress(address, port), LOCAL);
    }

    @Test
    public void anOrdinaryClientIsAnswered() {
        assertTrue(answers("127.0.0.1", 40000));
        assertTrue(answers("::1", 40000));
        assertTrue("another address with our port", answers("127.0.0.2", 10017));
    }

    @Test
    public void groupAndUnspecifiedSendersAreNotAnswered() {
        assertFalse(answers("255.255.255.255", 40000));
        assertFalse(answers("224.0.0.1", 40000));
        assertFalse(answers("0.0.0.0", 40000));
        assertFalse(answers("ff02::1", 40000));
        assertFalse(answers("::", 40000));
    }

    @Test
    public void privilegedPortsAndOurOwnAddressAreNotAnswered() {
        assertFalse("echo's port", answers("127.0.0.1", 7));
        assertFalse("qotd's own well-known port", answers("127.0.0.1", 17));
        assertFalse(answers("127.0.0.1", 1023));
        assertFalse("our own socket: answering would talk to ourselves", answers("127.0.0.1", 10017));
        assertFalse("a socket on every address has every address as its own",
                QuoteDatagramHandler.answers(new InetSocketAddress("127.0.0.5", 10017),
                        new InetSocketAddress("0.0.0.0", 10017)));
    }
}
