package io.squall.api.types.arrays;

import io.squall.api.types.HalfFloat;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** Off-heap array of IEEE 754 binary16 values. */
public final class HalfFloatArray extends TornadoNativeArray {
    private static final ValueLayout.OfShort LAYOUT = ValueLayout.JAVA_SHORT_UNALIGNED;
    public static final int ELEMENT_BYTES = 2;

    public HalfFloatArray(int size) {
        super(allocate(size, ELEMENT_BYTES), size);
    }

    private HalfFloatArray(MemorySegment segment, int size) {
        super(segment, size);
    }

    /** A view over an existing segment (for example a memory-mapped file): no copy is made. */
    public static HalfFloatArray view(MemorySegment segment) {
        return new HalfFloatArray(segment, checkedLength(segment, ELEMENT_BYTES));
    }

    public static HalfFloatArray fromSegment(MemorySegment segment) {
        HalfFloatArray copy = new HalfFloatArray(checkedLength(segment, ELEMENT_BYTES));
        copy.getSegment().copyFrom(segment);
        return copy;
    }

    public static HalfFloatArray fromArray(HalfFloat[] values) {
        HalfFloatArray array = new HalfFloatArray(values.length);
        for (int i = 0; i < values.length; i++) {
            array.set(i, values[i]);
        }
        return array;
    }

    public static HalfFloatArray fromFloats(float[] values) {
        HalfFloatArray array = new HalfFloatArray(values.length);
        for (int i = 0; i < values.length; i++) {
            array.setFloat(i, values[i]);
        }
        return array;
    }

    public HalfFloat get(int index) {
        return HalfFloat.fromBits(segment.getAtIndex(LAYOUT, checked(index)));
    }

    public void set(int index, HalfFloat value) {
        segment.setAtIndex(LAYOUT, checked(index), value.getHalfFloatValue());
    }

    /** The element converted to float (no HalfFloat object; also a kernel intrinsic). */
    public float getFloat(int index) {
        return Float.float16ToFloat(segment.getAtIndex(LAYOUT, checked(index)));
    }

    /** Stores {@code value} rounded to binary16 (also a kernel intrinsic). */
    public void setFloat(int index, float value) {
        segment.setAtIndex(LAYOUT, checked(index), Float.floatToFloat16(value));
    }

    public void init(HalfFloat value) {
        for (int i = 0; i < size; i++) {
            set(i, value);
        }
    }

    public float[] toFloatArray() {
        float[] out = new float[size];
        for (int i = 0; i < size; i++) {
            out[i] = getFloat(i);
        }
        return out;
    }

    @Override
    public int getElementSize() {
        return ELEMENT_BYTES;
    }
}
