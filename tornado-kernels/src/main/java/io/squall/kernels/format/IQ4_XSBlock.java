package io.squall.kernels.format;

import io.squall.api.types.arrays.ByteArray;
import io.squall.api.types.arrays.FloatArray;

/**
 * IQ4_XS super-block (136 bytes / 256 elements): f16 d, u16 scales_h, u8 scales_l[4], 128 bytes of nibbles. Sub-block
 * b (32 elements) reads bytes 16b..16b+16 of the nibbles as an IQ4_NL block and has the 6-bit scale
 * ls = (scales_l[b/2] &gt;&gt; 4(b%2) &amp; 15) | (scales_h &gt;&gt; 2b &amp; 3) &lt;&lt; 4; x = d * (ls - 32) * level[q].
 */
public final class IQ4_XSBlock {
    public static final int ELEMENTS = 256;
    public static final int BYTES = 2 + 2 + 256 / 64 + 256 / 2;

    private IQ4_XSBlock() {}

    public static float element(ByteArray w, int e) {
        int block = e / ELEMENTS * BYTES;
        int k = e % ELEMENTS;
        int b = k / 32;
        int packed = w.get(block + 8 + 16 * b + (k & 15)) & 0xFF;
        return Plain.halfAt(w, block)
                * (scale(w, block, b) - 32)
                * IQ4_NLBlock.level(packed >> ((k >> 4 & 1) * 4) & 15);
    }

    public static float dot(ByteArray w, int block, FloatArray x, int xOffset) {
        float d = Plain.halfAt(w, block);
        float sum = 0f;
        for (int b = 0; b < 8; b++) {
            sum += d * (scale(w, block, b) - 32) * IQ4_NLBlock.levelDot(w, block + 8 + 16 * b, x, xOffset + 32 * b);
        }
        return sum;
    }

    /** The 6-bit scale of sub-block b (0..7) of the block at {@code block}. */
    static int scale(ByteArray w, int block, int b) {
        int low = w.get(block + 4 + b / 2) >> (4 * (b & 1)) & 15;
        int high = w.get(block + 2 + b / 4) >> (2 * (b & 3)) & 3;
        return low | high << 4;
    }
}
