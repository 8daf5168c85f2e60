package io.squall.api.types.arrays;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** Off-heap array of raw bytes (packed quantized blocks), backed by a {@link MemorySegment}; usable as a kernel argument. */
public final class ByteArray extends TornadoNativeArray {
    private static final ValueLayout.OfByte LAYOUT = ValueLayout.JAVA_BYTE;
    public static final int ELEMENT_BYTES = 1;
    private static final ValueLayout.OfShort SHORT_LE =
            ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt INT_LE =
            ValueLayout.JAVA_INT_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong LONG_LE =
            ValueLayout.JAVA_LONG_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN);

    /** A new zero-filled array of {@code size} elements. */
    public ByteArray(int size) {
        super(allocate(size, ELEMENT_BYTES), size);
    }

    private ByteArray(MemorySegment segment, int size) {
        super(segment, size);
    }

    /** A view over an existing segment (for example a memory-mapped file): no copy is made. */
    public static ByteArray view(MemorySegment segment) {
        return new ByteArray(segment, checkedLength(segment, ELEMENT_BYTES));
    }

    /** A copy of {@code segment}'s contents in a new array (TornadoVM's {@code fromSegment}). */
    public static ByteArray fromSegment(MemorySegment segment) {
        ByteArray copy = new ByteArray(checkedLength(segment, ELEMENT_BYTES));
        copy.getSegment().copyFrom(segment);
        return copy;
    }

    public static ByteArray fromArray(byte[] values) {
        ByteArray array = new ByteArray(values.length);
        MemorySegment.copy(values, 0, array.getSegment(), LAYOUT, 0, values.length);
        return array;
    }

    public static ByteArray fromElements(byte... values) {
        return fromArray(values);
    }

    public byte get(int index) {
        return segment.getAtIndex(LAYOUT, checked(index));
    }

    // Wide little-endian reads at a byte offset (kernels: one load instruction on every device instead of one per
    // byte).
    // The offset must be a multiple of the value's size, its natural alignment, as the devices' wide loads need;
    // a misaligned offset throws here and on devices compiled with access checks reads as out of range.

    /** The little-endian short in bytes {@code byteOffset, byteOffset + 1}; {@code byteOffset} a multiple of 2. */
    public short getShort(int byteOffset) {
        return segment.get(SHORT_LE, wide(byteOffset, Short.BYTES));
    }

    /** The little-endian int in bytes {@code byteOffset .. byteOffset + 3}; {@code byteOffset} a multiple of 4. */
    public int getInt(int byteOffset) {
        return segment.get(INT_LE, wide(byteOffset, Integer.BYTES));
    }

    /** The little-endian long in bytes {@code byteOffset .. byteOffset + 7}; {@code byteOffset} a multiple of 8. */
    public long getLong(int byteOffset) {
        return segment.get(LONG_LE, wide(byteOffset, Long.BYTES));
    }

    private long wide(int byteOffset, int bytes) {
        if (byteOffset < 0 || (long) byteOffset + bytes > size) {
            throw new IndexOutOfBoundsException("ByteArray of " + size + " bytes: a " + bytes
                    + "-byte read at byte offset " + byteOffset + " is out of range");
        }
        if (byteOffset % bytes != 0) {
            throw new IllegalArgumentException("ByteArray: a " + bytes + "-byte read at byte offset " + byteOffset
                    + " is misaligned (the offset must be a multiple of " + bytes + ")");
        }
        return byteOffset;
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
