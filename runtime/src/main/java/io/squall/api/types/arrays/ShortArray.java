package io.squall.api.types.arrays;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** Off-heap array of short values, backed by a {@link MemorySegment}; usable as a kernel argument. */
public final class ShortArray extends TornadoNativeArray {
    private static final ValueLayout.OfShort LAYOUT = ValueLayout.JAVA_SHORT_UNALIGNED;
    public static final int ELEMENT_BYTES = 2;

    /** A new zero-filled array of {@code size} elements. */
    public ShortArray(int size) {
        super(allocate(size, ELEMENT_BYTES), size);
    }

    private ShortArray(MemorySegment segment, int size) {
        super(segment, size);
    }

    /** A view over an existing segment (for example a memory-mapped file): no copy is made. */
    public static ShortArray view(MemorySegment segment) {
        return new ShortArray(segment, checkedLength(segment, ELEMENT_BYTES));
    }

    /** A copy of {@code segment}'s contents in a new array (TornadoVM's {@code fromSegment}). */
    public static ShortArray fromSegment(MemorySegment segment) {
        ShortArray copy = new ShortArray(checkedLength(segment, ELEMENT_BYTES));
        copy.getSegment().copyFrom(segment);
        return copy;
    }

    public static ShortArray fromArray(short[] values) {
        ShortArray array = new ShortArray(values.length);
        MemorySegment.copy(values, 0, array.getSegment(), LAYOUT, 0, values.length);
        return array;
    }

    public static ShortArray fromElements(short... values) {
        return fromArray(values);
    }

    public short get(int index) {
        return segment.getAtIndex(LAYOUT, checked(index));
    }

    public void set(int index, short value) {
        segment.setAtIndex(LAYOUT, checked(index), value);
    }

    public void init(short value) {
        for (int i = 0; i < size; i++) {
            set(i, value);
        }
    }

    public short[] toHeapArray() {
        short[] out = new short[size];
        MemorySegment.copy(segment, LAYOUT, 0, out, 0, size);
        return out;
    }

    @Override
    public int getElementSize() {
        return ELEMENT_BYTES;
    }
}
