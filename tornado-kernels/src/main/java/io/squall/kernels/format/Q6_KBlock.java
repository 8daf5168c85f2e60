package io.squall.kernels.format;

import io.squall.api.types.arrays.ByteArray;
import io.squall.api.types.arrays.FloatArray;

/**
 * Q6_K super-block (210 bytes / 256 elements): ql[128] low nibbles, qh[64] high 2 bits, int8 scales[16], f16 d.
 * Half h (128 elements), l in 0..31: elements 128h + l + 32k for k = 0..3 take the low/high nibbles of ql[64h + l]
 * and ql[64h + l + 32] and bits 2k..2k+1 of qh[32h + l], scale scales[8h + l/16 + 2k]; x = d * scale * (q - 32).
 */
public final class Q6_KBlock {
    public static final int ELEMENTS = 256;
    public static final int BYTES = 256 / 2 + 256 / 4 + 256 / 16 + 2;

    private Q6_KBlock() {}

    public static float element(ByteArray w, int e) {
        int block = e / ELEMENTS * BYTES;
        int k = e % ELEMENTS;
        int h = k / 128;
        int group = k % 128 / 32;
        int l = k % 32;
        int low = w.get(block + 64 * h + l + (group & 1) * 32) & 0xFF;
        int nibble = group >= 2 ? low >> 4 : low & 15;
        int high = (w.get(block + 128 + 32 * h + l) & 0xFF) >> (2 * group) & 3;
        int scale = w.get(block + 192 + 8 * h + l / 16 + 2 * group);
        return Plain.halfAt(w, block + 208) * scale * ((nibble | (high << 4)) - 32);
    }

    /** Per half and per 16 positions: four groups of 16 elements sharing one scale each. */
    public static float dot(ByteArray w, int block, FloatArray x, int xOffset) {
        float d = Plain.halfAt(w, block + 208);
        float sum = 0f;
        for (int h = 0; h < 2; h++) {
            int ql = block + 64 * h;
            int qh = block + 128 + 32 * h;
            int xs = xOffset + 128 * h;
            for (int s = 0; s < 2; s++) {
                float p1 = 0f;
                float p2 = 0f;
                float p3 = 0f;
                float p4 = 0f;
                for (int i = 0; i < 16; i++) {
                    int l = 16 * s + i;
                    int high = w.get(qh + l) & 0xFF;
                    int lowA = w.get(ql + l) & 0xFF;
                    int lowB = w.get(ql + l + 32) & 0xFF;
                    p1 += (((lowA & 15) | ((high & 3) << 4)) - 32) * x.get(xs + l);
                    p2 += (((lowB & 15) | ((high >> 2 & 3) << 4)) - 32) * x.get(xs + 32 + l);
                    p3 += (((lowA >> 4) | ((high >> 4 & 3) << 4)) - 32) * x.get(xs + 64 + l);
                    p4 += (((lowB >> 4) | ((high >> 6 & 3) << 4)) - 32) * x.get(xs + 96 + l);
                }
                int sc = block + 192 + 8 * h + s;
                sum += d * (w.get(sc) * p1 + w.get(sc + 2) * p2 + w.get(sc + 4) * p3 + w.get(sc + 6) * p4);
            }
        }
        return sum;
    }
}
