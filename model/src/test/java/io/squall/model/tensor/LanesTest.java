package io.squall.model.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
}
