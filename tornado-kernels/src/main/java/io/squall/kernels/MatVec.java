package io.squall.kernels;

import io.squall.api.KernelContext;
import io.squall.api.math.TornadoMath;
import io.squall.api.types.arrays.ByteArray;
import io.squall.api.types.arrays.FloatArray;
import io.squall.kernels.format.Formats;
import io.squall.kernels.format.Q4_0Block;
import io.squall.kernels.format.Q8_0Block;

/**
 * Matrix-vector products {@code out[outOffset + r] (+)= W[r] . x} with the dequantization fused in, reading the GGUF
 * block layout of the weights directly (a view over the mapped file: no re-quantization, no dequantized copy). One
 * kernel per operation for every weight format: the last argument is the format's {@link Formats} code.
 * <p>
 * Shape: {@link #LANES} work-items per row, {@link #ROWS_PER_GROUP} rows per work-group. Lane {@code l} takes element
 * {@code l} of every 32-element (sub-)block, so neighbouring work-items read neighbouring bytes: coalesced on GPUs and
 * vectorizable across work-items on CPU OpenCL (PoCL); Q8_0 and Q4_0 lanes read 4 quants with 2-byte wide loads. The
 * lanes' partial sums meet in a warp reduction where a sub-group is the row's 32 lanes (ptx:N), else in a local-memory tree.
 * Launch: global = {@link #globalSize(int)} x 1, local = {@link #GROUP}.
 * <p>
 * {@code accumulate != 0} adds to {@code out} (the residual add fused into the output projection); {@code swiglu}
 * computes gate and up rows together and writes {@code silu(gate . x) * (up . x)}.
 */
public final class MatVec {
    /** Work-items per row (also the element count of a Q8_0/Q4_0 block and of a K-quant sub-block). */
    public static final int LANES = 32;

    public static final int ROWS_PER_GROUP = 8;
    public static final int GROUP = LANES * ROWS_PER_GROUP;

    private MatVec() {}

    /** Global work size for {@code rows} output rows. */
    public static int globalSize(int rows) {
        return (rows + ROWS_PER_GROUP - 1) / ROWS_PER_GROUP * GROUP;
    }

    // ---- one kernel per operation; {@code format} is a {@link Formats} code (a constant once specialized) ----

    public static void matvec(
            KernelContext ctx,
            ByteArray w,
            FloatArray x,
            FloatArray out,
            int rows,
            int cols,
            int outOffset,
            int accumulate,
            int format) {
        float[] partial = ctx.allocateFloatLocalArray(GROUP);
        int row = ctx.groupIdx * ROWS_PER_GROUP + ctx.localIdx / LANES;
        float sum = row < rows ? laneDot(format, w, x, row, cols, ctx.localIdx % LANES) : 0f;
        store(ctx, partial, sum, out, row, rows, outOffset, accumulate);
    }

    /** Gate/up fused with SiLU: {@code out[r] = silu(gate[r] . x) * (up[r] . x)}. */
    public static void swiglu(
            KernelContext ctx,
            ByteArray gate,
            ByteArray up,
            FloatArray x,
            FloatArray out,
            int rows,
            int cols,
            int format) {
        float[] g = ctx.allocateFloatLocalArray(GROUP);
        float[] u = ctx.allocateFloatLocalArray(GROUP);
        int row = ctx.groupIdx * ROWS_PER_GROUP + ctx.localIdx / LANES;
        int lane = ctx.localIdx % LANES;
        float gs = row < rows ? laneDot(format, gate, x, row, cols, lane) : 0f;
        float us = row < rows ? laneDot(format, up, x, row, cols, lane) : 0f;
        storeSwiglu(ctx, g, u, gs, us, out, row, rows);
    }

    /** q, k and v in one launch: rows [0, dim) of wq, then wk, then wv. */
    public static void qkv(
            KernelContext ctx,
            ByteArray wq,
            ByteArray wk,
            ByteArray wv,
            FloatArray x,
            FloatArray q,
            FloatArray k,
            FloatArray v,
            int dim,
            int kvDim,
            int cols,
            int format) {
        float[] partial = ctx.allocateFloatLocalArray(GROUP);
        int row = ctx.groupIdx * ROWS_PER_GROUP + ctx.localIdx / LANES;
        int lane = ctx.localIdx % LANES;
        float sum = 0f;
        if (row < dim) {
            sum = laneDot(format, wq, x, row, cols, lane);
        } else if (row < dim + kvDim) {
            sum = laneDot(format, wk, x, row - dim, cols, lane);
        } else if (row < dim + 2 * kvDim) {
            sum = laneDot(format, wv, x, row - dim - kvDim, cols, lane);
        }
        storeQkv(ctx, partial, sum, q, k, v, row, dim, kvDim);
    }

    /**
     * Lane {@code lane}'s share of row {@code row} . x. Q8_0 and Q4_0: a few lanes per block, each with 2-byte wide loads
     * of 4 bytes of quants ({@link io.squall.kernels.format.Q8_0Block#laneDot}). Other formats: elements lane, lane + 32,
     * ... each decoded on its own, so neighbouring lanes read neighbouring bytes (coalesced) and share their block's
     * scale through the cache.
     */
    static float laneDot(int format, ByteArray w, FloatArray x, int row, int cols, int lane) {
        if (Formats.hasLaneRowDot(format)) {
            int blocks = cols / Formats.blockElements(format);
            int base = row * blocks * Formats.blockBytes(format);
            return format == Formats.Q8_0
                    ? Q8_0Block.laneDot(w, base, blocks, x, lane)
                    : Q4_0Block.laneDot(w, base, blocks, x, lane);
        }
        int base = row * cols;
        float sum = 0f;
        for (int i = lane; i < cols; i += LANES) {
            sum += Formats.element(format, w, base + i) * x.get(i);
        }
        return sum;
    }

    // ---- the lanes' reduction ----

    /**
     * The sum of {@code value} over the lanes of this work-item's row. Where a sub-group is the row's 32 lanes (a warp:
     * ptx:N), one warp reduction: shuffles in registers, no local memory and no barrier, so the 8 warps of a group run
     * independently. Elsewhere (sub-groups of another size or of one work-item: CPU devices, the JVM) a local-memory tree
     * that every work-item of the group enters. The branch is uniform: the sub-group size is the same for the whole launch.
     */
    static float laneSum(KernelContext ctx, float[] partial, float value) {
        if (ctx.getSubGroupSize() == LANES) {
            return ctx.subGroupReduceAdd(value);
        }
        int lid = ctx.localIdx;
        int lane = lid % LANES;
        partial[lid] = value;
        ctx.localBarrier();
        for (int stride = LANES / 2; stride > 0; stride >>= 1) {
            if (lane < stride) {
                partial[lid] += partial[lid + stride];
            }
            ctx.localBarrier();
        }
        return partial[lid];
    }

    static void store(
            KernelContext ctx,
            float[] partial,
            float sum,
            FloatArray out,
            int row,
            int rows,
            int outOffset,
            int accumulate) {
        float total = laneSum(ctx, partial, sum);
        if (ctx.localIdx % LANES == 0 && row < rows) {
            float before = accumulate != 0 ? out.get(outOffset + row) : 0f;
            out.set(outOffset + row, before + total);
        }
    }

    static void storeQkv(
            KernelContext ctx,
            float[] partial,
            float sum,
            FloatArray q,
            FloatArray k,
            FloatArray v,
            int row,
            int dim,
            int kvDim) {
        float total = laneSum(ctx, partial, sum);
        if (ctx.localIdx % LANES == 0) {
            if (row < dim) {
                q.set(row, total);
            } else if (row < dim + kvDim) {
                k.set(row - dim, total);
            } else if (row < dim + 2 * kvDim) {
                v.set(row - dim - kvDim, total);
            }
        }
    }

    static void storeSwiglu(
            KernelContext ctx, float[] g, float[] u, float gs, float us, FloatArray out, int row, int rows) {
        float gate = laneSum(ctx, g, gs);
        float up = laneSum(ctx, u, us);
        if (ctx.localIdx % LANES == 0 && row < rows) {
            out.set(row, gate / (1f + TornadoMath.exp(-gate)) * up);
        }
    }
}
