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
 * Q4_K repacked into 16-row interleaved groups ({@link InterleavedQ4_K}, {@link WeightMatrix#repacked}): matvec
 * against a double-precision reference on the same 8-bit quantized x (and against the unrepacked integer kernel),
 * matmul against the reference on float x, for row counts that are and are not multiples of the group, row ranges that
 * cut groups, several super-blocks and chunks, batches with tails, 1 to 3 threads, extreme quants and non-finite
 * scales.
 */
class InterleavedQ4_KTest extends InterleavedKQuantTest {
    @Override
    GGMLType type() {
        return GGMLType.Q4_K;
    }

    @Override
    int[] matvecColumns() {
        return new int[] {256, 768, 2048, 4096};
    }

    /** Q4_K blocks written byte by byte: d and dmin (F16 bits), every scale and min byte and quant byte {@code fill}. */
    private static MemorySegment blocks(int rows, int cols, short[] dBits, short dminBits, byte fill) {
        int supers = cols / 256;
        MemorySegment data = Arena.ofAuto().allocate((long) rows * supers * Blocks.Q4_K_BYTES);
        for (int r = 0; r < rows; r++) {
            for (int s = 0; s < supers; s++) {
                long o = (long) (r * supers + s) * Blocks.Q4_K_BYTES;
                data.asSlice(o, Blocks.Q4_K_BYTES).fill(fill);
                data.set(Blocks.SHORT_LE, o, dBits[r]);
                data.set(Blocks.SHORT_LE, o + 2, dminBits);
            }
        }
        return data;
    }

    /**
     * Quants 15, scales and mins 63 (all bytes 0xFF), x = +-127 over whole sub-blocks: the 16-bit lane sums reach
     * 16 * 15 * 127 and the joined sub-block sums 32 * 15 * 127 (times 63 in the ints) without wrapping, in matvec and
     * in the batched product (7 vectors: each tile kernel).
     */
    @Test
    void extremeQuantsAndActivationsDoNotOverflowTheLanes() {
        int rows = 52; // three whole groups and a padded one
        int cols = 4096;
        short[] d = new short[rows];
        Arrays.fill(d, Float.floatToFloat16(0.01f));
        MemorySegment data = blocks(rows, cols, d, Float.floatToFloat16(0.02f), (byte) 0xFF);
        double[] wd = ScalarReference.decode(GGMLType.Q4_K, data, (long) rows * cols);
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
                assertEquals(ref[0], out[r], 3e-6 * ref[1] + 1e-6, "row " + r);
            }
            // the batched product: its lane halves reach 30480, their pair sums 60960 (beyond 16 bits)
            assertBatchOnExtremes(m, wd, x, 7, "quants 15");
        }
    }

    /**
     * The copy's nibble order (8 consecutive columns of a sub-block per 32-bit lane, reordered from the file's at
     * repack) against x's coefficients in that order: a single nonzero x column at a time selects one quant of every
     * row, which must come out as d sc q - dmin m times that x, for columns in each nibble position, unit and
     * sub-block. The kernel refuses coefficients not prepared for Q4_K.
     */
    @Test
    void eachColumnOfTheCopyMeetsItsCoefficient() {
        int rows = 2 * InterleavedQ4_K.ROWS;
        int cols = 512;
        MemorySegment data = Quantizer.quantize(GGMLType.Q4_K, TensorTestData.weights(rows * cols, 77));
        double[] wd = ScalarReference.decode(GGMLType.Q4_K, data, (long) rows * cols);
        try (Arena arena = Arena.ofShared()) {
            MemorySegment copy = arena.allocate(InterleavedQ4_K.byteSize(rows, cols));
            InterleavedQ4_K.repack(data, rows, cols, copy, 0, InterleavedQ4_K.groups(rows));
            QuantizedVector q = new QuantizedVector();
            float[] x = new float[cols];
            float[] out = new float[InterleavedQ4_K.ROWS];
            for (int c = 0; c < cols; c += 13) {
                Arrays.fill(x, 0f);
                x[c] = c % 2 == 0 ? 1f : -1f;
                q.quantize(x, 0, cols);
                q.prepareNibbles(GGMLType.Q4_0, cols); // another type's order: refused
                assertThrows(
                        IllegalStateException.class,
                        () -> InterleavedQ4_K.dot16(copy, 0, q, cols, out, 0),
                        "coefficients in Q4_0's order");
                q.prepareNibbles(GGMLType.Q4_K, cols);
                for (int g = 0; g < 2; g++) {
                    InterleavedQ4_K.dot16(copy, g * InterleavedQ4_K.groupBytes(cols), q, cols, out, 0);
                    for (int r = 0; r < InterleavedQ4_K.ROWS; r++) {
                        int row = g * InterleavedQ4_K.ROWS + r;
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
        MemorySegment data = blocks(rows, cols, d, Float.floatToFloat16(0.001f), (byte) 0x37);
        double[] wd = ScalarReference.decode(GGMLType.Q4_K, data, (long) rows * cols);
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
            MemorySegment data = Quantizer.quantize(GGMLType.Q4_K, TensorTestData.weights(rows * 256, 3));
            double[] wd = ScalarReference.decode(GGMLType.Q4_K, data, (long) rows * 256);
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
