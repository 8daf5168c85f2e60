package io.squall.model.tensor;

import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Q6_K repacked into 16-row interleaved groups ({@link InterleavedQ6_K}, {@link WeightMatrix#repacked}): matvec
 * against a double-precision reference on the same 8-bit quantized x (and against the unrepacked integer kernel),
 * matmul against the reference on float x, for row counts that are and are not multiples of the group, row ranges that
 * cut groups, several super-blocks and chunks, batches with tails, 1 to 3 threads, extreme quants and non-finite
 * scales.
 */
class InterleavedQ6_KTest extends InterleavedKQuantTest {
    @Override
    GGMLType type() {
        return GGMLType.Q6_K;
    }

    @Override
    int[] matvecColumns() {
        return new int[] {256, 768, 2048};
    }

    /**
     * Q6_K blocks written byte by byte: every ql, qh and scale byte {@code fill} (quants 63 for 0xFF: q - 32 = 31), then
     * d (F16 bits) of row r from {@code dBits}.
     */
    private static MemorySegment blocks(int rows, int cols, short[] dBits, byte fill, byte scale) {
        int supers = cols / 256;
        MemorySegment data = Arena.ofAuto().allocate((long) rows * supers * Blocks.Q6_K_BYTES);
        for (int r = 0; r < rows; r++) {
            for (int s = 0; s < supers; s++) {
                long o = (long) (r * supers + s) * Blocks.Q6_K_BYTES;
                data.asSlice(o, 192).fill(fill);
                data.asSlice(o + 192, 16).fill(scale);
                data.set(Blocks.SHORT_LE, o + 208, dBits[r]);
            }
        }
        return data;
    }

    /**
     * Quants 0 (q - 32 = -32; all bytes 0) and scales -128, x = +-127 over whole sub-blocks: the 16-bit lane sums reach
     * 8 * 32 * 127 and the ints 16 * 32 * 127 * 128 per super-block without wrapping, in matvec and in the batched
     * product (7 vectors: each tile kernel).
     */
    @Test
    void extremeQuantsAndActivationsDoNotOverflowTheLanes() {
        int rows = 52; // three whole groups and a padded one
        int cols = 512;
        short[] d = new short[rows];
        Arrays.fill(d, Float.floatToFloat16(0.01f));
        for (byte fill : new byte[] {0, (byte) 0xFF}) {
            MemorySegment data = blocks(rows, cols, d, fill, (byte) -128);
            double[] wd = ScalarReference.decode(GGMLType.Q6_K, data, (long) rows * cols);
            float[] x = new float[cols];
            for (int i = 0; i < cols; i++) {
                x[i] = i / 32 % 3 == 1 ? -1f : 1f;
            }
            try (Arena arena = Arena.ofShared()) {
                WeightMatrix m = repacked(arena, data, rows, cols);
                float[] out = new float[rows];
                m.matvec(x, out, 0);
                QuantizedVector q = new QuantizedVector();
                q.quantize(x, 0, cols);
                assertEquals(127, Math.abs(q.q[5]), "x quantizes to +-127");
                for (int r = 0; r < rows; r++) {
                    double[] ref = referenceOnQuantizedX(wd, r, q, cols);
                    assertEquals(ref[0], out[r], 3e-6 * ref[1] + 1e-6, "fill " + fill + " row " + r);
                }
                // the batched product: lane halves of 8 * 32 * 127, pair sums beyond 16 bits
                assertBatchOnExtremes(m, wd, x, 7, "fill " + fill);
            }
        }
    }

    /**
     * The copy's byte order (4 consecutive columns of a row per 32-bit lane) against x's base-256 coefficients: a
     * single nonzero x column at a time selects one quant of every row, which must come out as d sc (q - 32) times
     * that x, for columns in each byte position, unit and sub-block (the 8-column offsets included). The kernel
     * refuses coefficients prepared for another type.
     */
    @Test
    void eachColumnOfTheCopyMeetsItsCoefficient() {
        int rows = 2 * InterleavedQ6_K.ROWS;
        int cols = 512;
        MemorySegment data = Quantizer.quantize(GGMLType.Q6_K, TensorTestData.weights(rows * cols, 78));
        double[] wd = ScalarReference.decode(GGMLType.Q6_K, data, (long) rows * cols);
        try (Arena arena = Arena.ofShared()) {
            MemorySegment copy = arena.allocate(InterleavedQ6_K.byteSize(rows, cols));
            InterleavedQ6_K.repack(data, rows, cols, copy, 0, InterleavedQ4_0.groups(rows));
            QuantizedVector q = new QuantizedVector();
            float[] x = new float[cols];
            float[] out = new float[InterleavedQ6_K.ROWS];
            for (int c = 0; c < cols; c += 11) {
                Arrays.fill(x, 0f);
                x[c] = c % 2 == 0 ? 1f : -1f;
                q.quantize(x, 0, cols);
                q.prepareNibbles(GGMLType.Q4_K, cols);
                assertThrows(
                        IllegalStateException.class,
                        () -> InterleavedQ6_K.dot16(copy, 0, q, cols, out, 0),
                        "coefficients in Q4_K's order");
                q.prepareQ6_K(cols);
                for (int g = 0; g < 2; g++) {
                    InterleavedQ6_K.dot16(copy, g * InterleavedQ6_K.groupBytes(cols), q, cols, out, 0);
                    for (int r = 0; r < InterleavedQ6_K.ROWS; r++) {
                        int row = g * InterleavedQ6_K.ROWS + r;
                        double expected = wd[row * cols + c] * q.scale[c / 32] * q.q[c];
                        assertEquals(expected, out[r], 1e-6 * Math.abs(expected) + 1e-9, "column " + c + " row " + row);
                    }
                }
            }
        }
    }

    @Test
    void nonFiniteScalesAndActivationsGiveNonFiniteResults() {
        int rows = 18;
        int cols = 256;
        short[] d = new short[rows];
        Arrays.fill(d, Float.floatToFloat16(0.01f));
        d[3] = Float.floatToFloat16(Float.POSITIVE_INFINITY);
        d[17] = Float.floatToFloat16(Float.NaN);
        MemorySegment data = blocks(rows, cols, d, (byte) 0x37, (byte) 5);
        double[] wd = ScalarReference.decode(GGMLType.Q6_K, data, (long) rows * cols);
        try (Arena arena = Arena.ofShared()) {
            WeightMatrix m = repacked(arena, data, rows, cols);
            float[] x = TensorTestData.gaussian(cols, 2);
            float[] out = new float[rows];
            m.matvec(x, out, 0);
            QuantizedVector q = new QuantizedVector();
            q.quantize(x, 0, cols);
            for (int r = 0; r < rows; r++) {
                if (r == 3 || r == 17) {
                    assertFalse(Float.isFinite(out[r]), "row " + r + " has a non-finite scale: " + out[r]);
                } else {
                    double[] ref = referenceOnQuantizedX(wd, r, q, cols);
                    assertEquals(ref[0], out[r], 3e-6 * ref[1] + 1e-6, "row " + r);
                }
            }
            float[] batchOut = new float[3 * rows];
            m.matmul(TensorTestData.gaussian(3 * cols, 3), 3, batchOut);
            for (int b = 0; b < 3; b++) {
                assertFalse(Float.isFinite(batchOut[b * rows + 3]), "matmul, row 3, vector " + b);
                assertTrue(Float.isFinite(batchOut[b * rows + 4]), "matmul, row 4, vector " + b);
            }
            x[40] = Float.NaN;
            m.matvec(x, out, 0);
            for (float v : out) {
                assertTrue(Float.isNaN(v), "NaN in x: " + v);
            }
            x[40] = Float.POSITIVE_INFINITY;
            m.matvec(x, out, 0);
            for (float v : out) {
                assertFalse(Float.isFinite(v), "Inf in x: " + v);
            }
        }
    }

    @Test
    void repackedOnceAndFloatActivationsKeepTheOriginalBytes() {
        try (Arena arena = Arena.ofShared()) {
            int rows = 40;
            MemorySegment data = Quantizer.quantize(GGMLType.Q6_K, TensorTestData.weights(rows * 256, 3));
            double[] wd = ScalarReference.decode(GGMLType.Q6_K, data, (long) rows * 256);
            WeightMatrix m = repacked(arena, data, rows, 256);
            assertSame(m, m.repacked(arena), "repacking twice copies once");
            WeightMatrix exact = m.withFloatActivations();
            assertFalse(exact.readsRepackedCopy(), "float x reads the original bytes");
            assertTrue(exact.withQuantizedActivations().readsRepackedCopy(), "the copy is kept for 8-bit x");
            float[] x = TensorTestData.gaussian(256, 4);
            float[] out = new float[rows];
            exact.matvec(x, out, 0);
            for (int r = 0; r < rows; r++) {
                assertEquals(exact.dotRow(r, x, 0), out[r], 1e-6 * ScalarReference.absDot(wd, r * 256, x, 0, 256));
                assertEquals(
                        ScalarReference.dot(wd, r * 256, x, 0, 256),
                        out[r],
                        2e-6 * ScalarReference.absDot(wd, r * 256, x, 0, 256) + 1e-6);
            }
        }
    }
}
