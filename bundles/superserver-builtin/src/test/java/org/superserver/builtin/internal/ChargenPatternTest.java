package org.superserver.builtin.internal;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import org.junit.Test;

public class ChargenPatternTest {

    private final byte[] sample = InetdSample.chargen();
    private final ChargenPattern pattern = ChargenPattern.create();

    @Test
    public void sampleHoldsTwoCyclesAndSixLinesOfInetdOutput() {
        assertEquals(2 * ChargenPattern.CYCLE_BYTES + 6 * ChargenPattern.LINE_BYTES, sample.length);
        assertEquals(" !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefg\r\n",
                new String(InetdSample.line(sample, 0), java.nio.charset.StandardCharsets.US_ASCII));
    }

    @Test
    public void bufferHoldsNineWholeCycles() {
        assertEquals(9 * 95 * 74, pattern.size());
        assertEquals(63_270, pattern.size());
    }

    @Test
    public void bufferStartsWithExactlyWhatInetdSends() {
        byte[] start = ByteBufUtil.getBytes(pattern.cycles(), 0, sample.length);
        assertArrayEquals(sample, start);
    }

    @Test
    public void everyCycleOfTheBufferIsTheSame() {
        byte[] all = ByteBufUtil.getBytes(pattern.cycles());
        for (int i = 0; i < all.length; i++) {
            assertEquals("byte " + i, all[i % ChargenPattern.CYCLE_BYTES], all[i]);
        }
    }

    @Test
    public void lineNStartsAtCharacterNModulo95() {
        for (int n = 0; n < sample.length / ChargenPattern.LINE_BYTES; n++) {
            assertArrayEquals("line " + n, InetdSample.line(sample, n),
                    ByteBufUtil.getBytes(pattern.line(n)));
        }
        assertArrayEquals(ByteBufUtil.getBytes(pattern.line(0)), ByteBufUtil.getBytes(pattern.line(95)));
        assertEquals('~', pattern.line(94).getByte(0));
        assertEquals(' ', pattern.line(94).getByte(1));
        assertEquals(' ', pattern.line(95).getByte(0));
    }

    @Test
    public void viewsHaveTheirOwnIndexesAndReleasingThemFreesNothing() {
        ByteBuf first = pattern.cycles();
        first.skipBytes(100);
        first.release();
        ByteBuf second = pattern.cycles();
        assertEquals(0, second.readerIndex());
        assertEquals(pattern.size(), second.readableBytes());
        assertEquals(' ', second.getByte(0));
    }
}
