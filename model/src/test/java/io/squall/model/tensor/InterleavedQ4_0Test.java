package io.squall.model.tensor;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Q4_0 repacked into 16-row interleaved groups ({@link InterleavedQ4_0}, {@link WeightMatrix#repacked}): matvec
 * against a double-precision reference on the same 8-bit quantized x (and the unrepacked integer path), matmul
 * against the reference on float x, for row counts that are and are not multiples of the group, row ranges that
 * cut groups, batches with and without a tail of four, and 1 to 3 threads.
 */
class InterleavedQ4_0Test {
    private static final int DEFAULT_THREADS = Threads.count();
    private static final int[] ROWS = {1, 15, 16, 17, 103};

    @AfterAll
    static void restoreThreads() {
        Threads.resize(DEFAULT_THREADS);
    }

    private static WeightMatrix q4_0(Arena arena, int rows, int cols, long seed, double[][] reference) {
        MemorySegment data = Quantizer.quantize(GGMLType.Q4_0, TensorTestData.weights(rows * cols, seed));
        reference[0] = ScalarReference.decode(GGMLType.Q4_0, data, (long) rows * cols);
        return WeightMatrix.of("blk.0.ffn_up", GGMLType.Q4_0, data, rows, cols)
                .withQuantizedActivations()
                .repacked(arena);
    }

    @Test
    void repackedMatvecMatchesTheReferenceOnQuantizedXForEveryRowCountAndRange() {
        try (Arena arena = Arena.ofShared()) {
            for (int threads : new int[] {1, 2, 3}) {
                Threads.resize(threads);
                for (int cols : new int[] {32, 256, 2048}) {
                    for (int rows : ROWS) {
                        double[][] ref = new double[1][];
                        WeightMatrix m = q4_0(arena, rows, cols, 31L * rows + cols, ref);
                        double[] wd = ref[0];
                        assertTrue(m.readsRepackedCopy(), "a repacked Q4_0 matrix with 8-bit x reads the copy");
                        WeightMatrix plain = WeightMatrix.of("p", GGMLType.Q4_0, quantized(m, rows, cols), rows, cols)
                                .withQuantizedActivations();
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
                            double exact = 0;
                            double abs = 0;
                            for (int i = 0; i < cols; i++) {
                                double xi = (double) q.scale[i / 32] * q.q[i];
                                exact += wd[r * cols + i] * xi;
                                abs += Math.abs(wd[r * cols + i] * xi);
                            }
                            assertEquals(exact, out[1 + r], 3e-6 * abs + 1e-6, what + " (against the quantized x)");
                            // the unrepacked kernel subtracts 8 sum(x) per block in float, after the sum: it cancels
                            assertEquals(
                                    unrepacked[r], out[1 + r], 3e-5 * abs + 1e-6, what + " (unrepacked path) " + abs);
                            assertEquals(
                                    r >= from && r < to ? out[1 + r] : -7f,
                                    range[r],
                                    1e-6 * abs,
                                    what + " (range " + from + ".." + to + ")");
                        }
                    }
                }
            }
        }
    }

    /** The file's bytes of a matrix (repacked matrices keep them for dotRow and dequantizeRow). */
    private static MemorySegment quantized(WeightMatrix m, int rows, int cols) {
        float[] row = new float[cols];
        float[] all = new float[rows * cols];
        for (int r = 0; r < rows; r++) {
            m.dequantizeRow(r, row, 0);
            System.arraycopy(row, 0, all, r * cols, cols);
        }
        return Quantizer.quantize(GGMLType.Q4_0, all); // Q4_0 of Q4_0-decoded values gives the same blocks back
    }

    /**
     * The batched product on the copy quantizes each vector of x as matvec does ({@link QuantizedVector}) and
     * multiplies in integers (InterleavedQ4_0Batch): against the double-precision reference on that quantized x, for
     * batches with and without tails of the four-vector tiles, columns decoded in chunks and a tail chunk.
     */
    @Test
    void repackedMatmulMatchesTheReferenceOnQuantizedXForEveryBatch() {
        try (Arena arena = Arena.ofShared()) {
            for (int threads : new int[] {1, 2, 3}) {
                Threads.resize(threads);
                for (int rows : new int[] {17, 103, 16, 64}) {
                    // 800 and 544: decoded in chunks of 16 blocks and a tail of 9 or 1; 32: a single block
                    int cols = rows == 17 ? 800 : rows == 64 ? 32 : rows == 103 ? 544 : 256;
                    double[][] ref = new double[1][];
                    WeightMatrix m = q4_0(arena, rows, cols, 5L * rows, ref);
                    // 41 x 800: x quantized over the threads (from 2^15 elements)
                    for (int batch : new int[] {2, 3, 4, 5, 9, 33, 41}) {
                        float[] x = TensorTestData.gaussian(batch * cols, batch + threads);
                        for (int i = 0; i < x.length; i += 89) {
                            x[i] *= 20; // outliers, as real activations have
                        }
                        float[] out = new float[batch * rows];
                        m.matmul(x, batch, out);
                        QuantizedVector q = new QuantizedVector();
                        for (int b = 0; b < batch; b++) {
                            q.quantize(x, b * cols, cols);
                            for (int r = 0; r < rows; r++) {
                                double exact = 0;
                                double abs = 0;
                                for (int i = 0; i < cols; i++) {
                                    double xi = (double) q.scale[i / 32] * q.q[i];
                                    exact += ref[0][r * cols + i] * xi;
                                    abs += Math.abs(ref[0][r * cols + i] * xi);
                                }
                                assertEquals(
                                        exact,
                                        out[b * rows + r],
                                        3e-6 * abs + 1e-6,
                                        "rows " + rows + " threads " + threads + " batch " + batch + " b " + b + " row "
                                                + r);
                            }
                        }
                    }
                }
            }
        }
    }

    /** The float-x path on the copy (-Dsquall.matmul.int8=false) is not reachable here; float x reads the file. */
    @Test
    void floatActivationMatmulOfARepackedMatrixMatchesTheReferenceOnFloatX() {
        try (Arena arena = Arena.ofShared()) {
            int rows = 37;
            int cols = 288;
            double[][] ref = new double[1][];
            WeightMatrix m = q4_0(arena, rows, cols, 11, ref).withFloatActivations();
            int batch = 6;
            float[] x = TensorTestData.gaussian(batch * cols, 12);
            float[] out = new float[batch * rows];
            m.matmul(x, batch, out);
            for (int b = 0; b < batch; b++) {
                for (int r = 0; r < rows; r++) {
                    double exact = ScalarReference.dot(ref[0], r * cols, x, b * cols, cols);
                    double abs = ScalarReference.absDot(ref[0], r * cols, x, b * cols, cols);
                    assertEquals(exact, out[b * rows + r], 2e-6 * abs + 1e-6, "b " + b + " row " + r);
                }
            }
        }
    }

    /** Quants 15 times x = +-127 over whole half blocks: the 16-bit lane sums reach +-16 * 15 * 127 without wrapping. */
    @Test
    void extremeQuantsAndActivationsDoNotOverflowTheSixteenBitLanes() {
        int rows = 20;
        int cols = 512;
        float[] x = new float[cols];
        float[] w = new float[rows * cols];
        for (int i = 0; i < cols; i++) { // high halves all +1 (even blocks) or all -1 (odd): 16 equal products
            x[i] = i % 32 >= 16 ? (i / 32 % 2 == 0 ? 1f : -1f) : (i % 3 == 0 ? -1f : 1f);
        }
        for (int r = 0; r < rows; r++) {
            for (int i = 0; i < cols; i++) { // the block's max is -8 d (quant 0); the others 7 d (quant 15) or -8 d
                boolean aligned = r % 2 == 0;
                w[r * cols + i] = i % 32 == 0 ? -8f : (aligned == x[i] > 0 ? 7f : -8f);
            }
        }
        MemorySegment data = Quantizer.quantize(GGMLType.Q4_0, w);
        double[] wd = ScalarReference.decode(GGMLType.Q4_0, data, (long) rows * cols);
        try (Arena arena = Arena.ofShared()) {
            WeightMatrix m = WeightMatrix.of("w", GGMLType.Q4_0, data, rows, cols)
                    .withQuantizedActivations()
                    .repacked(arena);
            float[] out = new float[rows];
            m.matvec(x, out, 0);
            QuantizedVector q = new QuantizedVector();
            q.quantize(x, 0, cols);
            for (int r = 0; r < rows; r++) {
                double exact = 0;
                double abs = 0;
                for (int i = 0; i < cols; i++) {
                    double xi = (double) q.scale[i / 32] * q.q[i];
                    exact += wd[r * cols + i] * xi;
                    abs += Math.abs(wd[r * cols + i] * xi);
                }
                assertEquals(exact, out[r], 3e-6 * abs + 1e-6, "row " + r);
            }
            // the batched product takes (q - 8) x: +-8 * 127 over the 16 columns of a lane, 32512 per pair sum
            int batch = 6;
            float[] xs = new float[batch * cols];
            for (int b = 0; b < batch; b++) {
                for (int i = 0; i < cols; i++) {
                    xs[b * cols + i] = b % 2 == 0 ? x[i] : -x[i];
                }
            }
            float[] outs = new float[batch * rows];
            m.matmul(xs, batch, outs);
            for (int b = 0; b < batch; b++) {
                for (int r = 0; r < rows; r++) {
                    float expected = b % 2 == 0 ? out[r] : -out[r];
                    assertEquals(expected, outs[b * rows + r], 1e-5 * Math.abs(expected), "b " + b + " row " + r);
                }
            }
        }
    }

    /**
     * The copy keeps the file's F16 scales and the kernels widen them by a shift and a multiply: subnormal, signed
     * zero, negative and the largest finite scales give the reference's results; an Inf or NaN scale, which that
     * widening does not keep, leaves the matrix unrepacked (its products then come from the file's layout). Also the
     * widest sum the 16-bit lanes carry: quants 0 against x = -127 over whole blocks, 32 * 8 * 127 = 32512.
     */
    @Test
    void f16ScalesAtTheirExtremesAndTheWidestBlockSumMatchTheReference() {
        int rows = 40;
        int cols = 256;
        float[] w = TensorTestData.weights(rows * cols, 5);
        for (int i = 0; i < cols; i++) {
            w[39 * cols + i] = -8f; // row 39: quant 0 (scale 1) everywhere
        }
        MemorySegment data = Quantizer.quantize(GGMLType.Q4_0, w);
        short[] scales = {0x0001, 0x03FF, 0x0400, 0x7BFF, (short) 0xFBFF, (short) 0x8001, 0x0000, (short) 0x8000};
        for (int r = 0; r < scales.length; r++) { // block r % 8 of row 4 r
            long at = (4L * r * (cols / 32) + r % 8) * Blocks.Q4_0_BYTES;
            data.set(java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED, at, scales[r]);
        }
        double[] wd = ScalarReference.decode(GGMLType.Q4_0, data, (long) rows * cols);
        float[] x = TensorTestData.gaussian(cols, 6);
        for (int i = 0; i < 64; i++) {
            x[i] = -1f; // blocks 0 and 1: every q is -127
        }
        try (Arena arena = Arena.ofShared()) {
            WeightMatrix m = WeightMatrix.of("w", GGMLType.Q4_0, data, rows, cols)
                    .withQuantizedActivations()
                    .repacked(arena);
            assertTrue(m.readsRepackedCopy(), "finite scales: repacked");
            float[] out = new float[rows];
            m.matvec(x, out, 0);
            QuantizedVector q = new QuantizedVector();
            q.quantize(x, 0, cols);
            assertEquals(-127, q.q[0]);
            for (int r = 0; r < rows; r++) {
                double exact = 0;
                double abs = 0;
                for (int i = 0; i < cols; i++) {
                    double xi = (double) q.scale[i / 32] * q.q[i];
                    exact += wd[r * cols + i] * xi;
                    abs += Math.abs(wd[r * cols + i] * xi);
                }
                assertEquals(exact, out[r], 3e-6 * abs + 1e-30, "row " + r);
            }
            float[] outs = new float[3 * rows];
            float[] xs = new float[3 * cols];
            for (int b = 0; b < 3; b++) {
                System.arraycopy(x, 0, xs, b * cols, cols);
            }
            m.matmul(xs, 3, outs);
            for (int r = 0; r < rows; r++) {
                assertEquals(out[r], outs[2 * rows + r], 1e-5 * Math.abs(out[r]) + 1e-30, "matmul row " + r);
            }

            for (short bad : new short[] {0x7C00, (short) 0xFC00, 0x7E00}) { // +Inf, -Inf, NaN
                MemorySegment copy = arena.allocate(data.byteSize());
                copy.copyFrom(data);
                copy.set(
                        java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED, 17L * (cols / 32) * Blocks.Q4_0_BYTES, bad);
                WeightMatrix quantized =
                        WeightMatrix.of("w", GGMLType.Q4_0, copy, rows, cols).withQuantizedActivations();
                WeightMatrix unrepacked = quantized.repacked(arena);
                assertSame(quantized, unrepacked, "a non-finite scale " + bad + " keeps the file's layout");
                unrepacked.matvec(x, out, 0);
                assertFalse(Float.isFinite(out[17]), "row 17 has the non-finite scale: " + out[17]);
                assertTrue(Float.isFinite(out[16]), "row 16 does not");
            }
        }
    }

    @Test
    void nonFiniteActivationsGiveNonFiniteResults() {
        try (Arena arena = Arena.ofShared()) {
            double[][] ref = new double[1][];
            WeightMatrix m = q4_0(arena, 18, 256, 9, ref);
            float[] x = TensorTestData.gaussian(256, 2);
            float[] out = new float[18];
            x[40] = Float.NaN;
            m.matvec(x, out, 0);
            for (float v : out) {
                assertTrue(Float.isNaN(v), "NaN in x: " + v);
            }
            float[] xs = new float[3 * 256];
            System.arraycopy(x, 0, xs, 256, 256); // the second of three vectors holds the NaN
            float[] outs = new float[3 * 18];
            m.matmul(xs, 3, outs);
            for (int r = 0; r < 18; r++) {
                assertEquals(0f, outs[r], "zero x, row " + r);
                assertTrue(Float.isNaN(outs[18 + r]), "NaN in the batch's x: " + outs[18 + r]);
                assertEquals(0f, outs[36 + r], "zero x after the NaN, row " + r);
            }
            x[40] = Float.POSITIVE_INFINITY;
            m.matvec(x, out, 0);
            for (float v : out) {
                assertFalse(Float.isFinite(v), "Inf in x: " + v);
            }
        }
    }

    @Test
    void q8_0AndQ5_KAreNotRepackedAndFloatActivationsKeepTheOriginalPath() {
        try (Arena arena = Arena.ofShared()) {
            for (GGMLType type : new GGMLType[] {GGMLType.Q8_0, GGMLType.Q5_K}) { // Q4_K, Q6_K: their own tests
                WeightMatrix m = WeightMatrix.of(
                                "w", type, Quantizer.quantize(type, TensorTestData.weights(4 * 256, 1)), 4, 256)
                        .withQuantizedActivations();
                assertSame(m, m.repacked(arena), type + " is not repacked");
            }
            double[][] ref = new double[1][];
            WeightMatrix m = q4_0(arena, 40, 256, 3, ref);
            assertSame(m, m.repacked(arena), "repacking twice copies once");
            WeightMatrix exact = m.withFloatActivations();
            assertFalse(exact.readsRepackedCopy(), "float x reads the original bytes");
            assertTrue(exact.withQuantizedActivations().readsRepackedCopy(), "the copy is kept for 8-bit x");
            float[] x = TensorTestData.gaussian(256, 4);
            float[] out = new float[40];
            exact.matvec(x, out, 0);
            for (int r = 0; r < 40; r++) {
                assertEquals(exact.dotRow(r, x, 0), out[r], 1e-6 * ScalarReference.absDot(ref[0], r * 256, x, 0, 256));
            }
        }
    }
}
