package io.squall.model.tensor;

import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Q4_1, Q5_0, Q5_1, IQ4_NL, Q2_K, Q3_K, Q5_K and IQ4_XS: hand-built blocks with values worked out by hand; random
 * blocks decoded bit for bit as ggml's dequantize_row_* loops compute them (float, same operation order; {@link
 * #ggml}); the double-precision {@link ScalarReference}; quantize -> dequantize error bounds; fused dots against
 * dequantize-then-dot.
 */
class MoreFormatsTest {
    static final GGMLType[] NEW_TYPES = {
        GGMLType.Q4_1,
        GGMLType.Q5_0,
        GGMLType.Q5_1,
        GGMLType.IQ4_NL,
        GGMLType.Q2_K,
        GGMLType.Q3_K,
        GGMLType.Q5_K,
        GGMLType.IQ4_XS
    };

    private static MemorySegment bytes(int... b) {
        MemorySegment s = Arena.ofAuto().allocate(b.length);
        for (int i = 0; i < b.length; i++) {
            s.set(ValueLayout.JAVA_BYTE, i, (byte) b[i]);
        }
        return s;
    }

    private static float[] decode(GGMLType type, MemorySegment s, int count) {
        float[] out = new float[count];
        Dequantizer.dequantize(type, s, 0, out, 0, count);
        return out;
    }

    @Test
    void q4_1_scaleTimesNibblePlusMin() {
        int[] b = new int[20];
        b[1] = 0x40; // d = 2.0
        b[3] = 0xBC; // m = -1.0
        for (int j = 0; j < 16; j++) {
            b[4 + j] = j | (15 - j) << 4;
        }
        float[] v = decode(GGMLType.Q4_1, bytes(b), 32);
        for (int j = 0; j < 16; j++) {
            assertEquals(2f * j - 1, v[j], "element " + j);
            assertEquals(2f * (15 - j) - 1, v[16 + j], "element " + (16 + j));
        }
    }

    @Test
    void q5_0_bitIOfQhIsElementIsFifthBit() {
        int[] b = new int[22];
        b[1] = 0x3C; // d = 1.0
        b[2] = 0x01; // qh bit 0: element 0
        b[4] = 0x01; // qh bit 16: element 16
        b[5] = 0x80; // qh bit 31: element 31
        for (int j = 0; j < 16; j++) {
            b[6 + j] = 0x53; // low nibble 3, high nibble 5
        }
        float[] v = decode(GGMLType.Q5_0, bytes(b), 32);
        assertEquals(3 + 16 - 16, v[0]);
        assertEquals(3 - 16, v[1]);
        assertEquals(5 + 16 - 16, v[16]);
        assertEquals(5 - 16, v[17]);
        assertEquals(5 + 16 - 16, v[31]);
    }

    @Test
    void q3_K_signedScalesAndHighMask() {
        int[] b = new int[110];
        b[109] = 0x3C; // d = 1.0
        // scale 0 = 33 (stored 6 bits: 33 = 0b100001: low nibble 1 in byte 96's low nibble, top bits 2 in byte 104 bits
        // 0-1)
        b[96] = 0x01;
        b[104] = 0x02;
        // scale 9 (sub-block 9: h = 1, j = 0, k = 1) = 20: low nibble 4 in byte 97's high nibble, top bits 1 at bits
        // 4-5 of byte 105
        b[97] = 0x40;
        b[105] = 0x10;
        b[32] = 0x03; // element 0: 2-bit field 3, hmask bit 0 clear -> 3 - 4 = -1
        b[0] = 0x00;
        b[33] = 0x02; // element 1: field 2, hmask bit 0 set -> 2
        b[1] = 0x01;
        // element 144 = 16 * 9: quant byte 32 + 32 + 16 + 0, field j = 0; hmask byte 16, bit 4h + j = 4
        b[80] = 0x01;
        b[16] = 0x10;
        float[] v = decode(GGMLType.Q3_K, bytes(b), 256);
        assertEquals(1f * (33 - 32) * -1, v[0]);
        assertEquals(1f * (33 - 32) * 2, v[1]);
        assertEquals(1f * (20 - 32) * (1 + 4 - 4), v[144]);
        assertEquals(-32f * -4, v[32], "sub-block 2 (scale 0 - 32) of zero quants, hmask clear: -32 * -4");
    }

    @Test
    void iq4_xs_levelsTimesSixBitScales() {
        int[] b = new int[136];
        b[1] = 0x38; // d = 0.5
        // sub-block 0: ls = 40 (low nibble 8, top bits 2); sub-block 1: ls = 31 (low 15, top 1)
        b[4] = 0x08 | 0xF0;
        b[2] = 0x02 | 0x01 << 2;
        for (int j = 0; j < 16; j++) {
            b[8 + j] = j | (15 - j) << 4;
            b[24 + j] = 0x88; // level 1 everywhere
        }
        float[] v = decode(GGMLType.IQ4_XS, bytes(b), 256);
        int[] levels = ScalarReference.IQ4_LEVELS;
        for (int j = 0; j < 16; j++) {
            assertEquals(0.5f * 8 * levels[j], v[j], "element " + j);
            assertEquals(0.5f * 8 * levels[15 - j], v[16 + j], "element " + (16 + j));
            assertEquals(0.5f * -1 * 1, v[32 + j], "element " + (32 + j));
        }
        assertEquals(0.5f * -32 * -127, v[64], "sub-block 2: ls 0, nibble 0");
    }

    /** Random bytes with finite, moderate half-precision scales where each type keeps them. */
    static MemorySegment randomBlocks(GGMLType type, int blocks, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        MemorySegment s = Arena.ofAuto().allocate((long) blocks * type.typeSize());
        for (long i = 0; i < s.byteSize(); i++) {
            s.set(ValueLayout.JAVA_BYTE, i, (byte) r.nextInt(256));
        }
        int[] halves = switch (type) {
            case Q4_1, Q5_1, Q5_K -> new int[] {0, 2};
            case Q5_0, IQ4_NL, IQ4_XS -> new int[] {0};
            case Q2_K -> new int[] {80, 82};
            case Q3_K -> new int[] {108};
            default -> throw new IllegalArgumentException(type.toString());
        };
        for (int b = 0; b < blocks; b++) {
            for (int h : halves) {
                float v = (float) (r.nextDouble(-1, 1) * Math.pow(2, r.nextInt(-12, 3)));
                s.set(Blocks.SHORT_LE, (long) b * type.typeSize() + h, Float.floatToFloat16(v));
            }
        }
        return s;
    }

    @Test
    void dequantizationIsBitExactToGgmlsLoopsAndMatchesTheDoubleReference() {
        for (GGMLType type : NEW_TYPES) {
            int blocks = 24;
            int n = blocks * type.blockSize();
            MemorySegment data = randomBlocks(type, blocks, 7 + type.id());
            float[] fast = decode(type, data, n);
            float[] expected = ggml(type, data.toArray(ValueLayout.JAVA_BYTE), n);
            double[] reference = ScalarReference.decode(type, data, n);
            for (int i = 0; i < n; i++) {
                assertEquals(
                        Float.floatToRawIntBits(expected[i]),
                        Float.floatToRawIntBits(fast[i]),
                        type + " element " + i + ": " + expected[i] + " vs " + fast[i]);
                assertEquals(reference[i], fast[i], 1e-6 * Math.abs(reference[i]) + 1e-30, type + " element " + i);
            }
            // a range starting and ending inside blocks
            float[] part = new float[n - 40];
            Dequantizer.dequantize(type, data, 17, part, 0, part.length);
            for (int i = 0; i < part.length; i++) {
                assertEquals(fast[17 + i], part[i], type + " partial element " + i);
            }
        }
    }

    @Test
    void fusedDotEqualsDequantizeThenDot() {
        for (GGMLType type : NEW_TYPES) {
            for (int cols : new int[] {256, 4096}) {
                int rows = 5;
                MemorySegment data = randomBlocks(type, rows * cols / type.blockSize(), cols + type.id());
                WeightMatrix m =
                        WeightMatrix.of("blk.0.test", type, data, rows, cols).withFloatActivations();
                float[] x = TensorTestData.gaussian(cols + 3, 5);
                float[] out = new float[rows];
                m.matvec(x, 3, out, 0, 0, rows);
                float[] w = decode(type, data, rows * cols);
                for (int row = 0; row < rows; row++) {
                    double dot = 0;
                    double abs = 0;
                    for (int i = 0; i < cols; i++) {
                        dot += (double) w[row * cols + i] * x[3 + i];
                        abs += Math.abs((double) w[row * cols + i] * x[3 + i]);
                    }
                    assertEquals(dot, m.dotRow(row, x, 3), 2e-6 * abs + 1e-6, type + " cols " + cols + " row " + row);
                    // same sums, but Vector API lane reductions may associate differently once C2 compiles one path
                    // and not yet the other: float rounding apart, not bit for bit
                    assertEquals(
                            m.dotRow(row, x, 3),
                            out[row],
                            2e-6 * abs + 1e-6,
                            type + " matvec row " + row + " differs from dotRow");
                }
            }
        }
    }

    private static double relativeRms(float[] x, float[] y) {
        double err = 0;
        double norm = 0;
        for (int i = 0; i < x.length; i++) {
            err += (x[i] - y[i]) * (x[i] - y[i]);
            norm += (double) x[i] * x[i];
        }
        return Math.sqrt(err / norm);
    }

    /**
     * Round trips on Gaussian data: each element within its (sub-)block's step of the original (half a step for
     * the uniform types, the largest gap between IQ4 levels for IQ4), and the relative RMS error what the bit
     * width promises (bounds about 1.5x what the quantizers reach).
     */
    @Test
    void roundTripErrorIsBoundedByTheBlockStep() {
        float[] g = TensorTestData.gaussian(8192, 17);
        for (GGMLType type : NEW_TYPES) {
            MemorySegment q = Quantizer.quantize(type, g);
            float[] back = decode(type, q, g.length);
            double bound = switch (type) {
                case Q5_0, Q5_1 -> 0.055;
                case Q4_1, IQ4_NL, IQ4_XS -> 0.1;
                case Q5_K -> 0.055;
                case Q3_K -> 0.2;
                case Q2_K -> 0.4;
                default -> throw new AssertionError(type);
            };
            double rms = relativeRms(g, back);
            assertTrue(rms < bound, type + " relative RMS error " + rms + " >= " + bound);
            int sub = type == GGMLType.Q2_K || type == GGMLType.Q3_K ? 16 : 32;
            int superSize = type.blockSize();
            for (int start = 0; start < g.length; start += sub) {
                double lo = 0;
                double hi = 0;
                double amax = 0;
                for (int i = start; i < start + sub; i++) {
                    lo = Math.min(lo, g[i]);
                    hi = Math.max(hi, g[i]);
                }
                double superRange = 0;
                double superAmax = 0;
                int superStart = start / superSize * superSize;
                for (int i = superStart; i < superStart + superSize; i += sub) {
                    double l = 0;
                    double h = 0;
                    for (int k = i; k < i + sub; k++) {
                        l = Math.min(l, g[k]);
                        h = Math.max(h, g[k]);
                    }
                    superRange = Math.max(superRange, h - l);
                    superAmax = Math.max(superAmax, Math.max(h, -l));
                }
                amax = Math.max(hi, -lo);
                double blockLo = Double.MAX_VALUE;
                double blockHi = -Double.MAX_VALUE;
                for (int i = start; i < start + sub; i++) {
                    blockLo = Math.min(blockLo, g[i]);
                    blockHi = Math.max(blockHi, g[i]);
                }
                // rounding to nearest on the block's grid; the K types' scale codes are ceil'ed multiples of the
                // super-block's d (and dmin), which can widen a sub-block's step by about one d
                double limit = switch (type) {
                    case Q4_1 -> 0.5 * (blockHi - blockLo) / 15;
                    case Q5_1 -> 0.5 * (blockHi - blockLo) / 31;
                    case Q5_0 -> amax / 16; // the side opposite the largest value is clipped at 15 steps
                    case IQ4_NL -> 14 * amax / 127; // half the widest level gap (24), or 127 - 113 beyond the top level
                    case IQ4_XS -> 14 * amax / 127 + superAmax / 16; // plus the 6-bit sub-block scale's rounding
                    case Q2_K -> 0.5 * (hi - lo) / 3 + 2 * superRange / (3 * 15);
                    case Q3_K -> 0.5 * (hi - lo) / 3 + 2 * superRange / (3 * 31);
                    case Q5_K -> 0.5 * (hi - lo) / 31 + 2 * superRange / (31 * 63);
                    default -> throw new AssertionError(type);
                };
                for (int i = start; i < start + sub; i++) {
                    double err = Math.abs(back[i] - g[i]);
                    assertTrue(
                            err <= limit * 1.01 + 1e-6, type + " element " + i + " error " + err + " beyond " + limit);
                }
            }
        }
    }

    @Test
    void zeroBlocksStayZeroAndNonFiniteInputIsRejected() {
        for (GGMLType type : NEW_TYPES) {
            float[] zeros = new float[type.blockSize()];
            float[] back = decode(type, Quantizer.quantize(type, zeros), zeros.length);
            for (float v : back) {
                assertEquals(0f, Math.abs(v), type.toString());
            }
            float[] bad = new float[type.blockSize()];
            bad[3] = Float.NaN;
            IllegalArgumentException e =
                    assertThrows(IllegalArgumentException.class, () -> Quantizer.quantize(type, bad));
            assertTrue(e.getMessage().contains("index 3"), e.getMessage());
        }
    }

    // ---- ggml's dequantize_row_* loops, in float with their operation order (written from ggml-quants.c) ----

    static float[] ggml(GGMLType type, byte[] x, int n) {
        float[] y = new float[n];
        int yi = 0;
        for (int blk = 0; blk < n / type.blockSize(); blk++) {
            int o = blk * type.typeSize();
            switch (type) {
                case Q4_1 -> {
                    float d = h(x, o);
                    float m = h(x, o + 2);
                    for (int j = 0; j < 16; j++) {
                        int x0 = u(x, o + 4 + j) & 0x0F;
                        int x1 = u(x, o + 4 + j) >> 4;
                        y[yi + j] = x0 * d + m;
                        y[yi + j + 16] = x1 * d + m;
                    }
                }
                case Q5_0, Q5_1 -> {
                    boolean one = type == GGMLType.Q5_1;
                    float d = h(x, o);
                    float m = one ? h(x, o + 2) : 0;
                    int qhAt = one ? o + 4 : o + 2;
                    int qh = u(x, qhAt) | u(x, qhAt + 1) << 8 | u(x, qhAt + 2) << 16 | u(x, qhAt + 3) << 24;
                    for (int j = 0; j < 16; j++) {
                        int xh0 = ((qh >>> j) << 4) & 0x10;
                        int xh1 = (qh >>> (j + 12)) & 0x10;
                        int q = u(x, qhAt + 4 + j);
                        if (one) {
                            y[yi + j] = ((q & 0x0F) | xh0) * d + m;
                            y[yi + j + 16] = ((q >> 4) | xh1) * d + m;
                        } else {
                            y[yi + j] = (((q & 0x0F) | xh0) - 16) * d;
                            y[yi + j + 16] = (((q >> 4) | xh1) - 16) * d;
                        }
                    }
                }
                case IQ4_NL -> {
                    float d = h(x, o);
                    for (int j = 0; j < 16; j++) {
                        y[yi + j] = d * ScalarReference.IQ4_LEVELS[u(x, o + 2 + j) & 0xF];
                        y[yi + j + 16] = d * ScalarReference.IQ4_LEVELS[u(x, o + 2 + j) >> 4];
                    }
                }
                case Q2_K -> {
                    float d = h(x, o + 80);
                    float min = h(x, o + 82);
                    int q = o + 16;
                    int is = 0;
                    int yo = yi;
                    for (int n128 = 0; n128 < 256; n128 += 128) {
                        int shift = 0;
                        for (int j = 0; j < 4; j++) {
                            int sc = u(x, o + is++);
                            float dl = d * (sc & 0xF);
                            float ml = min * (sc >> 4);
                            for (int l = 0; l < 16; l++) {
                                y[yo++] = dl * ((u(x, q + l) >> shift) & 3) - ml;
                            }
                            sc = u(x, o + is++);
                            dl = d * (sc & 0xF);
                            ml = min * (sc >> 4);
                            for (int l = 0; l < 16; l++) {
                                y[yo++] = dl * ((u(x, q + l + 16) >> shift) & 3) - ml;
                            }
                            shift += 2;
                        }
                        q += 32;
                    }
                }
                case Q3_K -> {
                    float dAll = h(x, o + 108);
                    int[] aux = new int[4];
                    for (int k = 0; k < 3; k++) {
                        aux[k] = u(x, o + 96 + 4 * k)
                                | u(x, o + 97 + 4 * k) << 8
                                | u(x, o + 98 + 4 * k) << 16
                                | u(x, o + 99 + 4 * k) << 24;
                    }
                    int kmask1 = 0x03030303;
                    int kmask2 = 0x0f0f0f0f;
                    int tmp = aux[2];
                    aux[2] = ((aux[0] >>> 4) & kmask2) | (((tmp >>> 4) & kmask1) << 4);
                    aux[3] = ((aux[1] >>> 4) & kmask2) | (((tmp >>> 6) & kmask1) << 4);
                    aux[0] = (aux[0] & kmask2) | ((tmp & kmask1) << 4);
                    aux[1] = (aux[1] & kmask2) | (((tmp >>> 2) & kmask1) << 4);
                    int q = o + 32;
                    int m = 1;
                    int is = 0;
                    int yo = yi;
                    for (int n128 = 0; n128 < 256; n128 += 128) {
                        int shift = 0;
                        for (int j = 0; j < 4; j++) {
                            float dl = dAll * ((byte) (aux[is / 4] >>> (8 * (is % 4))) - 32);
                            is++;
                            for (int l = 0; l < 16; l++) {
                                y[yo++] = dl * (((u(x, q + l) >> shift) & 3) - ((u(x, o + l) & m) != 0 ? 0 : 4));
                            }
                            dl = dAll * ((byte) (aux[is / 4] >>> (8 * (is % 4))) - 32);
                            is++;
                            for (int l = 0; l < 16; l++) {
                                y[yo++] = dl
                                        * (((u(x, q + l + 16) >> shift) & 3) - ((u(x, o + l + 16) & m) != 0 ? 0 : 4));
                            }
                            shift += 2;
                            m <<= 1;
                        }
                        q += 32;
                    }
                }
                case Q5_K -> {
                    float d = h(x, o);
                    float min = h(x, o + 2);
                    byte[] raw = x;
                    int ql = o + 48;
                    int is = 0;
                    int u1 = 1;
                    int u2 = 2;
                    int yo = yi;
                    for (int j = 0; j < 256; j += 64) {
                        int[] sm1 = ScalarReference.q4kScaleMin(raw, o + 4, is);
                        int[] sm2 = ScalarReference.q4kScaleMin(raw, o + 4, is + 1);
                        float d1 = d * sm1[0];
                        float m1 = min * sm1[1];
                        float d2 = d * sm2[0];
                        float m2 = min * sm2[1];
                        for (int l = 0; l < 32; l++) {
                            y[yo++] = d1 * ((u(x, ql + l) & 0xF) + ((u(x, o + 16 + l) & u1) != 0 ? 16 : 0)) - m1;
                        }
                        for (int l = 0; l < 32; l++) {
                            y[yo++] = d2 * ((u(x, ql + l) >> 4) + ((u(x, o + 16 + l) & u2) != 0 ? 16 : 0)) - m2;
                        }
                        ql += 32;
                        is += 2;
                        u1 <<= 2;
                        u2 <<= 2;
                    }
                }
                case IQ4_XS -> {
                    float d = h(x, o);
                    int scalesH = u(x, o + 2) | u(x, o + 3) << 8;
                    for (int ib = 0; ib < 8; ib++) {
                        int ls = ((u(x, o + 4 + ib / 2) >> 4 * (ib % 2)) & 0xf) | (((scalesH >> 2 * ib) & 3) << 4);
                        float dl = d * (ls - 32);
                        for (int j = 0; j < 16; j++) {
                            y[yi + 32 * ib + j] = dl * ScalarReference.IQ4_LEVELS[u(x, o + 8 + 16 * ib + j) & 0xf];
                            y[yi + 32 * ib + j + 16] = dl * ScalarReference.IQ4_LEVELS[u(x, o + 8 + 16 * ib + j) >> 4];
                        }
                    }
                }
                default -> throw new IllegalArgumentException(type.toString());
            }
            yi += type.blockSize();
        }
        return y;
    }

    private static int u(byte[] b, int i) {
        return b[i] & 0xFF;
    }

    private static float h(byte[] b, int i) {
        return Float.float16ToFloat((short) (u(b, i) | u(b, i + 1) << 8));
    }
}
