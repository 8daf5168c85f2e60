package io.squall.api;

import io.squall.api.math.TornadoMath;
import io.squall.api.types.BFloat16;
import io.squall.api.types.FP8;
import io.squall.api.types.HalfFloat;
import io.squall.api.types.arrays.BFloat16Array;
import io.squall.api.types.arrays.FloatArray;
import io.squall.api.types.collections.VectorInt;
import io.squall.api.types.matrix.Matrix2DFloat4;
import io.squall.api.types.matrix.Matrix2DInt;
import io.squall.api.types.matrix.Matrix3DFloat;
import io.squall.api.types.vectors.Float4;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Host-side semantics of the TornadoVM types and functions Squall mirrors, against independent references. */
class TornadoCompatTypesTest {

    @Test
    void halfFloatFromShortTakesTheRawBits() {
        assertEquals(1.0f, new HalfFloat((short) 0x3C00).getFloat32());
        assertEquals(-2.0f, new HalfFloat((short) 0xC000).getFloat32());
        assertEquals(65504.0f, new HalfFloat((short) 0x7BFF).getFloat32());
        assertEquals(15360.0f, new HalfFloat(15360.0f).getFloat32(), "the float constructor still converts");
    }

    @Test
    void tornadoMathIntegerOverloadsKeepJavaResults() {
        assertEquals(16_777_217L, TornadoMath.clamp(16_777_217L, 0L, 1L << 40), "no detour through float");
        assertEquals(Long.MAX_VALUE - 1, TornadoMath.clamp(Long.MAX_VALUE, 0L, Long.MAX_VALUE - 1));
        assertEquals((byte) -128, TornadoMath.abs((byte) -128));
        assertEquals((short) -32768, TornadoMath.abs((short) -32768));
        assertEquals((byte) 5, TornadoMath.clamp((byte) 9, (byte) -5, (byte) 5));
        assertEquals(0.25f, TornadoMath.fract(-1.75f));
        assertEquals(Math.asin(0.3), TornadoMath.asin(0.3));
        assertEquals((float) Math.toRadians(90f), TornadoMath.toRadians(90f));
    }

    @Test
    void bfloat16DecodesAsTheTopBitsOfAFloat() {
        for (int b = 0; b < 65536; b++) {
            float expected = Float.intBitsToFloat(b << 16);
            float got = BFloat16.bf16ToFloat((short) b);
            String at = Integer.toHexString(b);
            assertTrue(Float.isNaN(expected) ? Float.isNaN(got) : expected == got, at);
        }
    }

    @Test
    void bfloat16EncodesToTheNearestValueTiesAwayFromZero() {
        Random r = new Random(11);
        for (int i = 0; i < 20_000; i++) {
            float v = Float.intBitsToFloat(r.nextInt());
            if (Float.isNaN(v) || Float.isInfinite(v)) {
                continue;
            }
            short bits = BFloat16.bf16FromFloat(v);
            // independent reference: the two neighbours by truncation, compared in double
            int lower = (Float.floatToRawIntBits(Math.abs(v)) >>> 16);
            double lo = Float.intBitsToFloat(lower << 16),
                    hi = Math.abs((double) Float.intBitsToFloat((lower + 1) << 16));
            int expected = Math.abs(v) - lo < hi - Math.abs(v) ? lower : lower + 1;
            if (v == 0) {
                expected = 0;
            }
            int sign = v < 0 ? 0x8000 : 0;
            assertEquals((short) (Math.min(expected, 0x7F80) | (v == 0 ? 0 : sign)), bits, () -> Float.toString(v));
        }
        assertEquals((short) 0x0000, BFloat16.bf16FromFloat(-0.0f));
        assertEquals((short) 0x7FC0, BFloat16.bf16FromFloat(Float.NaN));
        assertEquals(Float.POSITIVE_INFINITY, BFloat16.bf16ToFloat(BFloat16.bf16FromFloat(3.3961775e38f)));
        assertEquals(BFloat16.BF16_MAX, BFloat16.bf16ToFloat(BFloat16.bf16FromFloat(3.39e38f)));
        BFloat16Array a = BFloat16Array.fromFloats(1.5f, -2.25f);
        assertEquals(-2.25f, a.getFloat(1));
        assertEquals((short) 0x3FC0, a.get(0));
    }

    /** FP8 encoding against a brute-force search for the nearest of the 256 codes (ties away from zero). */
    @Test
    void fp8EncodesToTheNearestCode() {
        Random r = new Random(12);
        for (int i = 0; i < 5000; i++) {
            float v = (float) ((r.nextDouble() - 0.5) * Math.pow(2, r.nextInt(40) - 20));
            assertEquals(nearest(v, true), FP8.e4m3FromFloat(v), () -> "e4m3 " + v);
            assertEquals(nearest(v, false), FP8.e5m2FromFloat(v), () -> "e5m2 " + v);
        }
        assertEquals((byte) 0x7E, FP8.e4m3FromFloat(1e9f), "E4M3 saturates at 448");
        assertEquals(448.0f, FP8.e4m3ToFloat((byte) 0x7E));
        assertTrue(Float.isNaN(FP8.e4m3ToFloat((byte) 0x7F)));
        assertEquals(Float.NEGATIVE_INFINITY, FP8.e5m2ToFloat(FP8.e5m2FromFloat(-70000f)));
        assertEquals(57344.0f, FP8.e5m2ToFloat((byte) 0x7B));
        assertEquals(Math.scalb(1f, -9), FP8.e4m3ToFloat((byte) 0x01), "smallest E4M3 subnormal");
    }

    private static byte nearest(float v, boolean e4m3) {
        if (!e4m3 && Math.abs(v) >= 61440f) { // E5M2 rounds to infinity half a step above its largest finite value
            return (byte) (0x7C | (v < 0 ? 0x80 : 0));
        }
        double best = Double.MAX_VALUE;
        int bestCode = 0;
        double target = Math.abs((double) v);
        for (int code = 0; code < 128; code++) {
            int exp = e4m3 ? code >> 3 : code >> 2, mant = e4m3 ? code & 7 : code & 3;
            int mantBits = e4m3 ? 3 : 2, bias = e4m3 ? 7 : 15;
            if (e4m3 ? (exp == 15 && mant == 7) : exp == 31) {
                continue;
            }
            double value = (exp == 0 ? mant / (double) (1 << mantBits) : 1 + mant / (double) (1 << mantBits))
                    * Math.pow(2, (exp == 0 ? 1 : exp) - bias);
            double d = Math.abs(value - target);
            if (d < best || (d == best && value > target)) {
                best = d;
                bestCode = code;
            }
        }
        return (byte) (bestCode | (v < 0 ? 0x80 : 0));
    }

    @Test
    void matricesAndVectorsAreRowMajorViews() {
        Matrix2DInt m = new Matrix2DInt(new int[][] {{1, 2, 3}, {4, 5, 6}});
        VectorInt row = m.row(1);
        assertEquals(15, row.sum());
        assertEquals(6, m.getStorage().get(5));
        Matrix3DFloat cube = new Matrix3DFloat(2, 3, 4);
        cube.set(1, 2, 3, 7f);
        assertEquals(7f, cube.getStorage().get((1 * 3 + 2) * 4 + 3));
        Matrix2DFloat4 f4 = new Matrix2DFloat4(2, 2);
        f4.set(1, 0, new Float4(1, 2, 3, 4));
        assertEquals(new Float4(1, 2, 3, 4), f4.get(1, 0));
        assertEquals(30f, Float4.dot(f4.get(1, 0), new Float4(1, 2, 3, 4)));
        assertThrows(IllegalArgumentException.class, () -> new Matrix2DFloat4(2, 3, new FloatArray(6)));
    }
}
