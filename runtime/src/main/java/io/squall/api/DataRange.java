package io.squall.api;

import io.squall.api.types.arrays.TornadoNativeArray;

/**
 * A part of an array for a partial copy back to the host:
 * {@code result.transferToHost(new DataRange(array).withOffset(10).withSize(100))}. Offset and size count elements.
 */
public final class DataRange {
    private final Object array;
    private long offset;
    private long size = -1;

    public DataRange(Object array) {
        if (array == null) {
            throw new IllegalArgumentException("DataRange over null");
        }
        this.array = array;
    }

    public DataRange withOffset(long offset) {
        if (offset < 0) {
            throw new IllegalArgumentException("DataRange offset must not be negative: " + offset);
        }
        this.offset = offset;
        return this;
    }

    public DataRange withSize(long size) {
        if (size < 0) {
            throw new IllegalArgumentException("DataRange size must not be negative: " + size);
        }
        this.size = size;
        return this;
    }

    public Object getArray() {
        return array;
    }

    /** First element. */
    public long getOffset() {
        return offset;
    }

    /** Number of elements; the rest of the array from the offset when not set. */
    public long getSize() {
        return size;
    }

    @Override
    public String toString() {
        String what = array instanceof TornadoNativeArray
                ? array.getClass().getSimpleName()
                : array.getClass().getTypeName();
        return "DataRange[" + what + ", offset=" + offset + ", size=" + (size < 0 ? "rest" : size) + "]";
    }
}
