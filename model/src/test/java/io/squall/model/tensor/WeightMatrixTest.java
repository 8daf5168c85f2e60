package io.squall.model.tensor;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Vectorized dot products, matvec and matmul of every type against the scalar double-precision reference. */
class WeightMatrixTest {
    private static final GGMLType[] TYPES = {
        GGMLType.F32,
        GGMLType.F16,
        GGMLType.BF16,
        GGMLType.Q8_0,
        GGMLType.Q4_0,
        GGMLType.Q4_K,
        GGMLType.Q6_K,
        GGMLType.Q4_1,
        GGMLType.Q5_0,
        GGMLType.Q5_1,
        GGMLType.IQ4_NL,
        GGMLType.Q2_K,
        GGMLType.Q3_K,
        GGMLType.Q5_K,
        GGMLType.IQ4_XS
    };
    private static final int DEFAULT_THREADS = Threads.count();

    @AfterAll
    static void restoreThreads() {
        Threads.resize(DEFAULT_THREADS);
    }

    private record Case(WeightMatrix matrix, double[] reference) {}

    private static Case matrix(GGMLType type, int rows, int cols, long seed) {
        float[] w = TensorTestData.weights(rows * cols, seed);
        MemorySegment data = Quantizer.quantize(type, w);
        // float activations (the default, asked for explicitly in case -Dsquall.matvec.int8=true): IntegerDotsTest
        // checks the 8-bit path
        return new Case(
                WeightMatrix.of("blk.0.test", type, data, rows, cols).withFloatActivations(),
                ScalarReference.decode(type, data, (long) rows * cols));
    }

    private static void assertDot(double expected, double absSum, float actual, String what) {
        assertEquals(expected, actual, 2e-6 * absSum + 1e-6, what);
    }

    @Test
    void dotRowMatchesScalarReferenceForEveryType() {
        for (GGMLType type : TYPES) {
            int[] colsList = type.blockSize() == 1
                    ? new int[] {4096, 100, 7}
                    : type.blockSize() == 32 ? new int[] {4096, 96} : new int[] {4096, 768};
            for (int cols : colsList) {
                Case c = matrix(type, 3, cols, cols + type.id());
                float[] x = TensorTestData.gaussian(cols + 5, 99);
                for (int r = 0; r < 3; r++) {
                    double ref = ScalarReference.dot(c.reference, r * cols, x, 5, cols);
                    double abs = ScalarReference.absDot(c.reference, r * cols, x, 5, cols);
                    assertDot(ref, abs, c.matrix.dotRow(r, x, 5), type + " cols " + cols + " row " + r);
                }
            }
        }
    }

    @Test
    void halfDotHandlesSubnormalsInfinityAndNaN() {
        short[] halves = new short[32];
        for (int i = 0; i < 32; i++) {
            halves[i] = (short) (i + 1); // subnormals 2^-24 .. 32 * 2^-24
        }
        MemorySegment data = java.lang.foreign.Arena.ofAuto().allocate(64);
        for (int i = 0; i < 32; i++) {
            data.set(Blocks.SHORT_LE, 2L * i, halves[i]);
        }
        float[] ones = new float[32];
        java.util.Arrays.fill(ones, 1f);
        WeightMatrix m = WeightMatrix.of("sub", GGMLType.F16, data, 1, 32);
        assertEquals(528 * 0x1p-24f, m.dotRow(0, ones, 0), 1e-12f);
        data.set(Blocks.SHORT_LE, 6, (short) 0xFC00); // -Inf
        assertEquals(Float.NEGATIVE_INFINITY, m.dotRow(0, ones, 0));
        data.set(Blocks.SHORT_LE, 8, (short) 0x7E00); // NaN
        assertTrue(Float.isNaN(m.dotRow(0, ones, 0)));
    }

    @Test
    void matvecMatchesScalarReferenceOnOddRowCountsAndSeveralThreadCounts() {
        for (int threads : new int[] {1, 2, 3, 4}) {
            Threads.resize(threads);
            for (GGMLType type : TYPES) {
                int rows = 101;
                int cols = 512;
                Case c = matrix(type, rows, cols, 11 + type.id());
                float[] x = TensorTestData.gaussian(cols + 3, 5);
                float[] out = new float[rows + 2];
                c.matrix.matvec(x, 3, out, 2, 0, rows);
                float[] outAll = new float[rows];
                float[] x0 = java.util.Arrays.copyOfRange(x, 3, 3 + cols);
                c.matrix.matvec(x0, outAll, 0);
                float[] range = new float[rows];
                c.matrix.matvec(x0, 0, range, 0, 33, 100);
                for (int r = 0; r < rows; r++) {
                    double ref = ScalarReference.dot(c.reference, r * cols, x, 3, cols);
                    double abs = ScalarReference.absDot(c.reference, r * cols, x, 3, cols);
                    String what = type + " threads " + threads + " row " + r;
                    assertDot(ref, abs, out[2 + r], what);
                    // not bit-exact: a kernel that runs before C2 has compiled it (interpreted Vector API) reduces its
                    // lanes in another order, which showed when other test classes ran first in the same JVM
                    assertEquals(out[2 + r], outAll[r], 1e-6 * abs, what + " (offsets change nothing)");
                    assertEquals(r >= 33 && r < 100 ? outAll[r] : 0f, range[r], 1e-6 * abs, what + " (row range)");
                }
            }
        }
    }

    @Test
    void matmulMatchesScalarReferenceForEveryBatchShape() {
        for (int threads : new int[] {1, 2, 3}) {
            Threads.resize(threads);
            for (GGMLType type : TYPES) {
                for (int cols : type.blockSize() == 1 ? new int[] {256, 100} : new int[] {256}) { // 100: vector tails
                    int rows = 67;
                    Case c = matrix(type, rows, cols, 21 + type.id());
                    for (int batch : new int[] {1, 2, 5, 8}) {
                        float[] x = TensorTestData.gaussian(batch * cols, batch);
                        float[] out = new float[batch * rows];
                        c.matrix.matmul(x, batch, out);
                        for (int b = 0; b < batch; b++) {
                            for (int r = 0; r < rows; r++) {
                                double ref = ScalarReference.dot(c.reference, r * cols, x, b * cols, cols);
                                double abs = ScalarReference.absDot(c.reference, r * cols, x, b * cols, cols);
                                assertDot(
                                        ref,
                                        abs,
                                        out[b * rows + r],
                                        type + " cols " + cols + " threads " + threads + " batch " + batch + " b " + b
                                                + " row " + r);
                            }
                        }
                    }
                }
            }
        }
    }

    @Test
    void dequantizeRowMatchesReference() {
        for (GGMLType type : TYPES) {
            Case c = matrix(type, 5, 512, 31);
            float[] row = new float[512];
            c.matrix.dequantizeRow(3, row, 0);
            for (int i = 0; i < 512; i++) {
                assertEquals(c.reference[3 * 512 + i], row[i], 1e-6 * Math.abs(row[i]), type + " element " + i);
            }
        }
    }

    /** The batched product's vectorized row decoders compute what the scalar Dequantizer computes, bit for bit. */
    @Test
    void batchedRowDecodeEqualsTheDequantizer() {
        for (GGMLType type : TYPES) {
            int rows = 3;
            int cols = 768;
            float[] w = TensorTestData.weights(rows * cols, 41 + type.id());
            w[5] = 0;
            w[cols + 7] = -w[cols + 7] * 30; // an outlier: full-range quants
            MemorySegment data = Quantizer.quantize(type, w);
            long rowBytes = type.byteSize(cols);
            float[] expected = new float[cols];
            float[] actual = new float[cols + 3];
            for (int r = 0; r < rows; r++) {
                Dequantizer.dequantize(type, data, (long) r * cols, expected, 0, cols);
                VectorDots.kernel(type).decode(type, data, r * rowBytes, actual, 3, cols);
                for (int i = 0; i < cols; i++) {
                    assertEquals(
                            Float.floatToIntBits(expected[i]),
                            Float.floatToIntBits(actual[3 + i]),
                            type + " row " + r + " element " + i + ": " + expected[i] + " vs " + actual[3 + i]);
                }
            }
        }
    }

    @Test
    void badShapesNameTheTensor() {
        MemorySegment data = Quantizer.quantize(GGMLType.Q8_0, new float[64]);
        IllegalArgumentException small = assertThrows(
                IllegalArgumentException.class, () -> WeightMatrix.of("output.weight", GGMLType.Q8_0, data, 3, 32));
        assertTrue(
                small.getMessage().contains("output.weight")
                        && small.getMessage().contains("102 bytes"),
                small.getMessage());
        IllegalArgumentException cols = assertThrows(
                IllegalArgumentException.class, () -> WeightMatrix.of("tok_embd", GGMLType.Q8_0, data, 1, 48));
        assertTrue(cols.getMessage().contains("tok_embd") && cols.getMessage().contains("48"), cols.getMessage());
        IllegalArgumentException type = assertThrows(
                IllegalArgumentException.class, () -> WeightMatrix.of("ffn_up", GGMLType.Q5_K, data, 1, 256));
        assertTrue(type.getMessage().contains("ffn_up") && type.getMessage().contains("Q5_K"), type.getMessage());
        WeightMatrix m = WeightMatrix.of("w", GGMLType.Q8_0, data, 2, 32);
        assertThrows(IndexOutOfBoundsException.class, () -> m.matvec(new float[31], new float[2], 0));
        assertThrows(IndexOutOfBoundsException.class, () -> m.matvec(new float[32], new float[1], 0));
    }

    /** The launcher's warm-up runs every path it compiles (the paired Q4_K/Q6_K groups too) without failing. */
    @Test
    void warmUpRunsEveryTypesKernels() {
        for (GGMLType type : TYPES) {
            for (boolean repackedOnly : new boolean[] {true, false}) {
                float checksum = WeightMatrix.warmUp(type, 4, repackedOnly);
                assertTrue(Float.isFinite(checksum), type + " warm-up checksum " + checksum);
            }
        }
    }
}
