package io.squall.kernels;

import io.squall.api.KernelContext;
import io.squall.api.math.TornadoMath;
import io.squall.api.types.arrays.ByteArray;
import io.squall.api.types.arrays.FloatArray;
import io.squall.api.types.arrays.HalfFloatArray;

/**
 * Matrix-vector products {@code out[outOffset + r] (+)= W[r] . x} with the dequantization fused in, reading the GGUF
 * block layout of the weights directly (a view over the mapped file: no re-quantization, no dequantized copy).
 * <p>
 * Shape: {@link #LANES} work-items per row, {@link #ROWS_PER_GROUP} rows per work-group. Lane {@code l} takes element
 * {@code l} of every 32-element (sub-)block, so neighbouring work-items read neighbouring bytes: coalesced on GPUs and
 * vectorizable across work-items on CPU OpenCL (PoCL). The lanes' partial sums meet in a local-memory tree.
 * Launch: global = {@link #globalSize(int)} x 1, local = {@link #GROUP}.
 * <p>
 * {@code accumulate != 0} adds to {@code out} (the residual add fused into the output projection); the {@code swiglu}
 * kernels compute gate and up rows together and write {@code silu(gate . x) * (up . x)}.
 */
public final class MatVec {
    /** Work-items per row (also the element count of a Q8_0/Q4_0 block and of a K-quant sub-block). */
    public static final int LANES = 32;
    public static final int ROWS_PER_GROUP = 8;
    public static final int GROUP = LANES * ROWS_PER_GROUP;

    private MatVec() {
    }

    /** Global work size for {@code rows} output rows. */
    public static int globalSize(int rows) {
        return (rows + ROWS_PER_GROUP - 1) / ROWS_PER_GROUP * GROUP;
    }

    // ---- kernels, one per weight type ----

    public static void f32(KernelContext ctx, FloatArray w, FloatArray x, FloatArray out, int rows, int cols, int outOffset, int accumulate) {
        float[] partial = ctx.allocateFloatLocalArray(GROUP);
        int row = ctx.groupIdx * ROWS_PER_GROUP + ctx.localIdx / LANES;
        int lane = ctx.localIdx % LANES;
        float sum = row < rows ? dotF32(w, x, row, cols, lane) : 0f;
        store(ctx, partial, sum, out, row, rows, outOffset, accumulate);
    }

    public static void f16(KernelContext ctx, HalfFloatArray w, FloatArray x, FloatArray out, int rows, int cols, int outOffset, int accumulate) {
        float[] partial = ctx.allocateFloatLocalArray(GROUP);
        int row = ctx.groupIdx * ROWS_PER_GROUP + ctx.localIdx / LANES;
        int lane = ctx.localIdx % LANES;
        float sum = row < rows ? dotF16(w, x, row, cols, lane) : 0f;
        store(ctx, partial, sum, out, row, rows, outOffset, accumulate);
    }

    public static void bf16(KernelContext ctx, ByteArray w, FloatArray x, FloatArray out, int rows, int cols, int outOffset, int accumulate) {
        float[] partial = ctx.allocateFloatLocalArray(GROUP);
        int row = ctx.groupIdx * ROWS_PER_GROUP + ctx.localIdx / LANES;
        int lane = ctx.localIdx % LANES;
        float sum = row < rows ? dotBF16(w, x, row, cols, lane) : 0f;
        store(ctx, partial, sum, out, row, rows, outOffset, accumulate);
    }

    public static void q8_0(KernelContext ctx, ByteArray w, FloatArray x, FloatArray out, int rows, int cols, int outOffset, int accumulate) {
        float[] partial = ctx.allocateFloatLocalArray(GROUP);
        int row = ctx.groupIdx * ROWS_PER_GROUP + ctx.localIdx / LANES;
        int lane = ctx.localIdx % LANES;
        float sum = row < rows ? dotQ8_0(w, x, row, cols, lane) : 0f;
        store(ctx, partial, sum, out, row, rows, outOffset, accumulate);
    }

    public static void q4_0(KernelContext ctx, ByteArray w, FloatArray x, FloatArray out, int rows, int cols, int outOffset, int accumulate) {
        float[] partial = ctx.allocateFloatLocalArray(GROUP);
        int row = ctx.groupIdx * ROWS_PER_GROUP + ctx.localIdx / LANES;
        int lane = ctx.localIdx % LANES;
        float sum = row < rows ? dotQ4_0(w, x, row, cols, lane) : 0f;
        store(ctx, partial, sum, out, row, rows, outOffset, accumulate);
    }

    public static void q4_k(KernelContext ctx, ByteArray w, FloatArray x, FloatArray out, int rows, int cols, int outOffset, int accumulate) {
        float[] partial = ctx.allocateFloatLocalArray(GROUP);
        int row = ctx.groupIdx * ROWS_PER_GROUP + ctx.localIdx / LANES;
        int lane = ctx.localIdx % LANES;
        float sum = row < rows ? dotQ4_K(w, x, row, cols, lane) : 0f;
        store(ctx, partial, sum, out, row, rows, outOffset, accumulate);
    }

    public static void q6_k(KernelContext ctx, ByteArray w, FloatArray x, FloatArray out, int rows, int cols, int outOffset, int accumulate) {
        float[] partial = ctx.allocateFloatLocalArray(GROUP);
        int row = ctx.groupIdx * ROWS_PER_GROUP + ctx.localIdx / LANES;
        int lane = ctx.localIdx % LANES;
        float sum = row < rows ? dotQ6_K(w, x, row, cols, lane) : 0f;
        store(ctx, partial, sum, out, row, rows, outOffset, accumulate);
    }

    // ---- gate/up fused with SiLU: out[r] = silu(gate[r] . x) * (up[r] . x) ----

    public static void swigluF32(KernelContext ctx, FloatArray gate, FloatArray up, FloatArray x, FloatArray out, int rows, int cols) {
        float[] g = ctx.allocateFloatLocalArray(GROUP);
        float[] u = ctx.allocateFloatLocalArray(GROUP);
        int row = ctx.groupIdx * ROWS_PER_GROUP + ctx.localIdx / LANES;
        int lane = ctx.localIdx % LANES;
        float gs = row < rows ? dotF32(gate, x, row, cols, lane) : 0f;
        float us = row < rows ? dotF32(up, x, row, cols, lane) : 0f;
        storeSwiglu(ctx, g, u, gs, us, out, row, rows);
    }

    public static void swigluF16(KernelContext ctx, HalfFloatArray gate, HalfFloatArray up, FloatArray x, FloatArray out, int rows, int cols) {
        float[] g = ctx.allocateFloatLocalArray(GROUP);
        float[] u = ctx.allocateFloatLocalArray(GROUP);
        int row = ctx.groupIdx * ROWS_PER_GROUP + ctx.localIdx / LANES;
        int lane = ctx.localIdx % LANES;
        float gs = row < rows ? dotF16(gate, x, row, cols, lane) : 0f;
        float us = row < rows ? dotF16(up, x, row, cols, lane) : 0f;
        storeSwiglu(ctx, g, u, gs, us, out, row, rows);
    }

    public static void swigluBF16(KernelContext ctx, ByteArray gate, ByteArray up, FloatArray x, FloatArray out, int rows, int cols) {
        float[] g = ctx.allocateFloatLocalArray(GROUP);
        float[] u = ctx.allocateFloatLocalArray(GROUP);
        int row = ctx.groupIdx * ROWS_PER_GROUP + ctx.localIdx / LANES;
        int lane = ctx.localIdx % LANES;
        float gs = row < rows ? dotBF16(gate, x, row, cols, lane) : 0f;
        float us = row < rows ? dotBF16(up, x, row, cols, lane) : 0f;
        storeSwiglu(ctx, g, u, gs, us, out, row, rows);
    }

    public static void swigluQ8_0(KernelContext ctx, ByteArray gate, ByteArray up, FloatArray x, FloatArray out, int rows, int cols) {
        float[] g = ctx.allocateFloatLocalArray(GROUP);
        float[] u = ctx.allocateFloatLocalArray(GROUP);
        int row = ctx.groupIdx * ROWS_PER_GROUP + ctx.localIdx / LANES;
        int lane = ctx.localIdx % LANES;
        float gs = row < rows ? dotQ8_0(gate, x, row, cols, lane) : 0f;
        float us = row < rows ? dotQ8_0(up, x, row, cols, lane) : 0f;
        storeSwiglu(ctx, g, u, gs, us, out, row, rows);
    }

    public static void swigluQ4_0(KernelContext ctx, ByteArray gate, ByteArray up, FloatArray x, FloatArray out, int rows, int cols) {
        float[] g = ctx.allocateFloatLocalArray(GROUP);
        float[] u = ctx.allocateFloatLocalArray(GROUP);
        int row = ctx.groupIdx * ROWS_PER_GROUP + ctx.localIdx / LANES;
        int lane = ctx.localIdx % LANES;
        float gs = row < rows ? dotQ4_0(gate, x, row, cols, lane) : 0f;
        float us = row < rows ? dotQ4_0(up, x, row, cols, lane) : 0f;
        storeSwiglu(ctx, g, u, gs, us, out, row, rows);
    }

    public static void swigluQ4_K(KernelContext ctx, ByteArray gate, ByteArray up, FloatArray x, FloatArray out, int rows, int cols) {
        float[] g = ctx.allocateFloatLocalArray(GROUP);
        float[] u = ctx.allocateFloatLocalArray(GROUP);
        int row = ctx.groupIdx * ROWS_PER_GROUP + ctx.localIdx / LANES;
        int lane = ctx.localIdx % LANES;
        float gs = row < rows ? dotQ4_K(gate, x, row, cols, lane) : 0f;
        float us = row < rows ? dotQ4_K(up, x, row, cols, lane) : 0f;
        storeSwiglu(ctx, g, u, gs, us, out, row, rows);
    }

    public static void swigluQ6_K(KernelContext ctx, ByteArray gate, ByteArray up, FloatArray x, FloatArray out, int rows, int cols) {
        float[] g = ctx.allocateFloatLocalArray(GROUP);
        float[] u = ctx.allocateFloatLocalArray(GROUP);
        int row = ctx.groupIdx * ROWS_PER_GROUP + ctx.localIdx / LANES;
        int lane = ctx.localIdx % LANES;
        float gs = row < rows ? dotQ6_K(gate, x, row, cols, lane) : 0f;
        float us = row < rows ? dotQ6_K(up, x, row, cols, lane) : 0f;
        storeSwiglu(ctx, g, u, gs, us, out, row, rows);
    }

    // ---- q, k and v in one launch: rows [0, dim) of wq, then wk, then wv ----

    public static void qkvF32(KernelContext ctx, FloatArray wq, FloatArray wk, FloatArray wv, FloatArray x, FloatArray q, FloatArray k, FloatArray v,
                                int dim, int kvDim, int cols) {
        float[] partial = ctx.allocateFloatLocalArray(GROUP);
        int row = ctx.groupIdx * ROWS_PER_GROUP + ctx.localIdx / LANES;
        int lane = ctx.localIdx % LANES;
        float sum = 0f;
        if (row < dim) {
            sum = dotF32(wq, x, row, cols, lane);
        } else if (row < dim + kvDim) {
            sum = dotF32(wk, x, row - dim, cols, lane);
        } else if (row < dim + 2 * kvDim) {
            sum = dotF32(wv, x, row - dim - kvDim, cols, lane);
        }
        storeQkv(ctx, partial, sum, q, k, v, row, dim, kvDim);
    }

    public static void qkvF16(KernelContext ctx, HalfFloatArray wq, HalfFloatArray wk, HalfFloatArray wv, FloatArray x, FloatArray q, FloatArray k, FloatArray v,
                                int dim, int kvDim, int cols) {
        float[] partial = ctx.allocateFloatLocalArray(GROUP);
        int row = ctx.groupIdx * ROWS_PER_GROUP + ctx.localIdx / LANES;
        int lane = ctx.localIdx % LANES;
        float sum = 0f;
        if (row < dim) {
            sum = dotF16(wq, x, row, cols, lane);
        } else if (row < dim + kvDim) {
            sum = dotF16(wk, x, row - dim, cols, lane);
        } else if (row < dim + 2 * kvDim) {
            sum = dotF16(wv, x, row - dim - kvDim, cols, lane);
        }
        storeQkv(ctx, partial, sum, q, k, v, row, dim, kvDim);
    }

    public static void qkvBF16(KernelContext ctx, ByteArray wq, ByteArray wk, ByteArray wv, FloatArray x, FloatArray q, FloatArray k, FloatArray v,
                                int dim, int kvDim, int cols) {
        float[] partial = ctx.allocateFloatLocalArray(GROUP);
        int row = ctx.groupIdx * ROWS_PER_GROUP + ctx.localIdx / LANES;
        int lane = ctx.localIdx % LANES;
        float sum = 0f;
        if (row < dim) {
            sum = dotBF16(wq, x, row, cols, lane);
        } else if (row < dim + kvDim) {
            sum = dotBF16(wk, x, row - dim, cols, lane);
        } else if (row < dim + 2 * kvDim) {
            sum = dotBF16(wv, x, row - dim - kvDim, cols, lane);
        }
        storeQkv(ctx, partial, sum, q, k, v, row, dim, kvDim);
    }

    public static void qkvQ8_0(KernelContext ctx, ByteArray wq, ByteArray wk, ByteArray wv, FloatArray x, FloatArray q, FloatArray k, FloatArray v,
                                int dim, int kvDim, int cols) {
        float[] partial = ctx.allocateFloatLocalArray(GROUP);
        int row = ctx.groupIdx * ROWS_PER_GROUP + ctx.localIdx / LANES;
        int lane = ctx.localIdx % LANES;
        float sum = 0f;
        if (row < dim) {
            sum = dotQ8_0(wq, x, row, cols, lane);
        } else if (row < dim + kvDim) {
            sum = dotQ8_0(wk, x, row - dim, cols, lane);
        } else if (row < dim + 2 * kvDim) {
            sum = dotQ8_0(wv, x, row - dim - kvDim, cols, lane);
        }
        storeQkv(ctx, partial, sum, q, k, v, row, dim, kvDim);
    }

    public static void qkvQ4_0(KernelContext ctx, ByteArray wq, ByteArray wk, ByteArray wv, FloatArray x, FloatArray q, FloatArray k, FloatArray v,
                                int dim, int kvDim, int cols) {
        float[] partial = ctx.allocateFloatLocalArray(GROUP);
        int row = ctx.groupIdx * ROWS_PER_GROUP + ctx.localIdx / LANES;
        int lane = ctx.localIdx % LANES;
        float sum = 0f;
        if (row < dim) {
            sum = dotQ4_0(wq, x, row, cols, lane);
        } else if (row < dim + kvDim) {
            sum = dotQ4_0(wk, x, row - dim, cols, lane);
        } else if (row < dim + 2 * kvDim) {
            sum = dotQ4_0(wv, x, row - dim - kvDim, cols, lane);
        }
        storeQkv(ctx, partial, sum, q, k, v, row, dim, kvDim);
    }

    public static void qkvQ4_K(KernelContext ctx, ByteArray wq, ByteArray wk, ByteArray wv, FloatArray x, FloatArray q, FloatArray k, FloatArray v,
                                int dim, int kvDim, int cols) {
        float[] partial = ctx.allocateFloatLocalArray(GROUP);
        int row = ctx.groupIdx * ROWS_PER_GROUP + ctx.localIdx / LANES;
        int lane = ctx.localIdx % LANES;
        float sum = 0f;
        if (row < dim) {
            sum = dotQ4_K(wq, x, row, cols, lane);
        } else if (row < dim + kvDim) {
            sum = dotQ4_K(wk, x, row - dim, cols, lane);
        } else if (row < dim + 2 * kvDim) {
            sum = dotQ4_K(wv, x, row - dim - kvDim, cols, lane);
        }
        storeQkv(ctx, partial, sum, q, k, v, row, dim, kvDim);
    }

    public static void qkvQ6_K(KernelContext ctx, ByteArray wq, ByteArray wk, ByteArray wv, FloatArray x, FloatArray q, FloatArray k, FloatArray v,
                                int dim, int kvDim, int cols) {
        float[] partial = ctx.allocateFloatLocalArray(GROUP);
        int row = ctx.groupIdx * ROWS_PER_GROUP + ctx.localIdx / LANES;
        int lane = ctx.localIdx % LANES;
        float sum = 0f;
        if (row < dim) {
            sum = dotQ6_K(wq, x, row, cols, lane);
        } else if (row < dim + kvDim) {
            sum = dotQ6_K(wk, x, row - dim, cols, lane);
        } else if (row < dim + 2 * kvDim) {
            sum = dotQ6_K(wv, x, row - dim - kvDim, cols, lane);
        }
        storeQkv(ctx, partial, sum, q, k, v, row, dim, kvDim);
    }

    // ---- per-lane partial dot products (inlined by the JIT) ----

    static float dotF32(FloatArray w, FloatArray x, int row, int cols, int lane) {
        int base = row * cols;
        float sum = 0f;
        for (int i = lane; i < cols; i += LANES) {
            sum += w.get(base + i) * x.get(i);
        }
        return sum;
    }

    static float dotF16(HalfFloatArray w, FloatArray x, int row, int cols, int lane) {
        int base = row * cols;
        float sum = 0f;
        for (int i = lane; i < cols; i += LANES) {
            sum += w.getFloat(base + i) * x.get(i);
        }
        return sum;
    }

    static float dotBF16(ByteArray w, FloatArray x, int row, int cols, int lane) {
        int base = row * cols;
        float sum = 0f;
        for (int i = lane; i < cols; i += LANES) {
            sum += bf16(w, base + i) * x.get(i);
        }
        return sum;
    }

    /** Q8_0 block (34 bytes): f16 scale, 32 int8 quants. */
    static float dotQ8_0(ByteArray w, FloatArray x, int row, int cols, int lane) {
        int blocks = cols / 32;
        int base = row * blocks * 34;
        float sum = 0f;
        for (int b = 0; b < blocks; b++) {
            int block = base + b * 34;
            float d = half(w, block);
            sum += d * w.get(block + 2 + lane) * x.get(b * 32 + lane);
        }
        return sum;
    }

    /** Q4_0 block (18 bytes): f16 scale, 16 bytes; element j is the low nibble of byte j, element j+16 the high one, minus 8. */
    static float dotQ4_0(ByteArray w, FloatArray x, int row, int cols, int lane) {
        int blocks = cols / 32;
        int base = row * blocks * 18;
        int byteIndex = lane & 15;
        int shift = (lane >> 4) * 4;
        float sum = 0f;
        for (int b = 0; b < blocks; b++) {
            int block = base + b * 18;
            float d = half(w, block);
            int q = ((w.get(block + 2 + byteIndex) & 0xFF) >> shift & 15) - 8;
            sum += d * q * x.get(b * 32 + lane);
        }
        return sum;
    }

    /**
     * Q4_K super-block (144 bytes / 256 elements): f16 d, f16 dmin, 12 bytes of packed 6-bit scales and mins, 128 bytes
     * of nibbles. Sub-block j (32 elements) reads byte 32*(j/2) + l, low nibble for even j, high for odd;
     * x = d * scale_j * q - dmin * min_j.
     */
    static float dotQ4_K(ByteArray w, FloatArray x, int row, int cols, int lane) {
        int blocks = cols / 256;
        int base = row * blocks * 144;
        float sum = 0f;
        for (int b = 0; b < blocks; b++) {
            int block = base + b * 144;
            float d = half(w, block);
            float dmin = half(w, block + 2);
            int scales = block + 4;
            int xBase = b * 256 + lane;
            for (int g = 0; g < 4; g++) {
                int packed = w.get(block + 16 + 32 * g + lane) & 0xFF;
                int j = 2 * g;
                float lo = d * scaleK4(w, scales, j) * (packed & 15) - dmin * minK4(w, scales, j);
                float hi = d * scaleK4(w, scales, j + 1) * (packed >> 4) - dmin * minK4(w, scales, j + 1);
                sum += lo * x.get(xBase + 64 * g) + hi * x.get(xBase + 64 * g + 32);
            }
        }
        return sum;
    }

    /** 6-bit scale of sub-block j of a Q4_K block whose 12 scale bytes start at {@code scales}. */
    static int scaleK4(ByteArray w, int scales, int j) {
        if (j < 4) {
            return w.get(scales + j) & 63;
        }
        return (w.get(scales + j + 4) & 0xF) | (((w.get(scales + j - 4) & 0xFF) >> 6) << 4);
    }

    /** 6-bit min of sub-block j of a Q4_K block. */
    static int minK4(ByteArray w, int scales, int j) {
        if (j < 4) {
            return w.get(scales + j + 4) & 63;
        }
        return ((w.get(scales + j + 4) & 0xFF) >> 4) | (((w.get(scales + j) & 0xFF) >> 6) << 4);
    }

    /**
     * Q6_K super-block (210 bytes / 256 elements): ql[128] low nibbles, qh[64] high 2 bits, int8 scales[16], f16 d.
     * Half h (128 elements), lane l: elements 128h + l + 32k for k = 0..3 (see io.squall.model.tensor's Blocks).
     */
    static float dotQ6_K(ByteArray w, FloatArray x, int row, int cols, int lane) {
        int blocks = cols / 256;
        int base = row * blocks * 210;
        int sub = lane / 16;
        float sum = 0f;
        for (int b = 0; b < blocks; b++) {
            int block = base + b * 210;
            float d = half(w, block + 208);
            for (int h = 0; h < 2; h++) {
                int ql = block + 64 * h;
                int qh = w.get(block + 128 + 32 * h + lane) & 0xFF;
                int sc = block + 192 + 8 * h + sub;
                int lowA = w.get(ql + lane) & 0xFF;
                int lowB = w.get(ql + lane + 32) & 0xFF;
                int q1 = ((lowA & 15) | ((qh & 3) << 4)) - 32;
                int q2 = ((lowB & 15) | ((qh >> 2 & 3) << 4)) - 32;
                int q3 = ((lowA >> 4) | ((qh >> 4 & 3) << 4)) - 32;
                int q4 = ((lowB >> 4) | ((qh >> 6 & 3) << 4)) - 32;
                int xBase = b * 256 + 128 * h + lane;
                sum += d * w.get(sc) * q1 * x.get(xBase)
                        + d * w.get(sc + 2) * q2 * x.get(xBase + 32)
                        + d * w.get(sc + 4) * q3 * x.get(xBase + 64)
                        + d * w.get(sc + 6) * q4 * x.get(xBase + 96);
            }
        }
        return sum;
    }

    /** Little-endian f16 at byte {@code offset}. */
    static float half(ByteArray w, int offset) {
        int bits = (w.get(offset) & 0xFF) | ((w.get(offset + 1) & 0xFF) << 8);
        return Float.float16ToFloat((short) bits);
    }

    /** Little-endian bfloat16 element {@code index} (the upper half of a float). */
    static float bf16(ByteArray w, int index) {
        int bits = (w.get(2 * index) & 0xFF) | ((w.get(2 * index + 1) & 0xFF) << 8);
        return Float.intBitsToFloat(bits << 16);
    }

    // ---- the lanes' reduction ----

    /** Sums the lanes of each row in local memory (tree; every work-item reaches every barrier) and writes the row. */
    static void store(KernelContext ctx, float[] partial, float sum, FloatArray out, int row, int rows, int outOffset, int accumulate) {
        int lid = ctx.localIdx;
        int lane = lid % LANES;
        partial[lid] = sum;
        ctx.localBarrier();
        for (int stride = LANES / 2; stride > 0; stride >>= 1) {
            if (lane < stride) {
                partial[lid] += partial[lid + stride];
            }
            ctx.localBarrier();
        }
        if (lane == 0 && row < rows) {
            float before = accumulate != 0 ? out.get(outOffset + row) : 0f;
            out.set(outOffset + row, before + partial[lid]);
        }
    }

    static void storeQkv(KernelContext ctx, float[] partial, float sum, FloatArray q, FloatArray k, FloatArray v, int row, int dim, int kvDim) {
        int lid = ctx.localIdx;
        int lane = lid % LANES;
        partial[lid] = sum;
        ctx.localBarrier();
        for (int stride = LANES / 2; stride > 0; stride >>= 1) {
            if (lane < stride) {
                partial[lid] += partial[lid + stride];
            }
            ctx.localBarrier();
        }
        if (lane == 0) {
            if (row < dim) {
                q.set(row, partial[lid]);
            } else if (row < dim + kvDim) {
                k.set(row - dim, partial[lid]);
            } else if (row < dim + 2 * kvDim) {
                v.set(row - dim - kvDim, partial[lid]);
            }
        }
    }

    static void storeSwiglu(KernelContext ctx, float[] g, float[] u, float gs, float us, FloatArray out, int row, int rows) {
        int lid = ctx.localIdx;
        int lane = lid % LANES;
        g[lid] = gs;
        u[lid] = us;
        ctx.localBarrier();
        for (int stride = LANES / 2; stride > 0; stride >>= 1) {
            if (lane < stride) {
                g[lid] += g[lid + stride];
                u[lid] += u[lid + stride];
            }
            ctx.localBarrier();
        }
        if (lane == 0 && row < rows) {
            float gate = g[lid];
            out.set(row, gate / (1f + TornadoMath.exp(-gate)) * u[lid]);
        }
    }
}
