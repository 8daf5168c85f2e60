package io.squall.api.types.arrays;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** Off-heap array of signed 8-bit integers (quantized weights), backed by a {@link MemorySegment}; usable as a kernel argument. */
public final class Int8Array extends TornadoNativeArray {
    private static final ValueLayout.OfByte LAYOUT = ValueLayout.JAVA_BYTE;
    public static final int ELEMENT_BYTES = 1;

    /** A new zero-filled array of {@code size} elements. */
    public Int8Array(int size) {
        super(allocate(size, ELEMENT_BYTES), size);
    }

    private Int8Array(MemorySegment segment, int size) {
        super(segment, size);
    }

    /** A view over an existing segment (for example a memory-mapped file): no copy is made. */
    public static Int8Array view(MemorySegment segment) {
        return new Int8Array(segment, checkedLength(segment, ELEMENT_BYTES));
    }

    /** A copy of {@code segment}'s contents in a new array (TornadoVM's {@code fromSegment}). */
    public static Int8Array fromSegment(MemorySegment segment) {
        Int8Array copy = new Int8Array(checkedLength(segment, ELEMENT_BYTES));
        copy.getSegment().copyFrom(segment);
        return copy;
    }

    public static Int8Array fromArray(byte[] values) {
        Int8Array array = new Int8Array(values.length);
        MemorySegment.copy(values, 0, array.getSegment(), LAYOUT, 0, values.length);
        return array;
    }

    public static Int8Array fromElements(byte... values) {
        return fromArray(values);
    }

    public byte get(int index) {
        return segment.getAtIndex(LAYOUT, checked(index));
    }

    public void set(int index, byte value) {
        segment.setAtIndex(LAYOUT, checked(index), value);
    }

    public void init(byte value) {
        for (int i = 0; i < size; i++) {
            set(i, value);
        }
    }

    public byte[] toHeapArray() {
        byte[] out = new byte[size];
        MemorySegment.copy(segment, LAYOUT, 0, out, 0, size);
        return out;
    }

    @Override
    public int getElementSize() {
        return ELEMENT_BYTES;
    }
}
