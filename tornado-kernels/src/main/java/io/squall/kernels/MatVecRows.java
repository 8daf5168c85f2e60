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

    /** Columns from which {@link #matvecVectors} takes its rows side by side (x of 16 KB and more). */
    public static final int SIDE_BY_SIDE_COLUMNS = 4096;

    /** Rows per work-item of {@link #matvecVectors}. */
    public static final int VECTOR_ROWS = 8;

    /**
     * {@link #matvec} with Float16 vector values, for OpenCL C on CPU devices (see the class comment), eight rows per
     * work-item. Q8_0 and Q4_0 rows of {@link #SIDE_BY_SIDE_COLUMNS} or more side by side, each load of x (vload16) serving
     * all eight: x is 4 bytes per weight of ~1, 32 KB for the 8192-column down projection, past L1 (1B Q8_0 decode on
     * PoCL, 2 threads, 16 layers: down 16.2-16.4 ms per token with two rows side by side, 13.1-13.3 with four, 11.7-12.0
     * with eight, against 10.0-10.4 for gate's 8192x2048 of the same bytes). Shorter rows one after the other (side
     * by side, eight 2048-column rows took 17 ms per token for gate against 10). Q4_0, bound by unpacking its nibbles
     * rather than by loads, runs its down projection about as fast with eight rows as with two (15.3-16.5 ms per token)
     * and slower one row after the other (16.2-18.1). The other formats as {@link #matvec}.
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
        for (@Parallel int r = 0; r < rows; r += VECTOR_ROWS) {
            if (Formats.hasLaneRowDot(format) && cols >= SIDE_BY_SIDE_COLUMNS) {
                int bytes = Formats.blockBytes(format);
                int blocks = cols / 32;
                int base0 = TornadoMath.min(r, rows - 1) * blocks * bytes;
                int base1 = TornadoMath.min(r + 1, rows - 1) * blocks * bytes;
                int base2 = TornadoMath.min(r + 2, rows - 1) * blocks * bytes;
                int base3 = TornadoMath.min(r + 3, rows - 1) * blocks * bytes;
                int base4 = TornadoMath.min(r + 4, rows - 1) * blocks * bytes;
                int base5 = TornadoMath.min(r + 5, rows - 1) * blocks * bytes;
                int base6 = TornadoMath.min(r + 6, rows - 1) * blocks * bytes;
                int base7 = TornadoMath.min(r + 7, rows - 1) * blocks * bytes;
                Float16 acc0 = Float16.broadcast(0f);
                Float16 acc1 = Float16.broadcast(0f);
                Float16 acc2 = Float16.broadcast(0f);
                Float16 acc3 = Float16.broadcast(0f);
                Float16 acc4 = Float16.broadcast(0f);
                Float16 acc5 = Float16.broadcast(0f);
                Float16 acc6 = Float16.broadcast(0f);
                Float16 acc7 = Float16.broadcast(0f);
                for (int b = 0; b < blocks; b++) {
                    Float16 xa = Float16.loadFromArray(x, b * 32);
                    Float16 xb = Float16.loadFromArray(x, b * 32 + 16);
                    acc0 = rowStep(format, w, base0 + b * bytes, xa, xb, acc0);
                    acc1 = rowStep(format, w, base1 + b * bytes, xa, xb, acc1);
                    acc2 = rowStep(format, w, base2 + b * bytes, xa, xb, acc2);
                    acc3 = rowStep(format, w, base3 + b * bytes, xa, xb, acc3);
                    acc4 = rowStep(format, w, base4 + b * bytes, xa, xb, acc4);
                    acc5 = rowStep(format, w, base5 + b * bytes, xa, xb, acc5);
                    acc6 = rowStep(format, w, base6 + b * bytes, xa, xb, acc6);
                    acc7 = rowStep(format, w, base7 + b * bytes, xa, xb, acc7);
                }
                writeRow(out, outOffset, r, rows, accumulate, Float16.sum(acc0));
                writeRow(out, outOffset, r + 1, rows, accumulate, Float16.sum(acc1));
                writeRow(out, outOffset, r + 2, rows, accumulate, Float16.sum(acc2));
                writeRow(out, outOffset, r + 3, rows, accumulate, Float16.sum(acc3));
                writeRow(out, outOffset, r + 4, rows, accumulate, Float16.sum(acc4));
                writeRow(out, outOffset, r + 5, rows, accumulate, Float16.sum(acc5));
                writeRow(out, outOffset, r + 6, rows, accumulate, Float16.sum(acc6));
                writeRow(out, outOffset, r + 7, rows, accumulate, Float16.sum(acc7));
            } else {
                for (int i = r; i < TornadoMath.min(r + VECTOR_ROWS, rows); i++) {
                    write(out, outOffset + i, accumulate, Formats.rowDotVectors(format, w, i, cols, x, 0));
                }
            }
        }
    }

    /** acc + the block at byte {@code block} times x's 32 values (xa, xb), scaled. */
    private static Float16 rowStep(int format, ByteArray w, int block, Float16 xa, Float16 xb, Float16 acc) {
        return Float16.fma(
                Formats.quantProducts(format, w, block, xa, xb), Float16.broadcast(Formats.blockScale(w, block)), acc);
    }

    /** {@link #write} for row {@code row} when it exists (the last work-item's rows past the end read the last row). */
    private static void writeRow(FloatArray out, int outOffset, int row, int rows, int accumulate, float value) {
        if (row < rows) {
            write(out, outOffset + row, accumulate, value);
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
