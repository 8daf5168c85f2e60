package io.squall.kernels;

import io.squall.api.annotations.Parallel;
import io.squall.api.math.TornadoMath;
import io.squall.api.types.arrays.ByteArray;
import io.squall.api.types.arrays.FloatArray;
import io.squall.api.types.arrays.HalfFloatArray;

/**
 * Weights x a batch of activation vectors, for prompt processing: {@code out[j][r] (+)= sum_c w[r][c] * x[j][c]} for
 * j in 0..batch, x and out row-major ([batch][cols], [batch][rows]). One work-item per weight row, as
 * {@link MatVecRows}; each weight element (and block scale) is decoded once per {@link #TILE} activation vectors
 * and used for all of them, so a batch reads the weights batch/TILE times instead of batch times. Per vector the
 * sums run in the same order as {@link MatVecRows}'s. A tile past the batch's end re-reads the last vector and
 * writes nothing for it. Launch as a parallel loop over rows.
 */
public final class MatMatRows {
    /** Activation vectors that share one decode of the weights. */
    public static final int TILE = 4;

    private MatMatRows() {
    }

    public static void f32(FloatArray w, FloatArray x, FloatArray out, int rows, int cols, int batch, int accumulate) {
        for (@Parallel int r = 0; r < rows; r++) {
            int base = r * cols;
            for (int j = 0; j < batch; j += TILE) {
                int x0 = j * cols;
                int x1 = TornadoMath.min(j + 1, batch - 1) * cols;
                int x2 = TornadoMath.min(j + 2, batch - 1) * cols;
                int x3 = TornadoMath.min(j + 3, batch - 1) * cols;
                float s0 = 0f;
                float s1 = 0f;
                float s2 = 0f;
                float s3 = 0f;
                for (int i = 0; i < cols; i++) {
                    float v = w.get(base + i);
                    s0 += v * x.get(x0 + i);
                    s1 += v * x.get(x1 + i);
                    s2 += v * x.get(x2 + i);
                    s3 += v * x.get(x3 + i);
                }
                store(out, rows, r, j, batch, accumulate, s0, s1, s2, s3);
            }
        }
    }

    public static void f16(HalfFloatArray w, FloatArray x, FloatArray out, int rows, int cols, int batch, int accumulate) {
        for (@Parallel int r = 0; r < rows; r++) {
            int base = r * cols;
            for (int j = 0; j < batch; j += TILE) {
                int x0 = j * cols;
                int x1 = TornadoMath.min(j + 1, batch - 1) * cols;
                int x2 = TornadoMath.min(j + 2, batch - 1) * cols;
                int x3 = TornadoMath.min(j + 3, batch - 1) * cols;
                float s0 = 0f;
                float s1 = 0f;
                float s2 = 0f;
                float s3 = 0f;
                for (int i = 0; i < cols; i++) {
                    float v = w.getFloat(base + i);
                    s0 += v * x.get(x0 + i);
                    s1 += v * x.get(x1 + i);
                    s2 += v * x.get(x2 + i);
                    s3 += v * x.get(x3 + i);
                }
                store(out, rows, r, j, batch, accumulate, s0, s1, s2, s3);
            }
        }
    }

    public static void q8_0(ByteArray w, FloatArray x, FloatArray out, int rows, int cols, int batch, int accumulate) {
        for (@Parallel int r = 0; r < rows; r++) {
            int blocks = cols / 32;
            int base = r * blocks * 34;
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
                    int block = base + b * 34;
                    float p0 = 0f;
                    float p1 = 0f;
                    float p2 = 0f;
                    float p3 = 0f;
                    for (int k = 0; k < 32; k++) {
                        float q = w.get(block + 2 + k);
                        int c = b * 32 + k;
                        p0 += q * x.get(x0 + c);
                        p1 += q * x.get(x1 + c);
                        p2 += q * x.get(x2 + c);
                        p3 += q * x.get(x3 + c);
                    }
                    float d = MatVec.half(w, block);
                    s0 += d * p0;
                    s1 += d * p1;
                    s2 += d * p2;
                    s3 += d * p3;
                }
                store(out, rows, r, j, batch, accumulate, s0, s1, s2, s3);
            }
        }
    }

    public static void q4_0(ByteArray w, FloatArray x, FloatArray out, int rows, int cols, int batch, int accumulate) {
        for (@Parallel int r = 0; r < rows; r++) {
            int blocks = cols / 32;
            int base = r * blocks * 18;
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
                    int block = base + b * 18;
                    float p0 = 0f;
                    float p1 = 0f;
                    float p2 = 0f;
                    float p3 = 0f;
                    for (int k = 0; k < 16; k++) {
                        int packed = w.get(block + 2 + k) & 0xFF;
                        int lo = (packed & 15) - 8;
                        int hi = (packed >> 4) - 8;
                        int c = b * 32 + k;
                        p0 += lo * x.get(x0 + c) + hi * x.get(x0 + c + 16);
                        p1 += lo * x.get(x1 + c) + hi * x.get(x1 + c + 16);
                        p2 += lo * x.get(x2 + c) + hi * x.get(x2 + c + 16);
                        p3 += lo * x.get(x3 + c) + hi * x.get(x3 + c + 16);
                    }
                    float d = MatVec.half(w, block);
                    s0 += d * p0;
                    s1 += d * p1;
                    s2 += d * p2;
                    s3 += d * p3;
                }
                store(out, rows, r, j, batch, accumulate, s0, s1, s2, s3);
            }
        }
    }

    /** Writes the tile's sums for the vectors that exist (j..batch-1). */
    static void store(FloatArray out, int rows, int r, int j, int batch, int accumulate, float s0, float s1, float s2, float s3) {
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
