package io.squall.kernels.format;

import io.squall.api.types.arrays.ByteArray;
import io.squall.api.types.arrays.FloatArray;

/**
 * Q3_K super-block (110 bytes / 256 elements): u8 hmask[32], 64 bytes of 2-bit values laid out as Q2_K's, 12 bytes of
 * 6-bit scales, f16 d. Element 128h + 32j + l takes bit 4h + j of hmask[l % 32]: set, q is the 2 bits; clear, the 2
 * bits - 4. Its sub-block of 16, s = element / 16, has the scale sc (packing: {@link #scale}); x = d * (sc - 32) * q.
 */
public final class Q3_KBlock {
    public static final int ELEMENTS = 256;
    public static final int BYTES = 256 / 8 + 256 / 4 + 12 + 2;

    private Q3_KBlock() {}

    public static float element(ByteArray w, int e) {
        int block = e / ELEMENTS * BYTES;
        int k = e % ELEMENTS;
        int j = k / 32; // 4h + j of the layout: which bit of hmask, and (mod 4) which 2 bits of the values
        int low = (w.get(block + 32 + 32 * (k / 128) + k % 32) & 0xFF) >> (2 * (j & 3)) & 3;
        int high = w.get(block + k % 32) >> j & 1;
        return Plain.halfAt(w, block + 108) * (scale(w, block + 96, k / 16) - 32) * (low - 4 + 4 * high);
    }

    /** Per sub-block s: d*(sc - 32) * sum(q*x). */
    public static float dot(ByteArray w, int block, FloatArray x, int xOffset) {
        float d = Plain.halfAt(w, block + 108);
        float sum = 0f;
        for (int s = 0; s < 16; s++) {
            int j = s / 2; // bit of hmask
            int qs = block + 32 + 32 * (s / 8) + 16 * (s & 1);
            int hm = block + 16 * (s & 1);
            int shift = 2 * (j & 3);
            int xs = xOffset + 16 * s;
            float qx = 0f;
            for (int l = 0; l < 16; l++) {
                int q = ((w.get(qs + l) & 0xFF) >> shift & 3) - 4 + 4 * (w.get(hm + l) >> j & 1);
                qx += q * x.get(xs + l);
            }
            sum += d * (scale(w, block + 96, s) - 32) * qx;
        }
        return sum;
    }

    /**
     * The 6-bit scale number {@code s} (0..15, stored as sc + 32) of the 12 bytes b at {@code scales}: scale 4g + k
     * keeps its low 4 bits in the low (g &lt; 2) or high nibble of b[4(g % 2) + k] and its top 2 bits at bit 2g of b[8 + k].
     */
    static int scale(ByteArray w, int scales, int s) {
        int g = s >> 2;
        int k = s & 3;
        int low = w.get(scales + 4 * (g & 1) + k) >> (4 * (g >> 1)) & 15;
        int high = w.get(scales + 8 + k) >> (2 * g) & 3;
        return low | high << 4;
    }
}
