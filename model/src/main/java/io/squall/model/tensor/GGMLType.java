package io.squall.model.tensor;

import io.squall.kernels.format.BlockFormat;

/**
 * Tensor element types of GGUF files (ggml's numbering). A block holds {@code blockSize} elements in
 * {@code typeSize} bytes; plain types have blocks of one element. The sizes come from the table the device kernels use.
 */
public enum GGMLType {
    F32(0, BlockFormat.F32),
    F16(1, BlockFormat.F16),
    Q4_0(2, BlockFormat.Q4_0),
    Q4_1(3, BlockFormat.Q4_1),
    Q5_0(6, BlockFormat.Q5_0),
    Q5_1(7, BlockFormat.Q5_1),
    Q8_0(8, BlockFormat.Q8_0),
    Q8_1(9, BlockFormat.Q8_1),
    Q2_K(10, BlockFormat.Q2_K),
    Q3_K(11, BlockFormat.Q3_K),
    Q4_K(12, BlockFormat.Q4_K),
    Q5_K(13, BlockFormat.Q5_K),
    Q6_K(14, BlockFormat.Q6_K),
    Q8_K(15, BlockFormat.Q8_K),
    // ggml types Squall reads from files but cannot decode: listed so that such files open and `llama info` can name
    // them
    IQ2_XXS(16, BlockFormat.IQ2_XXS),
    IQ2_XS(17, BlockFormat.IQ2_XS),
    IQ3_XXS(18, BlockFormat.IQ3_XXS),
    IQ1_S(19, BlockFormat.IQ1_S),
    IQ4_NL(20, BlockFormat.IQ4_NL),
    IQ3_S(21, BlockFormat.IQ3_S),
    IQ2_S(22, BlockFormat.IQ2_S),
    IQ4_XS(23, BlockFormat.IQ4_XS),
    I8(24, BlockFormat.I8),
    I16(25, BlockFormat.I16),
    I32(26, BlockFormat.I32),
    I64(27, BlockFormat.I64),
    F64(28, BlockFormat.F64),
    IQ1_M(29, BlockFormat.IQ1_M),
    BF16(30, BlockFormat.BF16),
    TQ1_0(34, BlockFormat.TQ1_0),
    TQ2_0(35, BlockFormat.TQ2_0),
    MXFP4(39, BlockFormat.MXFP4);

    private final int id;
    private final BlockFormat format;

    GGMLType(int id, BlockFormat format) {
        this.id = id;
        this.format = format;
    }

    /** ggml's numeric id, as stored in GGUF tensor infos. */
    public int id() {
        return id;
    }

    /** The block layout (shared with the device kernels). */
    public BlockFormat format() {
        return format;
    }

    /** Elements per block. */
    public int blockSize() {
        return format.blockElements();
    }

    /** Bytes per block. */
    public int typeSize() {
        return format.blockBytes();
    }

    /** Bytes needed for {@code elements} elements; the count must be a whole number of blocks. */
    public long byteSize(long elements) {
        if (elements % blockSize() != 0) {
            throw new IllegalArgumentException(
                    name() + " stores blocks of " + blockSize() + " elements; " + elements + " is not a multiple");
        }
        return Math.multiplyExact(elements / blockSize(), (long) typeSize());
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
