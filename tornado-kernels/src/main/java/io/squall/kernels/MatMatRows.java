package io.squall.kernels;

import io.squall.api.annotations.Parallel;
import io.squall.api.math.TornadoMath;
import io.squall.api.types.arrays.ByteArray;
import io.squall.api.types.arrays.FloatArray;
import io.squall.kernels.format.Formats;

/**
 * Weights x a batch of activation vectors, for prompt processing: {@code out[j][r] (+)= sum_c w[r][c] * x[j][c]} for
 * j in 0..batch, x and out row-major ([batch][cols], [batch][rows]). One work-item per weight row, as
 * {@link MatVecRows}; each weight block is brought from memory once per {@link #TILE} activation vectors and its dot
 * product taken with all of them while it is in the cache, so a batch reads the weights batch/TILE times instead of
 * batch times. Per vector the sums run in the same order as {@link MatVecRows}'s. A tile past the batch's end
 * re-reads the last vector and writes nothing for it. Launch as a parallel loop over rows; {@code format} is the
 * weights' {@link Formats} code.
 */
public final class MatMatRows {
    /** Activation vectors that share one read of the weights. */
    public static final int TILE = 4;

    private MatMatRows() {}

    public static void matmat(
            ByteArray w, FloatArray x, FloatArray out, int rows, int cols, int batch, int accumulate, int format) {
        for (@Parallel int r = 0; r < rows; r++) {
            if (Formats.hasLaneRowDot(format)) {
                // The row (~2 KB) stays in L1 while each vector takes MatVecRows's lane-sum product with it: the
                // weights
                // come from memory once per batch, and the products vectorize as in decode (PoCL, 8192x2048 Q8_0 x 16
                // vectors: 605 ms with the block-by-block tile below, 68 ms this way). Same sums as decode, bit for
                // bit.
                for (int j = 0; j < batch; j++) {
                    MatVecRows.write(out, j * rows + r, accumulate, Formats.rowDot(format, w, r, cols, x, j * cols));
                }
                continue;
            }
            int elements = Formats.blockElements(format);
            int bytes = Formats.blockBytes(format);
            int blocks = cols / elements;
            int base = r * blocks * bytes;
            for (int j = 0; j < batch; j += TILE) {
                int x0 = j * cols;
                int x1 = TornadoMath.min(j + 1, batch - 1) * cols;
                int x2 = TornadoMath.min(j + 2, batch - 1) * cols;
                int x3 = TornadoMath.min(j + 3, batch - 1) * cols;
                float s0 = 0f;
                float s1 = 0f;
                float s2 = 0f;
                float s3 = 0f;
                for (int b = 0; b < blocks; b++) {
                    int block = base + b * bytes;
                    int c = b * elements;
                    s0 += Formats.blockDot(format, w, block, x, x0 + c);
                    s1 += Formats.blockDot(format, w, block, x, x1 + c);
                    s2 += Formats.blockDot(format, w, block, x, x2 + c);
                    s3 += Formats.blockDot(format, w, block, x, x3 + c);
                }
                store(out, rows, r, j, batch, accumulate, s0, s1, s2, s3);
            }
        }
    }

    /** Writes the tile's sums for the vectors that exist (j..batch-1). */
    static void store(
            FloatArray out, int rows, int r, int j, int batch, int accumulate, float s0, float s1, float s2, float s3) {
        MatVecRows.write(out, j * rows + r, accumulate, s0);
        if (j + 1 < batch) {
            MatVecRows.write(out, (j + 1) * rows + r, accumulate, s1);
        }
        if (j + 2 < batch) {
            MatVecRows.write(out, (j + 2) * rows + r, accumulate, s2);
        }
        if (j + 3 < batch) {
            MatVecRows.write(out, (j + 3) * rows + r, accumulate, s3);
        }
    }
}
