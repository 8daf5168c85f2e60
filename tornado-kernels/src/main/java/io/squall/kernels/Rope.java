package io.squall.kernels;

import io.squall.api.annotations.Parallel;
import io.squall.api.types.arrays.FloatArray;
import io.squall.api.types.arrays.IntArray;

/**
 * Rotary position embedding on adjacent pairs (x[2i], x[2i+1]) of the first ropeDims of each head (llama.cpp's
 * llama layout), fused with the key/value cache write: q is rotated in place, k rotated into the cache row of
 * position {@code state[1]}, v copied there. The cos/sin table ([position][ropeDims/2], from the model's
 * rope.freq_base and Llama 3.1 frequency factors) is computed once on the host in double precision.
 */
public final class Rope {
    private Rope() {}

    public static void rotateAndCache(
            FloatArray q,
            FloatArray k,
            FloatArray v,
            FloatArray keyCache,
            FloatArray valueCache,
            FloatArray cos,
            FloatArray sin,
            IntArray state,
            int dim,
            int kvDim,
            int headSize,
            int ropeDims) {
        int pos = state.get(1);
        int half = ropeDims / 2;
        int qPairs = dim / 2;
        int pairs = qPairs + kvDim / 2;
        for (@Parallel int p = 0; p < pairs; p++) {
            boolean isKey = p >= qPairs;
            int pair = isKey ? p - qPairs : p;
            int j = pair % (headSize / 2);
            float c = 1f;
            float s = 0f;
            if (j < half) {
                c = cos.get(pos * half + j);
                s = sin.get(pos * half + j);
            }
            if (isKey) {
                float a = k.get(2 * pair);
                float b = k.get(2 * pair + 1);
                int row = pos * kvDim + 2 * pair;
                keyCache.set(row, a * c - b * s);
                keyCache.set(row + 1, a * s + b * c);
                valueCache.set(row, v.get(2 * pair));
                valueCache.set(row + 1, v.get(2 * pair + 1));
            } else {
                float a = q.get(2 * pair);
                float b = q.get(2 * pair + 1);
                q.set(2 * pair, a * c - b * s);
                q.set(2 * pair + 1, a * s + b * c);
            }
        }
    }
}
