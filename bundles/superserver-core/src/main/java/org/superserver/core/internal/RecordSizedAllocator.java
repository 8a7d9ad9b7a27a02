package org.superserver.core.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;

/**
 * The allocator of TLS connections and their relays: the channel's own, with every buffer started
 * at no more than one TLS record's worth ({@value #LARGEST_START} bytes); a buffer still grows when
 * it is written past that.
 *
 * <p>Netty's adaptive allocator pools buffers up to 16,896 bytes in a JVM with a small heap (as the
 * core's is) and makes every larger one afresh, zeroed; but {@code SslHandler} asks for an output
 * buffer as large as all the ciphertext a read brought (up to 64 KiB) and the channels read into
 * buffers of up to 64 KiB, so every read of a busy TLS connection made and zeroed new direct
 * memory. Started at one record, the decrypted records come in pooled buffers of their own size
 * ({@code SslHandler} fills one, passes it on and takes the next), reads take a record or so each,
 * and nothing is made afresh.
 */
final class RecordSizedAllocator implements ByteBufAllocator {

    /** The largest start: the adaptive allocator's largest pooled size, above a full TLS record (16,406 bytes). */
    static final int LARGEST_START = 16_896;

    private final ByteBufAllocator pooled;

    RecordSizedAllocator(ByteBufAllocator pooled) {
        this.pooled = pooled;
    }

    private static int start(int initialCapacity) {
        return Math.min(initialCapacity, LARGEST_START);
    }

    @Override
    public ByteBuf buffer() {
        return pooled.buffer();
    }

    @Override
    public ByteBuf buffer(int initialCapacity) {
        return pooled.buffer(start(initialCapacity));
    }

    @Override
    public ByteBuf buffer(int initialCapacity, int maxCapacity) {
        return pooled.buffer(start(initialCapacity), maxCapacity);
    }

    @Override
    public ByteBuf ioBuffer() {
        return pooled.ioBuffer();
    }

    @Override
    public ByteBuf ioBuffer(int initialCapacity) {
        return pooled.ioBuffer(start(initialCapacity));
    }

    @Override
    public ByteBuf ioBuffer(int initialCapacity, int maxCapacity) {
        return pooled.ioBuffer(start(initialCapacity), maxCapacity);
    }

    @Override
    public ByteBuf heapBuffer() {
        return pooled.heapBuffer();
    }

    @Override
    public ByteBuf heapBuffer(int initialCapacity) {
        return pooled.heapBuffer(start(initialCapacity));
    }

    @Override
    public ByteBuf heapBuffer(int initialCapacity, int maxCapacity) {
        return pooled.heapBuffer(start(initialCapacity), maxCapacity);
    }

    @Override
    public ByteBuf directBuffer() {
        return pooled.directBuffer();
    }

    @Override
    public ByteBuf directBuffer(int initialCapacity) {
        return pooled.directBuffer(start(initialCapacity));
    }

    @Override
    public ByteBuf directBuffer(int initialCapacity, int maxCapacity) {
        return pooled.directBuffer(start(initialCapacity), maxCapacity);
    }

    @Override
    public CompositeByteBuf compositeBuffer() {
        return pooled.compositeBuffer();
    }

    @Override
    public CompositeByteBuf compositeBuffer(int maxNumComponents) {
        return pooled.compositeBuffer(maxNumComponents);
    }

    @Override
    public CompositeByteBuf compositeHeapBuffer() {
        return pooled.compositeHeapBuffer();
    }

    @Override
    public CompositeByteBuf compositeHeapBuffer(int maxNumComponents) {
        return pooled.compositeHeapBuffer(maxNumComponents);
    }

    @Override
    public CompositeByteBuf compositeDirectBuffer() {
        return pooled.compositeDirectBuffer();
    }

    @Override
    public CompositeByteBuf compositeDirectBuffer(int maxNumComponents) {
        return pooled.compositeDirectBuffer(maxNumComponents);
    }

    @Override
    public boolean isDirectBufferPooled() {
        return pooled.isDirectBufferPooled();
    }

    @Override
    public int calculateNewCapacity(int minNewCapacity, int maxCapacity) {
        return pooled.calculateNewCapacity(minNewCapacity, maxCapacity);
    }
}
