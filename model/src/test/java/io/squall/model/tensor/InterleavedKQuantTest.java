package io.squall.model.tensor;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What every repacked K-quant ({@link InterleavedQ4_K}, {@link InterleavedQ6_K}) must do: matvec against a
 * double-precision reference on the same 8-bit quantized x (and against the unrepacked integer kernel), matmul against
 * the reference on float x, for row counts that are and are not multiples of the group, row ranges that cut groups,
 * several super-blocks, batches with tails and 1 to 3 threads. The subclasses add their type's extreme and non-finite
 * blocks.
 */
abstract class InterleavedKQuantTest {
    /** The repacked type under test. */
    abstract GGMLType type();

    /** Row lengths of the matvec check (Q4_K from 4096: two groups at a time). */
    abstract int[] matvecColumns();

    private static final int DEFAULT_THREADS = Threads.count();

    @AfterAll
    static void restoreThreads() {
        Threads.resize(DEFAULT_THREADS);
    }

    WeightMatrix repacked(Arena arena, MemorySegment data, int rows, int cols) {
        return WeightMatrix.of("blk.0.ffn_up", type(), data, rows, cols)
                .withQuantizedActivations()
                .repacked(arena);
    }

    /** sum_i w_i q.scale q_i in double, and the sum of the absolute terms (for the tolerance). */
    static double[] referenceOnQuantizedX(double[] w, int row, QuantizedVector q, int cols) {
        double exact = 0;
        double abs = 0;
        for (int i = 0; i < cols; i++) {
            double xi = (double) q.scale[i / 32] * q.q[i];
            exact += w[row * cols + i] * xi;
            abs += Math.abs(w[row * cols + i] * xi);
        }
        return new double[] {exact, abs};
    }

    @Test
    void repackedMatvecMatchesTheReferenceOnQuantizedXForEveryRowCountAndRange() {
        try (Arena arena = Arena.ofShared()) {
            for (int threads : new int[] {1, 2, 3}) {
                Threads.resize(threads);
                for (int cols : matvecColumns()) {
                    for (int rows :
                            new int[] {1, 15, 16, 17, 48, 103, 160}) { // 48, 160: odd and even runs of group pairs
                        MemorySegment data =
                                Quantizer.quantize(type(), TensorTestData.weights(rows * cols, 31L * rows + cols));
                        double[] wd = ScalarReference.decode(type(), data, (long) rows * cols);
                        WeightMatrix m = repacked(arena, data, rows, cols);
                        assertTrue(
                                m.readsRepackedCopy(), "a repacked " + type() + " matrix with 8-bit x reads the copy");
                        WeightMatrix plain =
                                WeightMatrix.of("p", type(), data, rows, cols).withQuantizedActivations();
                        float[] x = TensorTestData.gaussian(cols + 3, cols + rows + threads);
                        for (int i = 0; i < cols; i += 97) {
                            x[3 + i] *= 20; // outliers, as real activations have
                        }
                        float[] out = new float[rows + 2];
                        m.matvec(x, 3, out, 1, 0, rows);
                        float[] unrepacked = new float[rows];
                        plain.matvec(x, 3, unrepacked, 0, 0, rows);
                        QuantizedVector q = new QuantizedVector();
                        q.quantize(x, 3, cols);
                        int from = rows / 3; // cuts the first group unless rows < 3
                        int to = rows - rows / 5;
                        float[] range = new float[rows];
                        Arrays.fill(range, -7f);
                        m.matvec(Arrays.copyOfRange(x, 3, 3 + cols), 0, range, 0, from, to);
                        assertEquals(0f, out[0], "nothing written before the output offset");
                        assertEquals(0f, out[rows + 1], "nothing written after the rows");
                        for (int r = 0; r < rows; r++) {
                            String what = "rows " + rows + " cols " + cols + " threads " + threads + " row " + r;
                            double[] ref = referenceOnQuantizedX(wd, r, q, cols);
                            assertEquals(ref[0], out[1 + r], 3e-6 * ref[1] + 1e-6, what + " (against the quantized x)");
                            assertEquals(unrepacked[r], out[1 + r], 3e-5 * ref[1] + 1e-6, what + " (unrepacked path)");
                            assertEquals(
                                    r >= from && r < to ? out[1 + r] : -7f,
                                    range[r],
                                    1e-6 * ref[1],
                                    what + " (range " + from + ".." + to + ")");
                        }
                    }
                }
            }
        }
    }

    /**
     * The batched product on the copy quantizes each vector of x as matvec does and multiplies in integers
     * (InterleavedQ4_KBatch, InterleavedQ6_KBatch): against the double-precision reference on that quantized x, for
     * batches of 1 to 33 (tails of the four- and two-vector tiles), groups cut by the matrix's end, columns decoded in
     * chunks of two super-blocks and a tail chunk of one, and 1 to 3 threads sharing out the groups.
     */
    @Test
    void repackedMatmulMatchesTheReferenceOnQuantizedXForEveryBatch() {
        try (Arena arena = Arena.ofShared()) {
            for (int threads : new int[] {1, 2, 3}) {
                Threads.resize(threads);
                for (int rows : new int[] {17, 103, 16, 64}) {
                    // 1280: two whole chunks and a tail of one super-block; 768: one and a tail; 256: one super-block
                    int cols = rows == 17 ? 1280 : rows == 64 ? 768 : rows == 103 ? 512 : 256;
                    MemorySegment data = Quantizer.quantize(type(), TensorTestData.weights(rows * cols, 5L * rows));
                    double[] wd = ScalarReference.decode(type(), data, (long) rows * cols);
                    WeightMatrix m = repacked(arena, data, rows, cols);
                    for (int batch : new int[] {1, 2, 3, 4, 5, 6, 7, 9, 13, 33}) {
                        float[] x = TensorTestData.gaussian(batch * cols, batch + threads + rows);
                        for (int i = 0; i < x.length; i += 89) {
                            x[i] *= 20; // outliers, as real activations have
                        }
                        float[] out = new float[batch * rows];
                        m.matmul(x, batch, out);
                        QuantizedVector q = new QuantizedVector();
                        for (int b = 0; b < batch; b++) {
                            q.quantize(x, b * cols, cols);
                            for (int r = 0; r < rows; r++) {
                                double[] ref = referenceOnQuantizedX(wd, r, q, cols);
                                assertEquals(
                                        ref[0],
                                        out[b * rows + r],
                                        3e-6 * ref[1] + 1e-6,
                                        "rows " + rows + " cols " + cols + " threads " + threads + " batch " + batch
                                                + " b " + b + " row " + r);
                            }
                        }
                    }
                }
            }
        }
    }

    /**
     * Float x (withFloatActivations) reads the file's bytes, not the copy: against the reference on float x. (The float
     * outer products on the copy, -Dsquall.matmul.int8=false, are not reachable in this JVM.)
     */
    @Test
    void floatActivationMatmulOfARepackedMatrixMatchesTheReferenceOnFloatX() {
        try (Arena arena = Arena.ofShared()) {
            int rows = 37;
            int cols = 768;
            MemorySegment data = Quantizer.quantize(type(), TensorTestData.weights(rows * cols, 11));
            double[] wd = ScalarReference.decode(type(), data, (long) rows * cols);
            WeightMatrix m = repacked(arena, data, rows, cols).withFloatActivations();
            for (int batch : new int[] {2, 5, 9}) {
                float[] x = TensorTestData.gaussian(batch * cols, 12 + batch);
                float[] out = new float[batch * rows];
                m.matmul(x, batch, out);
                for (int b = 0; b < batch; b++) {
                    for (int r = 0; r < rows; r++) {
                        double exact = ScalarReference.dot(wd, r * cols, x, b * cols, cols);
                        double abs = ScalarReference.absDot(wd, r * cols, x, b * cols, cols);
                        assertEquals(
                                exact,
                                out[b * rows + r],
                                2e-6 * abs + 1e-6,
                                "batch " + batch + " b " + b + " row " + r);
                    }
                }
            }
        }
    }

    /**
     * The batched product of {@code m} with {@code batch} copies of x, every other one negated (x = +-127 in every lane
     * of a sub-block reaches the 16-bit lanes' extremes of both signs), against the reference on the quantized x.
     */
    static void assertBatchOnExtremes(WeightMatrix m, double[] wd, float[] x, int batch, String what) {
        int rows = m.rows();
        int cols = m.cols();
        float[] xs = new float[batch * cols];
        for (int b = 0; b < batch; b++) {
            for (int i = 0; i < cols; i++) {
                xs[b * cols + i] = b % 2 == 0 ? x[i] : -x[i];
            }
        }
        float[] out = new float[batch * rows];
        m.matmul(xs, batch, out);
        QuantizedVector q = new QuantizedVector();
        for (int b = 0; b < batch; b++) {
            q.quantize(xs, b * cols, cols);
            for (int r = 0; r < rows; r++) {
                double[] ref = referenceOnQuantizedX(wd, r, q, cols);
                assertEquals(ref[0], out[b * rows + r], 3e-6 * ref[1] + 1e-6, what + " matmul b " + b + " row " + r);
            }
        }
    }
}
