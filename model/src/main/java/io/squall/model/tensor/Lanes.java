package io.squall.model.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * The sum of a float vector's lanes in one fixed order, the same in the interpreter and in C2's code.
 * {@code FloatVector.reduceLanes(ADD)} is not: interpreted, it adds the lanes first to last; C2's intrinsic adds them
 * pairwise. A cold JVM runs its first tokens' kernels interpreted or in C1, so its logits rounded differently from a
 * warm one's and greedy text on near-tied logits changed from run to run. Here the halves are folded onto each other
 * (lane i + lane i + n/2, then n/4, ...), as lane-wise adds and constant rearranges, which round the same everywhere.
 * {@link #exp} likewise: {@code lanewise(EXP)} is C2's vector math library compiled and Math.exp interpreted, which
 * differ in the last bit for about 0.7% of inputs.
 */
public final class Lanes {
    // one static final shuffle per fold, so that C2 sees constants (shuffles read from an array are not folded)
    private static final VectorShuffle<Float> FOLD_16_8 = fold(FloatVector.SPECIES_512, 8);
    private static final VectorShuffle<Float> FOLD_16_4 = fold(FloatVector.SPECIES_512, 4);
    private static final VectorShuffle<Float> FOLD_16_2 = fold(FloatVector.SPECIES_512, 2);
    private static final VectorShuffle<Float> FOLD_16_1 = fold(FloatVector.SPECIES_512, 1);
    private static final VectorShuffle<Float> FOLD_8_4 = fold(FloatVector.SPECIES_256, 4);
    private static final VectorShuffle<Float> FOLD_8_2 = fold(FloatVector.SPECIES_256, 2);
    private static final VectorShuffle<Float> FOLD_8_1 = fold(FloatVector.SPECIES_256, 1);
    private static final VectorShuffle<Float> FOLD_4_2 = fold(FloatVector.SPECIES_128, 2);
    private static final VectorShuffle<Float> FOLD_4_1 = fold(FloatVector.SPECIES_128, 1);

    private Lanes() {}

    /** Lane i + lane (i + n/2), then + n/4, ..., down to lane 0: the same float on every run. */
    public static float sum(FloatVector v) {
        switch (v.length()) {
            case 16: {
                float a0 = (v.lane(0) + v.lane(8)) + (v.lane(4) + v.lane(12));
                float a1 = (v.lane(1) + v.lane(9)) + (v.lane(5) + v.lane(13));
                float a2 = (v.lane(2) + v.lane(10)) + (v.lane(6) + v.lane(14));
                float a3 = (v.lane(3) + v.lane(11)) + (v.lane(7) + v.lane(15));
                return (a0 + a2) + (a1 + a3);
            }
            case 8: {
                float a0 = v.lane(0) + v.lane(4);
                float a1 = v.lane(1) + v.lane(5);
                float a2 = v.lane(2) + v.lane(6);
                float a3 = v.lane(3) + v.lane(7);
                return (a0 + a2) + (a1 + a3);
            }
            case 4:
                v = v.add(v.rearrange(FOLD_4_2));
                v = v.add(v.rearrange(FOLD_4_1));
                return v.lane(0);
            default: // not a shape the kernels use: the same tree in scalar code
                return scalarTree(v.toArray());
        }
    }

    /** The reference order in scalar code: what {@link #sum} returns (tests compare the two). */
    static float scalarTree(float[] lanes) {
        float[] a = lanes.clone();
        for (int half = a.length / 2; half >= 1; half /= 2) {
            for (int i = 0; i < half; i++) {
                a[i] += a[i + half];
            }
        }
        return a[0];
    }

    private static VectorShuffle<Float> fold(VectorSpecies<Float> species, int half) {
        int n = species.length();
        return VectorShuffle.fromOp(species, i -> (i + half) % n);
    }

    // exp(x) = 2^n * e^r, n = round(x / ln 2), r = x - n ln 2 (ln 2 split in two for an exact product), e^r by a
    // degree-6 polynomial (Cephes' expf coefficients): within 2 ulp of Math.exp over [-87.3, 88], where x is clamped
    // (so 2^n stays a normal float; NaN passes through)
    private static final float EXP_HI = 88f; // 2^127 at most (2^128 is no float)
    private static final float EXP_LO = -87.3f;
    private static final float LOG2E = 1.44269504088896341f;
    private static final float LN2_HI = 0.693359375f;
    private static final float LN2_LO = -2.12194440e-4f;
    private static final float ROUNDING = 12582912f; // 1.5 * 2^23: adding it rounds to an integer, to nearest even
    private static final float P0 = 1.9875691500e-4f;
    private static final float P1 = 1.3981999507e-3f;
    private static final float P2 = 8.3334519073e-3f;
    private static final float P3 = 4.1665795894e-2f;
    private static final float P4 = 1.6666665459e-1f;
    private static final float P5 = 5.0000001201e-1f;

    /** e^x lane by lane, bit for bit {@link #exp(float)} of each lane, interpreted or compiled. */
    public static FloatVector exp(FloatVector x) {
        x = x.min(EXP_HI).max(EXP_LO);
        FloatVector n = x.mul(LOG2E).add(ROUNDING).sub(ROUNDING);
        FloatVector r = n.fma(x.broadcast(-LN2_HI), x);
        r = n.fma(x.broadcast(-LN2_LO), r);
        FloatVector p = r.fma(P0, P1);
        p = p.fma(r, r.broadcast(P2));
        p = p.fma(r, r.broadcast(P3));
        p = p.fma(r, r.broadcast(P4));
        p = p.fma(r, r.broadcast(P5));
        p = p.fma(r.mul(r), r).add(1f);
        IntVector bits =
                ((IntVector) n.convert(VectorOperators.F2I, 0)).add(127).lanewise(VectorOperators.LSHL, 23);
        return p.mul(bits.reinterpretAsFloats());
    }

    /** e^x with {@link #exp(FloatVector)}'s arithmetic, for loop tails. */
    public static float exp(float x) {
        x = Math.max(Math.min(x, EXP_HI), EXP_LO);
        float n = x * LOG2E + ROUNDING - ROUNDING;
        float r = Math.fma(n, -LN2_HI, x);
        r = Math.fma(n, -LN2_LO, r);
        float p = Math.fma(r, P0, P1);
        p = Math.fma(p, r, P2);
        p = Math.fma(p, r, P3);
        p = Math.fma(p, r, P4);
        p = Math.fma(p, r, P5);
        p = Math.fma(p, r * r, r) + 1f;
        return p * Float.intBitsToFloat(((int) n + 127) << 23);
    }
}
