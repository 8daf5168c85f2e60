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

    public static void bf16(ByteArray w, FloatArray x, FloatArray out, int rows, int cols, int batch, int accumulate) {
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
                    float v = MatVec.bf16(w, base + i);
                    s0 += v * x.get(x0 + i);
                    s1 += v * x.get(x1 + i);
                    s2 += v * x.get(x2 + i);
                    s3 += v * x.get(x3 + i);
                }
                store(out, rows, r, j, batch, accumulate, s0, s1, s2, s3);
            }
        }
    }

    /** As {@link MatVecRows#dotQ4_K} per vector; the sub-block scales and minimums are unpacked once per tile. */
    public static void q4_k(ByteArray w, FloatArray x, FloatArray out, int rows, int cols, int batch, int accumulate) {
        for (@Parallel int r = 0; r < rows; r++) {
            int blocks = cols / 256;
            int base = r * blocks * 144;
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
                    int block = base + b * 144;
                    float d = MatVec.half(w, block);
                    float dmin = MatVec.half(w, block + 2);
                    int scales = block + 4;
                    for (int g = 0; g < 4; g++) {
                        int qs = block + 16 + 32 * g;
                        int xs = b * 256 + 64 * g;
                        float lo0 = 0f, hi0 = 0f, xLo0 = 0f, xHi0 = 0f;
                        float lo1 = 0f, hi1 = 0f, xLo1 = 0f, xHi1 = 0f;
                        float lo2 = 0f, hi2 = 0f, xLo2 = 0f, xHi2 = 0f;
                        float lo3 = 0f, hi3 = 0f, xLo3 = 0f, xHi3 = 0f;
                        for (int l = 0; l < 32; l++) {
                            int packed = w.get(qs + l) & 0xFF;
                            int low = packed & 15;
                            int high = packed >> 4;
                            float a0 = x.get(x0 + xs + l);
                            float c0 = x.get(x0 + xs + 32 + l);
                            float a1 = x.get(x1 + xs + l);
                            float c1 = x.get(x1 + xs + 32 + l);
                            float a2 = x.get(x2 + xs + l);
                            float c2 = x.get(x2 + xs + 32 + l);
                            float a3 = x.get(x3 + xs + l);
                            float c3 = x.get(x3 + xs + 32 + l);
                            lo0 += low * a0;
                            hi0 += high * c0;
                            xLo0 += a0;
                            xHi0 += c0;
                            lo1 += low * a1;
                            hi1 += high * c1;
                            xLo1 += a1;
                            xHi1 += c1;
                            lo2 += low * a2;
                            hi2 += high * c2;
                            xLo2 += a2;
                            xHi2 += c2;
                            lo3 += low * a3;
                            hi3 += high * c3;
                            xLo3 += a3;
                            xHi3 += c3;
                        }
                        float scLo = d * MatVec.scaleK4(w, scales, 2 * g);
                        float mLo = dmin * MatVec.minK4(w, scales, 2 * g);
                        float scHi = d * MatVec.scaleK4(w, scales, 2 * g + 1);
                        float mHi = dmin * MatVec.minK4(w, scales, 2 * g + 1);
                        s0 += scLo * lo0 - mLo * xLo0 + scHi * hi0 - mHi * xHi0;
                        s1 += scLo * lo1 - mLo * xLo1 + scHi * hi1 - mHi * xHi1;
                        s2 += scLo * lo2 - mLo * xLo2 + scHi * hi2 - mHi * xHi2;
                        s3 += scLo * lo3 - mLo * xLo3 + scHi * hi3 - mHi * xHi3;
                    }
                }
                store(out, rows, r, j, batch, accumulate, s0, s1, s2, s3);
            }
        }
    }

    /** As {@link MatVecRows#dotQ6_K} per vector; each 6-bit value is assembled once per tile. */
    public static void q6_k(ByteArray w, FloatArray x, FloatArray out, int rows, int cols, int batch, int accumulate) {
        for (@Parallel int r = 0; r < rows; r++) {
            int blocks = cols / 256;
            int base = r * blocks * 210;
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
                    int block = base + b * 210;
                    float d = MatVec.half(w, block + 208);
                    for (int h = 0; h < 2; h++) {
                        int ql = block + 64 * h;
                        int qh = block + 128 + 32 * h;
                        int xs = b * 256 + 128 * h;
                        for (int s = 0; s < 2; s++) {
                            float a1 = 0f, a2 = 0f, a3 = 0f, a4 = 0f;
                            float b1 = 0f, b2 = 0f, b3 = 0f, b4 = 0f;
                            float c1 = 0f, c2 = 0f, c3 = 0f, c4 = 0f;
                            float e1 = 0f, e2 = 0f, e3 = 0f, e4 = 0f;
                            for (int i = 0; i < 16; i++) {
                                int l = 16 * s + i;
                                int high = w.get(qh + l) & 0xFF;
                                int lowA = w.get(ql + l) & 0xFF;
                                int lowB = w.get(ql + l + 32) & 0xFF;
                                int q1 = ((lowA & 15) | ((high & 3) << 4)) - 32;
                                int q2 = ((lowB & 15) | ((high >> 2 & 3) << 4)) - 32;
                                int q3 = ((lowA >> 4) | ((high >> 4 & 3) << 4)) - 32;
                                int q4 = ((lowB >> 4) | ((high >> 6 & 3) << 4)) - 32;
                                int c = xs + l;
                                a1 += q1 * x.get(x0 + c);
                                a2 += q2 * x.get(x0 + c + 32);
                                a3 += q3 * x.get(x0 + c + 64);
                                a4 += q4 * x.get(x0 + c + 96);
                                b1 += q1 * x.get(x1 + c);
                                b2 += q2 * x.get(x1 + c + 32);
                                b3 += q3 * x.get(x1 + c + 64);
                                b4 += q4 * x.get(x1 + c + 96);
                                c1 += q1 * x.get(x2 + c);
                                c2 += q2 * x.get(x2 + c + 32);
                                c3 += q3 * x.get(x2 + c + 64);
                                c4 += q4 * x.get(x2 + c + 96);
                                e1 += q1 * x.get(x3 + c);
                                e2 += q2 * x.get(x3 + c + 32);
                                e3 += q3 * x.get(x3 + c + 64);
                                e4 += q4 * x.get(x3 + c + 96);
                            }
                            int sc = block + 192 + 8 * h + s;
                            float k1 = w.get(sc);
                            float k2 = w.get(sc + 2);
                            float k3 = w.get(sc + 4);
                            float k4 = w.get(sc + 6);
                            s0 += d * (k1 * a1 + k2 * a2 + k3 * a3 + k4 * a4);
                            s1 += d * (k1 * b1 + k2 * b2 + k3 * b3 + k4 * b4);
                            s2 += d * (k1 * c1 + k2 * c2 + k3 * c3 + k4 * c4);
                            s3 += d * (k1 * e1 + k2 * e2 + k3 * e3 + k4 * e4);
                        }
                    }
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
