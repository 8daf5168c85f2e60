package io.squall.kernels;

import io.squall.api.annotations.Dynamic;
import io.squall.api.annotations.Parallel;
import io.squall.api.math.TornadoMath;
import io.squall.api.types.arrays.ByteArray;
import io.squall.api.types.arrays.FloatArray;
import io.squall.api.types.vectors.Float16;
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

    /** Columns from which {@link #matvecVectors} takes its two rows side by side (x of 16 KB and more). */
    public static final int PAIRED_COLUMNS = 4096;

    /**
     * {@link #matvec} with Float16 vector values, for OpenCL C on CPU devices (see the class comment), two rows per
     * work-item. Q8_0 and Q4_0 rows of {@link #PAIRED_COLUMNS} or more side by side, each load of x (vload16) serving
     * both: x is 4 bytes per weight of ~1, 32 KB for the 8192-column down projection, past L1 (2048x8192 Q8_0, one PoCL
     * thread: 1.39-1.95 ms against 2.24-2.74 for the scalar rows); shorter rows one after the other (side by side they
     * were slower, 1.5-2.9 ms against 1.18 on 8192x2048). The other formats as {@link #matvec}.
     */
    public static void matvecVectors(
            ByteArray w,
            FloatArray x,
            FloatArray out,
            @Dynamic int rows,
            @Dynamic int cols,
            @Dynamic int outOffset,
            @Dynamic int accumulate,
            int format) {
        for (@Parallel int r = 0; r < rows; r += 2) {
            if (Formats.hasLaneRowDot(format) && cols < PAIRED_COLUMNS) {
                write(out, outOffset + r, accumulate, Formats.rowDotVectors(format, w, r, cols, x, 0));
                if (r + 1 < rows) {
                    write(out, outOffset + r + 1, accumulate, Formats.rowDotVectors(format, w, r + 1, cols, x, 0));
                }
            } else if (Formats.hasLaneRowDot(format)) {
                int bytes = Formats.blockBytes(format);
                int blocks = cols / 32;
                int base0 = r * blocks * bytes;
                int base1 = TornadoMath.min(r + 1, rows - 1) * blocks * bytes;
                Float16 acc0 = Float16.broadcast(0f);
                Float16 acc1 = Float16.broadcast(0f);
                for (int b = 0; b < blocks; b++) {
                    Float16 xa = Float16.loadFromArray(x, b * 32);
                    Float16 xb = Float16.loadFromArray(x, b * 32 + 16);
                    int block0 = base0 + b * bytes;
                    int block1 = base1 + b * bytes;
                    acc0 = Float16.fma(
                            Formats.quantProducts(format, w, block0, xa, xb),
                            Float16.broadcast(Formats.blockScale(w, block0)),
                            acc0);
                    acc1 = Float16.fma(
                            Formats.quantProducts(format, w, block1, xa, xb),
                            Float16.broadcast(Formats.blockScale(w, block1)),
                            acc1);
                }
                write(out, outOffset + r, accumulate, Float16.sum(acc0));
                if (r + 1 < rows) {
                    write(out, outOffset + r + 1, accumulate, Float16.sum(acc1));
                }
            } else {
                write(out, outOffset + r, accumulate, Formats.rowDot(format, w, r, cols, x, 0));
                if (r + 1 < rows) {
                    write(out, outOffset + r + 1, accumulate, Formats.rowDot(format, w, r + 1, cols, x, 0));
                }
            }
        }
    }

    /**
     * {@link #swiglu} with Float16 vector values: Q8_0 and Q4_0 rows of gate and up side by side, each load of x
     * serving both (as {@link #matvecVectors}); the other formats as {@link #swiglu}.
     */
    public static void swigluVectors(
            ByteArray gate, ByteArray up, FloatArray x, FloatArray out, int rows, int cols, int format) {
        for (@Parallel int r = 0; r < rows; r++) {
            if (Formats.hasLaneRowDot(format)) {
                int bytes = Formats.blockBytes(format);
                int blocks = cols / 32;
                int base = r * blocks * bytes;
                Float16 g = Float16.broadcast(0f);
                Float16 u = Float16.broadcast(0f);
                for (int b = 0; b < blocks; b++) {
                    Float16 xa = Float16.loadFromArray(x, b * 32);
                    Float16 xb = Float16.loadFromArray(x, b * 32 + 16);
                    int block = base + b * bytes;
                    g = Float16.fma(
                            Formats.quantProducts(format, gate, block, xa, xb),
                            Float16.broadcast(Formats.blockScale(gate, block)),
                            g);
                    u = Float16.fma(
                            Formats.quantProducts(format, up, block, xa, xb),
                            Float16.broadcast(Formats.blockScale(up, block)),
                            u);
                }
                out.set(r, silu(Float16.sum(g)) * Float16.sum(u));
            } else {
                out.set(
                        r,
                        silu(Formats.rowDot(format, gate, r, cols, x, 0)) * Formats.rowDot(format, up, r, cols, x, 0));
            }
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
