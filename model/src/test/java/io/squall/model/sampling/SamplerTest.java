package io.squall.model.sampling;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Sampling on hand-made distributions, against the probabilities each setting should produce. */
class SamplerTest {
    static final int DRAWS = 20_000;

    /** Logits whose softmax is exactly {@code probabilities}. */
    static float[] logitsOf(double... probabilities) {
        float[] l = new float[probabilities.length];
        for (int i = 0; i < l.length; i++) {
            l[i] = (float) Math.log(probabilities[i]);
        }
        return l;
    }

    static double[] frequencies(SamplerSettings s, float[] logits) {
        Sampler sampler = new Sampler(s, logits.length);
        double[] f = new double[logits.length];
        for (int i = 0; i < DRAWS; i++) {
            f[sampler.sample(logits, null, 0)] += 1.0 / DRAWS;
        }
        return f;
    }

    static SamplerSettings settings(float temperature, int topK, float topP, float minP) {
        return new SamplerSettings(temperature, topK, topP, minP, 1f, 64, 42);
    }

    static void assertFrequencies(double[] expected, double[] actual) {
        for (int i = 0; i < expected.length; i++) {
            // 20k draws: standard error <= 0.0036; 0.015 is over 4 sigma
            assertEquals(expected[i], actual[i], 0.015, "token " + i + " of " + java.util.Arrays.toString(actual));
        }
    }

    @Test
    void greedyTakesTheFirstMaximum() {
        Sampler s = new Sampler(SamplerSettings.greedy(), 5);
        assertEquals(1, s.sample(new float[] {1, 3, 3, 2, -1}, null, 0));
        assertEquals(0, Sampler.argmax(new float[] {Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY}));
    }

    @Test
    void temperatureOneDrawsFromTheSoftmax() {
        double[] p = {0.5, 0.3, 0.15, 0.05};
        assertFrequencies(p, frequencies(settings(1f, 0, 1f, 0f), logitsOf(p)));
    }

    @Test
    void temperatureScalesLogits() {
        double[] p = {0.5, 0.3, 0.15, 0.05};
        // temperature 2: probabilities proportional to sqrt(p)
        double[] expected = new double[p.length];
        double sum = 0;
        for (int i = 0; i < p.length; i++) {
            expected[i] = Math.sqrt(p[i]);
            sum += expected[i];
        }
        for (int i = 0; i < p.length; i++) {
            expected[i] /= sum;
        }
        assertFrequencies(expected, frequencies(settings(2f, 0, 1f, 0f), logitsOf(p)));
    }

    @Test
    void topKKeepsTheKMostLikely() {
        double[] p = {0.1, 0.4, 0.2, 0.3};
        assertFrequencies(new double[] {0, 0.4 / 0.7, 0, 0.3 / 0.7}, frequencies(settings(1f, 2, 1f, 0f), logitsOf(p)));
        assertFrequencies(new double[] {0, 1, 0, 0}, frequencies(settings(1f, 1, 1f, 0f), logitsOf(p)));
    }

    @Test
    void topPKeepsTheSmallestSetReachingP() {
        double[] p = {0.5, 0.3, 0.15, 0.05};
        // 0.5 < 0.7 <= 0.8: tokens 0 and 1
        assertFrequencies(new double[] {0.625, 0.375, 0, 0}, frequencies(settings(1f, 0, 0.7f, 0f), logitsOf(p)));
        // p below the first probability still keeps one token
        assertFrequencies(new double[] {1, 0, 0, 0}, frequencies(settings(1f, 0, 0.1f, 0f), logitsOf(p)));
    }

    @Test
    void minPDropsTokensBelowAFractionOfTheMostLikely() {
        double[] p = {0.5, 0.3, 0.15, 0.05};
        // threshold 0.25 x 0.5 = 0.125: tokens 0, 1, 2
        assertFrequencies(
                new double[] {0.5 / 0.95, 0.3 / 0.95, 0.15 / 0.95, 0},
                frequencies(settings(1f, 0, 1f, 0.25f), logitsOf(p)));
    }

    @Test
    void repetitionPenaltyFollowsLlamaCpp() {
        SamplerSettings penalty = new SamplerSettings(0f, 0, 1f, 0f, 1.5f, 2, 0);
        Sampler s = new Sampler(penalty, 3);
        // positive logit divided: 2.0 / 1.5 = 1.33 < 1.9
        assertEquals(1, s.sample(new float[] {2.0f, 1.9f, -1f}, new int[] {0}, 1));
        // negative logit multiplied: -1 * 1.5 = -1.5 < -1.2
        assertEquals(1, s.sample(new float[] {-1f, -1.2f, -3f}, new int[] {0}, 1));
        // a token seen twice is penalized once: 2.0 / 1.5 = 1.33 > 1.3
        assertEquals(0, s.sample(new float[] {2.0f, 1.3f, -3f}, new int[] {0, 0}, 2));
        // only the last repeatLastN (2) tokens count
        assertEquals(0, s.sample(new float[] {2.0f, 1.9f, -1f}, new int[] {0, 2, 2}, 3));
        // the caller's logits are not modified
        float[] logits = {2.0f, 1.9f, -1f};
        s.sample(logits, new int[] {0}, 1);
        assertArrayEquals(new float[] {2.0f, 1.9f, -1f}, logits);
    }

    @Test
    void seedMakesSamplingReproducible() {
        float[] logits = logitsOf(0.2, 0.2, 0.2, 0.2, 0.2);
        int[] a = draw(new Sampler(settings(1f, 0, 1f, 0f), 5), logits);
        int[] b = draw(new Sampler(settings(1f, 0, 1f, 0f), 5), logits);
        int[] c = draw(new Sampler(new SamplerSettings(1f, 0, 1f, 0f, 1f, 64, 43), 5), logits);
        assertArrayEquals(a, b);
        assertFalse(java.util.Arrays.equals(a, c));
    }

    private static int[] draw(Sampler s, float[] logits) {
        int[] r = new int[50];
        for (int i = 0; i < r.length; i++) {
            r[i] = s.sample(logits, null, 0);
        }
        return r;
    }

    @Test
    void invalidSettingsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new SamplerSettings(1f, 0, 1.5f, 0f, 1f, 64, 0));
        assertThrows(IllegalArgumentException.class, () -> new SamplerSettings(1f, 0, 1f, -0.1f, 1f, 64, 0));
        assertThrows(IllegalArgumentException.class, () -> new SamplerSettings(1f, 0, 1f, 0f, 0f, 64, 0));
        var e = assertThrows(
                IllegalArgumentException.class,
                () -> new Sampler(settings(1f, 0, 1f, 0f), 3).sample(new float[4], null, 0));
        assertTrue(e.getMessage().contains("4 entries"), e.getMessage());
    }

    @Test
    void topIndicesOrdersByValueThenIndex() {
        assertArrayEquals(new int[] {1, 3, 0}, Sampler.topIndices(new float[] {1, 5, 0, 5, -2}, 3));
        assertArrayEquals(new int[] {}, Sampler.topIndices(new float[] {1, 2}, 0));
        assertArrayEquals(new int[] {1, 0}, Sampler.topIndices(new float[] {1, 2}, 5));
    }

    @Test
    void logSumExpIsTheLogOfTheSumOfExponentialsWithoutOverflow() {
        assertEquals(
                Math.log(Math.exp(1) + Math.exp(2) + Math.exp(-3)), Sampler.logSumExp(new float[] {1, 2, -3}), 1e-12);
        assertEquals(
                1000 + Math.log(2),
                Sampler.logSumExp(new float[] {1000, 1000}),
                1e-9,
                "exp(1000) overflows unless shifted");
    }
}
