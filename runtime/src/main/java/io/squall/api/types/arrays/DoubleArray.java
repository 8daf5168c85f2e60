package io.squall.api.types.arrays;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** Off-heap array of double values, backed by a {@link MemorySegment}; usable as a kernel argument. */
public final class DoubleArray extends TornadoNativeArray {
    private static final ValueLayout.OfDouble LAYOUT = ValueLayout.JAVA_DOUBLE_UNALIGNED;
    public static final int ELEMENT_BYTES = 8;

    /** A new zero-filled array of {@code size} elements. */
    public DoubleArray(int size) {
        super(allocate(size, ELEMENT_BYTES), size);
    }

    private DoubleArray(MemorySegment segment, int size) {
        super(segment, size);
    }

    /** A view over an existing segment (for example a memory-mapped file): no copy is made. */
    public static DoubleArray view(MemorySegment segment) {
        return new DoubleArray(segment, checkedLength(segment, ELEMENT_BYTES));
    }

    /** A copy of {@code segment}'s contents in a new array (TornadoVM's {@code fromSegment}). */
    public static DoubleArray fromSegment(MemorySegment segment) {
        DoubleArray copy = new DoubleArray(checkedLength(segment, ELEMENT_BYTES));
        copy.getSegment().copyFrom(segment);
        return copy;
    }

    public static DoubleArray fromArray(double[] values) {
        DoubleArray array = new DoubleArray(values.length);
        MemorySegment.copy(values, 0, array.getSegment(), LAYOUT, 0, values.length);
        return array;
    }

    public static DoubleArray fromElements(double... values) {
        return fromArray(values);
    }

    public double get(int index) {
        return segment.getAtIndex(LAYOUT, checked(index));
    }

    public void set(int index, double value) {
        segment.setAtIndex(LAYOUT, checked(index), value);
    }

    public void init(double value) {
        for (int i = 0; i < size; i++) {
            set(i, value);
        }
    }

    public double[] toHeapArray() {
        double[] out = new double[size];
        MemorySegment.copy(segment, LAYOUT, 0, out, 0, size);
        return out;
    }

    @Override
    public int getElementSize() {
        return ELEMENT_BYTES;
    }
}
