package io.squall.api.enums;

/**
 * The tile geometry of a warp-collective matrix multiply-accumulate (PTX {@code mma.sync}), with TornadoVM's
 * constants. The element type comes from the {@code KernelContext} method: {@code M16N8K16} for {@code mma} (fp16)
 * and {@code mmaBF16}, {@code M16N8K32} for {@code mmaInt8} and {@code mmaFP8E4M3}/{@code mmaFP8E5M2}.
 */
public enum MMAShape {
    M16N8K16("m16n8k16", 16, 8, 16),
    M16N8K32("m16n8k32", 16, 8, 32);

    private final String ptxName;
    private final int m;
    private final int n;
    private final int k;

    MMAShape(String ptxName, int m, int n, int k) {
        this.ptxName = ptxName;
        this.m = m;
        this.n = n;
        this.k = k;
    }

    /** The shape as PTX spells it, e.g. {@code m16n8k16}. */
    public String getPtxName() {
        return ptxName;
    }

    /** Rows of A and D. */
    public int getM() {
        return m;
    }

    /** Columns of B and D. */
    public int getN() {
        return n;
    }

    /** Columns of A, rows of B: the contracted dimension. */
    public int getK() {
        return k;
    }
}
