package io.squall.model.tensor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Objects;

import static io.squall.model.tensor.Blocks.BYTE;
import static io.squall.model.tensor.Blocks.FLOAT_LE;
import static io.squall.model.tensor.Blocks.INT_LE;
import static io.squall.model.tensor.Blocks.IQ4_VALUES;
import static io.squall.model.tensor.Blocks.SHORT_LE;
import static io.squall.model.tensor.Blocks.half;
import static io.squall.model.tensor.Blocks.requireSupported;
import static io.squall.model.tensor.Blocks.toBf16;
import static io.squall.model.tensor.Blocks.u8;

/**
 * Encodes floats in ggml's block layouts (see {@link Blocks}). Q8_0, Q4_0 and Q5_0 round to nearest as llama.cpp's
 * reference quantizer does; Q4_1, Q5_1 and the K types choose each (sub-)block's scale and min so that its range is
 * covered exactly, then round to nearest; IQ4_NL and IQ4_XS scale the block's largest value to the outermost level
 * and pick the nearest of the 16 levels. No importance-matrix search as in llama.cpp's quantize: the results
 * are valid files whose blocks decode in llama.cpp to the same values as in {@link Dequantizer}, with somewhat
 * larger error than llama-quantize's.
 * Half-precision block scales are rounded up, never down, so no quant has to be clipped.
 */
public final class Quantizer {
    private Quantizer() {}

    /** A new (GC-managed) segment holding {@code values} encoded as {@code type}. */
    public static MemorySegment quantize(GGMLType type, float[] values) {
        Objects.requireNonNull(type, "type");
        requireSupported(type, "quantize");
        MemorySegment out = Arena.ofAuto().allocate(type.byteSize(values.length), 64);
        quantize(type, values, 0, values.length, out, 0);
        return out;
    }

    /** Encodes {@code values[offset..offset+count)} as {@code type} into {@code dst} at byte {@code dstOffset}. */
    public static void quantize(
            GGMLType type, float[] values, int offset, int count, MemorySegment dst, long dstOffset) {
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
                        case Q4_1 -> q4_1or5_1(values, v, dst, o, false);
                        case Q5_1 -> q4_1or5_1(values, v, dst, o, true);
                        case Q5_0 -> q5_0(values, v, dst, o);
                        case IQ4_NL -> iq4_nl(values, v, dst, o);
                        case Q2_K -> q2_K(values, v, dst, o);
                        case Q3_K -> q3_K(values, v, dst, o);
                        case Q5_K -> q5_K(values, v, dst, o);
                        case IQ4_XS -> iq4_xs(values, v, dst, o);
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
                s.set(BYTE, o + 128 + 32 * h + l, (byte)
                        ((q1 >>> 4) | ((q2 >>> 4) << 2) | ((q3 >>> 4) << 4) | ((q4 >>> 4) << 6)));
            }
        }
        s.set(SHORT_LE, o + 208, dBits);
    }

    /** Q4_1 (4 bits) or Q5_1 (5 bits): x = d * q + m with m the block minimum (rounded down) and d covering the range. */
    private static void q4_1or5_1(float[] x, int v, MemorySegment s, long o, boolean fiveBits) {
        float lo = Float.MAX_VALUE;
        float hi = -Float.MAX_VALUE;
        for (int j = 0; j < 32; j++) {
            lo = Math.min(lo, x[v + j]);
            hi = Math.max(hi, x[v + j]);
        }
        int levels = fiveBits ? 31 : 15;
        short mBits = halfAtMost(lo, x, v);
        float m = Float.float16ToFloat(mBits);
        short dBits = halfAtLeast((hi - m) / levels, x, v);
        float d = Float.float16ToFloat(dBits);
        s.set(SHORT_LE, o, dBits);
        s.set(SHORT_LE, o + 2, mBits);
        int[] q = new int[32];
        for (int j = 0; j < 32; j++) {
            q[j] = d == 0 ? 0 : clamp(Math.round((x[v + j] - m) / d), 0, levels);
        }
        long qs = o + 4;
        if (fiveBits) {
            s.set(INT_LE, o + 4, highBits(q));
            qs += 4;
        }
        for (int j = 0; j < 16; j++) {
            s.set(BYTE, qs + j, (byte) ((q[j] & 0xF) | (q[j + 16] & 0xF) << 4));
        }
    }

    /** Q5_0: as Q4_0 with 32 levels, the value of largest magnitude at q = 0 (-16 * d). */
    private static void q5_0(float[] x, int v, MemorySegment s, long o) {
        float max = signedMaxMagnitude(x, v, 32);
        short dBits = Float.floatToFloat16(max / -16f);
        checkFinite(dBits, x, v);
        float d = Float.float16ToFloat(dBits);
        s.set(SHORT_LE, o, dBits);
        int[] q = new int[32];
        for (int j = 0; j < 32; j++) {
            q[j] = d == 0 ? 16 : clamp(Math.round(x[v + j] / d) + 16, 0, 31);
        }
        s.set(INT_LE, o + 2, highBits(q));
        for (int j = 0; j < 16; j++) {
            s.set(BYTE, o + 6 + j, (byte) ((q[j] & 0xF) | (q[j + 16] & 0xF) << 4));
        }
    }

    /** Bit i = bit 4 of q[i]: Q5_0 / Q5_1's qh. */
    private static int highBits(int[] q) {
        int bits = 0;
        for (int j = 0; j < 32; j++) {
            bits |= (q[j] >>> 4 & 1) << j;
        }
        return bits;
    }

    private static void iq4_nl(float[] x, int v, MemorySegment s, long o) {
        short dBits = Float.floatToFloat16(signedMaxMagnitude(x, v, 32) / IQ4_VALUES[0]);
        checkFinite(dBits, x, v);
        float d = Float.float16ToFloat(dBits);
        s.set(SHORT_LE, o, dBits);
        packIq4(x, v, d, s, o + 2);
    }

    /** IQ4_XS: per sub-block of 32 the scale that maps its largest value to level -127, as a 6-bit multiple of d. */
    private static void iq4_xs(float[] x, int v, MemorySegment s, long o) {
        float[] blockScale = new float[8];
        float maxScale = 0;
        for (int b = 0; b < 8; b++) {
            blockScale[b] = signedMaxMagnitude(x, v + 32 * b, 32) / IQ4_VALUES[0];
            if (Math.abs(blockScale[b]) > Math.abs(maxScale)) {
                maxScale = blockScale[b];
            }
        }
        // as llama.cpp: the largest scale becomes -32 * d, so d's sign follows it and every ls - 32 fits in -32..31
        short dBits = Float.floatToFloat16(-maxScale / 32);
        checkFinite(dBits, x, v);
        float d = Float.float16ToFloat(dBits);
        s.set(SHORT_LE, o, dBits);
        int scalesHigh = 0;
        for (int b = 0; b < 8; b++) {
            int l = d == 0 ? 0 : clamp(Math.round(blockScale[b] / d), -32, 31);
            int ls = l + 32;
            scalesHigh |= (ls >>> 4) << (2 * b);
            long low = o + 4 + b / 2;
            s.set(BYTE, low, (byte) (u8(s, low) & (b % 2 == 0 ? 0xF0 : 0x0F) | (ls & 0xF) << (4 * (b % 2))));
            packIq4(x, v + 32 * b, d * l, s, o + 8 + 16 * b);
        }
        s.set(SHORT_LE, o + 2, (short) scalesHigh);
    }

    /** The 32 values at x[v..] as indices of the nearest IQ4 level times {@code d}, two per byte as Q4_0's nibbles. */
    private static void packIq4(float[] x, int v, float d, MemorySegment s, long qs) {
        for (int j = 0; j < 16; j++) {
            s.set(BYTE, qs + j, (byte) (nearestIq4(x[v + j], d) | nearestIq4(x[v + j + 16], d) << 4));
        }
    }

    private static int nearestIq4(float value, float d) {
        if (d == 0) {
            return 8; // level 1, the closest to 0
        }
        float t = value / d;
        int best = 0;
        for (int i = 1; i < 16; i++) {
            if (Math.abs(IQ4_VALUES[i] - t) < Math.abs(IQ4_VALUES[best] - t)) {
                best = i;
            }
        }
        return best;
    }

    /** Q2_K: 16 sub-blocks of 16, x = d * sc * q - dmin * m with q in 0..3 and 4-bit sc, m covering each range. */
    private static void q2_K(float[] x, int v, MemorySegment s, long o) {
        int[] sc = new int[16];
        int[] mn = new int[16];
        float[] dd = scaleAndMin(x, v, 16, 3, 15, sc, mn);
        short dBits = Float.floatToFloat16(dd[0]);
        short dminBits = Float.floatToFloat16(dd[1]);
        for (int j = 0; j < 16; j++) {
            s.set(BYTE, o + j, (byte) (sc[j] | mn[j] << 4));
        }
        int[] q = quantsWithMin(x, v, 16, 3, dd, sc, mn);
        for (int i = 0; i < 64; i++) {
            s.set(BYTE, o + 16 + i, (byte) 0);
        }
        for (int e = 0; e < 256; e++) { // element 16 * sub-block + l, sub-block 8h + 2j + k
            int sub = e / 16;
            long at = o + 16 + 32 * (sub >>> 3) + 16 * (sub & 1) + e % 16;
            s.set(BYTE, at, (byte) (u8(s, at) | q[e] << 2 * ((sub >>> 1) & 3)));
        }
        s.set(SHORT_LE, o + 80, dBits);
        s.set(SHORT_LE, o + 82, dminBits);
    }

    /** Q5_K: Q4_K's scales and mins with 32 levels; bit 4 of each quant goes to qh. */
    private static void q5_K(float[] x, int v, MemorySegment s, long o) {
        int[] sc = new int[8];
        int[] mn = new int[8];
        float[] dd = scaleAndMin(x, v, 32, 31, 63, sc, mn);
        s.set(SHORT_LE, o, Float.floatToFloat16(dd[0]));
        s.set(SHORT_LE, o + 2, Float.floatToFloat16(dd[1]));
        for (int j = 0; j < 4; j++) {
            s.set(BYTE, o + 4 + j, (byte) ((sc[j] & 63) | ((sc[j + 4] >>> 4) << 6)));
            s.set(BYTE, o + 8 + j, (byte) ((mn[j] & 63) | ((mn[j + 4] >>> 4) << 6)));
            s.set(BYTE, o + 12 + j, (byte) ((sc[j + 4] & 0xF) | ((mn[j + 4] & 0xF) << 4)));
        }
        int[] q = quantsWithMin(x, v, 32, 31, dd, sc, mn);
        for (int l = 0; l < 32; l++) {
            int high = 0;
            for (int g = 0; g < 4; g++) {
                high |= (q[64 * g + l] >>> 4) << (2 * g) | (q[64 * g + 32 + l] >>> 4) << (2 * g + 1);
                s.set(BYTE, o + 48 + 32 * g + l, (byte) ((q[64 * g + l] & 0xF) | (q[64 * g + 32 + l] & 0xF) << 4));
            }
            s.set(BYTE, o + 16 + l, (byte) high);
        }
    }

    /**
     * Scales and mins for sub-blocks of {@code size} with quants 0..levels and scale/min codes 0..codes: as in
     * {@link #q4_K}, mins cover each sub-block's negative part and scales the rest. Returns {d, dmin} (already
     * representable in half precision) and fills sc and mn.
     */
    private static float[] scaleAndMin(float[] x, int v, int size, int levels, int codes, int[] sc, int[] mn) {
        int n = 256 / size;
        float[] needMin = new float[n];
        float[] high = new float[n];
        float maxNeedMin = 0;
        for (int j = 0; j < n; j++) {
            float lo = 0;
            float hi = -Float.MAX_VALUE;
            for (int l = 0; l < size; l++) {
                lo = Math.min(lo, x[v + size * j + l]);
                hi = Math.max(hi, x[v + size * j + l]);
            }
            needMin[j] = -lo;
            high[j] = hi;
            maxNeedMin = Math.max(maxNeedMin, -lo);
        }
        float dmin = Float.float16ToFloat(halfAtLeast(maxNeedMin / codes, x, v));
        float[] needScale = new float[n];
        float maxNeedScale = 0;
        for (int j = 0; j < n; j++) {
            mn[j] = dmin == 0 ? 0 : clamp((int) Math.ceil(needMin[j] / dmin), 0, codes);
            needScale[j] = Math.max(0, high[j] + dmin * mn[j]) / levels;
            maxNeedScale = Math.max(maxNeedScale, needScale[j]);
        }
        float d = Float.float16ToFloat(halfAtLeast(maxNeedScale / codes, x, v));
        for (int j = 0; j < n; j++) {
            sc[j] = d == 0 ? 0 : clamp((int) Math.ceil(needScale[j] / d), 0, codes);
        }
        return new float[] {d, dmin};
    }

    private static int[] quantsWithMin(float[] x, int v, int size, int levels, float[] dd, int[] sc, int[] mn) {
        int[] q = new int[256];
        for (int j = 0; j < 256 / size; j++) {
            float step = dd[0] * sc[j];
            float offset = dd[1] * mn[j];
            for (int l = 0; l < size; l++) {
                q[size * j + l] = step == 0 ? 0 : clamp(Math.round((x[v + size * j + l] + offset) / step), 0, levels);
            }
        }
        return q;
    }

    /** Q3_K: 16 sub-blocks of 16, x = d * (sc - 32) * q with q in -4..3 and sc - 32 in 0..31 covering each range. */
    private static void q3_K(float[] x, int v, MemorySegment s, long o) {
        float[] need = new float[16];
        float maxNeed = 0;
        for (int j = 0; j < 16; j++) {
            float pos = 0;
            float neg = 0;
            for (int l = 0; l < 16; l++) {
                pos = Math.max(pos, x[v + 16 * j + l]);
                neg = Math.max(neg, -x[v + 16 * j + l]);
            }
            need[j] = Math.max(pos / 3, neg / 4);
            maxNeed = Math.max(maxNeed, need[j]);
        }
        short dBits = halfAtLeast(maxNeed / 31, x, v);
        float d = Float.float16ToFloat(dBits);
        for (int i = 0; i < 108; i++) {
            s.set(BYTE, o + i, (byte) 0);
        }
        for (int j = 0; j < 16; j++) {
            int sc = d == 0 ? 0 : clamp((int) Math.ceil(need[j] / d), 0, 31);
            int stored = sc + 32;
            int g = j >>> 2;
            int k = j & 3;
            long low = o + 96 + 4 * (g & 1) + k;
            s.set(BYTE, low, (byte) (u8(s, low) | (stored & 0xF) << (g < 2 ? 0 : 4)));
            long top = o + 96 + 8 + k;
            s.set(BYTE, top, (byte) (u8(s, top) | (stored >>> 4) << (2 * g)));
            float step = d * sc;
            for (int l = 0; l < 16; l++) {
                int q = (step == 0 ? 0 : clamp(Math.round(x[v + 16 * j + l] / step), -4, 3)) + 4;
                int h = j >>> 3;
                int field = (j >>> 1) & 3;
                int kk = j & 1;
                long at = o + 32 + 32 * h + 16 * kk + l;
                s.set(BYTE, at, (byte) (u8(s, at) | (q & 3) << (2 * field)));
                long mask = o + 16 * kk + l;
                s.set(BYTE, mask, (byte) (u8(s, mask) | (q >>> 2) << (4 * h + field)));
            }
        }
        s.set(SHORT_LE, o + 108, dBits);
    }

    /** The value of largest magnitude among x[v..v+n), with its sign. */
    private static float signedMaxMagnitude(float[] x, int v, int n) {
        float amax = 0;
        float max = 0;
        for (int j = 0; j < n; j++) {
            if (Math.abs(x[v + j]) > amax) {
                amax = Math.abs(x[v + j]);
                max = x[v + j];
            }
        }
        return max;
    }

    /** The largest half-precision value <= v. */
    private static short halfAtMost(float v, float[] x, int blockStart) {
        if (v < 0) {
            return (short) (halfAtLeast(-v, x, blockStart) | 0x8000);
        }
        short h = Float.floatToFloat16(v);
        if (Float.float16ToFloat(h) > v) {
            h--;
        }
        checkFinite(h, x, blockStart);
        return h;
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
