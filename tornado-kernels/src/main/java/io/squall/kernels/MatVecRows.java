package io.squall.kernels;

import io.squall.api.annotations.Parallel;
import io.squall.api.math.TornadoMath;
import io.squall.api.types.arrays.ByteArray;
import io.squall.api.types.arrays.FloatArray;
import io.squall.api.types.arrays.HalfFloatArray;

/**
 * The same products as {@link MatVec}, shaped for CPU OpenCL devices (PoCL): one work-item per row, each (sub-)block
 * a short inner loop over contiguous bytes and floats that the device compiler vectorizes (with relaxed math it may
 * reassociate the block sums). On CPUs this is ~20x faster than the lane layout, whose work-item loops PoCL cannot
 * vectorize; on GPUs it is the other way round. Same arguments as {@link MatVec}; launch as a parallel loop over rows.
 */
public final class MatVecRows {
    private MatVecRows() {
    }

    public static void f32(FloatArray w, FloatArray x, FloatArray out, int rows, int cols, int outOffset, int accumulate) {
        for (@Parallel int r = 0; r < rows; r++) {
            write(out, outOffset + r, accumulate, dotF32(w, x, r, cols));
        }
    }

    public static void f16(HalfFloatArray w, FloatArray x, FloatArray out, int rows, int cols, int outOffset, int accumulate) {
        for (@Parallel int r = 0; r < rows; r++) {
            write(out, outOffset + r, accumulate, dotF16(w, x, r, cols));
        }
    }

    public static void bf16(ByteArray w, FloatArray x, FloatArray out, int rows, int cols, int outOffset, int accumulate) {
        for (@Parallel int r = 0; r < rows; r++) {
            write(out, outOffset + r, accumulate, dotBF16(w, x, r, cols));
        }
    }

    public static void q8_0(ByteArray w, FloatArray x, FloatArray out, int rows, int cols, int outOffset, int accumulate) {
        for (@Parallel int r = 0; r < rows; r++) {
            write(out, outOffset + r, accumulate, dotQ8_0(w, x, r, cols));
        }
    }

    public static void q4_0(ByteArray w, FloatArray x, FloatArray out, int rows, int cols, int outOffset, int accumulate) {
        for (@Parallel int r = 0; r < rows; r++) {
            write(out, outOffset + r, accumulate, dotQ4_0(w, x, r, cols));
        }
    }

    public static void q4_k(ByteArray w, FloatArray x, FloatArray out, int rows, int cols, int outOffset, int accumulate) {
        for (@Parallel int r = 0; r < rows; r++) {
            write(out, outOffset + r, accumulate, dotQ4_K(w, x, r, cols));
        }
    }

    public static void q6_k(ByteArray w, FloatArray x, FloatArray out, int rows, int cols, int outOffset, int accumulate) {
        for (@Parallel int r = 0; r < rows; r++) {
            write(out, outOffset + r, accumulate, dotQ6_K(w, x, r, cols));
        }
    }

    public static void swigluF32(FloatArray gate, FloatArray up, FloatArray x, FloatArray out, int rows, int cols) {
        for (@Parallel int r = 0; r < rows; r++) {
            out.set(r, silu(dotF32(gate, x, r, cols)) * dotF32(up, x, r, cols));
        }
    }

    public static void swigluF16(HalfFloatArray gate, HalfFloatArray up, FloatArray x, FloatArray out, int rows, int cols) {
        for (@Parallel int r = 0; r < rows; r++) {
            out.set(r, silu(dotF16(gate, x, r, cols)) * dotF16(up, x, r, cols));
        }
    }

    public static void swigluBF16(ByteArray gate, ByteArray up, FloatArray x, FloatArray out, int rows, int cols) {
        for (@Parallel int r = 0; r < rows; r++) {
            out.set(r, silu(dotBF16(gate, x, r, cols)) * dotBF16(up, x, r, cols));
        }
    }

    public static void swigluQ8_0(ByteArray gate, ByteArray up, FloatArray x, FloatArray out, int rows, int cols) {
        for (@Parallel int r = 0; r < rows; r++) {
            out.set(r, silu(dotQ8_0(gate, x, r, cols)) * dotQ8_0(up, x, r, cols));
        }
    }

    public static void swigluQ4_0(ByteArray gate, ByteArray up, FloatArray x, FloatArray out, int rows, int cols) {
        for (@Parallel int r = 0; r < rows; r++) {
            out.set(r, silu(dotQ4_0(gate, x, r, cols)) * dotQ4_0(up, x, r, cols));
        }
    }

    public static void swigluQ4_K(ByteArray gate, ByteArray up, FloatArray x, FloatArray out, int rows, int cols) {
        for (@Parallel int r = 0; r < rows; r++) {
            out.set(r, silu(dotQ4_K(gate, x, r, cols)) * dotQ4_K(up, x, r, cols));
        }
    }

    public static void swigluQ6_K(ByteArray gate, ByteArray up, FloatArray x, FloatArray out, int rows, int cols) {
        for (@Parallel int r = 0; r < rows; r++) {
            out.set(r, silu(dotQ6_K(gate, x, r, cols)) * dotQ6_K(up, x, r, cols));
        }
    }

    public static void qkvF32(FloatArray wq, FloatArray wk, FloatArray wv, FloatArray x, FloatArray q, FloatArray k, FloatArray v,
                                int dim, int kvDim, int cols) {
        for (@Parallel int r = 0; r < dim + 2 * kvDim; r++) {
            if (r < dim) {
                q.set(r, dotF32(wq, x, r, cols));
            } else if (r < dim + kvDim) {
                k.set(r - dim, dotF32(wk, x, r - dim, cols));
            } else {
                v.set(r - dim - kvDim, dotF32(wv, x, r - dim - kvDim, cols));
            }
        }
    }

    public static void qkvF16(HalfFloatArray wq, HalfFloatArray wk, HalfFloatArray wv, FloatArray x, FloatArray q, FloatArray k, FloatArray v,
                                int dim, int kvDim, int cols) {
        for (@Parallel int r = 0; r < dim + 2 * kvDim; r++) {
            if (r < dim) {
                q.set(r, dotF16(wq, x, r, cols));
            } else if (r < dim + kvDim) {
                k.set(r - dim, dotF16(wk, x, r - dim, cols));
            } else {
                v.set(r - dim - kvDim, dotF16(wv, x, r - dim - kvDim, cols));
            }
        }
    }

    public static void qkvBF16(ByteArray wq, ByteArray wk, ByteArray wv, FloatArray x, FloatArray q, FloatArray k, FloatArray v,
                                int dim, int kvDim, int cols) {
        for (@Parallel int r = 0; r < dim + 2 * kvDim; r++) {
            if (r < dim) {
                q.set(r, dotBF16(wq, x, r, cols));
            } else if (r < dim + kvDim) {
                k.set(r - dim, dotBF16(wk, x, r - dim, cols));
            } else {
                v.set(r - dim - kvDim, dotBF16(wv, x, r - dim - kvDim, cols));
            }
        }
    }

    public static void qkvQ8_0(ByteArray wq, ByteArray wk, ByteArray wv, FloatArray x, FloatArray q, FloatArray k, FloatArray v,
                                int dim, int kvDim, int cols) {
        for (@Parallel int r = 0; r < dim + 2 * kvDim; r++) {
            if (r < dim) {
                q.set(r, dotQ8_0(wq, x, r, cols));
            } else if (r < dim + kvDim) {
                k.set(r - dim, dotQ8_0(wk, x, r - dim, cols));
            } else {
                v.set(r - dim - kvDim, dotQ8_0(wv, x, r - dim - kvDim, cols));
            }
        }
    }

    public static void qkvQ4_0(ByteArray wq, ByteArray wk, ByteArray wv, FloatArray x, FloatArray q, FloatArray k, FloatArray v,
                                int dim, int kvDim, int cols) {
        for (@Parallel int r = 0; r < dim + 2 * kvDim; r++) {
            if (r < dim) {
                q.set(r, dotQ4_0(wq, x, r, cols));
            } else if (r < dim + kvDim) {
                k.set(r - dim, dotQ4_0(wk, x, r - dim, cols));
            } else {
                v.set(r - dim - kvDim, dotQ4_0(wv, x, r - dim - kvDim, cols));
            }
        }
    }

    public static void qkvQ4_K(ByteArray wq, ByteArray wk, ByteArray wv, FloatArray x, FloatArray q, FloatArray k, FloatArray v,
                                int dim, int kvDim, int cols) {
        for (@Parallel int r = 0; r < dim + 2 * kvDim; r++) {
            if (r < dim) {
                q.set(r, dotQ4_K(wq, x, r, cols));
            } else if (r < dim + kvDim) {
                k.set(r - dim, dotQ4_K(wk, x, r - dim, cols));
            } else {
                v.set(r - dim - kvDim, dotQ4_K(wv, x, r - dim - kvDim, cols));
            }
        }
    }

    public static void qkvQ6_K(ByteArray wq, ByteArray wk, ByteArray wv, FloatArray x, FloatArray q, FloatArray k, FloatArray v,
                                int dim, int kvDim, int cols) {
        for (@Parallel int r = 0; r < dim + 2 * kvDim; r++) {
            if (r < dim) {
                q.set(r, dotQ6_K(wq, x, r, cols));
            } else if (r < dim + kvDim) {
                k.set(r - dim, dotQ6_K(wk, x, r - dim, cols));
            } else {
                v.set(r - dim - kvDim, dotQ6_K(wv, x, r - dim - kvDim, cols));
            }
        }
    }

    static float silu(float g) {
        return g / (1f + TornadoMath.exp(-g));
    }

    static void write(FloatArray out, int index, int accumulate, float value) {
        out.set(index, accumulate != 0 ? out.get(index) + value : value);
    }

    static float dotF32(FloatArray w, FloatArray x, int row, int cols) {
        int base = row * cols;
        float sum = 0f;
        for (int i = 0; i < cols; i++) {
            sum += w.get(base + i) * x.get(i);
        }
        return sum;
    }

    static float dotF16(HalfFloatArray w, FloatArray x, int row, int cols) {
        int base = row * cols;
        float sum = 0f;
        for (int i = 0; i < cols; i++) {
            sum += w.getFloat(base + i) * x.get(i);
        }
        return sum;
    }

    static float dotBF16(ByteArray w, FloatArray x, int row, int cols) {
        int base = row * cols;
        float sum = 0f;
        for (int i = 0; i < cols; i++) {
            sum += MatVec.bf16(w, base + i) * x.get(i);
        }
        return sum;
    }

    static float dotQ8_0(ByteArray w, FloatArray x, int row, int cols) {
        int blocks = cols / 32;
        int base = row * blocks * 34;
        float sum = 0f;
        for (int b = 0; b < blocks; b++) {
            int block = base + b * 34;
            float part = 0f;
            for (int k = 0; k < 32; k++) {
                part += w.get(block + 2 + k) * x.get(b * 32 + k);
            }
            sum += MatVec.half(w, block) * part;
        }
        return sum;
    }

    static float dotQ4_0(ByteArray w, FloatArray x, int row, int cols) {
        int blocks = cols / 32;
        int base = row * blocks * 18;
        float sum = 0f;
        for (int b = 0; b < blocks; b++) {
            int block = base + b * 18;
            float part = 0f;
            for (int k = 0; k < 16; k++) {
                int packed = w.get(block + 2 + k) & 0xFF;
                part += ((packed & 15) - 8) * x.get(b * 32 + k) + ((packed >> 4) - 8) * x.get(b * 32 + 16 + k);
            }
            sum += MatVec.half(w, block) * part;
        }
        return sum;
    }

    /** Per sub-block: d*sc * sum(q*x) - dmin*m * sum(x). */
    static float dotQ4_K(ByteArray w, FloatArray x, int row, int cols) {
        int blocks = cols / 256;
        int base = row * blocks * 144;
        float sum = 0f;
        for (int b = 0; b < blocks; b++) {
            int block = base + b * 144;
            float d = MatVec.half(w, block);
            float dmin = MatVec.half(w, block + 2);
            int scales = block + 4;
            for (int g = 0; g < 4; g++) {
                int qs = block + 16 + 32 * g;
                int xs = b * 256 + 64 * g;
                float lo = 0f;
                float hi = 0f;
                float xLo = 0f;
                float xHi = 0f;
                for (int l = 0; l < 32; l++) {
                    int packed = w.get(qs + l) & 0xFF;
                    float a = x.get(xs + l);
                    float c = x.get(xs + 32 + l);
                    lo += (packed & 15) * a;
                    hi += (packed >> 4) * c;
                    xLo += a;
                    xHi += c;
                }
                sum += d * MatVec.scaleK4(w, scales, 2 * g) * lo - dmin * MatVec.minK4(w, scales, 2 * g) * xLo
                        + d * MatVec.scaleK4(w, scales, 2 * g + 1) * hi - dmin * MatVec.minK4(w, scales, 2 * g + 1) * xHi;
            }
        }
        return sum;
    }

    /** Per half and per 16 positions: four groups of 16 elements sharing one scale each. */
    static float dotQ6_K(ByteArray w, FloatArray x, int row, int cols) {
        int blocks = cols / 256;
        int base = row * blocks * 210;
        float sum = 0f;
        for (int b = 0; b < blocks; b++) {
            int block = base + b * 210;
            float d = MatVec.half(w, block + 208);
            for (int h = 0; h < 2; h++) {
                int ql = block + 64 * h;
                int qh = block + 128 + 32 * h;
                int xs = b * 256 + 128 * h;
                for (int s = 0; s < 2; s++) {
                    float p1 = 0f;
                    float p2 = 0f;
                    float p3 = 0f;
                    float p4 = 0f;
                    for (int i = 0; i < 16; i++) {
                        int l = 16 * s + i;
                        int high = w.get(qh + l) & 0xFF;
                        int lowA = w.get(ql + l) & 0xFF;
                        int lowB = w.get(ql + l + 32) & 0xFF;
                        p1 += (((lowA & 15) | ((high & 3) << 4)) - 32) * x.get(xs + l);
                        p2 += (((lowB & 15) | ((high >> 2 & 3) << 4)) - 32) * x.get(xs + 32 + l);
                        p3 += (((lowA >> 4) | ((high >> 4 & 3) << 4)) - 32) * x.get(xs + 64 + l);
                        p4 += (((lowB >> 4) | ((high >> 6 & 3) << 4)) - 32) * x.get(xs + 96 + l);
                    }
                    int sc = block + 192 + 8 * h + s;
                    sum += d * (w.get(sc) * p1 + w.get(sc + 2) * p2 + w.get(sc + 4) * p3 + w.get(sc + 6) * p4);
                }
            }
        }
        return sum;
    }
}
