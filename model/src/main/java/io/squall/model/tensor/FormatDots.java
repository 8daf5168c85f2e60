package io.squall.model.tensor;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;

import static io.squall.model.tensor.VectorDots.F;
import static io.squall.model.tensor.VectorDots.L;
import static jdk.incubator.vector.VectorOperators.B2F;
import static jdk.incubator.vector.VectorOperators.B2I;
import static jdk.incubator.vector.VectorOperators.I2F;
import static jdk.incubator.vector.VectorOperators.LSHL;
import static jdk.incubator.vector.VectorOperators.LSHR;
import static jdk.incubator.vector.VectorOperators.S2F;
import static jdk.incubator.vector.VectorOperators.ZERO_EXTEND_B2S;

/**
 * Fused dequantize-and-dot kernels for the formats beyond the first seven: Q4_1, Q5_0, Q5_1, IQ4_NL, Q2_K, Q3_K,
 * Q5_K and IQ4_XS (layouts in {@link Blocks}). One static method per format, each reading a weight row from its
 * GGUF bytes like {@link VectorDots}' kernels; {@link VectorDots#kernel} hands these types here, so each format is
 * one entry of {@link #kernel}. Quants are widened to float lanes; scales and mins are applied per (sub-)block, so
 * the sum differs from dequantize-then-dot only by float rounding. IQ4 levels come from a 16-byte table lookup
 * ({@code selectFrom}, one byte shuffle). The same C2 rules as in VectorDots hold: no helper taking vectors above
 * the always-inline size, one kernel class per type.
 */
final class FormatDots {
    private static final VectorSpecies<Byte> B = VectorSpecies.of(byte.class, VectorShape.forBitSize(L * 8));
    private static final VectorSpecies<Byte> B16 = ByteVector.SPECIES_128;
    private static final VectorSpecies<Integer> I = VectorSpecies.of(int.class, F.vectorShape());
    private static final VectorSpecies<Short> S = VectorSpecies.of(short.class, VectorShape.forBitSize(L * 16));
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final ByteVector LOW_NIBBLE = ByteVector.broadcast(B, (byte) 0x0F);
    private static final ByteVector IQ4_TABLE = ByteVector.fromArray(B16, Blocks.IQ4_VALUES, 0);
    private static final ByteVector LOW_NIBBLE16 = ByteVector.broadcast(B16, (byte) 0x0F);
    /** Lane i shifts Q5_0/Q5_1's 32-bit qh right by i: element i's 5th bit. */
    private static final int[] BIT_INDEX =
            java.util.stream.IntStream.range(0, 32).toArray();

    private FormatDots() {}

    static VectorDots.RowDots kernel(GGMLType type) {
        return switch (type) {
            case Q4_1 ->
                new VectorDots.RowDots() {
                    float dot(MemorySegment w, long base, float[] x, int xo, int cols) {
                        return q4_1(w, base, x, xo, cols);
                    }

                    void dot4(
                            MemorySegment w,
                            long base,
                            long rowBytes,
                            float[] x,
                            int xo,
                            int cols,
                            float[] out,
                            int o) {
                        for (int r = 0; r < 4; r++) { // per type, so that no call site mixes kernels
                            out[o + r] = q4_1(w, base + r * rowBytes, x, xo, cols);
                        }
                    }
                };
            case Q5_0 ->
                new VectorDots.RowDots() {
                    float dot(MemorySegment w, long base, float[] x, int xo, int cols) {
                        return q5_0(w, base, x, xo, cols);
                    }

                    void dot4(
                            MemorySegment w,
                            long base,
                            long rowBytes,
                            float[] x,
                            int xo,
                            int cols,
                            float[] out,
                            int o) {
                        for (int r = 0; r < 4; r++) {
                            out[o + r] = q5_0(w, base + r * rowBytes, x, xo, cols);
                        }
                    }
                };
            case Q5_1 ->
                new VectorDots.RowDots() {
                    float dot(MemorySegment w, long base, float[] x, int xo, int cols) {
                        return q5_1(w, base, x, xo, cols);
                    }

                    void dot4(
                            MemorySegment w,
                            long base,
                            long rowBytes,
                            float[] x,
                            int xo,
                            int cols,
                            float[] out,
                            int o) {
                        for (int r = 0; r < 4; r++) {
                            out[o + r] = q5_1(w, base + r * rowBytes, x, xo, cols);
                        }
                    }
                };
            case IQ4_NL ->
                new VectorDots.RowDots() {
                    float dot(MemorySegment w, long base, float[] x, int xo, int cols) {
                        return iq4_nl(w, base, x, xo, cols);
                    }

                    void dot4(
                            MemorySegment w,
                            long base,
                            long rowBytes,
                            float[] x,
                            int xo,
                            int cols,
                            float[] out,
                            int o) {
                        for (int r = 0; r < 4; r++) {
                            out[o + r] = iq4_nl(w, base + r * rowBytes, x, xo, cols);
                        }
                    }
                };
            case Q2_K ->
                new VectorDots.RowDots() {
                    float dot(MemorySegment w, long base, float[] x, int xo, int cols) {
                        return q2_K(w, base, x, xo, cols);
                    }

                    void dot4(
                            MemorySegment w,
                            long base,
                            long rowBytes,
                            float[] x,
                            int xo,
                            int cols,
                            float[] out,
                            int o) {
                        for (int r = 0; r < 4; r++) {
                            out[o + r] = q2_K(w, base + r * rowBytes, x, xo, cols);
                        }
                    }
                };
            case Q3_K ->
                new VectorDots.RowDots() {
                    float dot(MemorySegment w, long base, float[] x, int xo, int cols) {
                        return q3_K(w, base, x, xo, cols);
                    }

                    void dot4(
                            MemorySegment w,
                            long base,
                            long rowBytes,
                            float[] x,
                            int xo,
                            int cols,
                            float[] out,
                            int o) {
                        for (int r = 0; r < 4; r++) {
                            out[o + r] = q3_K(w, base + r * rowBytes, x, xo, cols);
                        }
                    }
                };
            case Q5_K ->
                new VectorDots.RowDots() {
                    float dot(MemorySegment w, long base, float[] x, int xo, int cols) {
                        return q5_K(w, base, x, xo, cols);
                    }

                    void dot4(
                            MemorySegment w,
                            long base,
                            long rowBytes,
                            float[] x,
                            int xo,
                            int cols,
                            float[] out,
                            int o) {
                        for (int r = 0; r < 4; r++) {
                            out[o + r] = q5_K(w, base + r * rowBytes, x, xo, cols);
                        }
                    }
                };
            case IQ4_XS ->
                new VectorDots.RowDots() {
                    float dot(MemorySegment w, long base, float[] x, int xo, int cols) {
                        return iq4_xs(w, base, x, xo, cols);
                    }

                    void dot4(
                            MemorySegment w,
                            long base,
                            long rowBytes,
                            float[] x,
                            int xo,
                            int cols,
                            float[] out,
                            int o) {
                        for (int r = 0; r < 4; r++) {
                            out[o + r] = iq4_xs(w, base + r * rowBytes, x, xo, cols);
                        }
                    }
                };
            default -> throw new IllegalArgumentException("no dot product for " + type);
        };
    }

    private static FloatVector bytesToFloats(ByteVector v) {
        return (FloatVector) v.convertShape(B2F, F, 0);
    }

    /** L bytes at o, zero-extended to L 16-bit lanes. */
    private static ShortVector bytesAsShorts(MemorySegment w, long o) {
        return (ShortVector) ByteVector.fromMemorySegment(B, w, o, LE).convertShape(ZERO_EXTEND_B2S, S, 0);
    }

    private static FloatVector intsToFloats(IntVector v) {
        return (FloatVector) v.convert(I2F, 0);
    }

    private static FloatVector halfAt(MemorySegment w, long o) {
        return FloatVector.broadcast(F, Blocks.half(w, o));
    }

    /** Q4_1: sum d q x + m x per block of 32; the min is applied through the block's sum of x. */
    static float q4_1(MemorySegment w, long base, float[] x, int xo, int cols) {
        FloatVector acc = FloatVector.zero(F);
        for (int b = 0; b < cols / 32; b++) {
            long o = base + (long) b * Blocks.Q4_1_BYTES;
            int xi = xo + 32 * b;
            FloatVector s = FloatVector.zero(F);
            FloatVector xs = FloatVector.zero(F);
            for (int j = 0; j < 16; j += L) {
                ByteVector v = ByteVector.fromMemorySegment(B, w, o + 4 + j, LE);
                FloatVector x0 = FloatVector.fromArray(F, x, xi + j);
                FloatVector x1 = FloatVector.fromArray(F, x, xi + 16 + j);
                s = bytesToFloats(v.and(LOW_NIBBLE)).fma(x0, s);
                s = bytesToFloats(v.lanewise(LSHR, 4).and(LOW_NIBBLE)).fma(x1, s);
                xs = xs.add(x0).add(x1);
            }
            acc = s.fma(halfAt(w, o), acc);
            acc = xs.fma(halfAt(w, o + 2), acc);
        }
        return Lanes.sum(acc);
    }

    /** Q5_0: 4-bit nibbles plus bit i of qh as element i's 5th bit (in int lanes), offset -16 through the sum of x. */
    static float q5_0(MemorySegment w, long base, float[] x, int xo, int cols) {
        FloatVector acc = FloatVector.zero(F);
        for (int b = 0; b < cols / 32; b++) {
            long o = base + (long) b * Blocks.Q5_0_BYTES;
            int xi = xo + 32 * b;
            IntVector qh = IntVector.broadcast(I, w.get(Blocks.INT_LE, o + 2));
            FloatVector s = FloatVector.zero(F);
            FloatVector xs = FloatVector.zero(F);
            for (int j = 0; j < 16; j += L) {
                ByteVector v = ByteVector.fromMemorySegment(B, w, o + 6 + j, LE);
                IntVector lo = (IntVector) v.and(LOW_NIBBLE).convertShape(B2I, I, 0);
                IntVector hi = (IntVector) v.lanewise(LSHR, 4).and(LOW_NIBBLE).convertShape(B2I, I, 0);
                IntVector h0 = qh.lanewise(LSHR, IntVector.fromArray(I, BIT_INDEX, j))
                        .and(1)
                        .lanewise(LSHL, 4);
                IntVector h1 = qh.lanewise(LSHR, IntVector.fromArray(I, BIT_INDEX, 16 + j))
                        .and(1)
                        .lanewise(LSHL, 4);
                FloatVector x0 = FloatVector.fromArray(F, x, xi + j);
                FloatVector x1 = FloatVector.fromArray(F, x, xi + 16 + j);
                s = intsToFloats(lo.or(h0)).fma(x0, s);
                s = intsToFloats(hi.or(h1)).fma(x1, s);
                xs = xs.add(x0).add(x1);
            }
            acc = xs.fma(FloatVector.broadcast(F, -16f), s).fma(halfAt(w, o), acc);
        }
        return Lanes.sum(acc);
    }

    /** Q5_1: as Q5_0 without the offset, plus the block's min times the sum of x. */
    static float q5_1(MemorySegment w, long base, float[] x, int xo, int cols) {
        FloatVector acc = FloatVector.zero(F);
        for (int b = 0; b < cols / 32; b++) {
            long o = base + (long) b * Blocks.Q5_1_BYTES;
            int xi = xo + 32 * b;
            IntVector qh = IntVector.broadcast(I, w.get(Blocks.INT_LE, o + 4));
            FloatVector s = FloatVector.zero(F);
            FloatVector xs = FloatVector.zero(F);
            for (int j = 0; j < 16; j += L) {
                ByteVector v = ByteVector.fromMemorySegment(B, w, o + 8 + j, LE);
                IntVector lo = (IntVector) v.and(LOW_NIBBLE).convertShape(B2I, I, 0);
                IntVector hi = (IntVector) v.lanewise(LSHR, 4).and(LOW_NIBBLE).convertShape(B2I, I, 0);
                IntVector h0 = qh.lanewise(LSHR, IntVector.fromArray(I, BIT_INDEX, j))
                        .and(1)
                        .lanewise(LSHL, 4);
                IntVector h1 = qh.lanewise(LSHR, IntVector.fromArray(I, BIT_INDEX, 16 + j))
                        .and(1)
                        .lanewise(LSHL, 4);
                FloatVector x0 = FloatVector.fromArray(F, x, xi + j);
                FloatVector x1 = FloatVector.fromArray(F, x, xi + 16 + j);
                s = intsToFloats(lo.or(h0)).fma(x0, s);
                s = intsToFloats(hi.or(h1)).fma(x1, s);
                xs = xs.add(x0).add(x1);
            }
            acc = s.fma(halfAt(w, o), acc);
            acc = xs.fma(halfAt(w, o + 2), acc);
        }
        return Lanes.sum(acc);
    }

    /** IQ4_NL: each block's 16 bytes give 32 table indices; levels looked up in a byte shuffle, then widened. */
    static float iq4_nl(MemorySegment w, long base, float[] x, int xo, int cols) {
        FloatVector acc = FloatVector.zero(F);
        for (int b = 0; b < cols / 32; b++) {
            long o = base + (long) b * Blocks.IQ4_NL_BYTES;
            int xi = xo + 32 * b;
            ByteVector v = ByteVector.fromMemorySegment(B16, w, o + 2, LE);
            ByteVector lo = v.and(LOW_NIBBLE16).selectFrom(IQ4_TABLE);
            ByteVector hi = v.lanewise(LSHR, 4).and(LOW_NIBBLE16).selectFrom(IQ4_TABLE);
            FloatVector s = FloatVector.zero(F);
            for (int p = 0; p < 16 / L; p++) {
                s = ((FloatVector) lo.convertShape(B2F, F, p)).fma(FloatVector.fromArray(F, x, xi + p * L), s);
                s = ((FloatVector) hi.convertShape(B2F, F, p)).fma(FloatVector.fromArray(F, x, xi + 16 + p * L), s);
            }
            acc = s.fma(halfAt(w, o), acc);
        }
        return Lanes.sum(acc);
    }

    /**
     * Q2_K: each load of 16 (or L) quant bytes serves the four 2-bit fields j, which belong to sub-blocks
     * 8h + 2j + k (elements 16 * sub-block + l). Scale and min are applied per vector to two accumulators.
     */
    static float q2_K(MemorySegment w, long base, float[] x, int xo, int cols) {
        FloatVector accQ = FloatVector.zero(F);
        FloatVector accM = FloatVector.zero(F);
        for (int sb = 0; sb < cols / 256; sb++) {
            long o = base + (long) sb * Blocks.Q2_K_BYTES;
            float d = Blocks.half(w, o + 80);
            float dmin = Blocks.half(w, o + 82);
            int xb = xo + 256 * sb;
            for (int hk = 0; hk < 4; hk++) { // h = hk / 2, k = hk % 2: quant bytes 32h + 16k ..
                long q = o + 16 + 16 * hk;
                int sub0 = 8 * (hk >> 1) + (hk & 1);
                for (int l = 0; l < 16; l += L) {
                    ShortVector v = bytesAsShorts(w, q + l); // 16-bit lanes: see q5_K
                    for (int j = 0; j < 4; j++) {
                        int sub = sub0 + 2 * j;
                        int sc = Blocks.u8(w, o + sub);
                        FloatVector xv = FloatVector.fromArray(F, x, xb + 16 * sub + l);
                        accQ = ((FloatVector)
                                        v.lanewise(LSHR, 2 * j).and((short) 3).convertShape(S2F, F, 0))
                                .mul(xv)
                                .fma(FloatVector.broadcast(F, d * (sc & 0xF)), accQ);
                        accM = xv.fma(FloatVector.broadcast(F, dmin * (sc >>> 4)), accM);
                    }
                }
            }
        }
        return Lanes.sum(accQ.sub(accM));
    }

    /** Q3_K: Q2_K's 2-bit fields plus a high bit from hmask (q = low | high &lt;&lt; 2, minus 4); signed 6-bit scales. */
    static float q3_K(MemorySegment w, long base, float[] x, int xo, int cols) {
        FloatVector acc = FloatVector.zero(F);
        for (int sb = 0; sb < cols / 256; sb++) {
            long o = base + (long) sb * Blocks.Q3_K_BYTES;
            float d = Blocks.half(w, o + 108);
            int xb = xo + 256 * sb;
            for (int hk = 0; hk < 4; hk++) {
                int h = hk >> 1;
                int k = hk & 1;
                long q = o + 32 + 16 * hk;
                for (int l = 0; l < 16; l += L) {
                    ShortVector v = bytesAsShorts(w, q + l); // 16-bit lanes: see q5_K
                    ShortVector hm = bytesAsShorts(w, o + 16 * k + l);
                    for (int j = 0; j < 4; j++) {
                        int sub = 8 * h + 2 * j + k;
                        float dl = d * (Blocks.scaleK3(w, o + 96, sub) - 32);
                        ShortVector high =
                                hm.lanewise(LSHR, 4 * h + j).and((short) 1).lanewise(LSHL, 2);
                        ShortVector qv =
                                v.lanewise(LSHR, 2 * j).and((short) 3).or(high).sub((short) 4);
                        acc = ((FloatVector) qv.convertShape(S2F, F, 0))
                                .mul(FloatVector.fromArray(F, x, xb + 16 * sub + l))
                                .fma(FloatVector.broadcast(F, dl), acc);
                    }
                }
            }
        }
        return Lanes.sum(acc);
    }

    /** Q5_K: Q4_K's groups of 64 with each element's 5th bit from qh (bit 2g for the low nibbles, 2g + 1 high). */
    static float q5_K(MemorySegment w, long base, float[] x, int xo, int cols) {
        FloatVector acc = FloatVector.zero(F);
        for (int sb = 0; sb < cols / 256; sb++) {
            long o = base + (long) sb * Blocks.Q5_K_BYTES;
            float d = Blocks.half(w, o);
            float dmin = Blocks.half(w, o + 2);
            int sc03 = w.get(Blocks.INT_LE, o + 4);
            int mn03 = w.get(Blocks.INT_LE, o + 8);
            int hi47 = w.get(Blocks.INT_LE, o + 12);
            for (int g = 0; g < 4; g++) {
                int xi = xo + sb * 256 + 64 * g;
                long qs = o + 48 + 32 * g;
                FloatVector sLo = FloatVector.zero(F);
                FloatVector sHi = FloatVector.zero(F);
                FloatVector xLo = FloatVector.zero(F);
                FloatVector xHi = FloatVector.zero(F);
                for (int j = 0; j < 32; j += L) {
                    // bit fields in 16-bit lanes: x86 shifts those natively, bytes only through widening
                    ShortVector v = bytesAsShorts(w, qs + j);
                    ShortVector qh = bytesAsShorts(w, o + 16 + j);
                    ShortVector lo = v.and((short) 0x0F)
                            .or(qh.lanewise(LSHR, 2 * g).and((short) 1).lanewise(LSHL, 4));
                    ShortVector hi = v.lanewise(LSHR, 4)
                            .or(qh.lanewise(LSHR, 2 * g + 1).and((short) 1).lanewise(LSHL, 4));
                    FloatVector x1 = FloatVector.fromArray(F, x, xi + j);
                    FloatVector x2 = FloatVector.fromArray(F, x, xi + 32 + j);
                    sLo = ((FloatVector) lo.convertShape(S2F, F, 0)).fma(x1, sLo);
                    sHi = ((FloatVector) hi.convertShape(S2F, F, 0)).fma(x2, sHi);
                    xLo = xLo.add(x1);
                    xHi = xHi.add(x2);
                }
                FloatVector t = sLo.mul(d * Blocks.scaleK4(sc03, hi47, 2 * g));
                t = xLo.fma(FloatVector.broadcast(F, -dmin * Blocks.minK4(mn03, hi47, 2 * g)), t);
                t = sHi.fma(FloatVector.broadcast(F, d * Blocks.scaleK4(sc03, hi47, 2 * g + 1)), t);
                t = xHi.fma(FloatVector.broadcast(F, -dmin * Blocks.minK4(mn03, hi47, 2 * g + 1)), t);
                acc = acc.add(t);
            }
        }
        return Lanes.sum(acc);
    }

    /** IQ4_XS: IQ4_NL's lookup per sub-block of 32, each with the 6-bit scale ls - 32 times the super-block's d. */
    static float iq4_xs(MemorySegment w, long base, float[] x, int xo, int cols) {
        FloatVector acc = FloatVector.zero(F);
        for (int sb = 0; sb < cols / 256; sb++) {
            long o = base + (long) sb * Blocks.IQ4_XS_BYTES;
            float d = Blocks.half(w, o);
            for (int b = 0; b < 8; b++) {
                int xi = xo + 256 * sb + 32 * b;
                ByteVector v = ByteVector.fromMemorySegment(B16, w, o + 8 + 16 * b, LE);
                ByteVector lo = v.and(LOW_NIBBLE16).selectFrom(IQ4_TABLE);
                ByteVector hi = v.lanewise(LSHR, 4).and(LOW_NIBBLE16).selectFrom(IQ4_TABLE);
                FloatVector s = FloatVector.zero(F);
                for (int p = 0; p < 16 / L; p++) {
                    s = ((FloatVector) lo.convertShape(B2F, F, p)).fma(FloatVector.fromArray(F, x, xi + p * L), s);
                    s = ((FloatVector) hi.convertShape(B2F, F, p)).fma(FloatVector.fromArray(F, x, xi + 16 + p * L), s);
                }
                acc = s.fma(FloatVector.broadcast(F, d * (Blocks.scaleIq4Xs(w, o, b) - 32)), acc);
            }
        }
        return Lanes.sum(acc);
    }
}
