package io.squall.kernels.graphs;

/** GGUF tensor encodings the kernels read directly (names as ggml's). */
public enum WeightFormat {
    F32(1, 4), F16(1, 2), BF16(1, 2), Q8_0(32, 34), Q4_0(32, 18), Q4_K(256, 144), Q6_K(256, 210);

    private final int blockSize;
    private final int blockBytes;

    WeightFormat(int blockSize, int blockBytes) {
        this.blockSize = blockSize;
        this.blockBytes = blockBytes;
    }

    public int blockSize() {
        return blockSize;
    }

    /** Bytes of {@code elements} encoded elements (a whole number of blocks). */
    public long bytes(long elements) {
        return elements / blockSize * blockBytes;
    }

    /** The format of a ggml type name ("Q8_0", ...), or an error naming the tensor. */
    public static WeightFormat of(String ggmlTypeName, String tensor) {
        for (WeightFormat f : values()) {
            if (f.name().equals(ggmlTypeName)) {
                return f;
            }
        }
        throw new IllegalArgumentException("tensor '" + tensor + "': type " + ggmlTypeName
                + " has no device kernels (supported: F32, F16, BF16, Q8_0, Q4_0, Q4_K, Q6_K)");
    }
}
