package io.squall.kernels.format;

import io.squall.api.types.arrays.ByteArray;
import io.squall.api.types.arrays.FloatArray;

/** Q4_1 block (20 bytes / 32 elements): f16 d, f16 m, 16 bytes of nibbles laid out as Q4_0's; x = q * d + m, q in 0..15. */
public final class Q4_1Block {
    public static final int ELEMENTS = 32;
    public static final int BYTES = 2 + 2 + 16;

    private Q4_1Block() {}

    public static float element(ByteArray w, int e) {
        int block = e / ELEMENTS * BYTES;
        int k = e % ELEMENTS;
        int packed = w.get(block + 4 + (k & 15)) & 0xFF;
        return (packed >> ((k >> 4) * 4) & 15) * Plain.halfAt(w, block) + Plain.halfAt(w, block + 2);
    }

    /** d * sum(q*x) + m * sum(x). */
    public static float dot(ByteArray w, int block, FloatArray x, int xOffset) {
        float qx = 0f;
        float xs = 0f;
        for (int k = 0; k < 16; k++) {
            int packed = w.get(block + 4 + k) & 0xFF;
            float a = x.get(xOffset + k);
            float b = x.get(xOffset + 16 + k);
            qx += (packed & 15) * a + (packed >> 4) * b;
            xs += a + b;
        }
        return Plain.halfAt(w, block) * qx + Plain.halfAt(w, block + 2) * xs;
    }
}
