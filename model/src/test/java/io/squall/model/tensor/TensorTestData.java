package io.squall.model.tensor;

import java.util.SplittableRandom;

/** Deterministic random test vectors. */
final class TensorTestData {
    private TensorTestData() {}

    static float[] gaussian(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            // Box-Muller keeps this independent of java.util.Random's algorithm.
            double u1 = 1 - r.nextDouble();
            double u2 = r.nextDouble();
            v[i] = (float) (Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2));
        }
        return v;
    }

    /** Gaussian weights with block-scale variety: some blocks scaled up or down, a few outliers, a zero run, an all-positive run. */
    static float[] weights(int n, long seed) {
        float[] v = gaussian(n, seed);
        SplittableRandom r = new SplittableRandom(seed ^ 0x5EED);
        for (int b = 0; b < n / 32; b++) {
            float scale = (float) Math.pow(10, r.nextDouble(-2, 1));
            for (int j = 0; j < 32; j++) {
                v[32 * b + j] *= scale;
            }
        }
        for (int k = 0; k < n / 97; k++) {
            v[r.nextInt(n)] *= 8;
        }
        if (n >= 512) {
            java.util.Arrays.fill(v, 256, 288, 0f);
            for (int i = 288; i < 320; i++) {
                v[i] = Math.abs(v[i]) + 0.5f;
            }
        }
        return v;
    }
}
