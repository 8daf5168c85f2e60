package io.squall.kernels;

import io.squall.api.types.arrays.ByteArray;

/** Element {@code e} of a GGUF-encoded tensor, dequantized (row-major; rows are whole blocks). Used by the embedding lookup. */
final class Dequant {
    private Dequant() {
    }

    static float q8_0(ByteArray w, int e) {
        int block = e / 32 * 34;
        return MatVec.half(w, block) * w.get(block + 2 + e % 32);
    }

    static float q4_0(ByteArray w, int e) {
        int block = e / 32 * 18;
        int k = e % 32;
        int packed = w.get(block + 2 + (k & 15)) & 0xFF;
        return MatVec.half(w, block) * ((packed >> ((k >> 4) * 4) & 15) - 8);
    }

    static float q4_k(ByteArray w, int e) {
        int block = e / 256 * 144;
        int k = e % 256;
        int j = k / 32;
        int packed = w.get(block + 16 + 32 * (j / 2) + k % 32) & 0xFF;
        int q = (j & 1) == 0 ? packed & 15 : packed >> 4;
        return MatVec.half(w, block) * MatVec.scaleK4(w, block + 4, j) * q - MatVec.half(w, block + 2) * MatVec.minK4(w, block + 4, j);
    }

    static float q6_k(ByteArray w, int e) {
        int block = e / 256 * 210;
        int k = e % 256;
        int h = k / 128;
        int group = k % 128 / 32;
        int l = k % 32;
        int low = w.get(block + 64 * h + l + (group & 1) * 32) & 0xFF;
        int nibble = group >= 2 ? low >> 4 : low & 15;
        int high = (w.get(block + 128 + 32 * h + l) & 0xFF) >> (2 * group) & 3;
        int scale = w.get(block + 192 + 8 * h + l / 16 + 2 * group);
        return MatVec.half(w, block + 208) * scale * ((nibble | (high << 4)) - 32);
    }
}
