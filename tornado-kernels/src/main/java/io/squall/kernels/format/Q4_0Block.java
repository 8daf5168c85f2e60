package io.squall.kernels.format;

import io.squall.api.types.arrays.ByteArray;
import io.squall.api.types.arrays.FloatArray;
import io.squall.api.types.vectors.Float16;

/** Q4_0 block (18 bytes / 32 elements): f16 d, 16 bytes; element j is the low nibble of byte j, j+16 the high one; x = d * (q - 8). */
public final class Q4_0Block {
    public static final int ELEMENTS = 32;
    public static final int BYTES = 2 + 16;

    private Q4_0Block() {}

    public static float element(ByteArray w, int e) {
        int block = e / ELEMENTS * BYTES;
        int k = e % ELEMENTS;
        int packed = w.get(block + 2 + (k & 15)) & 0xFF;
        return Plain.halfAt(w, block) * ((packed >> ((k >> 4) * 4) & 15) - 8);
    }

    public static float dot(ByteArray w, int block, FloatArray x, int xOffset) {
        float sum = 0f;
        for (int k = 0; k < 16; k++) {
            int packed = w.get(block + 2 + k) & 0xFF;
            sum += ((packed & 15) - 8) * x.get(xOffset + k) + ((packed >> 4) - 8) * x.get(xOffset + 16 + k);
        }
        return Plain.halfAt(w, block) * sum;
    }

    /**
     * {@link #rowDot} with Float16 vector values ({@link Q8_0Block#rowDotVectors} says why): the low and high nibbles of
     * a block's 16 bytes as two float16 vectors, one accumulator, one block per step (PoCL, 8192x2048, one thread:
     * 1.51 ms against 1.72 for the two-block scalar form).
     */
    public static float rowDotVectors(ByteArray w, int base, int blocks, FloatArray x, int xOffset) {
        Float16 acc = Float16.broadcast(0f);
        for (int b = 0; b < blocks; b++) {
            int block = base + b * BYTES;
            int xs = xOffset + b * ELEMENTS;
            Float16 low = Float16.sub(Float16.loadLowNibbles(w, block + 2), 8f);
            Float16 high = Float16.sub(Float16.loadHighNibbles(w, block + 2), 8f);
            Float16 products = Float16.add(
                    Float16.mult(low, Float16.loadFromArray(x, xs)),
                    Float16.mult(high, Float16.loadFromArray(x, xs + 16)));
            acc = Float16.add(acc, Float16.mult(products, Float.float16ToFloat(w.getShort(block)))); // blocks 2-aligned
        }
        return Float16.sum(acc);
    }

    /**
     * Weights {@code 16 * half ..} of the block at byte {@code block} as a Float16, d * (q - 8) (exact in float): the low
     * nibbles of its 16 bytes for half 0, the high ones for half 1.
     */
    public static Float16 halfVector(ByteArray w, int block, int half) {
        Float16 q = half == 0 ? Float16.loadLowNibbles(w, block + 2) : Float16.loadHighNibbles(w, block + 2);
        return Float16.mult(Float16.sub(q, 8f), Float.float16ToFloat(w.getShort(block)));
    }

    /**
     * The 32 weights of the block at byte {@code block} into {@code out[outOffset ..]}: element k from the low nibble of byte
     * k, element 16 + k from its high nibble (d * (q - 8) is exact in float). For prefill tiles.
     */
    public static void dequantize(ByteArray w, int block, float[] out, int outOffset) {
        float d = Plain.halfAt(w, block);
        for (int k = 0; k < 16; k++) {
            int packed = w.get(block + 2 + k) & 0xFF;
            out[outOffset + k] = d * ((packed & 15) - 8);
            out[outOffset + 16 + k] = d * ((packed >> 4) - 8);
        }
    }

    /**
     * As {@link Q8_0Block#rowDot}: byte k of every block (elements k and k + 16) feeds lane sum k. Two blocks per step,
     * each into its own 16 lane sums (an odd last block into the first): twice the independent multiply-add chains,
     * which PoCL's nibble decoding needs to keep its vector units busy (8192x2048 on one PoCL thread, the same loop
     * as OpenCL C: 2.04 ms one block per step, 1.72 two, 1.85 four; Q8_0 gains nothing from it).
     */
    public static float rowDot(ByteArray w, int base, int blocks, FloatArray x, int xOffset) {
        float[] even = new float[Formats.ROW_LANES];
        float[] odd = new float[Formats.ROW_LANES];
        for (int j = 0; j < Formats.ROW_LANES; j++) {
            even[j] = 0f;
            odd[j] = 0f;
        }
        int b = 0;
        for (; b + 1 < blocks; b += 2) {
            int block = base + b * BYTES;
            int xs = xOffset + b * ELEMENTS;
            float d0 = Plain.halfAt(w, block);
            float d1 = Plain.halfAt(w, block + BYTES);
            for (int k = 0; k < 16; k++) {
                int p0 = w.get(block + 2 + k) & 0xFF;
                int p1 = w.get(block + BYTES + 2 + k) & 0xFF;
                even[k] += d0 * (((p0 & 15) - 8) * x.get(xs + k) + ((p0 >> 4) - 8) * x.get(xs + 16 + k));
                odd[k] += d1 * (((p1 & 15) - 8) * x.get(xs + 32 + k) + ((p1 >> 4) - 8) * x.get(xs + 48 + k));
            }
        }
        if (b < blocks) {
            int block = base + b * BYTES;
            int xs = xOffset + b * ELEMENTS;
            float d = Plain.halfAt(w, block);
            for (int k = 0; k < 16; k++) {
                int packed = w.get(block + 2 + k) & 0xFF;
                even[k] += d * (((packed & 15) - 8) * x.get(xs + k) + ((packed >> 4) - 8) * x.get(xs + 16 + k));
            }
        }
        return Formats.laneSum(even) + Formats.laneSum(odd);
    }

    /**
     * As {@link Q8_0Block#laneDot}: 4 lanes per block, each 4 bytes of nibbles (two 2-byte loads: elements k..k+3 and
     * k+16..k+19, k = 4 * (lane % 4)), 8 blocks per step of the warp.
     */
    public static float laneDot(ByteArray w, int base, int blocks, FloatArray x, int lane) {
        int quad = lane % 4;
        float sum = 0f;
        for (int b = lane / 4; b < blocks; b += 8) {
            int block = base + b * BYTES;
            int packed = (w.getShort(block + 2 + 4 * quad) & 0xFFFF) | (w.getShort(block + 4 + 4 * quad) << 16);
            int c = b * ELEMENTS + 4 * quad;
            float s = 0f;
            for (int i = 0; i < 4; i++) {
                int q = packed >> (8 * i) & 0xFF;
                s += ((q & 15) - 8) * x.get(c + i) + ((q >> 4) - 8) * x.get(c + 16 + i);
            }
            sum += Float.float16ToFloat(w.getShort(block)) * s;
        }
        return sum;
    }
}
