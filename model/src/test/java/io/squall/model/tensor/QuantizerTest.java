package io.squall.model.tensor;

import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Quantize -> dequantize round trips: per-element error bounded by the block's own step, and overall error small. */
class QuantizerTest {
    private static final int N = 4096;

    private static double[] roundTrip(GGMLType type, float[] values) {
        MemorySegment q = Quantizer.quantize(type, values);
        assertEquals(type.byteSize(values.length), q.byteSize());
        double[] ref = ScalarReference.decode(type, q, values.length);
        float[] fast = new float[values.length];
        Dequantizer.dequantize(type, q, 0, fast, 0, values.length);
        for (int i = 0; i < values.length; i++) {
            assertEquals(ref[i], fast[i], 1e-6 * Math.abs(ref[i]) + 1e-30, type + " decoders disagree at " + i);
        }
        return ref;
    }

    private static double relativeRms(float[] x, double[] y) {
        double err = 0;
        double norm = 0;
        for (int i = 0; i < x.length; i++) {
            err += (x[i] - y[i]) * (x[i] - y[i]);
            norm += (double) x[i] * x[i];
        }
        return Math.sqrt(err / norm);
    }

    /** On Gaussian data (no outlier blocks) the overall error is what the bit width promises. */
    private static void assertRmsBelow(GGMLType type, double bound) {
        float[] g = TensorTestData.gaussian(N, 17);
        double rms = relativeRms(g, roundTrip(type, g));
        assertTrue(rms < bound, type + " relative RMS error " + rms + " >= " + bound);
    }

    private static byte[] raw(GGMLType type, float[] values) {
        return Quantizer.quantize(type, values).toArray(ValueLayout.JAVA_BYTE);
    }

    private static int u16(byte[] b, int i) {
        return (b[i] & 0xFF) | (b[i + 1] & 0xFF) << 8;
    }

    @Test
    void q8_0ErrorWithinHalfAStep() {
        float[] x = TensorTestData.weights(N, 1);
        double[] y = roundTrip(GGMLType.Q8_0, x);
        byte[] b = raw(GGMLType.Q8_0, x);
        for (int i = 0; i < N; i++) {
            double d = ScalarReference.halfToDouble(u16(b, (i / 32) * 34));
            assertTrue(
                    Math.abs(x[i] - y[i]) <= d / 2 * (1 + 1e-6) + 1e-12,
                    "element " + i + ": " + x[i] + " -> " + y[i] + ", step " + d);
        }
        assertRmsBelow(GGMLType.Q8_0, 0.01);
    }

    @Test
    void q4_0ErrorWithinOneStepAndLargestMagnitudeExact() {
        float[] x = TensorTestData.weights(N, 2);
        double[] y = roundTrip(GGMLType.Q4_0, x);
        byte[] b = raw(GGMLType.Q4_0, x);
        for (int blk = 0; blk < N / 32; blk++) {
            double d = Math.abs(ScalarReference.halfToDouble(u16(b, blk * 18)));
            int argmax = blk * 32;
            for (int j = 0; j < 32; j++) {
                int i = blk * 32 + j;
                assertTrue(
                        Math.abs(x[i] - y[i]) <= d * (1 + 1e-6) + 1e-12,
                        "element " + i + ": " + x[i] + " -> " + y[i] + ", step " + d);
                if (Math.abs(x[i]) > Math.abs(x[argmax])) {
                    argmax = i;
                }
            }
            // As llama.cpp: the largest magnitude is -8 * d, so it decodes to itself up to half rounding of d.
            assertEquals(x[argmax], y[argmax], Math.abs(x[argmax]) * 1e-3 + 1e-12, "block " + blk);
        }
        assertRmsBelow(GGMLType.Q4_0, 0.12);
    }

    @Test
    void q4_KErrorWithinHalfTheSubBlockStep() {
        float[] x = TensorTestData.weights(N, 3);
        double[] y = roundTrip(GGMLType.Q4_K, x);
        byte[] b = raw(GGMLType.Q4_K, x);
        for (int i = 0; i < N; i++) {
            int o = (i / 256) * 144;
            double d = ScalarReference.halfToDouble(u16(b, o));
            int[] sm = ScalarReference.q4kScaleMin(b, o + 4, (i % 256) / 32);
            double step = d * sm[0];
            assertTrue(
                    Math.abs(x[i] - y[i]) <= step / 2 * (1 + 1e-5) + 1e-6 * Math.abs(x[i]) + 1e-12,
                    "element " + i + ": " + x[i] + " -> " + y[i] + ", step " + step);
        }
        assertRmsBelow(GGMLType.Q4_K, 0.12);
    }

    @Test
    void q6_KErrorWithinHalfTheSubBlockStep() {
        float[] x = TensorTestData.weights(N, 4);
        double[] y = roundTrip(GGMLType.Q6_K, x);
        byte[] b = raw(GGMLType.Q6_K, x);
        for (int i = 0; i < N; i++) {
            int o = (i / 256) * 210;
            double step = ScalarReference.halfToDouble(u16(b, o + 208)) * b[o + 192 + (i % 256) / 16];
            assertTrue(
                    Math.abs(x[i] - y[i]) <= step / 2 * (1 + 1e-5) + 1e-6 * Math.abs(x[i]) + 1e-12,
                    "element " + i + ": " + x[i] + " -> " + y[i] + ", step " + step);
        }
        assertRmsBelow(GGMLType.Q6_K, 0.03);
    }

    @Test
    void floatTypesRoundToNearest() {
        float[] x = TensorTestData.weights(N, 5);
        double[] f32 = roundTrip(GGMLType.F32, x);
        double[] f16 = roundTrip(GGMLType.F16, x);
        double[] bf16 = roundTrip(GGMLType.BF16, x);
        for (int i = 0; i < N; i++) {
            assertEquals(x[i], f32[i], 0.0);
            assertEquals(Float.float16ToFloat(Float.floatToFloat16(x[i])), f16[i], 0.0, "F16 element " + i);
            assertTrue(
                    Math.abs(x[i] - bf16[i]) <= Math.abs(x[i]) * 0x1p-8 * (1 + 1e-6),
                    "BF16 element " + i + ": " + x[i] + " -> " + bf16[i]);
        }
        // Ties go to even in BF16: 1 + 2^-8 lies halfway between 1 and 1 + 2^-7.
        assertEquals(1f, roundTrip(GGMLType.BF16, new float[] {1f + 0x1p-8f})[0]);
        assertEquals(1f + 0x1p-6f, roundTrip(GGMLType.BF16, new float[] {1f + 0x1p-7f + 0x1p-8f})[0]);
    }

    @Test
    void zeroBlocksStayZero() {
        for (GGMLType type : new GGMLType[] {GGMLType.Q8_0, GGMLType.Q4_0, GGMLType.Q4_K, GGMLType.Q6_K}) {
            for (double v : roundTrip(type, new float[256])) {
                assertEquals(0.0, v, 0.0, type.toString());
            }
        }
    }

    @Test
    void badInputIsRejectedWithTheReason() {
        IllegalArgumentException notBlocks =
                assertThrows(IllegalArgumentException.class, () -> Quantizer.quantize(GGMLType.Q4_K, new float[300]));
        assertTrue(notBlocks.getMessage().contains("256"), notBlocks.getMessage());
        float[] withNaN = new float[64];
        withNaN[40] = Float.NaN;
        IllegalArgumentException nan =
                assertThrows(IllegalArgumentException.class, () -> Quantizer.quantize(GGMLType.Q8_0, withNaN));
        assertTrue(nan.getMessage().contains("index 40"), nan.getMessage());
        float[] huge = new float[32];
        huge[3] = 1e30f;
        IllegalArgumentException big =
                assertThrows(IllegalArgumentException.class, () -> Quantizer.quantize(GGMLType.Q8_0, huge));
        assertTrue(big.getMessage().contains("index 0"), big.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Quantizer.quantize(GGMLType.Q8_K, new float[256]));
    }
}
