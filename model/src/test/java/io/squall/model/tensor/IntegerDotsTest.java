package io.squall.model.tensor;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The integer matvec path (x quantized to 8 bits per 32, {@link QuantizedVector} and {@link IntegerDots}) against
 * double-precision references: exact (up to float rounding) against the quantized x, and within the stated
 * quantization bound against the original x.
 */
class IntegerDotsTest {
    private static final GGMLType[] TYPES = {
        GGMLType.Q4_0, GGMLType.Q4_K, GGMLType.Q6_K, GGMLType.Q4_1, GGMLType.Q5_0, GGMLType.Q5_1
    };
    private static final int DEFAULT_THREADS = Threads.count();

    @AfterAll
    static void restoreThreads() {
        Threads.resize(DEFAULT_THREADS);
    }

    @Test
    void quantizedVectorRoundsEachElementWithinHalfAScale() {
        float[] x = TensorTestData.gaussian(3 + 128, 7);
        Arrays.fill(x, 3 + 32, 3 + 64, 0f); // an all-zero block
        x[3 + 70] = 1e4f; // an outlier block
        QuantizedVector q = new QuantizedVector();
        q.quantize(x, 3, 128);
        for (int b = 0; b < 4; b++) {
            double amax = 0;
            long sum = 0;
            for (int i = 0; i < 32; i++) {
                amax = Math.max(amax, Math.abs(x[3 + 32 * b + i]));
                sum += q.q[32 * b + i];
            }
            assertEquals(amax / 127, q.scale[b], 1e-6 * amax, "scale of block " + b);
            assertEquals(
                    q.scale[b] * sum, q.blockSum[b], 1e-5 * Math.max(1, Math.abs(q.blockSum[b])), "sum of block " + b);
            for (int i = 0; i < 32; i++) {
                int e = 32 * b + i;
                assertTrue(Math.abs(q.q[e]) <= 127, "q[" + e + "] = " + q.q[e]);
                assertEquals(x[3 + e], q.scale[b] * q.q[e], q.scale[b] * 0.5001 + 1e-30, "element " + e);
            }
        }
        assertEquals(0f, q.scale[1]);
    }

    /** Weights as doubles, x as the quantized vector sees it. */
    private static double[] dequantizedX(QuantizedVector q, int n) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = (double) q.scale[i / 32] * q.q[i];
        }
        return x;
    }

    @Test
    void matvecMatchesReferenceOnQuantizedXAndStaysWithinTheQuantizationBound() {
        for (int threads : new int[] {1, 2, 3}) {
            Threads.resize(threads);
            for (GGMLType type : TYPES) {
                for (int cols : new int[] {256, 2048}) {
                    int rows = 103; // not a multiple of four: dot4 and single-row tails
                    float[] w = TensorTestData.weights(rows * cols, 17 + type.id() + cols);
                    MemorySegment data = Quantizer.quantize(type, w);
                    double[] wd = ScalarReference.decode(type, data, (long) rows * cols);
                    WeightMatrix m = WeightMatrix.of("blk.1.ffn_down", type, data, rows, cols)
                            .withQuantizedActivations();
                    assertTrue(m.quantizesActivations(), type + " takes the integer path when asked");
                    float[] x = TensorTestData.gaussian(cols + 5, cols + threads);
                    for (int i = 0; i < cols; i += 97) {
                        x[5 + i] *= 20; // activation outliers, as real models have
                    }
                    float[] out = new float[rows + 1];
                    m.matvec(x, 5, out, 1, 0, rows);
                    QuantizedVector q = new QuantizedVector();
                    q.quantize(x, 5, cols);
                    double[] xq = dequantizedX(q, cols);
                    float[] range = new float[rows];
                    m.matvec(Arrays.copyOfRange(x, 5, 5 + cols), 0, range, 0, 33, 101);
                    for (int r = 0; r < rows; r++) {
                        String what = type + " cols " + cols + " threads " + threads + " row " + r;
                        double exact = 0;
                        double abs = 0;
                        double bound = 0;
                        double refX = ScalarReference.dot(wd, r * cols, x, 5, cols);
                        for (int i = 0; i < cols; i++) {
                            exact += wd[r * cols + i] * xq[i];
                            abs += Math.abs(wd[r * cols + i] * xq[i]);
                            bound += q.scale[i / 32] / 2.0 * Math.abs(wd[r * cols + i]);
                        }
                        float actual = out[1 + r];
                        assertEquals(exact, actual, 3e-6 * abs + 1e-6, what + " (against the quantized x)");
                        assertEquals(
                                refX,
                                actual,
                                bound + 3e-6 * abs + 1e-6,
                                what + " (against x, within the rounding bound)");
                        // not bit-exact: a kernel run before C2 compiles it reduces lanes in another order
                        assertEquals(
                                r >= 33 && r < 101 ? actual : 0f,
                                range[r],
                                1e-6 * abs,
                                what + " (row grouping changes nothing)");
                    }
                }
            }
        }
    }

    @Test
    void floatActivationsAndTheIntegerPathAgreeWithinTheBound() {
        int rows = 64;
        int cols = 512;
        for (GGMLType type : TYPES) {
            MemorySegment data = Quantizer.quantize(type, TensorTestData.weights(rows * cols, 3));
            double[] wd = ScalarReference.decode(type, data, (long) rows * cols);
            WeightMatrix plain = WeightMatrix.of("w", type, data, rows, cols);
            assertEquals(
                    Boolean.getBoolean("squall.matvec.int8"),
                    plain.quantizesActivations(),
                    "float x unless -Dsquall.matvec.int8=true");
            WeightMatrix m = plain.withQuantizedActivations();
            assertTrue(m.quantizesActivations());
            assertSame(m, m.withQuantizedActivations());
            WeightMatrix exact = m.withFloatActivations();
            assertFalse(exact.quantizesActivations());
            assertSame(exact, exact.withFloatActivations());
            float[] x = TensorTestData.gaussian(cols, 1);
            float[] a = new float[rows];
            float[] b = new float[rows];
            m.matvec(x, a, 0);
            exact.matvec(x, b, 0);
            QuantizedVector q = new QuantizedVector();
            q.quantize(x, 0, cols);
            int differing = 0;
            for (int r = 0; r < rows; r++) {
                double bound = 0;
                double abs = ScalarReference.absDot(wd, r * cols, x, 0, cols);
                for (int i = 0; i < cols; i++) {
                    bound += q.scale[i / 32] / 2.0 * Math.abs(wd[r * cols + i]);
                }
                assertEquals(exact.dotRow(r, x, 0), b[r], 1e-6 * abs, type + " float path is dotRow");
                assertEquals(b[r], a[r], bound + 4e-6 * abs + 1e-6, type + " row " + r);
                differing += a[r] != b[r] ? 1 : 0;
            }
            assertTrue(differing > rows / 2, type + ": the two paths are distinct (" + differing + " rows differ)");
            WeightMatrix q8 =
                    WeightMatrix.of("q8", GGMLType.Q8_0, Quantizer.quantize(GGMLType.Q8_0, new float[64]), 2, 32);
            assertFalse(q8.withQuantizedActivations().quantizesActivations(), "Q8_0 has no integer path");
        }
    }

    /** Largest quants times x = +-127 everywhere, signs aligned: the 16-bit partial sums at their bounds do not wrap. */
    @Test
    void extremeQuantsAndActivationsDoNotOverflowTheSixteenBitLanes() {
        int rows = 4;
        int cols = 512;
        for (GGMLType type : TYPES) {
            float[] w = new float[rows * cols];
            float[] x = new float[cols];
            for (int i = 0; i < cols; i++) {
                x[i] = i % 3 == 0 ? -1f : 1f;
            }
            for (int r = 0; r < rows; r++) {
                for (int i = 0; i < cols; i++) { // rows 0, 1 aligned with x (all products positive), 2, 3 opposed
                    w[r * cols + i] = (r < 2 ? x[i] : -x[i]) * (r % 2 == 0 ? 1f : 1e-3f * (1 + i % 7));
                }
            }
            MemorySegment data = Quantizer.quantize(type, w);
            double[] wd = ScalarReference.decode(type, data, (long) rows * cols);
            WeightMatrix m = WeightMatrix.of("w", type, data, rows, cols).withQuantizedActivations();
            float[] out = new float[rows];
            m.matvec(x, out, 0);
            QuantizedVector q = new QuantizedVector();
            q.quantize(x, 0, cols);
            double[] xq = dequantizedX(q, cols);
            for (int r = 0; r < rows; r++) {
                double exact = 0;
                double abs = 0;
                for (int i = 0; i < cols; i++) {
                    exact += wd[r * cols + i] * xq[i];
                    abs += Math.abs(wd[r * cols + i] * xq[i]);
                }
                assertEquals(exact, out[r], 3e-6 * abs + 1e-6, type + " row " + r);
            }
        }
    }

    @Test
    void nonFiniteActivationsGiveNonFiniteResults() {
        for (GGMLType type : TYPES) {
            MemorySegment data = Quantizer.quantize(type, TensorTestData.weights(4 * 256, 9));
            WeightMatrix m = WeightMatrix.of("w", type, data, 4, 256).withQuantizedActivations();
            float[] x = TensorTestData.gaussian(256, 2);
            float[] out = new float[4];
            x[40] = Float.NaN;
            m.matvec(x, out, 0);
            for (float v : out) {
                assertTrue(Float.isNaN(v), type + " NaN in x: " + v);
            }
            x[40] = Float.POSITIVE_INFINITY;
            m.matvec(x, out, 0);
            for (float v : out) {
                assertFalse(Float.isFinite(v), type + " Inf in x: " + v);
            }
        }
    }
}
