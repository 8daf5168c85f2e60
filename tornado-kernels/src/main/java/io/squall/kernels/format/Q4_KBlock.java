package io.squall.kernels.format;

import io.squall.api.types.arrays.ByteArray;
import io.squall.api.types.arrays.FloatArray;

/**
 * Q4_K super-block (144 bytes / 256 elements): f16 d, f16 dmin, 12 bytes of packed 6-bit scales and mins, 128 bytes
 * of nibbles. Sub-block j (32 elements) reads byte 32*(j/2) + l of the nibbles, low nibble for even j, high for odd;
 * x = d * scale_j * q - dmin * min_j.
 */
public final class Q4_KBlock {
    public static final int ELEMENTS = 256;
    public static final int BYTES = 2 + 2 + 12 + 256 / 2;

    private Q4_KBlock() {}

    public static float element(ByteArray w, int e) {
        int block = e / ELEMENTS * BYTES;
        int k = e % ELEMENTS;
        int j = k / 32;
        int packed = w.get(block + 16 + 32 * (j / 2) + k % 32) & 0xFF;
        int q = (j & 1) == 0 ? packed & 15 : packed >> 4;
        return Plain.halfAt(w, block) * scale(w, block + 4, j) * q - Plain.halfAt(w, block + 2) * min(w, block + 4, j);
    }

    /** Per sub-block: d*scale * sum(q*x) - dmin*min * sum(x). */
    public static float dot(ByteArray w, int block, FloatArray x, int xOffset) {
        float d = Plain.halfAt(w, block);
        float dmin = Plain.halfAt(w, block + 2);
        int scales = block + 4;
        float sum = 0f;
        for (int g = 0; g < 4; g++) {
            int qs = block + 16 + 32 * g;
            int xs = xOffset + 64 * g;
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
            sum += d * scale(w, scales, 2 * g) * lo
                    - dmin * min(w, scales, 2 * g) * xLo
                    + d * scale(w, scales, 2 * g + 1) * hi
                    - dmin * min(w, scales, 2 * g + 1) * xHi;
        }
        return sum;
    }

    /** 6-bit scale of sub-block j of a block whose 12 scale bytes start at {@code scales}. */
    public static int scale(ByteArray w, int scales, int j) {
        if (j < 4) {
            return w.get(scales + j) & 63;
        }
        return (w.get(scales + j + 4) & 0xF) | (((w.get(scales + j - 4) & 0xFF) >> 6) << 4);
    }

    /** 6-bit min of sub-block j. */
    public static int min(ByteArray w, int scales, int j) {
        if (j < 4) {
            return w.get(scales + j + 4) & 63;
        }
        return ((w.get(scales + j + 4) & 0xFF) >> 4) | (((w.get(scales + j) & 0xFF) >> 6) << 4);
    }
}
