package io.squall.api.types;

/**
 * 8-bit floats (TornadoVM's FP8): E4M3 (bias 7, no infinities, 0x7F/0xFF NaN, saturating at 448) and E5M2 (bias 15,
 * IEEE-like, infinity from 61440). Encoding rounds half away from zero, as TornadoVM; NaN encodes as 0x7F.
 */
public final class FP8 {
    public static final float E4M3_MAX = 448.0f;
    public static final float E5M2_MAX = 57344.0f;

    private FP8() {}

    public static float e4m3ToFloat(byte bits) {
        int b = bits & 0xFF;
        int exp = (b >> 3) & 0xF, mant = b & 0x7;
        float sign = (b & 0x80) != 0 ? -1f : 1f;
        if (exp == 15 && mant == 7) {
            return Float.NaN;
        }
        return sign * decode(exp, mant, 3, 7);
    }

    public static byte e4m3FromFloat(float value) {
        if (value != value) {
            return 0x7F;
        }
        int sign = value < 0 ? 0x80 : 0; // -0.0 encodes as +0, as TornadoVM
        float a = Math.abs(value);
        if (a >= E4M3_MAX) {
            return (byte) (sign | 0x7E); // saturate, infinity included
        }
        return (byte) (sign | encode(a, 3, 7, 15, 6));
    }

    public static float e5m2ToFloat(byte bits) {
        int b = bits & 0xFF;
        int exp = (b >> 2) & 0x1F, mant = b & 0x3;
        float sign = (b & 0x80) != 0 ? -1f : 1f;
        if (exp == 31) {
            return mant == 0 ? sign * Float.POSITIVE_INFINITY : Float.NaN;
        }
        return sign * decode(exp, mant, 2, 15);
    }

    public static byte e5m2FromFloat(float value) {
        if (value != value) {
            return 0x7F;
        }
        int sign = value < 0 ? 0x80 : 0; // -0.0 encodes as +0, as TornadoVM
        float a = Math.abs(value);
        if (a >= 61440.0f) { // half a step above 57344
            return (byte) (sign | 0x7C);
        }
        return (byte) (sign | encode(a, 2, 15, 30, 3));
    }

    private static float decode(int exp, int mant, int mantBits, int bias) {
        float fraction = mant / (float) (1 << mantBits);
        return exp == 0 ? Math.scalb(fraction, 1 - bias) : Math.scalb(1f + fraction, exp - bias);
    }

    /** The exponent and mantissa fields of a >= 0 (below the overflow bound), rounded half away from zero. */
    private static int encode(float a, int mantBits, int bias, int maxExp, int maxMantAtTop) {
        if (a == 0f) {
            return 0;
        }
        int scale = 1 << mantBits;
        int e = Math.getExponent(a);
        int storedExp, mant;
        if (e < 1 - bias) {
            mant = (int) (Math.scalb(a, bias - 1) * scale + 0.5f);
            storedExp = 0;
            if (mant == scale) {
                mant = 0;
                storedExp = 1;
            }
        } else {
            mant = (int) ((Math.scalb(a, -e) - 1f) * scale + 0.5f);
            if (mant == scale) {
                mant = 0;
                e++;
            }
            storedExp = e + bias;
        }
        if (storedExp > maxExp || (storedExp == maxExp && mant > maxMantAtTop)) {
            storedExp = maxExp;
            mant = maxMantAtTop;
        }
        return (storedExp << mantBits) | mant;
    }
}
