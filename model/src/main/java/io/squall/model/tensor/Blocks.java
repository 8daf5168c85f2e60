package io.squall.model.tensor;

import io.squall.kernels.format.BlockFormat;
import io.squall.kernels.format.Q4_0Block;
import io.squall.kernels.format.Q4_KBlock;
import io.squall.kernels.format.Q6_KBlock;
import io.squall.kernels.format.Q8_0Block;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Byte-level facts about ggml's block layouts shared by the quantizer, the dequantizer and the dot
 * products. GGUF data is little-endian.
 *
 * <pre>
 * Q8_0 (34 B / 32):  f16 d, int8 qs[32]                     x = d * q
 * Q4_0 (18 B / 32):  f16 d, u8 qs[16]                       x[j] = d * ((qs[j] &amp; 15) - 8), x[j+16] = d * ((qs[j] &gt;&gt; 4) - 8)
 * Q4_K (144 B / 256): f16 d, f16 dmin, u8 scales[12], u8 qs[128]
 *      8 sub-blocks of 32 with 6-bit scale sc and min m (packing: {@link #scaleK4(int, int, int)});
 *      group g (64 elements) uses qs[32g..32g+32): low nibbles are sub-block 2g, high nibbles 2g+1; x = d*sc*q - dmin*m
 * Q6_K (210 B / 256): u8 ql[128], u8 qh[64], int8 scales[16], f16 d
 *      half h (128 elements), l in 0..31, ql' = ql+64h, qh' = qh+32h, sc' = scales+8h:
 *      x[128h+l]    uses ql'[l] low,     (qh'[l]      &amp; 3) as bits 4-5, sc'[l/16]
 *      x[128h+32+l] uses ql'[l+32] low,  (qh'[l] &gt;&gt; 2 &amp; 3),                sc'[l/16+2]
 *      x[128h+64+l] uses ql'[l] high,    (qh'[l] &gt;&gt; 4 &amp; 3),                sc'[l/16+4]
 *      x[128h+96+l] uses ql'[l+32] high, (qh'[l] &gt;&gt; 6 &amp; 3),                sc'[l/16+6];  x = d * sc * (q - 32)
 * Q4_1 (20 B / 32):  f16 d, f16 m, u8 qs[16]                x[j] = d * (qs[j] &amp; 15) + m, x[j+16] = d * (qs[j] &gt;&gt; 4) + m
 * Q5_0 (22 B / 32):  f16 d, u32 qh, u8 qs[16]               5th bit of element i is bit i of qh (i in 0..31):
 *      x[j] = d * (((qs[j] &amp; 15) | bit j &lt;&lt; 4) - 16), x[j+16] = d * (((qs[j] &gt;&gt; 4) | bit (j+16) &lt;&lt; 4) - 16)
 * Q5_1 (24 B / 32):  f16 d, f16 m, u32 qh, u8 qs[16]        as Q5_0 without the -16, then + m
 * IQ4_NL (18 B / 32): f16 d, u8 qs[16]                      as Q4_0's nibbles, x = d * {@link #IQ4_VALUES}[nibble]
 * Q2_K (84 B / 256): u8 scales[16], u8 qs[64], f16 d, f16 dmin
 *      element 128h + 32j + 16k + l (h, k in 0..1, j in 0..3, l in 0..15): q = qs[32h+16k+l] &gt;&gt; 2j &amp; 3,
 *      sub-block s = 8h + 2j + k with scales[s] = sc | m &lt;&lt; 4:            x = d * sc * q - dmin * m
 * Q3_K (110 B / 256): u8 hmask[32], u8 qs[64], u8 scales[12], f16 d
 *      same 2-bit layout as Q2_K; hmask[16k+l] bit (4h+j) set adds 4, so q = (2 bits | hbit &lt;&lt; 2) - 4 in -4..3;
 *      16 signed 6-bit scales (packing: {@link #scaleK3}):                                   x = d * (sc - 32) * q
 * Q5_K (176 B / 256): f16 d, f16 dmin, u8 scales[12] (as Q4_K), u8 qh[32], u8 qs[128]
 *      as Q4_K, group g (64 elements, qs[32g..32g+32)): element 64g + l takes bit 2g of qh[l] as its 5th bit,
 *      element 64g + 32 + l bit 2g+1:                                                         x = d*sc*q - dmin*m
 * IQ4_XS (136 B / 256): f16 d, u16 scales_h, u8 scales_l[4], u8 qs[128]
 *      sub-block b (32 elements, qs[16b..16b+16) as IQ4_NL's) has the 6-bit scale
 *      ls = (scales_l[b/2] &gt;&gt; 4(b%2) &amp; 15) | (scales_h &gt;&gt; 2b &amp; 3) &lt;&lt; 4:      x = d * (ls - 32) * IQ4_VALUES[nibble]
 * </pre>
 */
final class Blocks {
    static final ValueLayout.OfShort SHORT_LE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfFloat FLOAT_LE = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfInt INT_LE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfByte BYTE = ValueLayout.JAVA_BYTE;

    // The block sizes of the table the device kernels share (io.squall.kernels.format), as constants for the loops
    // here.
    static final int Q8_0_BYTES = Q8_0Block.BYTES;
    static final int Q4_0_BYTES = Q4_0Block.BYTES;
    static final int Q4_K_BYTES = Q4_KBlock.BYTES;
    static final int Q6_K_BYTES = Q6_KBlock.BYTES;
    static final int Q4_1_BYTES = BlockFormat.Q4_1.blockBytes();
    static final int Q5_0_BYTES = BlockFormat.Q5_0.blockBytes();
    static final int Q5_1_BYTES = BlockFormat.Q5_1.blockBytes();
    static final int IQ4_NL_BYTES = BlockFormat.IQ4_NL.blockBytes();
    static final int Q2_K_BYTES = BlockFormat.Q2_K.blockBytes();
    static final int Q3_K_BYTES = BlockFormat.Q3_K.blockBytes();
    static final int Q5_K_BYTES = BlockFormat.Q5_K.blockBytes();
    static final int IQ4_XS_BYTES = BlockFormat.IQ4_XS.blockBytes();

    /** The 16 non-uniform levels of IQ4_NL and IQ4_XS (ggml's kvalues_iq4nl). */
    static final byte[] IQ4_VALUES = {-127, -104, -83, -65, -49, -35, -22, -10, 1, 13, 25, 38, 53, 69, 89, 113};

    private Blocks() {}

    static float half(MemorySegment s, long offset) {
        return Float.float16ToFloat(s.get(SHORT_LE, offset));
    }

    static float bf16(short bits) {
        return Float.intBitsToFloat((bits & 0xFFFF) << 16);
    }

    /** Round-to-nearest-even float to bfloat16; NaN stays NaN. */
    static short toBf16(float v) {
        int bits = Float.floatToRawIntBits(v);
        if (Float.isNaN(v)) {
            return (short) ((bits >>> 16) | 0x40);
        }
        return (short) ((bits + 0x7FFF + ((bits >>> 16) & 1)) >>> 16);
    }

    /** 6-bit scale of sub-block j (0..7) of a Q4_K block whose 12 scale bytes start at {@code scales}. */
    static int scaleK4(MemorySegment s, long scales, int j) {
        return scaleK4(s.get(INT_LE, scales), s.get(INT_LE, scales + 8), j);
    }

    /** 6-bit min of sub-block j (0..7) of a Q4_K block. */
    static int minK4(MemorySegment s, long scales, int j) {
        return minK4(s.get(INT_LE, scales + 4), s.get(INT_LE, scales + 8), j);
    }

    /**
     * The packing, on the 12 scale bytes read as three little-endian ints (bytes 0-3, 4-7, 8-11): sub-blocks
     * 0-3 keep scale and min in the low 6 bits of bytes j and j+4; sub-blocks 4-7 keep their low 4 bits in the
     * nibbles of byte j+4 (scale low, min high) and their top 2 bits in the top bits of bytes j-4 and j.
     */
    static int scaleK4(int bytes0to3, int bytes8to11, int j) {
        return j < 4
                ? (bytes0to3 >>> (8 * j)) & 63
                : ((bytes8to11 >>> (8 * (j - 4))) & 0xF) | (((bytes0to3 >>> (8 * (j - 4) + 6)) & 3) << 4);
    }

    static int minK4(int bytes4to7, int bytes8to11, int j) {
        return j < 4
                ? (bytes4to7 >>> (8 * j)) & 63
                : ((bytes8to11 >>> (8 * (j - 4) + 4)) & 0xF) | (((bytes4to7 >>> (8 * (j - 4) + 6)) & 3) << 4);
    }

    /**
     * The 6-bit scale number {@code index} (0..15) of a Q3_K block whose 12 scale bytes b start at {@code scales}; the stored
     * value is sc - 32. Scale 4g + k (g, k in 0..3) keeps its low 4 bits in the low (g &lt; 2) or high nibble of
     * b[4(g % 2) + k] and its top 2 bits at bit 2g of b[8 + k].
     */
    static int scaleK3(MemorySegment s, long scales, int index) {
        int g = index >>> 2;
        int k = index & 3;
        int low = u8(s, scales + 4 * (g & 1) + k) >>> (g < 2 ? 0 : 4) & 0xF;
        return low | (u8(s, scales + 8 + k) >>> (2 * g) & 3) << 4;
    }

    /** 6-bit scale of sub-block b (0..7) of an IQ4_XS block at {@code offset}; the block's factor is ls - 32. */
    static int scaleIq4Xs(MemorySegment s, long offset, int b) {
        int high = (s.get(SHORT_LE, offset + 2) & 0xFFFF) >>> (2 * b) & 3;
        return (u8(s, offset + 4 + b / 2) >>> (4 * (b % 2)) & 0xF) | high << 4;
    }

    static int u8(MemorySegment s, long offset) {
        return s.get(BYTE, offset) & 0xFF;
    }

    /** The types WeightMatrix, Quantizer and Dequantizer handle. */
    static boolean supported(GGMLType type) {
        return switch (type) {
            case F32, F16, BF16, Q8_0, Q4_0, Q4_K, Q6_K, Q4_1, Q5_0, Q5_1, Q2_K, Q3_K, Q5_K, IQ4_NL, IQ4_XS -> true;
            default -> false;
        };
    }

    static void requireSupported(GGMLType type, String what) {
        if (!supported(type)) {
            throw new IllegalArgumentException(what + ": tensor type " + type
                    + " is not supported (supported: F32, F16, BF16, Q8_0, Q4_0, Q4_1, Q5_0, Q5_1, IQ4_NL, Q2_K, Q3_K, Q4_K,"
                    + " Q5_K, Q6_K, IQ4_XS)");
        }
    }
}
