package io.squall.bench.ptx;

import io.squall.api.KernelContext;
import io.squall.api.annotations.Parallel;
import io.squall.api.types.arrays.ByteArray;
import io.squall.api.types.arrays.FloatArray;

/** Kernels of the PTX benchmark, in the kernel subset. */
public final class PtxBenchKernels {
    /** Threads per row of the Q8_0 matrix-vector product. */
    public static final int Q8_THREADS = 128;
    /** Q8_0 block: f16 scale, then 32 int8 quants. */
    public static final int Q8_BLOCK = 32, Q8_BLOCK_BYTES = 34;

    private PtxBenchKernels() {}

    /**
     * out[row] = dot(row of the Q8_0 matrix w, x): one work-group of {@link #Q8_THREADS} per row, each thread
     * summing whole blocks (scale * sum of quant * x), then a tree reduction in local memory.
     */
    public static void q8Matvec(KernelContext ctx, ByteArray w, FloatArray x, FloatArray out, int cols) {
        float[] partial = ctx.allocateFloatLocalArray(Q8_THREADS);
        int row = ctx.groupIdx;
        int lid = ctx.localIdx;
        int blocks = cols / Q8_BLOCK;
        long rowBase = (long) row * blocks * Q8_BLOCK_BYTES;
        float sum = 0f;
        for (int blk = lid; blk < blocks; blk += Q8_THREADS) {
            int base = (int) (rowBase + (long) blk * Q8_BLOCK_BYTES);
            short bits = (short) ((w.get(base) & 0xFF) | ((w.get(base + 1) & 0xFF) << 8));
            float scale = Float.float16ToFloat(bits);
            int xb = blk * Q8_BLOCK;
            float dot = 0f;
            for (int j = 0; j < Q8_BLOCK; j++) {
                dot += w.get(base + 2 + j) * x.get(xb + j);
            }
            sum += scale * dot;
        }
        partial[lid] = sum;
        ctx.localBarrier();
        for (int stride = Q8_THREADS / 2; stride > 0; stride /= 2) {
            if (lid < stride) {
                partial[lid] += partial[lid + stride];
            }
            ctx.localBarrier();
        }
        if (lid == 0) {
            out.set(row, partial[0]);
        }
    }

    /** A near-empty kernel for measuring launch overhead. */
    public static void bump(FloatArray a) {
        for (@Parallel int i = 0; i < a.getSize(); i++) {
            a.set(i, a.get(i) + 1f);
        }
    }
}
