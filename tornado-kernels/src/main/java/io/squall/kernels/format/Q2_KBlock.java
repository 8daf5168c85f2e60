package io.squall.kernels.format;

import io.squall.api.types.arrays.ByteArray;
import io.squall.api.types.arrays.FloatArray;

/**
 * Q2_K super-block (84 bytes / 256 elements): u8 scales[16], 64 bytes of 2-bit values, f16 d, f16 dmin. Element
 * 128h + 32j + l (h in 0..1, j in 0..3, l in 0..31) is bits 2j..2j+1 of byte 32h + l of the values; its sub-block of
 * 16 is s = element / 16, with scales[s] = sc | m &lt;&lt; 4; x = d * sc * q - dmin * m.
 */
public final class Q2_KBlock {
    public static final int ELEMENTS = 256;
    public static final int BYTES = 256 / 16 + 256 / 4 + 2 + 2;

    private Q2_KBlock() {}

    public static float element(ByteArray w, int e) {
        int block = e / ELEMENTS * BYTES;
        int k = e % ELEMENTS;
        int q = (w.get(block + 16 + 32 * (k / 128) + k % 32) & 0xFF) >> (2 * (k % 128 / 32)) & 3;
        int sc = w.get(block + k / 16) & 0xFF;
        return Plain.halfAt(w, block + 80) * (sc & 15) * q - Plain.halfAt(w, block + 82) * (sc >> 4);
    }

    /** Per sub-block s: d*sc * sum(q*x) - dmin*m * sum(x). */
    public static float dot(ByteArray w, int block, FloatArray x, int xOffset) {
        float d = Plain.halfAt(w, block + 80);
        float dmin = Plain.halfAt(w, block + 82);
        float sum = 0f;
        for (int s = 0; s < 16; s++) {
            int qs = block + 16 + 32 * (s / 8) + 16 * (s & 1); // s = 8h + 2j + k: byte 32h + 16k + l
            int shift = 2 * (s / 2 % 4);
            int xs = xOffset + 16 * s;
            float qx = 0f;
            float xSum = 0f;
            for (int l = 0; l < 16; l++) {
                float a = x.get(xs + l);
                qx += ((w.get(qs + l) & 0xFF) >> shift & 3) * a;
                xSum += a;
            }
            int sc = w.get(block + s) & 0xFF;
            sum += d * (sc & 15) * qx - dmin * (sc >> 4) * xSum;
        }
        return sum;
    }
}
