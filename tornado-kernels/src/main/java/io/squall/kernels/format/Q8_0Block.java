package io.squall.kernels.format;

import io.squall.api.types.arrays.ByteArray;
import io.squall.api.types.arrays.FloatArray;
import io.squall.api.types.vectors.Float16;

/** Q8_0 block (34 bytes / 32 elements): f16 d, int8 q[32]; x = d * q. */
public final class Q8_0Block {
    public static final int ELEMENTS = 32;
    public static final int BYTES = 2 + 32;

    private Q8_0Block() {}

    public static float element(ByteArray w, int e) {
        int block = e / ELEMENTS * BYTES;
        return Plain.halfAt(w, block) * w.get(block + 2 + e % ELEMENTS);
    }

    public static float dot(ByteArray w, int block, FloatArray x, int xOffset) {
        float sum = 0f;
        for (int k = 0; k < 32; k++) {
            sum += w.get(block + 2 + k) * x.get(xOffset + k);
        }
        return Plain.halfAt(w, block) * sum;
    }

    /**
     * Row {@code blocks} blocks long at byte {@code base} dotted with {@code x[xOffset ..]}: element k of every block
     * goes to lane sum k % {@link Formats#ROW_LANES}. The lanes are independent, so CPU OpenCL compilers (PoCL,
     * rusticl's llvmpipe) keep them in one 16-wide vector register: 16 contiguous quants widened, 16 contiguous floats,
     * one multiply-add. A single running sum would need reassociation to vectorize, which IEEE math forbids (measured on
     * PoCL: ~8x slower). The lanes meet once per row.
     */
    public static float rowDot(ByteArray w, int base, int blocks, FloatArray x, int xOffset) {
        float[] lanes = new float[Formats.ROW_LANES];
        for (int j = 0; j < Formats.ROW_LANES; j++) {
            lanes[j] = 0f;
        }
        for (int b = 0; b < blocks; b++) {
            int block = base + b * BYTES;
            int xs = xOffset + b * ELEMENTS;
            float d = Plain.halfAt(w, block);
            for (int j = 0; j < 16; j++) {
                lanes[j] += d * (w.get(block + 2 + j) * x.get(xs + j) + w.get(block + 18 + j) * x.get(xs + 16 + j));
            }
        }
        return Formats.laneSum(lanes);
    }

    /**
     * {@link #rowDot} with Float16 vector values: the same per-lane arithmetic in one float16 accumulator, the quants
     * and x each loaded with vload16. PoCL keeps explicit vectors at 512 bits on AVX-512 CPUs but the scalar form's
     * vectorized loop at 256 (1.8x on 8192x2048, bench/opencl-vector-probes). For OpenCL C on CPUs; elsewhere {@link
     * #rowDot} (the JVM runs the vector classes as Java objects).
     */
    public static float rowDotVectors(ByteArray w, int base, int blocks, FloatArray x, int xOffset) {
        Float16 acc = Float16.broadcast(0f);
        for (int b = 0; b < blocks; b++) {
            int block = base + b * BYTES;
            int xs = xOffset + b * ELEMENTS;
            Float16 products = Float16.add(
                    Float16.mult(Float16.loadFromBytes(w, block + 2), Float16.loadFromArray(x, xs)),
                    Float16.mult(Float16.loadFromBytes(w, block + 18), Float16.loadFromArray(x, xs + 16)));
            acc = Float16.add(acc, Float16.mult(products, Float.float16ToFloat(w.getShort(block)))); // blocks 2-aligned
        }
        return Float16.sum(acc);
    }

    /** Weights {@code 16 * half ..} of the block at byte {@code block} as a Float16, d * q (exact in float). */
    public static Float16 halfVector(ByteArray w, int block, int half) {
        return Float16.mult(Float16.loadFromBytes(w, block + 2 + 16 * half), Float.float16ToFloat(w.getShort(block)));
    }

    /**
     * The 32 weights of the block at byte {@code block} into {@code out[outOffset ..]} (d * q is exact in float: an 11-bit
     * mantissa times 8 bits). For prefill tiles: converted once, used for several vectors.
     */
    public static void dequantize(ByteArray w, int block, float[] out, int outOffset) {
        float d = Plain.halfAt(w, block);
        for (int k = 0; k < 32; k++) {
            out[outOffset + k] = d * w.get(block + 2 + k);
        }
    }

    /**
     * Lane {@code lane} (of 32) of a row's product on GPUs: 8 lanes per block, each 4 quants with two 2-byte loads (the
     * quants of a 34-byte block are only 2-byte aligned), 4 blocks per step, so a warp's loads cover 136 contiguous
     * bytes; the scale is one 2-byte load. The caller adds the 32 lanes.
     */
    public static float laneDot(ByteArray w, int base, int blocks, FloatArray x, int lane) {
        int quad = lane % 8;
        float sum = 0f;
        for (int b = lane / 8; b < blocks; b += 4) {
            int block = base + b * BYTES;
            int lo = w.getShort(block + 2 + 4 * quad);
            int hi = w.getShort(block + 4 + 4 * quad);
            int c = b * ELEMENTS + 4 * quad;
            float s = (byte) lo * x.get(c)
                    + (byte) (lo >> 8) * x.get(c + 1)
                    + (byte) hi * x.get(c + 2)
                    + (byte) (hi >> 8) * x.get(c + 3);
            sum += Float.float16ToFloat(w.getShort(block)) * s;
        }
        return sum;
    }
}
