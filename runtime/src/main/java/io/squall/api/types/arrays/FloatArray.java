package io.squall.api.types.arrays;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** Off-heap array of float values, backed by a {@link MemorySegment}; usable as a kernel argument. */
public final class FloatArray extends TornadoNativeArray {
    private static final ValueLayout.OfFloat LAYOUT = ValueLayout.JAVA_FLOAT_UNALIGNED;
    public static final int ELEMENT_BYTES = 4;

    /** A new zero-filled array of {@code size} elements. */
    public FloatArray(int size) {
        super(allocate(size, ELEMENT_BYTES), size);
    }

    private FloatArray(MemorySegment segment, int size) {
        super(segment, size);
    }

    /** A view over an existing segment (for example a memory-mapped file): no copy is made. */
    public static FloatArray view(MemorySegment segment) {
        return new FloatArray(segment, checkedLength(segment, ELEMENT_BYTES));
    }

    /** A copy of {@code segment}'s contents in a new array (TornadoVM's {@code fromSegment}). */
    public static FloatArray fromSegment(MemorySegment segment) {
        FloatArray copy = new FloatArray(checkedLength(segment, ELEMENT_BYTES));
        copy.getSegment().copyFrom(segment);
        return copy;
    }

    public static FloatArray fromArray(float[] values) {
        FloatArray array = new FloatArray(values.length);
        MemorySegment.copy(values, 0, array.getSegment(), LAYOUT, 0, values.length);
        return array;
    }

    public static FloatArray fromElements(float... values) {
        return fromArray(values);
    }

    public float get(int index) {
        return segment.getAtIndex(LAYOUT, checked(index));
    }

    public void set(int index, float value) {
        segment.setAtIndex(LAYOUT, checked(index), value);
    }

    public void init(float value) {
        for (int i = 0; i < size; i++) {
            set(i, value);
        }
    }

    public float[] toHeapArray() {
        float[] out = new float[size];
        MemorySegment.copy(segment, LAYOUT, 0, out, 0, size);
        return out;
    }

    @Override
    public int getElementSize() {
        return ELEMENT_BYTES;
    }
}
