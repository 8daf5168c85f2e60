package io.squall.kernels;

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
 */
public final class MatVecRows {
    private MatVecRows() {}

    public static void matvec(
            ByteArray w, FloatArray x, FloatArray out, int rows, int cols, int outOffset, int accumulate, int format) {
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

    static float silu(float g) {
        return g / (1f + TornadoMath.exp(-g));
    }

    static void write(FloatArray out, int index, int accumulate, float value) {
        out.set(index, accumulate != 0 ? out.get(index) + value : value);
    }
}
