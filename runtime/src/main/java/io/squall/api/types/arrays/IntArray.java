package io.squall.api.types.arrays;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** Off-heap array of int values, backed by a {@link MemorySegment}; usable as a kernel argument. */
public final class IntArray extends TornadoNativeArray {
    private static final ValueLayout.OfInt LAYOUT = ValueLayout.JAVA_INT_UNALIGNED;
    public static final int ELEMENT_BYTES = 4;

    /** A new zero-filled array of {@code size} elements. */
    public IntArray(int size) {
        super(allocate(size, ELEMENT_BYTES), size);
    }

    private IntArray(MemorySegment segment, int size) {
        super(segment, size);
    }

    /** A view over an existing segment (for example a memory-mapped file): no copy is made. */
    public static IntArray view(MemorySegment segment) {
        return new IntArray(segment, checkedLength(segment, ELEMENT_BYTES));
    }

    /** A copy of {@code segment}'s contents in a new array (TornadoVM's {@code fromSegment}). */
    public static IntArray fromSegment(MemorySegment segment) {
        IntArray copy = new IntArray(checkedLength(segment, ELEMENT_BYTES));
        copy.getSegment().copyFrom(segment);
        return copy;
    }

    public static IntArray fromArray(int[] values) {
        IntArray array = new IntArray(values.length);
        MemorySegment.copy(values, 0, array.getSegment(), LAYOUT, 0, values.length);
        return array;
    }

    public static IntArray fromElements(int... values) {
        return fromArray(values);
    }

    public int get(int index) {
        return segment.getAtIndex(LAYOUT, checked(index));
    }

    public void set(int index, int value) {
        segment.setAtIndex(LAYOUT, checked(index), value);
    }

    public void init(int value) {
        for (int i = 0; i < size; i++) {
            set(i, value);
        }
    }

    public int[] toHeapArray() {
        int[] out = new int[size];
        MemorySegment.copy(segment, LAYOUT, 0, out, 0, size);
        return out;
    }

    @Override
    public int getElementSize() {
        return ELEMENT_BYTES;
    }
}
