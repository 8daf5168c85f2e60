package io.squall.kernels.format;

import io.squall.api.types.arrays.ByteArray;
import io.squall.api.types.arrays.FloatArray;

/**
 * Q5_K super-block (176 bytes / 256 elements): f16 d, f16 dmin, 12 bytes of 6-bit scales and mins packed as Q4_K's,
 * u8 qh[32], 128 bytes of nibbles laid out as Q4_K's. Element 32j + l (sub-block j) takes bit j of qh[l] as its 5th
 * bit; x = d * scale_j * q - dmin * min_j.
 */
public final class Q5_KBlock {
    public static final int ELEMENTS = 256;
    public static final int BYTES = 2 + 2 + 12 + 256 / 8 + 256 / 2;

    private Q5_KBlock() {}

    public static float element(ByteArray w, int e) {
        int block = e / ELEMENTS * BYTES;
        int k = e % ELEMENTS;
        int j = k / 32;
        int l = k % 32;
        int packed = w.get(block + 48 + 32 * (j / 2) + l) & 0xFF;
        int q = ((j & 1) == 0 ? packed & 15 : packed >> 4) | (w.get(block + 16 + l) >> j & 1) << 4;
        return Plain.halfAt(w, block) * Q4_KBlock.scale(w, block + 4, j) * q
                - Plain.halfAt(w, block + 2) * Q4_KBlock.min(w, block + 4, j);
    }

    /** Per sub-block: d*scale * sum(q*x) - dmin*min * sum(x), two sub-blocks per pass over 32 bytes of nibbles. */
    public static float dot(ByteArray w, int block, FloatArray x, int xOffset) {
        float d = Plain.halfAt(w, block);
        float dmin = Plain.halfAt(w, block + 2);
        int scales = block + 4;
        float sum = 0f;
        for (int g = 0; g < 4; g++) {
            int qs = block + 48 + 32 * g;
            int xs = xOffset + 64 * g;
            float lo = 0f;
            float hi = 0f;
            float xLo = 0f;
            float xHi = 0f;
            for (int l = 0; l < 32; l++) {
                int packed = w.get(qs + l) & 0xFF;
                int high = (w.get(block + 16 + l) & 0xFF) >> (2 * g);
                float a = x.get(xs + l);
                float c = x.get(xs + 32 + l);
                lo += ((packed & 15) | (high & 1) << 4) * a;
                hi += ((packed >> 4) | (high & 2) << 3) * c;
                xLo += a;
                xHi += c;
            }
            sum += d * Q4_KBlock.scale(w, scales, 2 * g) * lo
                    - dmin * Q4_KBlock.min(w, scales, 2 * g) * xLo
                    + d * Q4_KBlock.scale(w, scales, 2 * g + 1) * hi
                    - dmin * Q4_KBlock.min(w, scales, 2 * g + 1) * xHi;
        }
        return sum;
    }
}
