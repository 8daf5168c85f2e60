package io.squall.model.tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Independent plain-loop decoding of ggml blocks in double precision, written element by element from the
 * layout description (not sharing code with the main decoder): the reference the fast paths are checked against.
 */
final class ScalarReference {
    private ScalarReference() {
    }

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

    private static int u8(byte[] b, int i) {
        return b[i] & 0xFF;
    }

    private static int u16(byte[] b, int i) {
        return u8(b, i) | u8(b, i + 1) << 8;
    }
}
