package io.squall.api.types.arrays;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Common base of the off-heap arrays. The segment holds only the elements (no header), so a view
 * over memory-mapped weights is exactly the bytes of the file.
 */
public abstract sealed class TornadoNativeArray
        permits FloatArray,
                DoubleArray,
                IntArray,
                LongArray,
                ShortArray,
                CharArray,
                ByteArray,
                Int8Array,
                HalfFloatArray,
                BFloat16Array,
                FP8Array {

    /** Bytes before the first element: Squall's arrays have no header (TornadoVM's carry one of 16 or 24 bytes). */
    public static final long ARRAY_HEADER = 0;

    protected final MemorySegment segment;
    protected final int size;

    protected TornadoNativeArray(MemorySegment segment, int size) {
        this.segment = segment;
        this.size = size;
    }

    static MemorySegment allocate(int size, int elementBytes) {
        if (size < 0) {
            throw new IllegalArgumentException("array size must not be negative: " + size);
        }
        // Automatic arena: freed by the GC when the array is unreachable; 64-byte alignment suits vector loads and DMA.
        return Arena.ofAuto().allocate((long) size * elementBytes, 64);
    }

    static int checkedLength(MemorySegment segment, int elementBytes) {
        long bytes = segment.byteSize();
        if (bytes % elementBytes != 0) {
            throw new IllegalArgumentException(
                    "segment of " + bytes + " bytes is not a whole number of " + elementBytes + "-byte elements");
        }
        long elements = bytes / elementBytes;
        if (elements > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(
                    "segment of " + elements + " elements exceeds the array limit of " + Integer.MAX_VALUE);
        }
        return (int) elements;
    }

    /**
     * {@code index}, checked against the size: an access out of range is an IndexOutOfBoundsException naming the index
     * and the length (the JVM backend adds the kernel and its source line), never a read of the neighbouring memory.
     */
    protected final int checked(int index) {
        return java.util.Objects.checkIndex(index, size);
    }

    /** Number of elements. */
    public final int getSize() {
        return size;
    }

    /** The elements' memory (no header). */
    public final MemorySegment getSegment() {
        return segment;
    }

    public final long getNumBytesOfSegment() {
        return segment.byteSize();
    }

    public final long getNumBytesWithoutHeader() {
        return segment.byteSize();
    }

    public final void clear() {
        segment.fill((byte) 0);
    }

    public abstract int getElementSize();
}
