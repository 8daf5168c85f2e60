package io.squall.model.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;

import static io.squall.model.tensor.IntegerDots.bytesAt;
import static jdk.incubator.vector.VectorOperators.ASHR;
import static jdk.incubator.vector.VectorOperators.I2F;
import static jdk.incubator.vector.VectorOperators.LSHL;
import static jdk.incubator.vector.VectorOperators.LSHR;

/**
 * Integer dot products with the 8-bit quantized x ({@link QuantizedVector}) for Q4_1, Q5_0 and Q5_1, in the shape
 * {@link IntegerDots} found fastest with C2 (its Q4_0): two non-negative quants of up to 5 bits as 16-bit halves of an
 * int lane times x's pair ints, one 32-bit multiply giving two products' sum (the low carry, at most 2 * 31 * 127,
 * is removed by the +2^15 before the shift). Offsets and mins go through x's block sums, scales are applied once
 * per block in float.
 *
 * <p>Measured per CPU second, one thread, weights in cache (256 x 4096, AMD EPYC with AVX-512, JDK 25; see the
 * README's table): against FormatDots' float kernels Q4_1 1.6x, Q5_0 1.4x, Q5_1 1.4x faster. The other new types
 * keep float x, their integer kernels not being faster: IQ4_NL 1.0x and IQ4_XS 0.95x (levels in [-127, 113] need
 * 16-bit products and a pair sum per half block, no pair trick), Q2_K 1.03x, and Q3_K 0.85x, Q5_K 0.7x once split
 * into one loop step per sub-block (a whole super-block per step exceeded C2's inlining budget: boxed vectors,
 * 4 MB allocated per product).
 */
final class FormatIntegerDots {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_256;
    private static final VectorSpecies<Integer> I = IntVector.SPECIES_256;
    /** Q5_0/Q5_1: int lane k holds elements 2k and 2k + 1 (low nibbles), whose 5th bits are qh bits 2k, 2k + 1. */
    private static final IntVector QH_SHIFT_LOW = IntVector.fromArray(I, new int[] {0, 2, 4, 6, 8, 10, 12, 14}, 0);
    /** The same for the high nibbles, elements 16 + 2k and 17 + 2k. */
    private static final IntVector QH_SHIFT_HIGH = QH_SHIFT_LOW.add(16);

    private FormatIntegerDots() {}

    static boolean supports(GGMLType type) {
        return switch (type) {
            case Q4_1, Q5_0, Q5_1 -> true;
            default -> false;
        };
    }

    /**
     * One class per type, as in IntegerDots: a single class whose dot4 called the kernel through a field was measured
     * 1.8x slower for the third type run through it (Q5_1 after Q4_1 and Q5_0: 3.2 against 5.7 GB/s per CPU second).
     */
    static IntegerDots.Int8RowDots kernel(GGMLType type) {
        return switch (type) {
            case Q4_1 ->
                new IntegerDots.Int8RowDots() {
                    float dot(MemorySegment w, long base, QuantizedVector x, int cols) {
                        return q4_1(w, base, x, cols);
                    }

                    void dot4(
                            MemorySegment w,
                            long base,
                            long rowBytes,
                            QuantizedVector x,
                            int cols,
                            float[] out,
                            int o) {
                        for (int r = 0; r < 4; r++) {
                            out[o + r] = q4_1(w, base + r * rowBytes, x, cols);
                        }
                    }
                };
            case Q5_0 ->
                new IntegerDots.Int8RowDots() {
                    float dot(MemorySegment w, long base, QuantizedVector x, int cols) {
                        return q5_0(w, base, x, cols);
                    }

                    void dot4(
                            MemorySegment w,
                            long base,
                            long rowBytes,
                            QuantizedVector x,
                            int cols,
                            float[] out,
                            int o) {
                        for (int r = 0; r < 4; r++) {
                            out[o + r] = q5_0(w, base + r * rowBytes, x, cols);
                        }
                    }
                };
            case Q5_1 ->
                new IntegerDots.Int8RowDots() {
                    float dot(MemorySegment w, long base, QuantizedVector x, int cols) {
                        return q5_1(w, base, x, cols);
                    }

                    void dot4(
                            MemorySegment w,
                            long base,
                            long rowBytes,
                            QuantizedVector x,
                            int cols,
                            float[] out,
                            int o) {
                        for (int r = 0; r < 4; r++) {
                            out[o + r] = q5_1(w, base + r * rowBytes, x, cols);
                        }
                    }
                };
            default -> throw new IllegalArgumentException("no integer dot product for " + type);
        };
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
            IntVector p = v.and((short) 0x0F)
                    .reinterpretAsInts()
                    .mul(IntVector.fromArray(I, xp, 16 * b))
                    .add(v.lanewise(LSHR, 4).reinterpretAsInts().mul(IntVector.fromArray(I, xp, 16 * b + 8)));
            acc = highHalves(p).fma(FloatVector.broadcast(F, Blocks.half(w, o) * xd[b]), acc);
            minSum += Blocks.half(w, o + 2) * xs[b];
        }
        return Lanes.sum(acc) + minSum;
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
            IntVector p =
                    lo.mul(IntVector.fromArray(I, xp, 16 * b)).add(hi.mul(IntVector.fromArray(I, xp, 16 * b + 8)));
            acc = highHalves(p).fma(FloatVector.broadcast(F, d * xd[b]), acc);
            offset += d * xs[b];
        }
        return Lanes.sum(acc) - 16 * offset;
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
            IntVector p =
                    lo.mul(IntVector.fromArray(I, xp, 16 * b)).add(hi.mul(IntVector.fromArray(I, xp, 16 * b + 8)));
            acc = highHalves(p).fma(FloatVector.broadcast(F, Blocks.half(w, o) * xd[b]), acc);
            minSum += Blocks.half(w, o + 2) * xs[b];
        }
        return Lanes.sum(acc) + minSum;
    }
}
