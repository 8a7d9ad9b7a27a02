package org.superserver.core.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import org.junit.Test;

/** Buffers of TLS connections start at one record's worth at most and still take all that is written. */
public class RecordSizedAllocatorTest {

    private final RecordSizedAllocator allocator = new RecordSizedAllocator(ByteBufAllocator.DEFAULT);

    @Test
    public void aLargeRequestStartsAtOneRecordAndGrowsWhenWritten() {
        ByteBuf buf = allocator.directBuffer(65_536);
        try {
            assertTrue("capacity " + buf.capacity(), buf.capacity() <= RecordSizedAllocator.LARGEST_START);
            assertEquals(Integer.MAX_VALUE, buf.maxCapacity());
            buf.writeBytes(new byte[65_536]);
            assertEquals(65_536, buf.readableBytes());
        } finally {
            buf.release();
        }
    }

    @Test
    public void smallRequestsAndMaximaAreKept() {
        ByteBuf small = allocator.ioBuffer(2_048, 4_096);
        ByteBuf heap = allocator.heapBuffer(100_000, 200_000);
        try {
            assertEquals(2_048, small.capacity());
            assertEquals(4_096, small.maxCapacity());
            assertEquals(RecordSizedAllocator.LARGEST_START, heap.capacity());
            assertEquals(200_000, heap.maxCapacity());
        } finally {
            small.release();
            heap.release();
        }
    }
}
