package io.squall.api.types;

/**
 * bfloat16 conversions (TornadoVM's BFloat16): the top 16 bits of a float32. Encoding rounds half away from zero as
 * TornadoVM does, saturates to infinity from 3.3961775e38 (half a step above the largest finite value), writes NaN
 * as 0x7FC0 and both zeros as 0x0000.
 */
public final class BFloat16 {
    public static final float BF16_MAX = 3.3895314e38f;

    private BFloat16() {}

    public static float bf16ToFloat(short bits) {
        return Float.intBitsToFloat((bits & 0xFFFF) << 16);
    }

    public static short bf16FromFloat(float value) {
        if (value != value) {
            return (short) 0x7FC0;
        }
        if (value == 0.0f) {
            return 0;
        }
        int bits = Float.floatToRawIntBits(value);
        int magnitude = bits & 0x7FFFFFFF;
        int rounded = Math.min((magnitude + 0x8000) >>> 16, 0x7F80); // half up in magnitude; at most infinity
        return (short) (rounded | ((bits >>> 16) & 0x8000));
    }
}
