package io.squall.model.tensor;

import static io.squall.model.tensor.IntegerDots.bytesAt;
import static jdk.incubator.vector.VectorOperators.ADD;
import static jdk.incubator.vector.VectorOperators.ASHR;
import static jdk.incubator.vector.VectorOperators.B2S;
import static jdk.incubator.vector.VectorOperators.I2F;
import static jdk.incubator.vector.VectorOperators.LSHL;
import static jdk.incubator.vector.VectorOperators.LSHR;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Integer dot products with the 8-bit quantized x ({@link QuantizedVector}) for the formats of {@link FormatDots}:
 * Q4_1, Q5_0, Q5_1, IQ4_NL, Q2_K, Q3_K, Q5_K and IQ4_XS, in the two shapes {@link IntegerDots} found fast with C2:
 * <ul>
 * <li>non-negative quants of up to 5 bits (Q4_1, Q5_0, Q5_1, Q5_K) as 16-bit halves of an int lane times x's pair
 *     ints, one 32-bit multiply giving two products' sum (the low carry, at most 2 * 31 * 127, is removed by the
 *     +2^15 before the shift);</li>
 * <li>signed or pre-scaled quants (IQ4 levels, Q2_K/Q3_K times their sub-block scale) multiplied with x in 16-bit
 *     lanes and pair-summed into int lanes ({@link #pairInts}); every partial sum is bounded below 2^15 (noted per
 *     kernel).</li>
 * </ul>
 * Offsets and mins go through x's block sums per 32 ({@link QuantizedVector#blockSum}) or per 16 (Q2_K,
 * {@link QuantizedVector#halfBlockSum}) as scalars; scales are applied once per 32 elements in float.
 */
final class FormatIntegerDots {
    private static final VectorSpecies<Byte> B = ByteVector.SPECIES_128;
    private static final VectorSpecies<Short> S = ShortVector.SPECIES_256;
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_256;
    private static final VectorSpecies<Integer> I = IntVector.SPECIES_256;
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final ByteVector IQ4_TABLE = ByteVector.fromArray(B, Blocks.IQ4_VALUES, 0);
    /** Q5_0/Q5_1: int lane k holds elements 2k and 2k + 1 (low nibbles), whose 5th bits are qh bits 2k, 2k + 1. */
    private static final IntVector QH_SHIFT_LOW = IntVector.fromArray(I, new int[] {0, 2, 4, 6, 8, 10, 12, 14}, 0);
    /** The same for the high nibbles, elements 16 + 2k and 17 + 2k. */
    private static final IntVector QH_SHIFT_HIGH = QH_SHIFT_LOW.add(16);

    private FormatIntegerDots() {
    }

    /** A type's single-row kernel; {@link PerRow} runs it per row (no loads of x to share between rows here). */
    @FunctionalInterface
    interface RowKernel {
        float dot(MemorySegment w, long base, QuantizedVector x, int cols);
    }

    /** dot4 as four dots: one class for all types; the kernel call is a plain call of a compiled method. */
    static final class PerRow extends IntegerDots.Int8RowDots {
        private final RowKernel kernel;

        PerRow(RowKernel kernel) {
            this.kernel = kernel;
        }

        float dot(MemorySegment w, long base, QuantizedVector x, int cols) {
            return kernel.dot(w, base, x, cols);
        }

        void dot4(MemorySegment w, long base, long rowBytes, QuantizedVector x, int cols, float[] out, int o) {
            for (int r = 0; r < 4; r++) {
                out[o + r] = kernel.dot(w, base + r * rowBytes, x, cols);
            }
        }
    }

    static boolean supports(GGMLType type) {
        return switch (type) {
            case Q4_1, Q5_0, Q5_1, IQ4_NL, Q2_K, Q3_K, Q5_K, IQ4_XS -> true;
            default -> false;
        };
    }

    static IntegerDots.Int8RowDots kernel(GGMLType type) {
        return new PerRow(switch (type) {
            case Q4_1 -> FormatIntegerDots::q4_1;
            case Q5_0 -> FormatIntegerDots::q5_0;
            case Q5_1 -> FormatIntegerDots::q5_1;
            case IQ4_NL -> FormatIntegerDots::iq4_nl;
            case Q2_K -> FormatIntegerDots::q2_K;
            case Q3_K -> FormatIntegerDots::q3_K;
            case Q5_K -> FormatIntegerDots::q5_K;
            case IQ4_XS -> FormatIntegerDots::iq4_xs;
            default -> throw new IllegalArgumentException("no integer dot product for " + type);
        });
    }

    /** Sums adjacent 16-bit lanes into 8 int lanes: (i + (i << 16)) >> 16 is hi + lo for each int i. */
    private static IntVector pairInts(ShortVector p) {
        IntVector i = p.reinterpretAsInts();
        return i.add(i.lanewise(LSHL, 16)).lanewise(ASHR, 16);
    }

    /** Bits 16-31 of a pair-trick product, the two products' sum, as floats (see IntegerDots.q4_0x2). */
    private static FloatVector highHalves(IntVector p) {
        return (FloatVector) p.add(0x8000).lanewise(ASHR, 16).convert(I2F, 0);
    }

    /** 5th bits of Q5_0/Q5_1 for the int lanes of shifts: bit 2k to bit 4 (low half), bit 2k + 1 to bit 20. */
    private static IntVector fifthBits(IntVector qh, IntVector shifts) {
        IntVector t = qh.lanewise(LSHR, shifts).and(3);
        return t.lanewise(LSHL, 4).or(t.lanewise(LSHL, 19)).and(0x00100010);
    }

    /** 16 IQ4 indices (nibbles already masked) to their signed levels in 16-bit lanes. */
    private static ShortVector iq4Levels(ByteVector indices) {
        return (ShortVector) indices.selectFrom(IQ4_TABLE).convertShape(B2S, S, 0);
    }

    /** Q4_1: d sum(q x) + m sum(x) per block; Q4_0's nibble layout (low nibbles x[0..16), high x[16..32)). */
    static float q4_1(MemorySegment w, long base, QuantizedVector x, int cols) {
        int[] xp = x.pairs;
        float[] xd = x.scale;
        float[] xs = x.blockSum;
        FloatVector acc = FloatVector.zero(F);
        float minSum = 0;
        for (int b = 0; b < cols / 32; b++) {
            long o = base + (long) b * Blocks.Q4_1_BYTES;
            ShortVector v = bytesAt(w, o + 4);
            IntVector p = v.and((short) 0x0F).reinterpretAsInts().mul(IntVector.fromArray(I, xp, 16 * b))
                    .add(v.lanewise(LSHR, 4).reinterpretAsInts().mul(IntVector.fromArray(I, xp, 16 * b + 8)));
            acc = highHalves(p).fma(FloatVector.broadcast(F, Blocks.half(w, o) * xd[b]), acc);
            minSum += Blocks.half(w, o + 2) * xs[b];
        }
        return acc.reduceLanes(ADD) + minSum;
    }

    /** Q5_0: d sum((q - 16) x) with q's 5th bit from qh; pair sums at most 2 * 31 * 127 per half. */
    static float q5_0(MemorySegment w, long base, QuantizedVector x, int cols) {
        int[] xp = x.pairs;
        float[] xd = x.scale;
        float[] xs = x.blockSum;
        FloatVector acc = FloatVector.zero(F);
        float offset = 0;
        for (int b = 0; b < cols / 32; b++) {
            long o = base + (long) b * Blocks.Q5_0_BYTES;
            float d = Blocks.half(w, o);
            IntVector qh = IntVector.broadcast(I, w.get(Blocks.INT_LE, o + 2));
            ShortVector v = bytesAt(w, o + 6);
            IntVector lo = v.and((short) 0x0F).reinterpretAsInts().or(fifthBits(qh, QH_SHIFT_LOW));
            IntVector hi = v.lanewise(LSHR, 4).reinterpretAsInts().or(fifthBits(qh, QH_SHIFT_HIGH));
            IntVector p = lo.mul(IntVector.fromArray(I, xp, 16 * b)).add(hi.mul(IntVector.fromArray(I, xp, 16 * b + 8)));
            acc = highHalves(p).fma(FloatVector.broadcast(F, d * xd[b]), acc);
            offset += d * xs[b];
        }
        return acc.reduceLanes(ADD) - 16 * offset;
    }

    /** Q5_1: Q5_0's quants without the offset, plus the block's min times the sum of x. */
    static float q5_1(MemorySegment w, long base, QuantizedVector x, int cols) {
        int[] xp = x.pairs;
        float[] xd = x.scale;
        float[] xs = x.blockSum;
        FloatVector acc = FloatVector.zero(F);
        float minSum = 0;
        for (int b = 0; b < cols / 32; b++) {
            long o = base + (long) b * Blocks.Q5_1_BYTES;
            IntVector qh = IntVector.broadcast(I, w.get(Blocks.INT_LE, o + 4));
            ShortVector v = bytesAt(w, o + 8);
            IntVector lo = v.and((short) 0x0F).reinterpretAsInts().or(fifthBits(qh, QH_SHIFT_LOW));
            IntVector hi = v.lanewise(LSHR, 4).reinterpretAsInts().or(fifthBits(qh, QH_SHIFT_HIGH));
            IntVector p = lo.mul(IntVector.fromArray(I, xp, 16 * b)).add(hi.mul(IntVector.fromArray(I, xp, 16 * b + 8)));
            acc = highHalves(p).fma(FloatVector.broadcast(F, Blocks.half(w, o) * xd[b]), acc);
            minSum += Blocks.half(w, o + 2) * xs[b];
        }
        return acc.reduceLanes(ADD) + minSum;
    }

    /** IQ4_NL: levels in [-127, 113] times q: one pair sum is at most 2 * 127 * 127 &lt; 2^15, so halves are summed as ints. */
    static float iq4_nl(MemorySegment w, long base, QuantizedVector x, int cols) {
        short[] xq = x.q;
        float[] xd = x.scale;
        FloatVector acc = FloatVector.zero(F);
        for (int b = 0; b < cols / 32; b++) {
            long o = base + (long) b * Blocks.IQ4_NL_BYTES;
            ByteVector v = ByteVector.fromMemorySegment(B, w, o + 2, LE);
            ShortVector lo = iq4Levels(v.and((byte) 0x0F));
            ShortVector hi = iq4Levels(v.lanewise(LSHR, 4).and((byte) 0x0F));
            IntVector p = pairInts(lo.mul(ShortVector.fromArray(S, xq, 32 * b))).add(pairInts(hi.mul(ShortVector.fromArray(S, xq, 32 * b + 16))));
            acc = ((FloatVector) p.convert(I2F, 0)).fma(FloatVector.broadcast(F, Blocks.half(w, o) * xd[b]), acc);
        }
        return acc.reduceLanes(ADD);
    }

    /** IQ4_XS: IQ4_NL's levels per sub-block of 32, scaled by d (ls - 32). */
    static float iq4_xs(MemorySegment w, long base, QuantizedVector x, int cols) {
        short[] xq = x.q;
        float[] xd = x.scale;
        FloatVector acc = FloatVector.zero(F);
        for (int sb = 0; sb < cols / 256; sb++) {
            long o = base + (long) sb * Blocks.IQ4_XS_BYTES;
            float d = Blocks.half(w, o);
            for (int b = 0; b < 8; b++) {
                int blk = 8 * sb + b;
                ByteVector v = ByteVector.fromMemorySegment(B, w, o + 8 + 16 * b, LE);
                ShortVector lo = iq4Levels(v.and((byte) 0x0F));
                ShortVector hi = iq4Levels(v.lanewise(LSHR, 4).and((byte) 0x0F));
                IntVector p = pairInts(lo.mul(ShortVector.fromArray(S, xq, 32 * blk))).add(pairInts(hi.mul(ShortVector.fromArray(S, xq, 32 * blk + 16))));
                float scale = d * (Blocks.scaleIq4Xs(w, o, b) - 32) * xd[blk];
                acc = ((FloatVector) p.convert(I2F, 0)).fma(FloatVector.broadcast(F, scale), acc);
            }
        }
        return acc.reduceLanes(ADD);
    }

    /**
     * Q2_K: the 16 bytes at 16 + 32h + 16k hold, in bit pair j, sub-block 8h + 2j + k (x elements 16 sub-block ..);
     * k = 0 and 1 make one 32-element block of x. Quants times their 4-bit scale (at most 45) times q stay below
     * 5715, four of them per int lane below 2^15. Mins through x's sums per 16.
     */
    static float q2_K(MemorySegment w, long base, QuantizedVector x, int cols) {
        short[] xq = x.q;
        float[] xd = x.scale;
        float[] xh = x.halfBlockSum;
        FloatVector acc = FloatVector.zero(F);
        float minSum = 0;
        for (int sb = 0; sb < cols / 256; sb++) {
            long o = base + (long) sb * Blocks.Q2_K_BYTES;
            float d = Blocks.half(w, o + 80);
            float dmin = Blocks.half(w, o + 82);
            for (int h = 0; h < 2; h++) {
                ShortVector v0 = bytesAt(w, o + 16 + 32 * h);
                ShortVector v1 = bytesAt(w, o + 32 + 32 * h);
                for (int j = 0; j < 4; j++) {
                    int sub = 8 * h + 2 * j;
                    int blk = 8 * sb + 4 * h + j;
                    int sc0 = Blocks.u8(w, o + sub);
                    int sc1 = Blocks.u8(w, o + sub + 1);
                    ShortVector q0 = v0.lanewise(LSHR, 2 * j).and((short) 3).mul((short) (sc0 & 0xF));
                    ShortVector q1 = v1.lanewise(LSHR, 2 * j).and((short) 3).mul((short) (sc1 & 0xF));
                    ShortVector p = q0.mul(ShortVector.fromArray(S, xq, 32 * blk)).add(q1.mul(ShortVector.fromArray(S, xq, 32 * blk + 16)));
                    acc = ((FloatVector) pairInts(p).convert(I2F, 0)).fma(FloatVector.broadcast(F, d * xd[blk]), acc);
                    minSum += dmin * ((sc0 >>> 4) * xh[2 * blk] + (sc1 >>> 4) * xh[2 * blk + 1]);
                }
            }
        }
        return acc.reduceLanes(ADD) - minSum;
    }

    /**
     * Q3_K: Q2_K's layout with a high bit from hmask (q = low | high &lt;&lt; 2, minus 4) and signed 6-bit scales
     * (sc - 32): |q sc x| at most 4 * 32 * 127 = 16256, so each sub-block's pair sums are taken as ints separately.
     */
    static float q3_K(MemorySegment w, long base, QuantizedVector x, int cols) {
        short[] xq = x.q;
        float[] xd = x.scale;
        FloatVector acc = FloatVector.zero(F);
        for (int sb = 0; sb < cols / 256; sb++) {
            long o = base + (long) sb * Blocks.Q3_K_BYTES;
            float d = Blocks.half(w, o + 108);
            ShortVector m0 = bytesAt(w, o);
            ShortVector m1 = bytesAt(w, o + 16);
            for (int h = 0; h < 2; h++) {
                ShortVector v0 = bytesAt(w, o + 32 + 32 * h);
                ShortVector v1 = bytesAt(w, o + 48 + 32 * h);
                for (int j = 0; j < 4; j++) {
                    int sub = 8 * h + 2 * j;
                    int blk = 8 * sb + 4 * h + j;
                    int bit = 4 * h + j;
                    short sc0 = (short) (Blocks.scaleK3(w, o + 96, sub) - 32);
                    short sc1 = (short) (Blocks.scaleK3(w, o + 96, sub + 1) - 32);
                    ShortVector q0 = v0.lanewise(LSHR, 2 * j).and((short) 3).or(m0.lanewise(LSHR, bit).and((short) 1).lanewise(LSHL, 2)).sub((short) 4);
                    ShortVector q1 = v1.lanewise(LSHR, 2 * j).and((short) 3).or(m1.lanewise(LSHR, bit).and((short) 1).lanewise(LSHL, 2)).sub((short) 4);
                    IntVector p = pairInts(q0.mul(sc0).mul(ShortVector.fromArray(S, xq, 32 * blk)))
                            .add(pairInts(q1.mul(sc1).mul(ShortVector.fromArray(S, xq, 32 * blk + 16))));
                    acc = ((FloatVector) p.convert(I2F, 0)).fma(FloatVector.broadcast(F, d * xd[blk]), acc);
                }
            }
        }
        return acc.reduceLanes(ADD);
    }

    /**
     * Q5_K: IntegerDots.q4_K with each element's 5th bit from qh (bit 2g for the low nibbles of group g, 2g + 1 for
     * the high ones); quants at most 31, so pair products stay as in Q5_0.
     */
    static float q5_K(MemorySegment w, long base, QuantizedVector x, int cols) {
        int[] xp = x.pairs;
        float[] xd = x.scale;
        float[] xs = x.blockSum;
        FloatVector accLo = FloatVector.zero(F);
        FloatVector accHi = FloatVector.zero(F);
        float minSum = 0;
        for (int sb = 0; sb < cols / 256; sb++) {
            long o = base + (long) sb * Blocks.Q5_K_BYTES;
            float d = Blocks.half(w, o);
            float dmin = Blocks.half(w, o + 2);
            int sc03 = w.get(Blocks.INT_LE, o + 4);
            int mn03 = w.get(Blocks.INT_LE, o + 8);
            int hi47 = w.get(Blocks.INT_LE, o + 12);
            ShortVector h0 = bytesAt(w, o + 16);
            ShortVector h1 = bytesAt(w, o + 32);
            for (int g = 0; g < 4; g++) {
                int blk = 8 * sb + 2 * g;   // the 32-element block of x under the low nibbles
                int xi = 16 * blk;          // its first pair of x
                long qs = o + 48 + 32 * g;
                ShortVector v0 = bytesAt(w, qs);
                ShortVector v1 = bytesAt(w, qs + 16);
                ShortVector lo0 = v0.and((short) 0x0F).or(h0.lanewise(LSHR, 2 * g).and((short) 1).lanewise(LSHL, 4));
                ShortVector lo1 = v1.and((short) 0x0F).or(h1.lanewise(LSHR, 2 * g).and((short) 1).lanewise(LSHL, 4));
                ShortVector hi0 = v0.lanewise(LSHR, 4).or(h0.lanewise(LSHR, 2 * g + 1).and((short) 1).lanewise(LSHL, 4));
                ShortVector hi1 = v1.lanewise(LSHR, 4).or(h1.lanewise(LSHR, 2 * g + 1).and((short) 1).lanewise(LSHL, 4));
                IntVector pLo = lo0.reinterpretAsInts().mul(IntVector.fromArray(I, xp, xi))
                        .add(lo1.reinterpretAsInts().mul(IntVector.fromArray(I, xp, xi + 8)));
                IntVector pHi = hi0.reinterpretAsInts().mul(IntVector.fromArray(I, xp, xi + 16))
                        .add(hi1.reinterpretAsInts().mul(IntVector.fromArray(I, xp, xi + 24)));
                accLo = highHalves(pLo).fma(FloatVector.broadcast(F, d * Blocks.scaleK4(sc03, hi47, 2 * g) * xd[blk]), accLo);
                accHi = highHalves(pHi).fma(FloatVector.broadcast(F, d * Blocks.scaleK4(sc03, hi47, 2 * g + 1) * xd[blk + 1]), accHi);
                minSum += dmin * (Blocks.minK4(mn03, hi47, 2 * g) * xs[blk] + Blocks.minK4(mn03, hi47, 2 * g + 1) * xs[blk + 1]);
            }
        }
        return accLo.add(accHi).reduceLanes(ADD) - minSum;
    }
}
