package io.squall.kernels.format;

import io.squall.api.types.arrays.ByteArray;
import io.squall.api.types.arrays.FloatArray;

/**
 * Q5_0 block (22 bytes / 32 elements): f16 d, u32 qh, 16 bytes of nibbles laid out as Q4_0's; bit k of qh is the 5th
 * bit of element k; x = d * (q - 16), q in 0..31.
 */
public final class Q5_0Block {
    public static final int ELEMENTS = 32;
    public static final int BYTES = 2 + 4 + 16;

    private Q5_0Block() {}

    public static float element(ByteArray w, int e) {
        int block = e / ELEMENTS * BYTES;
        return (fiveBits(w, block + 2, e % ELEMENTS) - 16) * Plain.halfAt(w, block);
    }

    public static float dot(ByteArray w, int block, FloatArray x, int xOffset) {
        int qh = highBits(w, block + 2);
        float sum = 0f;
        for (int k = 0; k < 16; k++) {
            int packed = w.get(block + 6 + k) & 0xFF;
            int q0 = (packed & 15) | (qh >> k & 1) << 4;
            int q1 = (packed >> 4) | (qh >> (k + 16) & 1) << 4;
            sum += (q0 - 16) * x.get(xOffset + k) + (q1 - 16) * x.get(xOffset + 16 + k);
        }
        return Plain.halfAt(w, block) * sum;
    }

    /** The 32 fifth bits (little-endian u32 at {@code offset}) of a Q5_0 or Q5_1 block. */
    static int highBits(ByteArray w, int offset) {
        return (w.get(offset) & 0xFF)
                | ((w.get(offset + 1) & 0xFF) << 8)
                | ((w.get(offset + 2) & 0xFF) << 16)
                | (w.get(offset + 3) << 24);
    }

    /**
     * The 5-bit value of element {@code k} (0..31) of a Q5_0/Q5_1 block whose qh starts at {@code qh} and whose
     * nibbles follow it: the nibble (low for k &lt; 16) with bit k of qh on top.
     */
    static int fiveBits(ByteArray w, int qh, int k) {
        int packed = w.get(qh + 4 + (k & 15)) & 0xFF;
        int high = w.get(qh + (k >> 3)) >> (k & 7) & 1;
        return (packed >> ((k >> 4) * 4) & 15) | high << 4;
    }
}
