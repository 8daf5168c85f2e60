package io.squall.api.types.arrays;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** Off-heap array of char values, backed by a {@link MemorySegment}; usable as a kernel argument. */
public final class CharArray extends TornadoNativeArray {
    private static final ValueLayout.OfChar LAYOUT = ValueLayout.JAVA_CHAR_UNALIGNED;
    public static final int ELEMENT_BYTES = 2;

    /** A new zero-filled array of {@code size} elements. */
    public CharArray(int size) {
        super(allocate(size, ELEMENT_BYTES), size);
    }

    private CharArray(MemorySegment segment, int size) {
        super(segment, size);
    }

    /** A view over an existing segment (for example a memory-mapped file): no copy is made. */
    public static CharArray view(MemorySegment segment) {
        return new CharArray(segment, checkedLength(segment, ELEMENT_BYTES));
    }

    /** A copy of {@code segment}'s contents in a new array (TornadoVM's {@code fromSegment}). */
    public static CharArray fromSegment(MemorySegment segment) {
        CharArray copy = new CharArray(checkedLength(segment, ELEMENT_BYTES));
        copy.getSegment().copyFrom(segment);
        return copy;
    }

    public static CharArray fromArray(char[] values) {
        CharArray array = new CharArray(values.length);
        MemorySegment.copy(values, 0, array.getSegment(), LAYOUT, 0, values.length);
        return array;
    }

    public static CharArray fromElements(char... values) {
        return fromArray(values);
    }

    public char get(int index) {
        return segment.getAtIndex(LAYOUT, checked(index));
    }

    public void set(int index, char value) {
        segment.setAtIndex(LAYOUT, checked(index), value);
    }

    public void init(char value) {
        for (int i = 0; i < size; i++) {
            set(i, value);
        }
    }

    public char[] toHeapArray() {
        char[] out = new char[size];
        MemorySegment.copy(segment, LAYOUT, 0, out, 0, size);
        return out;
    }

    @Override
    public int getElementSize() {
        return ELEMENT_BYTES;
    }
}
