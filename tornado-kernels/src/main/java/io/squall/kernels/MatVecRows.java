package io.squall.kernels;

import io.squall.api.annotations.Dynamic;
import io.squall.api.annotations.Parallel;
import io.squall.api.math.TornadoMath;
import io.squall.api.types.arrays.ByteArray;
import io.squall.api.types.arrays.FloatArray;
import io.squall.kernels.format.Formats;

/**
 * The same products as {@link MatVec}, shaped for CPU OpenCL devices (PoCL): one work-item per row, each (sub-)block
 * a short inner loop over contiguous bytes and floats that the device compiler vectorizes (with relaxed math it may
 * reassociate the block sums). On CPUs this is ~20x faster than the lane layout, whose work-item loops PoCL cannot
 * vectorize; on GPUs it is the other way round. Same arguments as {@link MatVec}; launch as a parallel loop over rows.
 * Under scalar specialization only the format is folded ({@link Dynamic} sizes): a model's products share one kernel
 * per format, which cuts a cold start's compiles (as constants the sizes gained nothing
 * measurable on PoCL).
 * <p>
 * What the CPU compilers make of it (8192x2048 Q8_0, {@code OpenCLMatVecBench}): PoCL vectorizes the 16-lane loop
 * and keeps up with the CPU engine (~2 ms, memory-bound; hand-written OpenCL C with vload16 or two rows per work-item
 * was no faster except on the 2048-row, 8192-column shape, by ~15%). Mesa 22.3's rusticl on llvmpipe runs the same
 * kernel 15-35x slower whatever the work-group size: llvmpipe puts 8 work-items in a vector register and emits each
 * global load as a loop over the 8 lanes with one scalar load each, so a kernel's time follows its number of load
 * instructions (~1-2 ns each, 1 or 4 bytes alike: bench/opencl-load-probes), and a row costs two per weight (quant
 * and x). Fewer, wider loads would help it by a small factor, not to the CPU engine's speed.
 * <p>
 * The same loops as explicit OpenCL C vector types (a float16 accumulator, vload16) run 1.8x (Q8_0) and 1.35x (Q4_0)
 * faster on PoCL: its skylake-avx512 target keeps auto-vectorized loops at 256 bits but explicit 512-bit vectors in
 * zmm registers ({@code bench/opencl-vector-probes}). The {@code *Vectors} kernels write them with the kernel
 * language's Float16 values ({@link Formats#rowDotVectors}), for OpenCL C on CPUs; the JVM keeps the scalar kernels
 * (it runs Float16 as Java objects).
 */
public final class MatVecRows {
    private MatVecRows() {}

    public static void matvec(
            ByteArray w,
            FloatArray x,
            FloatArray out,
            @Dynamic int rows,
            @Dynamic int cols,
            @Dynamic int outOffset,
            @Dynamic int accumulate,
            int format) {
        for (@Parallel int r = 0; r < rows; r++) {
            write(out, outOffset + r, accumulate, Formats.rowDot(format, w, r, cols, x, 0));
        }
    }

    public static void swiglu(
            ByteArray gate, ByteArray up, FloatArray x, FloatArray out, int rows, int cols, int format) {
        for (@Parallel int r = 0; r < rows; r++) {
            out.set(r, silu(Formats.rowDot(format, gate, r, cols, x, 0)) * Formats.rowDot(format, up, r, cols, x, 0));
        }
    }

    public static void qkv(
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
        for (@Parallel int r = 0; r < dim + 2 * kvDim; r++) {
            if (r < dim) {
                q.set(r, Formats.rowDot(format, wq, r, cols, x, 0));
            } else if (r < dim + kvDim) {
                k.set(r - dim, Formats.rowDot(format, wk, r - dim, cols, x, 0));
            } else {
                v.set(r - dim - kvDim, Formats.rowDot(format, wv, r - dim - kvDim, cols, x, 0));
            }
        }
    }

    /** {@link #matvec} with {@link Formats#rowDotVectors}: for OpenCL C on CPU devices (see the class comment). */
    public static void matvecVectors(
            ByteArray w,
            FloatArray x,
            FloatArray out,
            @Dynamic int rows,
            @Dynamic int cols,
            @Dynamic int outOffset,
            @Dynamic int accumulate,
            int format) {
        for (@Parallel int r = 0; r < rows; r++) {
            write(out, outOffset + r, accumulate, Formats.rowDotVectors(format, w, r, cols, x, 0));
        }
    }

    /** {@link #swiglu} with {@link Formats#rowDotVectors}. */
    public static void swigluVectors(
            ByteArray gate, ByteArray up, FloatArray x, FloatArray out, int rows, int cols, int format) {
        for (@Parallel int r = 0; r < rows; r++) {
            out.set(
                    r,
                    silu(Formats.rowDotVectors(format, gate, r, cols, x, 0))
                            * Formats.rowDotVectors(format, up, r, cols, x, 0));
        }
    }

    /** {@link #qkv} with {@link Formats#rowDotVectors}. */
    public static void qkvVectors(
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
        for (@Parallel int r = 0; r < dim + 2 * kvDim; r++) {
            if (r < dim) {
                q.set(r, Formats.rowDotVectors(format, wq, r, cols, x, 0));
            } else if (r < dim + kvDim) {
                k.set(r - dim, Formats.rowDotVectors(format, wk, r - dim, cols, x, 0));
            } else {
                v.set(r - dim - kvDim, Formats.rowDotVectors(format, wv, r - dim - kvDim, cols, x, 0));
            }
        }
    }

    static float silu(float g) {
        return g / (1f + TornadoMath.exp(-g));
    }

    static void write(FloatArray out, int index, int accumulate, float value) {
        out.set(index, accumulate != 0 ? out.get(index) + value : value);
    }
}
