package io.squall.model.tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Independent plain-loop decoding of ggml blocks in double precision, written element by element from the
 * layout description (not sharing code with the main decoder): the reference the fast paths are checked against.
 */
final class ScalarReference {
    private ScalarReference() {}

    static double[] decode(GGMLType type, MemorySegment data, long elements) {
        byte[] b = data.asSlice(0, type.byteSize(elements)).toArray(ValueLayout.JAVA_BYTE);
        double[] out = new double[(int) elements];
        for (int e = 0; e < elements; e++) {
            out[e] = element(type, b, e);
        }
        return out;
    }

    static double element(GGMLType type, byte[] b, int e) {
        int block = e / type.blockSize();
        int i = e % type.blockSize();
        int o = block * type.typeSize();
        switch (type) {
            case F32:
                return Float.intBitsToFloat(u8(b, o) | u8(b, o + 1) << 8 | u8(b, o + 2) << 16 | u8(b, o + 3) << 24);
            case F16:
                return halfToDouble(u16(b, o));
            case BF16:
                return Float.intBitsToFloat(u16(b, o) << 16);
            case Q8_0:
                return halfToDouble(u16(b, o)) * b[o + 2 + i];
            case Q4_0: {
                int q = i < 16 ? u8(b, o + 2 + i) & 15 : u8(b, o + 2 + i - 16) >> 4;
                return halfToDouble(u16(b, o)) * (q - 8);
            }
            case Q4_K: {
                int sub = i / 32;
                int l = i % 32;
                int qsByte = u8(b, o + 16 + 32 * (sub / 2) + l);
                int q = sub % 2 == 0 ? qsByte & 15 : qsByte >> 4;
                int[] sm = q4kScaleMin(b, o + 4, sub);
                return halfToDouble(u16(b, o)) * sm[0] * q - halfToDouble(u16(b, o + 2)) * sm[1];
            }
            case Q6_K: {
                int half = i / 128;
                int quarter = (i % 128) / 32;
                int l = i % 32;
                int qlByte = u8(b, o + 64 * half + 32 * (quarter % 2) + l);
                int low = quarter < 2 ? qlByte & 15 : qlByte >> 4;
                int high = (u8(b, o + 128 + 32 * half + l) >> (2 * quarter)) & 3;
                int scale = b[o + 192 + i / 16];
                return halfToDouble(u16(b, o + 208)) * scale * ((low | high << 4) - 32);
            }
            case Q4_1: {
                int q = i < 16 ? u8(b, o + 4 + i) & 15 : u8(b, o + 4 + i - 16) >> 4;
                return halfToDouble(u16(b, o)) * q + halfToDouble(u16(b, o + 2));
            }
            case Q5_0: {
                int q = (i < 16 ? u8(b, o + 6 + i) & 15 : u8(b, o + 6 + i - 16) >> 4) + 16 * bit(b, o + 2, i);
                return halfToDouble(u16(b, o)) * (q - 16);
            }
            case Q5_1: {
                int q = (i < 16 ? u8(b, o + 8 + i) & 15 : u8(b, o + 8 + i - 16) >> 4) + 16 * bit(b, o + 4, i);
                return halfToDouble(u16(b, o)) * q + halfToDouble(u16(b, o + 2));
            }
            case IQ4_NL: {
                int q = i < 16 ? u8(b, o + 2 + i) & 15 : u8(b, o + 2 + i - 16) >> 4;
                return halfToDouble(u16(b, o)) * IQ4_LEVELS[q];
            }
            case Q2_K: {
                int sub = i / 16; // sub-block 8h + 2j + k: half h, 2-bit field j, byte group k
                int q = (u8(b, o + 16 + 32 * (sub / 8) + 16 * (sub % 2) + i % 16) >> (2 * ((sub / 2) % 4))) & 3;
                int packed = u8(b, o + sub);
                return halfToDouble(u16(b, o + 80)) * (packed % 16) * q - halfToDouble(u16(b, o + 82)) * (packed / 16);
            }
            case Q3_K: {
                int sub = i / 16;
                int h = sub / 8;
                int j = (sub / 2) % 4;
                int low = (u8(b, o + 32 + 32 * h + 16 * (sub % 2) + i % 16) >> (2 * j)) & 3;
                int high = (u8(b, o + 16 * (sub % 2) + i % 16) >> (4 * h + j)) & 1;
                // 16 scales of 6 bits: low 4 in the nibbles of bytes 0-7 (scales 0-7 low nibbles, 8-15 high), top 2 in
                // bytes 8-11
                int lowBits = sub < 8 ? u8(b, o + 96 + sub) & 15 : u8(b, o + 96 + sub - 8) >> 4;
                int topBits = (u8(b, o + 96 + 8 + sub % 4) >> (2 * (sub / 4))) & 3;
                int scale = lowBits + 16 * topBits - 32;
                return halfToDouble(u16(b, o + 108)) * scale * (low + 4 * high - 4);
            }
            case Q5_K: {
                int sub = i / 32;
                int l = i % 32;
                int qsByte = u8(b, o + 48 + 32 * (sub / 2) + l);
                int q = (sub % 2 == 0 ? qsByte & 15 : qsByte >> 4) + 16 * ((u8(b, o + 16 + l) >> sub) & 1);
                int[] sm = q4kScaleMin(b, o + 4, sub);
                return halfToDouble(u16(b, o)) * sm[0] * q - halfToDouble(u16(b, o + 2)) * sm[1];
            }
            case IQ4_XS: {
                int sub = i / 32;
                int l = i % 32;
                int nibbleByte = u8(b, o + 8 + 16 * sub + l % 16);
                int q = l < 16 ? nibbleByte & 15 : nibbleByte >> 4;
                int low = (u8(b, o + 4 + sub / 2) >> (4 * (sub % 2))) & 15;
                int scale = low + 16 * ((u16(b, o + 2) >> (2 * sub)) & 3) - 32;
                return halfToDouble(u16(b, o)) * scale * IQ4_LEVELS[q];
            }
            default:
                throw new IllegalArgumentException(type.toString());
        }
    }

    /** {scale, min} of Q4_K sub-block j: 6-bit values, j < 4 in the low bits of bytes j and j+4; j >= 4 split over byte j+4's nibbles and the top two bits of bytes j-4 and j. */
    static int[] q4kScaleMin(byte[] b, int scales, int j) {
        if (j < 4) {
            return new int[] {u8(b, scales + j) & 63, u8(b, scales + 4 + j) & 63};
        }
        int packed = u8(b, scales + 4 + j);
        int scale = (packed & 15) + 16 * (u8(b, scales + j - 4) / 64);
        int min = packed / 16 + 16 * (u8(b, scales + j) / 64);
        return new int[] {scale, min};
    }

    static double halfToDouble(int h) {
        int sign = (h >> 15) & 1;
        int exp = (h >> 10) & 31;
        int mant = h & 1023;
        double v;
        if (exp == 0) {
            v = mant * Math.pow(2, -24);
        } else if (exp == 31) {
            v = mant == 0 ? Double.POSITIVE_INFINITY : Double.NaN;
        } else {
            v = (1 + mant / 1024.0) * Math.pow(2, exp - 15);
        }
        return sign == 1 ? -v : v;
    }

    static double dot(double[] w, int wOffset, float[] x, int xOffset, int n) {
        double s = 0;
        for (int i = 0; i < n; i++) {
            s += w[wOffset + i] * x[xOffset + i];
        }
        return s;
    }

    static double absDot(double[] w, int wOffset, float[] x, int xOffset, int n) {
        double s = 0;
        for (int i = 0; i < n; i++) {
            s += Math.abs(w[wOffset + i] * x[xOffset + i]);
        }
        return s;
    }

    /** ggml's kvalues_iq4nl. */
    static final int[] IQ4_LEVELS = {-127, -104, -83, -65, -49, -35, -22, -10, 1, 13, 25, 38, 53, 69, 89, 113};

    /** Bit i of the little-endian 32-bit word at b[o]. */
    private static int bit(byte[] b, int o, int i) {
        return (u8(b, o + i / 8) >> (i % 8)) & 1;
    }

    private static int u8(byte[] b, int i) {
        return b[i] & 0xFF;
    }

    private static int u16(byte[] b, int i) {
        return u8(b, i) | u8(b, i + 1) << 8;
    }
}
