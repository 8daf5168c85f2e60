package io.squall.model.tensor;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Q8_0's matvec reads a range's rows from its four quarters ({@link VectorDots#q8_0Rows}): every row of every range
 * length (tails of 0-3 rows, ranges shorter than four rows) lands at its own output index with the scalar
 * reference's value, and rows outside the range are left alone.
 */
class Q8_0RowOrderTest {
    private static final int DEFAULT_THREADS = Threads.count();

    @AfterAll
    static void restoreThreads() {
        Threads.resize(DEFAULT_THREADS);
    }

    @Test
    void everyRowOfEveryRangeMatchesTheReference() {
        int rows = 43;
        int cols = 256;
        float[] w = TensorTestData.weights(rows * cols, 17);
        MemorySegment data = Quantizer.quantize(GGMLType.Q8_0, w);
        double[] reference = ScalarReference.decode(GGMLType.Q8_0, data, (long) rows * cols);
        WeightMatrix m =
                WeightMatrix.of("blk.0.q8", GGMLType.Q8_0, data, rows, cols).withFloatActivations();
        float[] x = TensorTestData.gaussian(cols, 3);
        for (int threads : new int[] {1, 2}) {
            Threads.resize(threads);
            for (int start = 0; start < 6; start++) {
                for (int end = start; end <= rows; end++) {
                    float[] out = new float[rows + 1];
                    java.util.Arrays.fill(out, -7f);
                    m.matvec(x, 0, out, 1, start, end);
                    for (int r = 0; r < rows; r++) {
                        String what = "threads " + threads + " range [" + start + ", " + end + ") row " + r;
                        if (r < start || r >= end) {
                            assertEquals(-7f, out[1 + r], what + " (outside the range: untouched)");
                        } else {
                            double ref = ScalarReference.dot(reference, r * cols, x, 0, cols);
                            double abs = ScalarReference.absDot(reference, r * cols, x, 0, cols);
                            assertEquals(ref, out[1 + r], 2e-6 * abs + 1e-6, what);
                            assertEquals(m.dotRow(r, x, 0), out[1 + r], 1e-6 * abs, what + " (as dotRow)");
                        }
                    }
                    assertEquals(-7f, out[0], "before the output offset");
                }
            }
        }
    }
}
