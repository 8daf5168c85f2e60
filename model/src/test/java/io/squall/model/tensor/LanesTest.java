package io.squall.model.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Lanes.sum rounds as the scalar folding tree, bit for bit, before and after C2 compiles it. */
class LanesTest {
    @Test
    void sumEqualsTheScalarFoldingTreeBitForBit() {
        SplittableRandom random = new SplittableRandom(11);
        for (VectorSpecies<Float> species :
                List.of(FloatVector.SPECIES_512, FloatVector.SPECIES_256, FloatVector.SPECIES_128)) {
            float[] lanes = new float[species.length()];
            // enough calls for C2 to compile sum (the first ones run interpreted): both must give the tree's float
            for (int round = 0; round < 60_000; round++) {
                for (int i = 0; i < lanes.length; i++) { // magnitudes 2^-10..2^10: the order of adds shows in the sum
                    lanes[i] = (float) (random.nextDouble(-1, 1) * Math.scalb(1.0, random.nextInt(-10, 11)));
                }
                float expected = Lanes.scalarTree(lanes);
                float actual = Lanes.sum(FloatVector.fromArray(species, lanes, 0));
                if (Float.floatToRawIntBits(expected) != Float.floatToRawIntBits(actual)) {
                    assertEquals(expected, actual, 0f, species + " round " + round);
                }
            }
        }
    }

    @Test
    void specialValuesPropagate() {
        float[] lanes = new float[16];
        lanes[3] = Float.NaN;
        assertEquals(Float.NaN, Lanes.sum(FloatVector.fromArray(FloatVector.SPECIES_512, lanes, 0)));
        lanes[3] = Float.POSITIVE_INFINITY;
        assertEquals(Float.POSITIVE_INFINITY, Lanes.sum(FloatVector.fromArray(FloatVector.SPECIES_512, lanes, 0)));
    }

    @Test
    void expIsWithinTwoUlpOfMathExpAndTheVectorEqualsTheScalarBitForBit() {
        SplittableRandom random = new SplittableRandom(5);
        float[] x = new float[16];
        float[] e = new float[16];
        for (int round = 0; round < 40_000; round++) { // interpreted first, then compiled
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) random.nextDouble(-87.3, 88);
            }
            Lanes.exp(FloatVector.fromArray(FloatVector.SPECIES_512, x, 0)).intoArray(e, 0);
            for (int i = 0; i < x.length; i++) {
                float scalar = Lanes.exp(x[i]);
                if (Float.floatToRawIntBits(scalar) != Float.floatToRawIntBits(e[i])) {
                    assertEquals(scalar, e[i], 0f, "vector lane vs scalar at x = " + x[i]);
                }
                double exact = Math.exp(x[i]);
                if (Math.abs(scalar - exact) > 2 * Math.ulp((float) exact)) {
                    assertEquals(exact, scalar, 2 * Math.ulp((float) exact), "exp(" + x[i] + ")");
                }
            }
        }
    }

    @Test
    void expAtTheEdges() {
        assertEquals(1f, Lanes.exp(0f));
        assertTrue(Float.isNaN(Lanes.exp(Float.NaN)));
        float tiny = Lanes.exp(Float.NEGATIVE_INFINITY); // clamped: a normal float next to nothing, not NaN
        assertTrue(tiny >= 0 && tiny < 1e-37f, "exp(-inf) = " + tiny);
        float huge = Lanes.exp(1000f);
        assertTrue(Float.isFinite(huge) && huge > 1e38f, "exp(1000) = " + huge);
    }
}
