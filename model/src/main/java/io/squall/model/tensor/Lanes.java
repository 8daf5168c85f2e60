package io.squall.model.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * The sum of a float vector's lanes in one fixed order, the same in the interpreter and in C2's code.
 * {@code FloatVector.reduceLanes(ADD)} is not: interpreted, it adds the lanes first to last; C2's intrinsic adds them
 * pairwise. A cold JVM runs its first tokens' kernels interpreted or in C1, so its logits rounded differently from a
 * warm one's and greedy text on near-tied logits changed from run to run. Here the halves are folded onto each other
 * (lane i + lane i + n/2, then n/4, ...), as lane-wise adds and constant rearranges, which round the same everywhere.
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
            case 16:
                v = v.add(v.rearrange(FOLD_16_8));
                v = v.add(v.rearrange(FOLD_16_4));
                v = v.add(v.rearrange(FOLD_16_2));
                v = v.add(v.rearrange(FOLD_16_1));
                return v.lane(0);
            case 8:
                v = v.add(v.rearrange(FOLD_8_4));
                v = v.add(v.rearrange(FOLD_8_2));
                v = v.add(v.rearrange(FOLD_8_1));
                return v.lane(0);
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
}
