package io.squall.model.tensor;

import static io.squall.model.tensor.Blocks.*;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Objects;

/**
 * Encodes floats in ggml's block layouts (see {@link Blocks}). Q8_0 and Q4_0 round to nearest as llama.cpp's
 * reference quantizer does; Q4_K and Q6_K choose each sub-block's scale (and min) so that its range is covered
 * exactly, then round to nearest: the blocks decode in llama.cpp to the same values as in {@link Dequantizer}.
 * Half-precision block scales are rounded up, never down, so no quant has to be clipped.
 */
public final class Quantizer {
    private Quantizer() {
    }

    /** A new (GC-managed) segment holding {@code values} encoded as {@code type}. */
    public static MemorySegment quantize(GGMLType type, float[] values) {
        Objects.requireNonNull(type, "type");
        requireSupported(type, "quantize");
        MemorySegment out = Arena.ofAuto().allocate(type.byteSize(values.length), 64);
        quantize(type, values, 0, values.length, out, 0);
        return out;
    }

    /** Encodes {@code values[offset..offset+count)} as {@code type} into {@code dst} at byte {@code dstOffset}. */
    public static void quantize(GGMLType type, float[] values, int offset, int count, MemorySegment dst, long dstOffset) {
        requireSupported(type, "quantize");
        Objects.checkFromIndexSize(offset, count, values.length);
        long bytes = type.byteSize(count);
        Objects.checkFromIndexSize(dstOffset, bytes, dst.byteSize());
        int bs = type.blockSize();
        switch (type) {
            case F32 -> {
                for (int i = 0; i < count; i++) {
                    dst.set(FLOAT_LE, dstOffset + 4L * i, values[offset + i]);
                }
            }
            case F16 -> {
                for (int i = 0; i < count; i++) {
                    dst.set(SHORT_LE, dstOffset + 2L * i, Float.floatToFloat16(values[offset + i]));
                }
            }
            case BF16 -> {
                for (int i = 0; i < count; i++) {
                    dst.set(SHORT_LE, dstOffset + 2L * i, toBf16(values[offset + i]));
                }
            }
            default -> {
                for (int i = 0; i < count; i++) {
                    if (!Float.isFinite(values[offset + i])) {
                        throw new IllegalArgumentException("cannot quantize " + values[offset + i] + " at index "
                                + (offset + i) + " to " + type + ": values must be finite");
                    }
                }
                for (int b = 0; b < count / bs; b++) {
                    long o = dstOffset + (long) b * type.typeSize();
                    int v = offset + b * bs;
                    switch (type) {
                        case Q8_0 -> q8_0(values, v, dst, o);
                        case Q4_0 -> q4_0(values, v, dst, o);
                        case Q4_K -> q4_K(values, v, dst, o);
                        case Q6_K -> q6_K(values, v, dst, o);
                        default -> throw new AssertionError(type);
                    }
                }
            }
        }
    }

    private static void q8_0(float[] x, int v, MemorySegment s, long o) {
        float amax = 0;
        for (int j = 0; j < 32; j++) {
            amax = Math.max(amax, Math.abs(x[v + j]));
        }
        short dBits = halfAtLeast(amax / 127f, x, v);
        float d = Float.float16ToFloat(dBits);
        s.set(SHORT_LE, o, dBits);
        for (int j = 0; j < 32; j++) {
            int q = d == 0 ? 0 : clamp(Math.round(x[v + j] / d), -127, 127);
            s.set(BYTE, o + 2 + j, (byte) q);
        }
    }

    private static void q4_0(float[] x, int v, MemorySegment s, long o) {
        float amax = 0;
        float max = 0;
        for (int j = 0; j < 32; j++) {
            if (Math.abs(x[v + j]) > amax) {
                amax = Math.abs(x[v + j]);
                max = x[v + j];
            }
        }
        // The value of largest magnitude maps to q = 0 (-8 * d), as in llama.cpp.
        short dBits = Float.floatToFloat16(max / -8f);
        checkFinite(dBits, x, v);
        float d = Float.float16ToFloat(dBits);
        s.set(SHORT_LE, o, dBits);
        for (int j = 0; j < 16; j++) {
            int lo = d == 0 ? 8 : clamp(Math.round(x[v + j] / d) + 8, 0, 15);
            int hi = d == 0 ? 8 : clamp(Math.round(x[v + j + 16] / d) + 8, 0, 15);
            s.set(BYTE, o + 2 + j, (byte) (lo | (hi << 4)));
        }
    }

    private static void q4_K(float[] x, int v, MemorySegment s, long o) {
        float[] needMin = new float[8];
        float[] high = new float[8];
        float maxNeedMin = 0;
        for (int j = 0; j < 8; j++) {
            float lo = 0;
            float hi = -Float.MAX_VALUE;
            for (int l = 0; l < 32; l++) {
                lo = Math.min(lo, x[v + 32 * j + l]);
                hi = Math.max(hi, x[v + 32 * j + l]);
            }
            needMin[j] = -lo;
            high[j] = hi;
            maxNeedMin = Math.max(maxNeedMin, -lo);
        }
        short dminBits = halfAtLeast(maxNeedMin / 63f, x, v);
        float dmin = Float.float16ToFloat(dminBits);
        int[] mins = new int[8];
        float[] needScale = new float[8];
        float maxNeedScale = 0;
        for (int j = 0; j < 8; j++) {
            mins[j] = dmin == 0 ? 0 : clamp((int) Math.ceil(needMin[j] / dmin), 0, 63);
            needScale[j] = Math.max(0, high[j] + dmin * mins[j]) / 15f;
            maxNeedScale = Math.max(maxNeedScale, needScale[j]);
        }
        short dBits = halfAtLeast(maxNeedScale / 63f, x, v);
        float d = Float.float16ToFloat(dBits);
        int[] scales = new int[8];
        for (int j = 0; j < 8; j++) {
            scales[j] = d == 0 ? 0 : clamp((int) Math.ceil(needScale[j] / d), 0, 63);
        }
        s.set(SHORT_LE, o, dBits);
        s.set(SHORT_LE, o + 2, dminBits);
        for (int j = 0; j < 4; j++) {
            s.set(BYTE, o + 4 + j, (byte) ((scales[j] & 63) | ((scales[j + 4] >>> 4) << 6)));
            s.set(BYTE, o + 8 + j, (byte) ((mins[j] & 63) | ((mins[j + 4] >>> 4) << 6)));
            s.set(BYTE, o + 12 + j, (byte) ((scales[j + 4] & 0xF) | ((mins[j + 4] & 0xF) << 4)));
        }
        int[] q = new int[256];
        for (int j = 0; j < 8; j++) {
            float step = d * scales[j];
            float offset = dmin * mins[j];
            for (int l = 0; l < 32; l++) {
                q[32 * j + l] = step == 0 ? 0 : clamp(Math.round((x[v + 32 * j + l] + offset) / step), 0, 15);
            }
        }
        for (int g = 0; g < 4; g++) {
            for (int l = 0; l < 32; l++) {
                s.set(BYTE, o + 16 + 32 * g + l, (byte) (q[64 * g + l] | (q[64 * g + 32 + l] << 4)));
            }
        }
    }

    private static void q6_K(float[] x, int v, MemorySegment s, long o) {
        float[] needScale = new float[16];
        float maxNeedScale = 0;
        for (int j = 0; j < 16; j++) {
            float amax = 0;
            for (int l = 0; l < 16; l++) {
                amax = Math.max(amax, Math.abs(x[v + 16 * j + l]));
            }
            needScale[j] = amax / 31f;
            maxNeedScale = Math.max(maxNeedScale, needScale[j]);
        }
        short dBits = halfAtLeast(maxNeedScale / 127f, x, v);
        float d = Float.float16ToFloat(dBits);
        int[] q = new int[256];
        for (int j = 0; j < 16; j++) {
            int sc = d == 0 ? 0 : clamp((int) Math.ceil(needScale[j] / d), 0, 127);
            s.set(BYTE, o + 192 + j, (byte) sc);
            float step = d * sc;
            for (int l = 0; l < 16; l++) {
                q[16 * j + l] = (step == 0 ? 0 : clamp(Math.round(x[v + 16 * j + l] / step), -32, 31)) + 32;
            }
        }
        for (int h = 0; h < 2; h++) {
            for (int l = 0; l < 32; l++) {
                int q1 = q[128 * h + l];
                int q2 = q[128 * h + 32 + l];
                int q3 = q[128 * h + 64 + l];
                int q4 = q[128 * h + 96 + l];
                s.set(BYTE, o + 64 * h + l, (byte) ((q1 & 0xF) | ((q3 & 0xF) << 4)));
                s.set(BYTE, o + 64 * h + 32 + l, (byte) ((q2 & 0xF) | ((q4 & 0xF) << 4)));
                s.set(BYTE, o + 128 + 32 * h + l, (byte) ((q1 >>> 4) | ((q2 >>> 4) << 2) | ((q3 >>> 4) << 4) | ((q4 >>> 4) << 6)));
            }
        }
        s.set(SHORT_LE, o + 208, dBits);
    }

    /** The smallest half-precision value >= v (v >= 0). */
    private static short halfAtLeast(float v, float[] x, int blockStart) {
        short h = Float.floatToFloat16(v);
        if (Float.float16ToFloat(h) < v) {
            h++;
        }
        checkFinite(h, x, blockStart);
        return h;
    }

    private static void checkFinite(short half, float[] x, int blockStart) {
        if (!Float.isFinite(Float.float16ToFloat(half))) {
            throw new IllegalArgumentException("values of the block starting at index " + blockStart
                    + " are too large for a half-precision block scale (|x| up to about 65504 * levels)");
        }
    }

    private static int clamp(int v, int lo, int hi) {
        return Math.max(lo, Math.min(hi, v));
    }
}
