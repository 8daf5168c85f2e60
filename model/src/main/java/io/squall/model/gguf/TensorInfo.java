package io.squall.model.gguf;

import io.squall.model.tensor.GGMLType;

import java.util.Arrays;

/**
 * A tensor of a GGUF file. {@code dims} lists ne0 first (the innermost, contiguous dimension), so a
 * matrix of {@code rows x cols} has dims {@code [cols, rows]}. {@code offset} is relative to the start of
 * the data section.
 */
public record TensorInfo(String name, GGMLType type, long[] dims, long offset, long byteSize) {

    public TensorInfo {
        dims = dims.clone();
    }

    @Override
    public long[] dims() {
        return dims.clone();
    }

    /** Product of the dimensions. */
    public long elementCount() {
        long n = 1;
        for (long d : dims) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    /** Number of dimensions (1..4). */
    public int rank() {
        return dims.length;
    }

    /** Dimension {@code i} (ne_i), 1 beyond the rank as in ggml. */
    public long dim(int i) {
        return i < dims.length ? dims[i] : 1;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorInfo t
                && t.name.equals(name)
                && t.type == type
                && Arrays.equals(t.dims, dims)
                && t.offset == offset
                && t.byteSize == byteSize;
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(dims);
    }

    @Override
    public String toString() {
        return name + " " + type + " " + Arrays.toString(dims) + " @" + offset + " (" + byteSize + " bytes)";
    }
}
