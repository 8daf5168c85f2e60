package io.squall.model.tensor;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

import static jdk.incubator.vector.VectorOperators.B2S;
import static jdk.incubator.vector.VectorOperators.I2F;
import static jdk.incubator.vector.VectorOperators.LSHR;
import static jdk.incubator.vector.VectorOperators.S2F;
import static jdk.incubator.vector.VectorOperators.S2I;

/**
 * Q4_K weights repacked "rows in lanes", as {@link InterleavedQ4_0} does for Q4_0 (llama.cpp repacks Q4_K too, 8
 * rows per group): groups of 16 rows, the quants interleaved by pairs of bytes so that one 32-byte load holds the same
 * two quant bytes of 16 rows, each row one 16-bit lane, x broadcast. A Q4_K byte holds element l of sub-block 2g (low
 * nibble) and of sub-block 2g + 1 (high nibble), so each load feeds two sub-blocks of 32. The 6-bit scales and mins
 * are unpacked at repack time to one byte per row and sub-block, the super-block's two F16 factors widened to float.
 *
 * <p>Layout, per group of 16 rows (the last group padded with zero rows) with S super-blocks of 256 columns, 2,432
 * bytes per super-block (5.6% more than the file's 16 x 144): first the quants of every super-block, 2,048 bytes
 * each, then their factors, 384 bytes each, so that each pass of {@link #dot16} reads one gapless stream (with the
 * factors between the quants, the pass over the quants ran at two thirds of its in-cache speed from memory):
 * <pre>
 *   quants of super-block s, from 2048 s:
 *     bytes 32 p + 2 r, +1 = row r's quant bytes 2p, 2p + 1 (p in 0..63; pair p lies in group p / 16 of 64 elements:
 *     byte 2p holds element 64 (p / 16) + 2 (p % 16) low and that + 32 high, as in the file)
 *   factors of super-block s, from 2048 S + 384 s:
 *     0..63      16 floats: row r's d
 *     64..127    16 floats: row r's dmin
 *     128..255   byte 128 + 16 j + r: row r's 6-bit scale of sub-block j (0..7)
 *     256..383   byte 256 + 16 j + r: row r's 6-bit min of sub-block j
 * </pre>
 * Groups follow each other: group g at {@code g * S * 2432}.
 */
final class InterleavedQ4_K {
    static final int ROWS = InterleavedQ4_0.ROWS;
    /** Bytes per super-block of a group. */
    static final int SUPER_BYTES = 2 * ROWS * Float.BYTES + 2 * 8 * ROWS + ROWS * 128;

    /** Quant bytes of a super-block of a group. */
    private static final int QUANT_BYTES = ROWS * 128;
    /** Factor bytes of a super-block of a group; the offsets of the scales and mins in them. */
    private static final int FACTOR_BYTES = SUPER_BYTES - QUANT_BYTES;

    private static final int SCALES = 128;
    private static final int MINS = 256;

    private static final VectorSpecies<Float> F = FloatVector.SPECIES_256;
    private static final VectorSpecies<Short> S = ShortVector.SPECIES_256;
    private static final VectorSpecies<Integer> I = IntVector.SPECIES_256;
    private static final VectorSpecies<Byte> B16 = ByteVector.SPECIES_128;
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final ValueLayout.OfShort SHORT_LE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(LE);

    private InterleavedQ4_K() {}

    static int groups(int rows) {
        return InterleavedQ4_0.groups(rows);
    }

    static long groupBytes(int cols) {
        return (long) (cols / 256) * SUPER_BYTES;
    }

    static long byteSize(int rows, int cols) {
        return groups(rows) * groupBytes(cols);
    }

    /**
     * Writes groups [g0, g1) of the {@code rows} x {@code cols} Q4_K matrix {@code src} (GGUF layout) into {@code dst}
     * (rows past the end: zero). Array code through short arrays, as {@link InterleavedQ4_0#repack} (it runs at load,
     * often before C2 has compiled it): a Q4_K block is 72 shorts, d, dmin, 6 of packed scales, 64 pairs of quants.
     */
    static void repack(MemorySegment src, int rows, int cols, MemorySegment dst, int g0, int g1) {
        int supers = cols / 256;
        int blockShorts = Blocks.Q4_K_BYTES / 2;
        int rowShorts = supers * blockShorts;
        int groupShorts = supers * SUPER_BYTES / 2;
        short[] in = new short[ROWS * rowShorts];
        short[] out = new short[groupShorts];
        byte[] scaleBytes = new byte[2 * 8 * ROWS];
        for (int g = g0; g < g1; g++) {
            int rowsHere = Math.min(ROWS, rows - ROWS * g);
            if (rowsHere < ROWS) {
                java.util.Arrays.fill(out, (short) 0);
                java.util.Arrays.fill(scaleBytes, (byte) 0);
            }
            MemorySegment.copy(src, SHORT_LE, 2L * ROWS * g * rowShorts, in, 0, rowsHere * rowShorts);
            for (int s = 0; s < supers; s++) {
                int o = s * QUANT_BYTES / 2; // quants
                int f = (supers * QUANT_BYTES + s * FACTOR_BYTES) / 2; // factors
                for (int r = 0; r < rowsHere; r++) {
                    int i = r * rowShorts + s * blockShorts;
                    int d = Float.floatToRawIntBits(Float.float16ToFloat(in[i]));
                    int dmin = Float.floatToRawIntBits(Float.float16ToFloat(in[i + 1]));
                    out[f + 2 * r] = (short) d;
                    out[f + 2 * r + 1] = (short) (d >>> 16);
                    out[f + 32 + 2 * r] = (short) dmin;
                    out[f + 32 + 2 * r + 1] = (short) (dmin >>> 16);
                    int b0to3 = (in[i + 2] & 0xFFFF) | in[i + 3] << 16;
                    int b4to7 = (in[i + 4] & 0xFFFF) | in[i + 5] << 16;
                    int b8to11 = (in[i + 6] & 0xFFFF) | in[i + 7] << 16;
                    for (int j = 0; j < 8; j++) {
                        scaleBytes[16 * j + r] = (byte) Blocks.scaleK4(b0to3, b8to11, j);
                        scaleBytes[128 + 16 * j + r] = (byte) Blocks.minK4(b4to7, b8to11, j);
                    }
                    for (int p = 0; p < 64; p++) {
                        out[o + 16 * p + r] = in[i + 8 + p];
                    }
                }
                for (int k = 0; k < 8 * ROWS; k++) { // scales and mins: two bytes per short, little-endian
                    out[f + SCALES / 2 + k] = (short) ((scaleBytes[2 * k] & 0xFF) | scaleBytes[2 * k + 1] << 8);
                }
            }
            MemorySegment.copy(out, 0, dst, SHORT_LE, 2L * g * groupShorts, groupShorts);
        }
    }

    /** Per thread: {@link #dot16}'s integer sums, 16 rows per sub-block of 32 columns. */
    private static final ThreadLocal<int[]> SUMS = ThreadLocal.withInitial(() -> new int[0]);

    /**
     * The 16 rows of the group at byte {@code base} dotted with the quantized x into out[o..o+16): per row and
     * sub-block j, d sc_j xd_j sum(q x) - dmin m_j xd_j sum(x). Two passes, each its own compiled method: one kernel
     * doing both exceeded C2's inlining node budget (NodeCountInliningCutoff) and left conversions as calls that
     * allocate; the integer sums of the whole row (cols / 2 ints, in L1) go between them.
     */
    static void dot16(MemorySegment w, long base, QuantizedVector x, int cols, float[] out, int o) {
        int[] sums = SUMS.get();
        if (sums.length < cols / 2) {
            sums = new int[cols / 2];
            SUMS.set(sums);
        }
        integerSums(w, base, x.q, cols, sums);
        scaleSums(w, base, x, cols, sums, 0, out, o);
    }

    /**
     * Two groups, at bytes {@code base} and {@code base + groupBytes(cols)}, into out[o..o+32): the same results as
     * two {@link #dot16}s, with each broadcast of x feeding both groups' products. Faster on long rows only (see
     * WeightMatrix.DOT32 for which rows take it): in cache 1.3x at 2048 to 8192 columns, from memory 1.4x at 8192 but
     * 0.85x at 2048, where the two streams of weights read slower than one.
     */
    static void dot32(MemorySegment w, long base, QuantizedVector x, int cols, float[] out, int o) {
        int[] sums = SUMS.get();
        if (sums.length < cols) {
            sums = new int[cols];
            SUMS.set(sums);
        }
        long second = base + groupBytes(cols);
        integerSums2(w, base, second, x.q, cols, sums);
        scaleSums(w, base, x, cols, sums, 0, out, o);
        scaleSums(w, second, x, cols, sums, cols / 2, out, o + ROWS);
    }

    /**
     * sums[16 j + r] = sum over sub-block j (of 32 columns) of row r of q x, j over the whole row. The products run in
     * 16-bit lanes over 16 columns (at most 16 * 15 * 127 = 30480: no wrap) and are widened and joined per sub-block.
     */
    private static void integerSums(MemorySegment w, long base, short[] xq, int cols, int[] sums) {
        int supers = cols / 256;
        for (int s = 0; s < supers; s++) {
            for (int g = 0; g < 4; g++) {
                long q = base + (long) s * QUANT_BYTES + 512 * g;
                int xi = 256 * s + 64 * g; // x of sub-block 2g; 2g + 1 at xi + 32
                IntVector a0 = IntVector.zero(I); // sub-block 2g, rows 0-7
                IntVector a1 = IntVector.zero(I); // rows 8-15
                IntVector b0 = IntVector.zero(I); // sub-block 2g + 1
                IntVector b1 = IntVector.zero(I);
                for (int half = 0; half < 32; half += 16) { // columns 0-15, then 16-31 of both sub-blocks
                    ShortVector lo = ShortVector.zero(S);
                    ShortVector hi = ShortVector.zero(S);
                    for (int p = half / 2; p < half / 2 + 8; p++) {
                        ShortVector v = ShortVector.fromMemorySegment(S, w, q + 32 * p, LE);
                        int j = xi + 2 * p;
                        lo = lo.add(v.and((short) 0x0F).mul(xq[j]))
                                .add(v.lanewise(LSHR, 8).and((short) 0x0F).mul(xq[j + 1]));
                        hi = hi.add(v.lanewise(LSHR, 4).and((short) 0x0F).mul(xq[j + 32]))
                                .add(v.lanewise(LSHR, 12).mul(xq[j + 33]));
                    }
                    a0 = a0.add((IntVector) lo.convertShape(S2I, I, 0));
                    a1 = a1.add((IntVector) lo.convertShape(S2I, I, 1));
                    b0 = b0.add((IntVector) hi.convertShape(S2I, I, 0));
                    b1 = b1.add((IntVector) hi.convertShape(S2I, I, 1));
                }
                int at = 16 * (8 * s + 2 * g);
                a0.intoArray(sums, at);
                a1.intoArray(sums, at + 8);
                b0.intoArray(sums, at + 16);
                b1.intoArray(sums, at + 24);
            }
        }
    }

    /**
     * {@link #integerSums} of the groups at {@code a} and {@code b}, into sums[0..cols/2) and sums[cols/2..cols), the
     * broadcasts of x shared.
     */
    private static void integerSums2(MemorySegment w, long a, long b, short[] xq, int cols, int[] sums) {
        int supers = cols / 256;
        int second = cols / 2;
        for (int s = 0; s < supers; s++) {
            for (int g = 0; g < 4; g++) {
                long qa = a + (long) s * QUANT_BYTES + 512 * g;
                long qb = b + (long) s * QUANT_BYTES + 512 * g;
                int xi = 256 * s + 64 * g;
                IntVector a0 = IntVector.zero(I);
                IntVector a1 = IntVector.zero(I);
                IntVector b0 = IntVector.zero(I);
                IntVector b1 = IntVector.zero(I);
                IntVector c0 = IntVector.zero(I); // the second group's a0..b1
                IntVector c1 = IntVector.zero(I);
                IntVector d0 = IntVector.zero(I);
                IntVector d1 = IntVector.zero(I);
                for (int half = 0; half < 32; half += 16) {
                    ShortVector loA = ShortVector.zero(S);
                    ShortVector hiA = ShortVector.zero(S);
                    ShortVector loB = ShortVector.zero(S);
                    ShortVector hiB = ShortVector.zero(S);
                    for (int p = half / 2; p < half / 2 + 8; p++) {
                        ShortVector va = ShortVector.fromMemorySegment(S, w, qa + 32 * p, LE);
                        ShortVector vb = ShortVector.fromMemorySegment(S, w, qb + 32 * p, LE);
                        int j = xi + 2 * p;
                        ShortVector x0 = ShortVector.broadcast(S, xq[j]);
                        ShortVector x1 = ShortVector.broadcast(S, xq[j + 1]);
                        ShortVector x32 = ShortVector.broadcast(S, xq[j + 32]);
                        ShortVector x33 = ShortVector.broadcast(S, xq[j + 33]);
                        loA = loA.add(va.and((short) 0x0F).mul(x0))
                                .add(va.lanewise(LSHR, 8).and((short) 0x0F).mul(x1));
                        hiA = hiA.add(va.lanewise(LSHR, 4).and((short) 0x0F).mul(x32))
                                .add(va.lanewise(LSHR, 12).mul(x33));
                        loB = loB.add(vb.and((short) 0x0F).mul(x0))
                                .add(vb.lanewise(LSHR, 8).and((short) 0x0F).mul(x1));
                        hiB = hiB.add(vb.lanewise(LSHR, 4).and((short) 0x0F).mul(x32))
                                .add(vb.lanewise(LSHR, 12).mul(x33));
                    }
                    a0 = a0.add((IntVector) loA.convertShape(S2I, I, 0));
                    a1 = a1.add((IntVector) loA.convertShape(S2I, I, 1));
                    b0 = b0.add((IntVector) hiA.convertShape(S2I, I, 0));
                    b1 = b1.add((IntVector) hiA.convertShape(S2I, I, 1));
                    c0 = c0.add((IntVector) loB.convertShape(S2I, I, 0));
                    c1 = c1.add((IntVector) loB.convertShape(S2I, I, 1));
                    d0 = d0.add((IntVector) hiB.convertShape(S2I, I, 0));
                    d1 = d1.add((IntVector) hiB.convertShape(S2I, I, 1));
                }
                int at = 16 * (8 * s + 2 * g);
                a0.intoArray(sums, at);
                a1.intoArray(sums, at + 8);
                b0.intoArray(sums, at + 16);
                b1.intoArray(sums, at + 24);
                c0.intoArray(sums, second + at);
                c1.intoArray(sums, second + at + 8);
                d0.intoArray(sums, second + at + 16);
                d1.intoArray(sums, second + at + 24);
            }
        }
    }

    /**
     * The second pass of {@link #dot16}: the sums (from sums[at]) times the scales, minus the mins times x's block
     * sums.
     */
    private static void scaleSums(
            MemorySegment w, long base, QuantizedVector x, int cols, int[] sums, int at, float[] out, int o) {
        float[] xd = x.scale;
        float[] xs = x.blockSum;
        FloatVector acc0 = FloatVector.zero(F);
        FloatVector acc1 = FloatVector.zero(F);
        FloatVector min0 = FloatVector.zero(F);
        FloatVector min1 = FloatVector.zero(F);
        int supers = cols / 256;
        for (int s = 0; s < supers; s++) {
            long so = base + (long) supers * QUANT_BYTES + (long) s * FACTOR_BYTES;
            FloatVector sum0 = FloatVector.zero(F);
            FloatVector sum1 = FloatVector.zero(F);
            FloatVector m0 = FloatVector.zero(F);
            FloatVector m1 = FloatVector.zero(F);
            for (int j = 0; j < 8; j++) {
                int blk = 8 * s + j;
                ShortVector sc = sixBits(w, so + SCALES + 16 * j); // the 16 rows' scales of sub-block j
                ShortVector mn = sixBits(w, so + MINS + 16 * j);
                FloatVector xdj = FloatVector.broadcast(F, xd[blk]);
                FloatVector bs = FloatVector.broadcast(F, xs[blk]);
                sum0 = ((FloatVector) IntVector.fromArray(I, sums, at + 16 * blk)
                                .mul((IntVector) sc.convertShape(S2I, I, 0))
                                .convert(I2F, 0))
                        .fma(xdj, sum0);
                sum1 = ((FloatVector) IntVector.fromArray(I, sums, at + 16 * blk + 8)
                                .mul((IntVector) sc.convertShape(S2I, I, 1))
                                .convert(I2F, 0))
                        .fma(xdj, sum1);
                m0 = ((FloatVector) mn.convertShape(S2F, F, 0)).fma(bs, m0);
                m1 = ((FloatVector) mn.convertShape(S2F, F, 1)).fma(bs, m1);
            }
            acc0 = sum0.fma(FloatVector.fromMemorySegment(F, w, so, LE), acc0);
            acc1 = sum1.fma(FloatVector.fromMemorySegment(F, w, so + 32, LE), acc1);
            min0 = m0.fma(FloatVector.fromMemorySegment(F, w, so + 64, LE), min0);
            min1 = m1.fma(FloatVector.fromMemorySegment(F, w, so + 96, LE), min1);
        }
        acc0.sub(min0).intoArray(out, o);
        acc1.sub(min1).intoArray(out, o + 8);
    }

    /**
     * 16 bytes at {@code at} (6-bit values) widened to shorts: signed B2S, which C2 compiles to one instruction,
     * where ZERO_EXTEND_B2S fell back to Java code that allocates (JDK 25, measured with JFR allocation samples).
     */
    static ShortVector sixBits(MemorySegment w, long at) {
        return (ShortVector) ByteVector.fromMemorySegment(B16, w, at, LE).convertShape(B2S, S, 0);
    }

    /**
     * Decodes super-blocks [s0, s1) of the group at byte {@code base} to floats, column-major from column 256 s0:
     * dst[16 (c - 256 s0) + r] = d sc q - dmin m of row r, column c, the same float as the scalar dequantization
     * (d sc and dmin m are exact in float). The layout {@link InterleavedQ4_0#outer8} and its siblings read.
     */
    static void decode16(MemorySegment w, long base, int cols, int s0, int s1, float[] dst) {
        float[] factors = FACTORS.get();
        int supers = cols / 256;
        for (int s = s0; s < s1; s++) {
            factors(w, base + (long) supers * QUANT_BYTES + (long) s * FACTOR_BYTES, factors, 0);
            decodeSuper(w, base + (long) s * QUANT_BYTES, factors, dst, 16 * 256 * (s - s0));
        }
    }

    /** Per thread: {@link #decode16}'s d sc (floats 0..127) and dmin m (128..255), 16 rows per sub-block. */
    private static final ThreadLocal<float[]> FACTORS = ThreadLocal.withInitial(() -> new float[256]);

    /** Byte offset of super-block s's factors in the group at byte {@code base}. */
    static long factorsAt(long base, int cols, int s) {
        return base + (long) (cols / 256) * QUANT_BYTES + (long) s * FACTOR_BYTES;
    }

    /** Byte offset of super-block s's quants in the group at byte {@code base}. */
    static long quantsAt(long base, int s) {
        return base + (long) s * QUANT_BYTES;
    }

    /**
     * factors[at + 16 j + r] = d sc_j and factors[at + 128 + 16 j + r] = dmin m_j of row r (exact in float), from
     * the super-block's factors at byte {@code so}.
     */
    static void factors(MemorySegment w, long so, float[] factors, int at) {
        FloatVector d0 = FloatVector.fromMemorySegment(F, w, so, LE);
        FloatVector d1 = FloatVector.fromMemorySegment(F, w, so + 32, LE);
        FloatVector dm0 = FloatVector.fromMemorySegment(F, w, so + 64, LE);
        FloatVector dm1 = FloatVector.fromMemorySegment(F, w, so + 96, LE);
        for (int j = 0; j < 8; j++) {
            ShortVector sc = sixBits(w, so + SCALES + 16 * j);
            ShortVector mn = sixBits(w, so + MINS + 16 * j);
            d0.mul((FloatVector) sc.convertShape(S2F, F, 0)).intoArray(factors, at + 16 * j);
            d1.mul((FloatVector) sc.convertShape(S2F, F, 1)).intoArray(factors, at + 16 * j + 8);
            dm0.mul((FloatVector) mn.convertShape(S2F, F, 0)).intoArray(factors, at + 128 + 16 * j);
            dm1.mul((FloatVector) mn.convertShape(S2F, F, 1)).intoArray(factors, at + 128 + 16 * j + 8);
        }
    }

    /** One super-block's quants times {@link #factors}, into dst from {@code at} (column-major, 16 rows per column). */
    private static void decodeSuper(MemorySegment w, long quants, float[] factors, float[] dst, int at) {
        for (int g = 0; g < 4; g++) {
            int lo = 16 * 2 * g; // factors of sub-block 2g; 2g + 1 at lo + 16
            FloatVector scLo0 = FloatVector.fromArray(F, factors, lo);
            FloatVector scLo1 = FloatVector.fromArray(F, factors, lo + 8);
            FloatVector scHi0 = FloatVector.fromArray(F, factors, lo + 16);
            FloatVector scHi1 = FloatVector.fromArray(F, factors, lo + 24);
            FloatVector mLo0 = FloatVector.fromArray(F, factors, 128 + lo);
            FloatVector mLo1 = FloatVector.fromArray(F, factors, 128 + lo + 8);
            FloatVector mHi0 = FloatVector.fromArray(F, factors, 128 + lo + 16);
            FloatVector mHi1 = FloatVector.fromArray(F, factors, 128 + lo + 24);
            for (int p = 0; p < 16; p++) {
                ShortVector v = ShortVector.fromMemorySegment(S, w, quants + 512 * g + 32 * p, LE);
                int c = at + 16 * (64 * g + 2 * p); // column 2p of sub-block 2g; 2g + 1 at c + 512
                ShortVector q0 = v.and((short) 0x0F);
                ShortVector q1 = v.lanewise(LSHR, 8).and((short) 0x0F);
                ShortVector q32 = v.lanewise(LSHR, 4).and((short) 0x0F);
                ShortVector q33 = v.lanewise(LSHR, 12);
                ((FloatVector) q0.convertShape(S2F, F, 0)).mul(scLo0).sub(mLo0).intoArray(dst, c);
                ((FloatVector) q0.convertShape(S2F, F, 1)).mul(scLo1).sub(mLo1).intoArray(dst, c + 8);
                ((FloatVector) q1.convertShape(S2F, F, 0)).mul(scLo0).sub(mLo0).intoArray(dst, c + 16);
                ((FloatVector) q1.convertShape(S2F, F, 1)).mul(scLo1).sub(mLo1).intoArray(dst, c + 24);
                ((FloatVector) q32.convertShape(S2F, F, 0)).mul(scHi0).sub(mHi0).intoArray(dst, c + 512);
                ((FloatVector) q32.convertShape(S2F, F, 1)).mul(scHi1).sub(mHi1).intoArray(dst, c + 520);
                ((FloatVector) q33.convertShape(S2F, F, 0)).mul(scHi0).sub(mHi0).intoArray(dst, c + 528);
                ((FloatVector) q33.convertShape(S2F, F, 1)).mul(scHi1).sub(mHi1).intoArray(dst, c + 536);
            }
        }
    }
}
