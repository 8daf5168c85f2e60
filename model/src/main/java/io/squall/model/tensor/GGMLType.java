package io.squall.model.tensor;

/**
 * Tensor element types of GGUF files (ggml's numbering). A block holds {@code blockSize} elements in
 * {@code typeSize} bytes; plain types have blocks of one element.
 */
public enum GGMLType {
    F32(0, 1, 4),
    F16(1, 1, 2),
    Q4_0(2, 32, 2 + 16),
    Q4_1(3, 32, 2 + 2 + 16),
    Q5_0(6, 32, 2 + 4 + 16),
    Q5_1(7, 32, 2 + 2 + 4 + 16),
    Q8_0(8, 32, 2 + 32),
    Q8_1(9, 32, 4 + 4 + 32),
    Q2_K(10, 256, 256 / 16 + 256 / 4 + 2 + 2),
    Q3_K(11, 256, 256 / 8 + 256 / 4 + 12 + 2),
    Q4_K(12, 256, 2 + 2 + 12 + 256 / 2),
    Q5_K(13, 256, 2 + 2 + 12 + 256 / 8 + 256 / 2),
    Q6_K(14, 256, 256 / 2 + 256 / 4 + 256 / 16 + 2),
    Q8_K(15, 256, 4 + 256 + 256 / 16 * 2),
    // ggml types Squall reads from files but cannot decode: listed so that such files open and `llama info` can name them
    IQ2_XXS(16, 256, 2 + 256 / 8 * 2),
    IQ2_XS(17, 256, 2 + 256 / 8 * 2 + 256 / 32),
    IQ3_XXS(18, 256, 2 + 3 * 256 / 8),
    IQ1_S(19, 256, 2 + 256 / 8 + 256 / 16),
    IQ4_NL(20, 32, 2 + 16),
    IQ3_S(21, 256, 2 + 256 / 4 + 256 / 32 + 256 / 8 + 256 / 64),
    IQ2_S(22, 256, 2 + 256 / 4 + 256 / 32 + 256 / 32),
    IQ4_XS(23, 256, 2 + 2 + 256 / 64 + 256 / 2),
    I8(24, 1, 1),
    I16(25, 1, 2),
    I32(26, 1, 4),
    I64(27, 1, 8),
    F64(28, 1, 8),
    IQ1_M(29, 256, 256 / 8 + 256 / 16 + 256 / 32),
    BF16(30, 1, 2),
    TQ1_0(34, 256, (256 - 4 * 256 / 64) / 5 + 256 / 64 + 2),
    TQ2_0(35, 256, 2 + 256 / 4),
    MXFP4(39, 32, 1 + 16);

    private final int id;
    private final int blockSize;
    private final int typeSize;

    GGMLType(int id, int blockSize, int typeSize) {
        this.id = id;
        this.blockSize = blockSize;
        this.typeSize = typeSize;
    }

    /** ggml's numeric id, as stored in GGUF tensor infos. */
    public int id() {
        return id;
    }

    /** Elements per block. */
    public int blockSize() {
        return blockSize;
    }

    /** Bytes per block. */
    public int typeSize() {
        return typeSize;
    }

    /** Bytes needed for {@code elements} elements; the count must be a whole number of blocks. */
    public long byteSize(long elements) {
        if (elements % blockSize != 0) {
            throw new IllegalArgumentException(name() + " stores blocks of " + blockSize + " elements; " + elements + " is not a multiple");
        }
        return Math.multiplyExact(elements / blockSize, (long) typeSize);
    }

    /** The type with ggml id {@code id}, or null when Squall does not know it. */
    public static GGMLType fromId(int id) {
        for (GGMLType t : values()) {
            if (t.id == id) {
                return t;
            }
        }
        return null;
    }
}
