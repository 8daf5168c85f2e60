package io.squall.kernels.format;

import io.squall.api.types.arrays.ByteArray;
import io.squall.api.types.arrays.FloatArray;

/**
 * IQ4_NL block (18 bytes / 32 elements): f16 d, 16 bytes of nibbles laid out as Q4_0's, each nibble an index into 16
 * non-uniform int8 levels (ggml's kvalues_iq4nl); x = d * level[q].
 */
public final class IQ4_NLBlock {
    public static final int ELEMENTS = 32;
    public static final int BYTES = 2 + 16;

    // The levels -127, -104, -83, -65 | -49, -35, -22, -10 | 1, 13, 25, 38 | 53, 69, 89, 113, four int8 per int
    // (little-endian): kernels cannot index a Java array, but read static final ints as constants.
    static final int LEVELS_0 = pack(-127, -104, -83, -65);
    static final int LEVELS_4 = pack(-49, -35, -22, -10);
    static final int LEVELS_8 = pack(1, 13, 25, 38);
    static final int LEVELS_12 = pack(53, 69, 89, 113);

    private IQ4_NLBlock() {}

    public static float element(ByteArray w, int e) {
        int block = e / ELEMENTS * BYTES;
        int k = e % ELEMENTS;
        int packed = w.get(block + 2 + (k & 15)) & 0xFF;
        return Plain.halfAt(w, block) * level(packed >> ((k >> 4) * 4) & 15);
    }

    public static float dot(ByteArray w, int block, FloatArray x, int xOffset) {
        return Plain.halfAt(w, block) * levelDot(w, block + 2, x, xOffset);
    }

    /** sum of level(q) * x over the 32 elements whose 16 bytes of nibbles start at {@code qs} (the low nibbles first). */
    static float levelDot(ByteArray w, int qs, FloatArray x, int xOffset) {
        float sum = 0f;
        for (int k = 0; k < 16; k++) {
            int packed = w.get(qs + k) & 0xFF;
            sum += level(packed & 15) * x.get(xOffset + k) + level(packed >> 4) * x.get(xOffset + 16 + k);
        }
        return sum;
    }

    /** The level of nibble {@code q}: byte q % 4 of the int holding q, sign-extended (selects, no memory access). */
    static int level(int q) {
        int word = q < 8 ? (q < 4 ? LEVELS_0 : LEVELS_4) : (q < 12 ? LEVELS_8 : LEVELS_12);
        return word << (24 - 8 * (q & 3)) >> 24;
    }

    private static int pack(int b0, int b1, int b2, int b3) {
        return (b0 & 0xFF) | (b1 & 0xFF) << 8 | (b2 & 0xFF) << 16 | b3 << 24;
    }
}
