package io.squall.kernels.format;

import io.squall.api.types.arrays.ByteArray;
import io.squall.api.types.arrays.FloatArray;

/** Q8_0 block (34 bytes / 32 elements): f16 d, int8 q[32]; x = d * q. */
public final class Q8_0Block {
    public static final int ELEMENTS = 32;
    public static final int BYTES = 2 + 32;

    private Q8_0Block() {
    }

    public static float element(ByteArray w, int e) {
        int block = e / ELEMENTS * BYTES;
        return Plain.halfAt(w, block) * w.get(block + 2 + e % ELEMENTS);
    }

    public static float dot(ByteArray w, int block, FloatArray x, int xOffset) {
        float sum = 0f;
        for (int k = 0; k < 32; k++) {
            sum += w.get(block + 2 + k) * x.get(xOffset + k);
        }
        return Plain.halfAt(w, block) * sum;
    }
}
