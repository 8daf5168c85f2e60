package io.squall.api.types.arrays;

import io.squall.api.types.BFloat16;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** Off-heap array of bfloat16 values held as their 16-bit patterns (TornadoVM's BFloat16Array); host side and the JVM backend. */
public final class BFloat16Array extends TornadoNativeArray {
    private static final ValueLayout.OfShort LAYOUT = ValueLayout.JAVA_SHORT_UNALIGNED;
    public static final int ELEMENT_BYTES = 2;

    public BFloat16Array(int size) {
        super(allocate(size, ELEMENT_BYTES), size);
    }

    public static BFloat16Array fromShorts(short... bits) {
        BFloat16Array a = new BFloat16Array(bits.length);
        MemorySegment.copy(bits, 0, a.getSegment(), LAYOUT, 0, bits.length);
        return a;
    }

    public static BFloat16Array fromFloats(float... values) {
        BFloat16Array a = new BFloat16Array(values.length);
        for (int i = 0; i < values.length; i++) {
            a.setFloat(i, values[i]);
        }
        return a;
    }

    public static BFloat16Array fromSegment(MemorySegment segment) {
        BFloat16Array copy = new BFloat16Array(checkedLength(segment, ELEMENT_BYTES));
        copy.getSegment().copyFrom(segment);
        return copy;
    }

    /** The raw bfloat16 bits of element {@code index}. */
    public short get(int index) {
        return segment.getAtIndex(LAYOUT, checked(index));
    }

    public void set(int index, short bits) {
        segment.setAtIndex(LAYOUT, checked(index), bits);
    }

    public float getFloat(int index) {
        return BFloat16.bf16ToFloat(get(index));
    }

    public void setFloat(int index, float value) {
        set(index, BFloat16.bf16FromFloat(value));
    }

    public void init(short bits) {
        for (int i = 0; i < size; i++) {
            set(i, bits);
        }
    }

    public short[] toShortArray() {
        short[] out = new short[size];
        MemorySegment.copy(segment, LAYOUT, 0, out, 0, size);
        return out;
    }

    @Override
    public int getElementSize() {
        return ELEMENT_BYTES;
    }
}
