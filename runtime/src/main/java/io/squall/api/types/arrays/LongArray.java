package io.squall.api.types.arrays;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** Off-heap array of long values, backed by a {@link MemorySegment}; usable as a kernel argument. */
public final class LongArray extends TornadoNativeArray {
    private static final ValueLayout.OfLong LAYOUT = ValueLayout.JAVA_LONG_UNALIGNED;
    public static final int ELEMENT_BYTES = 8;

    /** A new zero-filled array of {@code size} elements. */
    public LongArray(int size) {
        super(allocate(size, ELEMENT_BYTES), size);
    }

    private LongArray(MemorySegment segment, int size) {
        super(segment, size);
    }

    /** A view over an existing segment (for example a memory-mapped file): no copy is made. */
    public static LongArray view(MemorySegment segment) {
        return new LongArray(segment, checkedLength(segment, ELEMENT_BYTES));
    }

    /** A copy of {@code segment}'s contents in a new array (TornadoVM's {@code fromSegment}). */
    public static LongArray fromSegment(MemorySegment segment) {
        LongArray copy = new LongArray(checkedLength(segment, ELEMENT_BYTES));
        copy.getSegment().copyFrom(segment);
        return copy;
    }

    public static LongArray fromArray(long[] values) {
        LongArray array = new LongArray(values.length);
        MemorySegment.copy(values, 0, array.getSegment(), LAYOUT, 0, values.length);
        return array;
    }

    public static LongArray fromElements(long... values) {
        return fromArray(values);
    }

    public long get(int index) {
        return segment.getAtIndex(LAYOUT, checked(index));
    }

    public void set(int index, long value) {
        segment.setAtIndex(LAYOUT, checked(index), value);
    }

    public void init(long value) {
        for (int i = 0; i < size; i++) {
            set(i, value);
        }
    }

    public long[] toHeapArray() {
        long[] out = new long[size];
        MemorySegment.copy(segment, LAYOUT, 0, out, 0, size);
        return out;
    }

    @Override
    public int getElementSize() {
        return ELEMENT_BYTES;
    }
}
