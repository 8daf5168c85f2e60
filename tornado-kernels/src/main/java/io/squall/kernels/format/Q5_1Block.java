package io.squall.kernels.format;

import io.squall.api.types.arrays.ByteArray;
import io.squall.api.types.arrays.FloatArray;

/** Q5_1 block (24 bytes / 32 elements): f16 d, f16 m, u32 qh, 16 bytes of nibbles, as Q5_0; x = q * d + m, q in 0..31. */
public final class Q5_1Block {
    public static final int ELEMENTS = 32;
    public static final int BYTES = 2 + 2 + 4 + 16;

    private Q5_1Block() {}

    public static float element(ByteArray w, int e) {
        int block = e / ELEMENTS * BYTES;
        return Q5_0Block.fiveBits(w, block + 4, e % ELEMENTS) * Plain.halfAt(w, block) + Plain.halfAt(w, block + 2);
    }

    /** d * sum(q*x) + m * sum(x). */
    public static float dot(ByteArray w, int block, FloatArray x, int xOffset) {
        int qh = Q5_0Block.highBits(w, block + 4);
        float qx = 0f;
        float xs = 0f;
        for (int k = 0; k < 16; k++) {
            int packed = w.get(block + 8 + k) & 0xFF;
            int q0 = (packed & 15) | (qh >> k & 1) << 4;
            int q1 = (packed >> 4) | (qh >> (k + 16) & 1) << 4;
            float a = x.get(xOffset + k);
            float b = x.get(xOffset + 16 + k);
            qx += q0 * a + q1 * b;
            xs += a + b;
        }
        return Plain.halfAt(w, block) * qx + Plain.halfAt(w, block + 2) * xs;
    }
}
