package io.squall.model.tensor;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;

import static jdk.incubator.vector.VectorOperators.ASHR;
import static jdk.incubator.vector.VectorOperators.I2F;
import static jdk.incubator.vector.VectorOperators.LSHL;
import static jdk.incubator.vector.VectorOperators.LSHR;
import static jdk.incubator.vector.VectorOperators.ZERO_EXTEND_B2S;

/**
 * Integer dot products of low-bit weight rows with an 8-bit quantized activation vector ({@link QuantizedVector}).
 * Converting every 4- or 6-bit quant to float made the float kernels compute-bound; here 16 quants are widened
 * to 16-bit lanes in one instruction, multiplied with q (products and their pair sums fit in 16 bits), pairs are
 * summed into 8 int lanes, and only those are converted to float and scaled, once per block of 32 (or 16).
 * Offsets and mins are applied per block through the block sums of q, as scalars. Q4_0 goes one step further:
 * two nibbles in an int lane times two q values in an int (one 32-bit multiply) give both products' sum.
 *
 * <p>Measured (single thread, weights in cache, AMD EPYC with AVX-512) against the float kernels of VectorDots:
 * Q4_0 about 1.3x, Q4_K 1.3x, Q6_K 1.2x faster; where a change here is slower for a type, keep the float path
 * for it ({@link #supports}). Check with scripts/bench-matvec after each change: it prints both paths.
 *
 * <p>What C2 (JDK 25) makes of the candidate formulations on x86 with AVX-512 VNNI (bench/.../IntegerDotBench, JMH;
 * cycles are CPU time per 32 elements, one core, weights in cache, bench/.../MatVecBench style):
 * <ul>
 * <li>maps: B2S / ZERO_EXTEND_B2S conversions (vpmovsxbw / vpmovzxbw), 16- and 32-bit lane multiplies (vpmullw,
 *     vpmulld), shifts, reinterpretations (free), I2F; the pair trick below (Q4_0: 5.5 cycles / 32 for two rows);</li>
 * <li>maps, but only as an auto-vectorized array loop: {@code out[i] = a[2i]*b[2i] + a[2i+1]*b[2i+1]} over shorts
 *     becomes vpmaddwd (MulAddS2I; vpdpwssd when accumulated), ~25-30 multiply-adds/ns, but it needs its inputs as
 *     arrays and a second pass for the block scales, so it loses to the fused kernels here;</li>
 * <li>does not map: the Vector API has no pairwise multiply-add (vpmaddwd, vpmaddubsw, vpdpbusd), so llama.cpp's
 *     one-instruction 4-way int8 dot product has no Java form; scalar reductions {@code s += a[i] * b[i]} over byte or
 *     short arrays stay scalar (~2 multiply-adds/ns);</li>
 * <li>limit: a kernel of four Q4_0 rows exceeds C2's inlining node budget (NodeCountInliningCutoff, not settable in
 *     product JVMs): its vectors are boxed, 2x slower and ~1 MB allocated per product. Two rows is the most.
 *     (Loading the four block scales before the vector code keeps it within the budget; it is then no faster than
 *     two rows, and two Q4_K rows sharing x are no faster than one: these kernels are bound by their vector
 *     operations per weight, not by loads of x or the scalar work; measured 2026-12-04, CPU time per byte.)</li>
 * <li>faster, and done for Q4_0: rows in lanes (bench/.../IntegerDotBench.rowsInLanes16, {@link InterleavedQ4_0}):
 *     16 rows interleaved, each row a 16-bit lane, x broadcast, one I2F and one FMA per block for all 16 rows: about
 *     0.3 vector operations per multiply-add against 0.4 here, 13.1 against 8.5 GB/s of Q4_0 per CPU-second in cache
 *     (one core, 2026-12-04). It needs the weights repacked into a copy, as llama.cpp does for Q4_0 and Q4_K (its
 *     CPU_REPACK buffer, 8-row interleaved): the CPU engine repacks Q4_0 when it starts (LlamaModel.repackForCpu,
 *     -Dsquall.matvec.repack=false keeps the kernels here) and releases the mapped pages. Measured 2026-12-05
 *     (MatVecBench, one thread, matrices beyond the L3, CPU time, load 4-9): 1.8-2.2x (2048x8192) and 2.5-2.7x
 *     (8192x2048) less CPU time per matvec than {@link #q4_0x2}. Interleaving by pairs of bytes (a 32-byte load, four
 *     nibbles per lane) runs as fast as by bytes and halves the repack's work. Q4_K and Q6_K are repacked likewise
 *     ({@link InterleavedQ4_K}, {@link InterleavedQ6_K}); their kernels run in two compiled methods (integer sums, then
 *     the scales), since one method doing both overran C2's node budget and its ZERO_EXTEND_B2S/B2S conversions
 *     stayed calls that allocate (JFR allocation samples). Q4_K matvec, one thread, CPU time, 2026-12-05: 16384x4096
 *     from memory 3.8 ms, 3.4 in L2 (Q4_0 repacked 3.1 and 3.0; this class's q4_K 1.9x slower in L2).</li>
 * <li>faster still, done for the repacked Q4_0, Q4_K and Q6_K: no unpacking at all. A row's 4 quant bytes are one
 *     32-bit lane; shifted right by 4k (32-bit shifts: C2 emits vpsrld with an immediate) and multiplied in 16-bit
 *     lanes (vpmullw) by x's "telescoping" coefficients c_j = q_j - 16 q_(j-1) (base 256 for Q6_K's bytes), the
 *     products of both halves add up to the dot product mod 2^16, exact once joined less 8 or 32 sum(x)
 *     ({@link QuantizedVector#nibbleCoefficients}). The coefficients come as a 32-bit broadcast from memory
 *     (vpbroadcastd m32: a load, no shuffle). 4 multiplies, 3 shifts, 4 adds per 8 nibbles of 8 rows, against 4, 3 and
 *     3 masks and 4 16-bit broadcasts from registers before. Found on the way: ShortVector shifts by a constant
 *     (LSHR, ASHR, LSHL) compile to vpsrlw/vpsraw/vpsllw with the count moved into an xmm register before every shift
 *     (IntVector's take an immediate); a 4-trip loop around the units kept the MemorySegment bounds checks inside
 *     (written out, the block loop is innermost and the checks are hoisted); 512-bit vectors were 10% slower on Zen
 *     4. One thread, CPU time per matvec, 2026-12-05, load 5-10: in cache Q4_0 2048x2048 1.55x, Q4_K 1.6x (8192x2048
 *     1.2x against the paired-group kernel it replaced), Q6_K 2.1x; beyond the L3 Q4_0 128256x2048 1.6x, Q4_K 1.5x,
 *     Q6_K 1.2-1.4x (its copy, a byte per weight, is then memory-bound).</li>
 * </ul>
 *
 * <p>256-bit vectors throughout: on AVX-512 parts that split 512-bit operations (AMD Zen 4) nothing is lost,
 * and AVX2 machines run the same code. As in {@link VectorDots}: no helper taking vectors above C2's
 * always-inline size (an un-inlined one boxes its vectors), one kernel class per type.
 */
final class IntegerDots {
    private static final VectorSpecies<Byte> B = ByteVector.SPECIES_128;
    private static final VectorSpecies<Short> S = ShortVector.SPECIES_256;
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_256;
    private static final VectorSpecies<Integer> I = IntVector.SPECIES_256;
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    private IntegerDots() {}

    /** The kernels of one type; rows at byte {@code base} with {@code cols} elements, dotted with the quantized x. */
    abstract static class Int8RowDots {
        abstract float dot(MemorySegment w, long base, QuantizedVector x, int cols);

        /** Four consecutive rows from byte {@code base} into out[o..o+4); same results as four {@link #dot}s. */
        abstract void dot4(MemorySegment w, long base, long rowBytes, QuantizedVector x, int cols, float[] out, int o);
    }

    static boolean supports(GGMLType type) {
        return type == GGMLType.Q4_0
                || type == GGMLType.Q4_K
                || type == GGMLType.Q6_K
                || FormatIntegerDots.supports(type);
    }

    static Int8RowDots kernel(GGMLType type) {
        return switch (type) {
            case Q4_0 ->
                new Int8RowDots() {
                    float dot(MemorySegment w, long base, QuantizedVector x, int cols) {
                        return q4_0(w, base, x, cols);
                    }

                    void dot4(
                            MemorySegment w,
                            long base,
                            long rowBytes,
                            QuantizedVector x,
                            int cols,
                            float[] out,
                            int o) {
                        q4_0x2(w, base, rowBytes, x, cols, out, o);
                        q4_0x2(w, base + 2 * rowBytes, rowBytes, x, cols, out, o + 2);
                    }
                };
            case Q4_K ->
                new Int8RowDots() {
                    float dot(MemorySegment w, long base, QuantizedVector x, int cols) {
                        return q4_K(w, base, x, cols);
                    }

                    void dot4(
                            MemorySegment w,
                            long base,
                            long rowBytes,
                            QuantizedVector x,
                            int cols,
                            float[] out,
                            int o) {
                        for (int r = 0; r < 4; r++) { // per type, so that no call site mixes kernels
                            out[o + r] = q4_K(w, base + r * rowBytes, x, cols);
                        }
                    }
                };
            case Q6_K ->
                new Int8RowDots() {
                    float dot(MemorySegment w, long base, QuantizedVector x, int cols) {
                        return q6_K(w, base, x, cols);
                    }

                    void dot4(
                            MemorySegment w,
                            long base,
                            long rowBytes,
                            QuantizedVector x,
                            int cols,
                            float[] out,
                            int o) {
                        for (int r = 0; r < 4; r++) { // per type, so that no call site mixes kernels
                            out[o + r] = q6_K(w, base + r * rowBytes, x, cols);
                        }
                    }
                };
            default -> FormatIntegerDots.kernel(type); // Q4_1, Q5_0, Q5_1, IQ4_NL, Q2_K, Q3_K, Q5_K, IQ4_XS
        };
    }

    /** 16 bytes at o, zero-extended to 16-bit lanes. */
    static ShortVector bytesAt(MemorySegment w, long o) {
        return (ShortVector) ByteVector.fromMemorySegment(B, w, o, LE).convertShape(ZERO_EXTEND_B2S, S, 0);
    }

    /** Sums adjacent 16-bit lanes into 8 floats: (i + (i << 16)) >> 16 is hi + lo for each int i. */
    private static FloatVector pairSums(ShortVector p) {
        IntVector i = p.reinterpretAsInts();
        return (FloatVector) i.add(i.lanewise(LSHL, 16)).lanewise(ASHR, 16).convert(I2F, 0);
    }

    /** Q4_0: sum((q - 8) x) = sum(q x) - 8 sum(x); low nibbles meet x[0..16), high nibbles x[16..32). */
    static float q4_0(MemorySegment w, long base, QuantizedVector x, int cols) {
        int[] xp = x.pairs;
        float[] xd = x.scale;
        float[] xs = x.blockSum;
        FloatVector acc = FloatVector.zero(F);
        float offset = 0;
        int blocks = cols / 32;
        for (int b = 0; b < blocks; b++) {
            long o = base + (long) b * Blocks.Q4_0_BYTES;
            float d = Blocks.half(w, o);
            ShortVector v = bytesAt(w, o + 2);
            IntVector p = v.and((short) 0x0F)
                    .reinterpretAsInts()
                    .mul(IntVector.fromArray(I, xp, 16 * b))
                    .add(v.lanewise(LSHR, 4).reinterpretAsInts().mul(IntVector.fromArray(I, xp, 16 * b + 8)));
            acc = ((FloatVector) p.add(0x8000).lanewise(ASHR, 16).convert(I2F, 0))
                    .fma(FloatVector.broadcast(F, d * xd[b]), acc);
            offset += d * xs[b];
        }
        return Lanes.sum(acc) - 8 * offset;
    }

    /**
     * Two rows sharing each load of x; the same arithmetic per row as {@link #q4_0}. Each int lane holds two
     * nibbles as 16-bit halves; times x's pair ints ({@link QuantizedVector#pairs}) bits 16-31 hold their two
     * products' sum, off by the carry of a low product in [-1905, 1905]: adding 2^15 before the shift removes it.
     */
    static void q4_0x2(MemorySegment w, long base, long rowBytes, QuantizedVector x, int cols, float[] out, int o) {
        int[] xp = x.pairs;
        float[] xd = x.scale;
        float[] xs = x.blockSum;
        FloatVector acc0 = FloatVector.zero(F);
        FloatVector acc1 = FloatVector.zero(F);
        float offset0 = 0;
        float offset1 = 0;
        long r1 = base + rowBytes;
        int blocks = cols / 32;
        for (int b = 0; b < blocks; b++) {
            long bo = (long) b * Blocks.Q4_0_BYTES;
            float d0 = Blocks.half(w, base + bo);
            float d1 = Blocks.half(w, r1 + bo);
            IntVector xLo = IntVector.fromArray(I, xp, 16 * b);
            IntVector xHi = IntVector.fromArray(I, xp, 16 * b + 8);
            ShortVector v0 = bytesAt(w, base + bo + 2);
            ShortVector v1 = bytesAt(w, r1 + bo + 2);
            IntVector p0 = v0.and((short) 0x0F)
                    .reinterpretAsInts()
                    .mul(xLo)
                    .add(v0.lanewise(LSHR, 4).reinterpretAsInts().mul(xHi));
            IntVector p1 = v1.and((short) 0x0F)
                    .reinterpretAsInts()
                    .mul(xLo)
                    .add(v1.lanewise(LSHR, 4).reinterpretAsInts().mul(xHi));
            float scale = xd[b];
            float sum = xs[b];
            acc0 = ((FloatVector) p0.add(0x8000).lanewise(ASHR, 16).convert(I2F, 0))
                    .fma(FloatVector.broadcast(F, d0 * scale), acc0);
            acc1 = ((FloatVector) p1.add(0x8000).lanewise(ASHR, 16).convert(I2F, 0))
                    .fma(FloatVector.broadcast(F, d1 * scale), acc1);
            offset0 += d0 * sum;
            offset1 += d1 * sum;
        }
        out[o] = Lanes.sum(acc0) - 8 * offset0;
        out[o + 1] = Lanes.sum(acc1) - 8 * offset1;
    }

    /** Q4_K: per group of 64, low nibbles are sub-block 2g and high nibbles 2g + 1; x = d*sc*q - dmin*m. */
    static float q4_K(MemorySegment w, long base, QuantizedVector x, int cols) {
        int[] xp = x.pairs;
        float[] xd = x.scale;
        float[] xs = x.blockSum;
        FloatVector accLo = FloatVector.zero(F);
        FloatVector accHi = FloatVector.zero(F);
        float minSum = 0;
        int superBlocks = cols / 256;
        for (int sb = 0; sb < superBlocks; sb++) {
            long o = base + (long) sb * Blocks.Q4_K_BYTES;
            float d = Blocks.half(w, o);
            float dmin = Blocks.half(w, o + 2);
            int sc03 = w.get(Blocks.INT_LE, o + 4);
            int mn03 = w.get(Blocks.INT_LE, o + 8);
            int hi47 = w.get(Blocks.INT_LE, o + 12);
            // Blocks.scaleK4/minK4 for all eight sub-blocks at once, one 6-bit value per byte (four per int):
            // sub-blocks 4-7 take their low 4 bits from the nibbles of bytes 8-11 and their top 2 from bits 6-7.
            int scalesLow = sc03 & 0x3F3F3F3F;
            int scalesHigh = (hi47 & 0x0F0F0F0F) | ((sc03 >>> 2) & 0x30303030);
            int minsLow = mn03 & 0x3F3F3F3F;
            int minsHigh = ((hi47 >>> 4) & 0x0F0F0F0F) | ((mn03 >>> 2) & 0x30303030);
            for (int g = 0; g < 4; g++) {
                int shift = 16 * (g & 1);
                int scales = (g < 2 ? scalesLow : scalesHigh) >>> shift;
                int mins = (g < 2 ? minsLow : minsHigh) >>> shift;
                int blk = 8 * sb + 2 * g; // the 32-element block of x under the low nibbles
                int xi = 16 * blk; // its first pair of x
                long qs = o + 16 + 32 * g;
                // two nibbles per int lane times x's pair ints: bits 16-31 sum two products (see q4_0x2)
                ShortVector v0 = bytesAt(w, qs);
                ShortVector v1 = bytesAt(w, qs + 16);
                IntVector pLo = v0.and((short) 0x0F)
                        .reinterpretAsInts()
                        .mul(IntVector.fromArray(I, xp, xi))
                        .add(v1.and((short) 0x0F).reinterpretAsInts().mul(IntVector.fromArray(I, xp, xi + 8)));
                IntVector pHi = v0.lanewise(LSHR, 4)
                        .reinterpretAsInts()
                        .mul(IntVector.fromArray(I, xp, xi + 16))
                        .add(v1.lanewise(LSHR, 4).reinterpretAsInts().mul(IntVector.fromArray(I, xp, xi + 24)));
                float scaleLo = d * (scales & 0xFF) * xd[blk];
                float scaleHi = d * ((scales >>> 8) & 0xFF) * xd[blk + 1];
                accLo = ((FloatVector) pLo.add(0x8000).lanewise(ASHR, 16).convert(I2F, 0))
                        .fma(FloatVector.broadcast(F, scaleLo), accLo);
                accHi = ((FloatVector) pHi.add(0x8000).lanewise(ASHR, 16).convert(I2F, 0))
                        .fma(FloatVector.broadcast(F, scaleHi), accHi);
                minSum += dmin * ((mins & 0xFF) * xs[blk] + ((mins >>> 8) & 0xFF) * xs[blk + 1]);
            }
        }
        return Lanes.sum(accLo.add(accHi)) - minSum;
    }

    /**
     * Q6_K: q = low 4 bits from ql | 2 bits from qh, x = d * sc * (q - 32) with a scale per 16; the -32 is taken in
     * the 16-bit lanes (|(q - 32) x| pair sums stay below 2^13). Layout as in {@link Blocks}.
     */
    static float q6_K(MemorySegment w, long base, QuantizedVector x, int cols) {
        short[] xq = x.q;
        float[] xd = x.scale;
        FloatVector accLow = FloatVector.zero(F);
        FloatVector accHigh = FloatVector.zero(F);
        int superBlocks = cols / 256;
        for (int sb = 0; sb < superBlocks; sb++) {
            long o = base + (long) sb * Blocks.Q6_K_BYTES;
            float d = Blocks.half(w, o + 208);
            for (int h = 0; h < 2; h++) {
                long ql = o + 64 * h;
                long qh = o + 128 + 32 * h;
                long sc = o + 192 + 8 * h;
                int blk = 8 * sb + 4 * h; // first 32-element block of x in this half
                for (int l = 0; l < 32; l += 16) {
                    ShortVector hb = bytesAt(w, qh + l);
                    // pair p: ql[32p + l] holds quarter p (low nibble, qh bits 2p) and quarter p + 2 (high nibble, qh
                    // bits 2p + 4)
                    for (int p = 0; p < 2; p++) {
                        ShortVector v = bytesAt(w, ql + 32 * p + l);
                        ShortVector qLow = v.and((short) 0x0F)
                                .or(hb.lanewise(LSHL, 4 - 2 * p).and((short) 0x30))
                                .sub((short) 32);
                        ShortVector qHigh = v.lanewise(LSHR, 4)
                                .or(hb.lanewise(LSHR, 2 * p).and((short) 0x30))
                                .sub((short) 32);
                        int is = l / 16 + 2 * p;
                        int xLow = 32 * (blk + p) + l;
                        int xHigh = xLow + 64;
                        float scLow = d * w.get(Blocks.BYTE, sc + is);
                        float scHigh = d * w.get(Blocks.BYTE, sc + is + 4);
                        accLow = pairSums(qLow.mul(ShortVector.fromArray(S, xq, xLow)))
                                .fma(FloatVector.broadcast(F, scLow * xd[blk + p]), accLow);
                        accHigh = pairSums(qHigh.mul(ShortVector.fromArray(S, xq, xHigh)))
                                .fma(FloatVector.broadcast(F, scHigh * xd[blk + p + 2]), accHigh);
                    }
                }
            }
        }
        return Lanes.sum(accLow.add(accHigh));
    }
}
