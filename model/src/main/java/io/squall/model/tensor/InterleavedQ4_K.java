package io.squall.model.tensor;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

import static jdk.incubator.vector.VectorOperators.ASHR;
import static jdk.incubator.vector.VectorOperators.B2S;
import static jdk.incubator.vector.VectorOperators.I2F;
import static jdk.incubator.vector.VectorOperators.LSHL;
import static jdk.incubator.vector.VectorOperators.LSHR;
import static jdk.incubator.vector.VectorOperators.S2F;
import static jdk.incubator.vector.VectorOperators.S2I;

/**
 * Q4_K weights repacked "rows in lanes", as {@link InterleavedQ4_0} does for Q4_0 (llama.cpp repacks Q4_K too, 8
 * rows per group): groups of 16 rows, each row one 32-bit lane of 8 nibbles, 8 consecutive elements of a sub-block
 * of 32, so that 32 bytes hold the same 8 elements of 8 rows and x is broadcast. The nibbles are reordered at repack
 * time (a Q4_K byte holds element l of sub-block 2g in its low nibble and of sub-block 2g + 1 in its high one), so
 * that a lane belongs to one sub-block and its products need no masking ({@link #dot16}). The 6-bit scales and mins
 * are unpacked at repack time to one byte per row and sub-block, the super-block's two F16 factors widened to float.
 *
 * <p>Layout, per group of 16 rows (the last group padded with zero rows) with S super-blocks of 256 columns, 2,432
 * bytes per super-block (5.6% more than the file's 16 x 144): first the quants of every super-block, 2,048 bytes
 * each, then their factors, 384 bytes each, so that each pass of {@link #dot16} reads one gapless stream (with the
 * factors between the quants, the pass over the quants ran at two thirds of its in-cache speed from memory):
 * <pre>
 *   quants of sub-block j of the row (j over the whole row, 32 columns each), from 256 j:
 *     bytes 64 p + 4 r .. + 3 = row r's lane of unit p (p in 0..3): nibble t (bits 4t..4t + 3) = the quant of
 *     column 8p + t of the sub-block
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
                    for (int h = 0; h < 4; h++) { // file bytes 32h..32h + 31: sub-blocks 2h (low), 2h + 1 (high)
                        for (int p = 0; p < 4; p++) {
                            int even = 0; // the lanes of unit p of sub-blocks 2h and 2h + 1: columns 8p..8p + 7
                            int odd = 0;
                            for (int k = 0; k < 4; k++) { // file bytes 32h + 8p + 2k, + 1: columns 8p + 2k, + 1
                                int word = in[i + 8 + 16 * h + 4 * p + k];
                                even |= ((word & 0xF) | (word >>> 4 & 0xF0)) << 8 * k;
                                odd |= ((word >>> 4 & 0xF) | (word >>> 8 & 0xF0)) << 8 * k;
                            }
                            int at = o + 128 * 2 * h + 32 * p + 2 * r;
                            out[at] = (short) even;
                            out[at + 1] = (short) (even >>> 16);
                            out[at + 128] = (short) odd;
                            out[at + 129] = (short) (odd >>> 16);
                        }
                    }
                }
                for (int k = 0; k < 8 * ROWS; k++) { // scales and mins: two bytes per short, little-endian
                    out[f + SCALES / 2 + k] = (short) ((scaleBytes[2 * k] & 0xFF) | scaleBytes[2 * k + 1] << 8);
                }
            }
            MemorySegment.copy(out, 0, dst, SHORT_LE, 2L * g * groupShorts, groupShorts);
        }
    }

    /**
     * Per thread: {@link #dot16}'s integer sums, 16 rows per sub-block of 32 columns, sized at once for rows of up to 16384 columns: grown on a model's first wider matrix,
     * the branch C2 had never seen taken trapped and recompiled the kernel (once per new width) mid-generation.
     */
    private static final ThreadLocal<int[]> SUMS = ThreadLocal.withInitial(() -> new int[16384 / 2]);

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
        integerSums(w, base, x, cols, sums);
        scaleSums(w, base, x, cols, sums, 0, out, o);
    }

    /**
     * sums[16 j + r] = row r's lane of 16-bit partial sums over sub-block j (of 32 columns), j over the whole row: as
     * {@link InterleavedQ4_0#dot16} multiplies a block (x as {@link QuantizedVector#nibbleCoefficients} in the copy's
     * nibble order; 32-bit shifts, 16-bit multiplies and adds, no masks). Its two halves add up to sum(q x) mod 2^16;
     * {@link #scaleSums} joins them. The quants of all super-blocks lie back to back, so sub-block j is at
     * {@code base + 256 j} and one loop runs over the whole row.
     *
     * <p>Nothing more goes at the end of this loop: C2 inlines the Vector API calls of a method this long in bytecode
     * order until its node budget runs out, and the last ones may miss it. With the join here, on some starts
     * (measured: a cold llama command whose warm-up ran the Q6_K products before this method compiled, 3 starts of 3)
     * the join's lanewise calls stayed calls that allocate (JFR: IntVector.lanewise under this method, a young
     * collection every 12 ms) and 1B Q4_K_M decoding ran at 20 instead of 31 tok/s.
     */
    private static void integerSums(MemorySegment w, long base, QuantizedVector x, int cols, int[] sums) {
        int[] c = x.nibbleCoefficients(GGMLType.Q4_K);
        for (int j = 0; j < cols / 32; j++) {
            long q = base + 256L * j;
            ShortVector a0 = ShortVector.zero(S); // rows 0-7
            ShortVector a1 = ShortVector.zero(S); // rows 8-15
            int ci = 16 * j;
            IntVector v0, v1;
            ShortVector c0, c1, c2, c3;
            v0 = IntVector.fromMemorySegment(I, w, q + 0, LE); // unit 0
            v1 = IntVector.fromMemorySegment(I, w, q + 32, LE);
            c0 = IntVector.broadcast(I, c[ci + 0]).reinterpretAsShorts();
            c1 = IntVector.broadcast(I, c[ci + 1]).reinterpretAsShorts();
            c2 = IntVector.broadcast(I, c[ci + 2]).reinterpretAsShorts();
            c3 = IntVector.broadcast(I, c[ci + 3]).reinterpretAsShorts();
            a0 = a0.add(v0.reinterpretAsShorts().mul(c0))
                    .add(v0.lanewise(LSHR, 4).reinterpretAsShorts().mul(c1))
                    .add(v0.lanewise(LSHR, 8).reinterpretAsShorts().mul(c2))
                    .add(v0.lanewise(LSHR, 12).reinterpretAsShorts().mul(c3));
            a1 = a1.add(v1.reinterpretAsShorts().mul(c0))
                    .add(v1.lanewise(LSHR, 4).reinterpretAsShorts().mul(c1))
                    .add(v1.lanewise(LSHR, 8).reinterpretAsShorts().mul(c2))
                    .add(v1.lanewise(LSHR, 12).reinterpretAsShorts().mul(c3));
            v0 = IntVector.fromMemorySegment(I, w, q + 64, LE); // unit 1
            v1 = IntVector.fromMemorySegment(I, w, q + 96, LE);
            c0 = IntVector.broadcast(I, c[ci + 4]).reinterpretAsShorts();
            c1 = IntVector.broadcast(I, c[ci + 5]).reinterpretAsShorts();
            c2 = IntVector.broadcast(I, c[ci + 6]).reinterpretAsShorts();
            c3 = IntVector.broadcast(I, c[ci + 7]).reinterpretAsShorts();
            a0 = a0.add(v0.reinterpretAsShorts().mul(c0))
                    .add(v0.lanewise(LSHR, 4).reinterpretAsShorts().mul(c1))
                    .add(v0.lanewise(LSHR, 8).reinterpretAsShorts().mul(c2))
                    .add(v0.lanewise(LSHR, 12).reinterpretAsShorts().mul(c3));
            a1 = a1.add(v1.reinterpretAsShorts().mul(c0))
                    .add(v1.lanewise(LSHR, 4).reinterpretAsShorts().mul(c1))
                    .add(v1.lanewise(LSHR, 8).reinterpretAsShorts().mul(c2))
                    .add(v1.lanewise(LSHR, 12).reinterpretAsShorts().mul(c3));
            v0 = IntVector.fromMemorySegment(I, w, q + 128, LE); // unit 2
            v1 = IntVector.fromMemorySegment(I, w, q + 160, LE);
            c0 = IntVector.broadcast(I, c[ci + 8]).reinterpretAsShorts();
            c1 = IntVector.broadcast(I, c[ci + 9]).reinterpretAsShorts();
            c2 = IntVector.broadcast(I, c[ci + 10]).reinterpretAsShorts();
            c3 = IntVector.broadcast(I, c[ci + 11]).reinterpretAsShorts();
            a0 = a0.add(v0.reinterpretAsShorts().mul(c0))
                    .add(v0.lanewise(LSHR, 4).reinterpretAsShorts().mul(c1))
                    .add(v0.lanewise(LSHR, 8).reinterpretAsShorts().mul(c2))
                    .add(v0.lanewise(LSHR, 12).reinterpretAsShorts().mul(c3));
            a1 = a1.add(v1.reinterpretAsShorts().mul(c0))
                    .add(v1.lanewise(LSHR, 4).reinterpretAsShorts().mul(c1))
                    .add(v1.lanewise(LSHR, 8).reinterpretAsShorts().mul(c2))
                    .add(v1.lanewise(LSHR, 12).reinterpretAsShorts().mul(c3));
            v0 = IntVector.fromMemorySegment(I, w, q + 192, LE); // unit 3
            v1 = IntVector.fromMemorySegment(I, w, q + 224, LE);
            c0 = IntVector.broadcast(I, c[ci + 12]).reinterpretAsShorts();
            c1 = IntVector.broadcast(I, c[ci + 13]).reinterpretAsShorts();
            c2 = IntVector.broadcast(I, c[ci + 14]).reinterpretAsShorts();
            c3 = IntVector.broadcast(I, c[ci + 15]).reinterpretAsShorts();
            a0 = a0.add(v0.reinterpretAsShorts().mul(c0))
                    .add(v0.lanewise(LSHR, 4).reinterpretAsShorts().mul(c1))
                    .add(v0.lanewise(LSHR, 8).reinterpretAsShorts().mul(c2))
                    .add(v0.lanewise(LSHR, 12).reinterpretAsShorts().mul(c3));
            a1 = a1.add(v1.reinterpretAsShorts().mul(c0))
                    .add(v1.lanewise(LSHR, 4).reinterpretAsShorts().mul(c1))
                    .add(v1.lanewise(LSHR, 8).reinterpretAsShorts().mul(c2))
                    .add(v1.lanewise(LSHR, 12).reinterpretAsShorts().mul(c3));
            // stored as they are (see above); reinterpretShape with the constant species, not reinterpretAsInts
            ((IntVector) a0.reinterpretShape(I, 0)).intoArray(sums, 16 * j);
            ((IntVector) a1.reinterpretShape(I, 0)).intoArray(sums, 16 * j + 8);
        }
    }

    /**
     * The second pass of {@link #dot16}: the sums (from sums[at]) joined, times the scales, minus the mins times x's
     * block sums. A sub-block's sum can reach 32 * 15 * 127, beyond 16 bits: the lanes' halves are joined less
     * 8 sum(x), which is within 32 * 8 * 127 of zero and exact mod 2^16, and 8 sum(x) is added back in 32 bits.
     */
    private static void scaleSums(
            MemorySegment w, long base, QuantizedVector x, int cols, int[] sums, int at, float[] out, int o) {
        float[] xd = x.scale;
        float[] xs = x.blockSum;
        int[] qs = x.qSum;
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
                int offset = 8 * qs[blk];
                IntVector i0 = IntVector.fromArray(I, sums, at + 16 * blk);
                IntVector i1 = IntVector.fromArray(I, sums, at + 16 * blk + 8);
                i0 = i0.add(i0.lanewise(LSHL, 16))
                        .sub(offset << 16)
                        .lanewise(ASHR, 16)
                        .add(offset);
                i1 = i1.add(i1.lanewise(LSHL, 16))
                        .sub(offset << 16)
                        .lanewise(ASHR, 16)
                        .add(offset);
                sum0 = ((FloatVector)
                                i0.mul((IntVector) sc.convertShape(S2I, I, 0)).convert(I2F, 0))
                        .fma(xdj, sum0);
                sum1 = ((FloatVector)
                                i1.mul((IntVector) sc.convertShape(S2I, I, 1)).convert(I2F, 0))
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
        for (int j = 0; j < 8; j++) {
            for (int h = 0; h < 2; h++) { // rows 8h..8h + 7
                FloatVector sc = FloatVector.fromArray(F, factors, 16 * j + 8 * h);
                FloatVector m = FloatVector.fromArray(F, factors, 128 + 16 * j + 8 * h);
                for (int p = 0; p < 4; p++) {
                    IntVector v = IntVector.fromMemorySegment(I, w, quants + 256 * j + 64 * p + 32 * h, LE);
                    int c = at + 16 * (32 * j + 8 * p) + 8 * h; // column 8p of sub-block j; nibble t at c + 16 t
                    // written out: a helper taking vectors is not always inlined, and then boxes them
                    ((FloatVector) v.and(0xF).convert(I2F, 0)).mul(sc).sub(m).intoArray(dst, c);
                    ((FloatVector) v.lanewise(LSHR, 4).and(0xF).convert(I2F, 0))
                            .mul(sc)
                            .sub(m)
                            .intoArray(dst, c + 16);
                    ((FloatVector) v.lanewise(LSHR, 8).and(0xF).convert(I2F, 0))
                            .mul(sc)
                            .sub(m)
                            .intoArray(dst, c + 32);
                    ((FloatVector) v.lanewise(LSHR, 12).and(0xF).convert(I2F, 0))
                            .mul(sc)
                            .sub(m)
                            .intoArray(dst, c + 48);
                    ((FloatVector) v.lanewise(LSHR, 16).and(0xF).convert(I2F, 0))
                            .mul(sc)
                            .sub(m)
                            .intoArray(dst, c + 64);
                    ((FloatVector) v.lanewise(LSHR, 20).and(0xF).convert(I2F, 0))
                            .mul(sc)
                            .sub(m)
                            .intoArray(dst, c + 80);
                    ((FloatVector) v.lanewise(LSHR, 24).and(0xF).convert(I2F, 0))
                            .mul(sc)
                            .sub(m)
                            .intoArray(dst, c + 96);
                    ((FloatVector) v.lanewise(LSHR, 28).convert(I2F, 0))
                            .mul(sc)
                            .sub(m)
                            .intoArray(dst, c + 112);
                }
            }
        }
    }
}
