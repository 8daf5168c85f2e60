package io.squall.kernels.format;

/**
 * ggml's tensor encodings: elements per block and bytes per block, for every type Squall reads; the one table of block
 * sizes (the model's GGMLType takes its sizes from here, the kernels' constants are the format classes' own). The
 * types with device kernels carry their {@link Formats} code; the others have {@link #NO_KERNELS}.
 */
public enum BlockFormat {
    F32(1, Plain.F32_BYTES, Formats.F32),
    F16(1, Plain.HALF_BYTES, Formats.F16),
    BF16(1, Plain.HALF_BYTES, Formats.BF16),
    Q8_0(Q8_0Block.ELEMENTS, Q8_0Block.BYTES, Formats.Q8_0),
    Q4_0(Q4_0Block.ELEMENTS, Q4_0Block.BYTES, Formats.Q4_0),
    Q4_K(Q4_KBlock.ELEMENTS, Q4_KBlock.BYTES, Formats.Q4_K),
    Q6_K(Q6_KBlock.ELEMENTS, Q6_KBlock.BYTES, Formats.Q6_K),
    Q4_1(Q4_1Block.ELEMENTS, Q4_1Block.BYTES, Formats.Q4_1),
    Q5_0(Q5_0Block.ELEMENTS, Q5_0Block.BYTES, Formats.Q5_0),
    Q5_1(Q5_1Block.ELEMENTS, Q5_1Block.BYTES, Formats.Q5_1),
    Q8_1(32, 4 + 4 + 32),
    Q2_K(Q2_KBlock.ELEMENTS, Q2_KBlock.BYTES, Formats.Q2_K),
    Q3_K(Q3_KBlock.ELEMENTS, Q3_KBlock.BYTES, Formats.Q3_K),
    Q5_K(Q5_KBlock.ELEMENTS, Q5_KBlock.BYTES, Formats.Q5_K),
    Q8_K(256, 4 + 256 + 256 / 16 * 2),
    IQ4_NL(IQ4_NLBlock.ELEMENTS, IQ4_NLBlock.BYTES, Formats.IQ4_NL),
    IQ4_XS(IQ4_XSBlock.ELEMENTS, IQ4_XSBlock.BYTES, Formats.IQ4_XS),
    I8(1, 1),
    I16(1, 2),
    I32(1, 4),
    I64(1, 8),
    F64(1, 8),
    // types Squall reads from files but cannot decode (so such files open and `llama info` can name them)
    IQ2_XXS(256, 2 + 256 / 8 * 2),
    IQ2_XS(256, 2 + 256 / 8 * 2 + 256 / 32),
    IQ3_XXS(256, 2 + 3 * 256 / 8),
    IQ1_S(256, 2 + 256 / 8 + 256 / 16),
    IQ3_S(256, 2 + 256 / 4 + 256 / 32 + 256 / 8 + 256 / 64),
    IQ2_S(256, 2 + 256 / 4 + 256 / 32 + 256 / 32),
    IQ1_M(256, 256 / 8 + 256 / 16 + 256 / 32),
    TQ1_0(256, (256 - 4 * 256 / 64) / 5 + 256 / 64 + 2),
    TQ2_0(256, 2 + 256 / 4),
    MXFP4(32, 1 + 16);

    /** The code of a type the kernels cannot read. */
    public static final int NO_KERNELS = -1;

    private final int blockElements;
    private final int blockBytes;
    private final int code;

    BlockFormat(int blockElements, int blockBytes) {
        this(blockElements, blockBytes, NO_KERNELS);
    }

    BlockFormat(int blockElements, int blockBytes, int code) {
        this.blockElements = blockElements;
        this.blockBytes = blockBytes;
        this.code = code;
    }

    /** Elements per block. */
    public int blockElements() {
        return blockElements;
    }

    /** Bytes per block. */
    public int blockBytes() {
        return blockBytes;
    }

    /** The kernels' argument for this format ({@link Formats}), or {@link #NO_KERNELS}. */
    public int code() {
        return code;
    }

    public boolean hasKernels() {
        return code != NO_KERNELS;
    }

    /** Bytes of {@code elements} encoded elements (a whole number of blocks). */
    public long bytes(long elements) {
        return elements / blockElements * blockBytes;
    }

    /** The format named {@code name} (ggml's type name, "Q8_0"), or null. */
    public static BlockFormat named(String name) {
        for (BlockFormat f : values()) {
            if (f.name().equals(name)) {
                return f;
            }
        }
        return null;
    }

    /** The format of a ggml type name with device kernels, or an error naming the tensor. */
    public static BlockFormat forKernels(String ggmlTypeName, String tensor) {
        BlockFormat f = named(ggmlTypeName);
        if (f == null || !f.hasKernels()) {
            StringBuilder supported = new StringBuilder();
            for (BlockFormat k : values()) {
                if (k.hasKernels()) {
                    supported.append(supported.isEmpty() ? "" : ", ").append(k.name());
                }
            }
            throw new IllegalArgumentException(
                    "tensor '" + tensor + "': type " + ggmlTypeName + " not yet supported on accelerated"
                            + " devices (they read " + supported + "; the CPU engine runs it: --device cpu)");
        }
        return f;
    }
}
