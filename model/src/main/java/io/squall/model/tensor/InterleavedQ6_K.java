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
import static jdk.incubator.vector.VectorOperators.S2F;
import static jdk.incubator.vector.VectorOperators.S2I;

/**
 * Q6_K weights repacked "rows in lanes" in groups of 16 rows, as {@link InterleavedQ4_K}, but with each 6-bit quant
 * decoded at repack time to a signed byte q - 32 in the elements' natural order: the file splits a quant over two
 * arrays in a shuffled order that costs about three operations per element to put back together, a byte costs one
 * or two. 8 bits per weight instead of 6.56 (the copy is 31% larger than the file's Q6_K), which Q4_K_M files spend
 * on a sixth of their weights (attn_v and ffn_down of half the layers). llama.cpp does not repack Q6_K.
 *
 * <p>Layout, per group of 16 rows (the last group padded with zero rows) with S super-blocks of 256 columns, 4,416
 * bytes per super-block: the quants of every super-block, then their factors (two gapless streams, as in
 * {@link InterleavedQ4_K}):
 * <pre>
 *   quants of super-block s, from 4096 s: bytes 32 p + 2 r, +1 = row r's q - 32 of columns 2p, 2p + 1 (p in 0..127)
 *   factors of super-block s, from 4096 S + 320 s:
 *     0..63      16 floats: row r's d
 *     64..319    byte 64 + 16 j + r: row r's signed scale of sub-block j (0..15, 16 columns each)
 * </pre>
 */
final class InterleavedQ6_K {
    static final int ROWS = InterleavedQ4_0.ROWS;
    /** Bytes per super-block of a group. */
    static final int SUPER_BYTES = ROWS * Float.BYTES + 16 * ROWS + ROWS * 256;

    static final int QUANT_BYTES = ROWS * 256;
    private static final int FACTOR_BYTES = SUPER_BYTES - QUANT_BYTES;
    /** Offset of the scales in a super-block's factors. */
    static final int SCALES = 64;

    private static final VectorSpecies<Float> F = FloatVector.SPECIES_256;
    private static final VectorSpecies<Short> S = ShortVector.SPECIES_256;
    private static final VectorSpecies<Integer> I = IntVector.SPECIES_256;
    private static final VectorSpecies<Byte> B16 = ByteVector.SPECIES_128;
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final ValueLayout.OfShort SHORT_LE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(LE);

    /** Per thread: {@link #dot16}'s integer sums, 16 rows per sub-block of 16 columns. */
    private static final ThreadLocal<int[]> SUMS = ThreadLocal.withInitial(() -> new int[0]);

    private InterleavedQ6_K() {}

    static long groupBytes(int cols) {
        return (long) (cols / 256) * SUPER_BYTES;
    }

    static long byteSize(int rows, int cols) {
        return InterleavedQ4_0.groups(rows) * groupBytes(cols);
    }

    /**
     * Writes groups [g0, g1) of the {@code rows} x {@code cols} Q6_K matrix {@code src} (GGUF layout) into {@code dst}
     * (rows past the end: zero). Array code (it runs at load, often before C2 has compiled it).
     */
    static void repack(MemorySegment src, int rows, int cols, MemorySegment dst, int g0, int g1) {
        int supers = cols / 256;
        int rowBytes = supers * Blocks.Q6_K_BYTES;
        int groupShorts = supers * SUPER_BYTES / 2;
        byte[] in = new byte[ROWS * rowBytes];
        short[] out = new short[groupShorts];
        byte[] q = new byte[256];
        for (int g = g0; g < g1; g++) {
            int rowsHere = Math.min(ROWS, rows - ROWS * g);
            if (rowsHere < ROWS) {
                java.util.Arrays.fill(out, (short) 0);
            }
            MemorySegment.copy(src, ValueLayout.JAVA_BYTE, (long) ROWS * g * rowBytes, in, 0, rowsHere * rowBytes);
            for (int s = 0; s < supers; s++) {
                int o = s * QUANT_BYTES / 2; // quants
                int f = (supers * QUANT_BYTES + s * FACTOR_BYTES) / 2; // factors
                for (int r = 0; r < rowsHere; r++) {
                    int b = r * rowBytes + s * Blocks.Q6_K_BYTES;
                    int dHalf = (in[b + 208] & 0xFF) | (in[b + 209] & 0xFF) << 8;
                    int d = Float.floatToRawIntBits(Float.float16ToFloat((short) dHalf));
                    out[f + 2 * r] = (short) d;
                    out[f + 2 * r + 1] = (short) (d >>> 16);
                    for (int j = 0; j < 16; j++) { // scale bytes: row r is the low or high byte of a short
                        int k = f + SCALES / 2 + 8 * j + r / 2;
                        int v = in[b + 192 + j] & 0xFF;
                        out[k] = (short) ((r & 1) == 0 ? (out[k] & 0xFF00) | v : (out[k] & 0xFF) | v << 8);
                    }
                    for (int h = 0; h < 2; h++) { // element 128h + 32k + l, as Blocks and the Dequantizer read it
                        int ql = b + 64 * h;
                        int qh = b + 128 + 32 * h;
                        for (int l = 0; l < 32; l++) {
                            int lo = in[ql + l] & 0xFF;
                            int hi = in[ql + l + 32] & 0xFF;
                            int high = in[qh + l] & 0xFF;
                            q[128 * h + l] = (byte) (((lo & 0xF) | ((high & 3) << 4)) - 32);
                            q[128 * h + l + 32] = (byte) (((hi & 0xF) | (((high >>> 2) & 3) << 4)) - 32);
                            q[128 * h + l + 64] = (byte) (((lo >>> 4) | (((high >>> 4) & 3) << 4)) - 32);
                            q[128 * h + l + 96] = (byte) (((hi >>> 4) | (((high >>> 6) & 3) << 4)) - 32);
                        }
                    }
                    for (int p = 0; p < 128; p++) {
                        out[o + 16 * p + r] = (short) ((q[2 * p] & 0xFF) | q[2 * p + 1] << 8);
                    }
                }
            }
            MemorySegment.copy(out, 0, dst, SHORT_LE, 2L * g * groupShorts, groupShorts);
        }
    }

    /**
     * The 16 rows of the group at byte {@code base} dotted with the quantized x into out[o..o+16): per row and
     * sub-block j of 16, d sc_j xd sum((q - 32) x). Two compiled passes as in {@link InterleavedQ4_K#dot16}.
     */
    static void dot16(MemorySegment w, long base, QuantizedVector x, int cols, float[] out, int o) {
        int[] sums = SUMS.get();
        if (sums.length < cols) {
            sums = new int[cols];
            SUMS.set(sums);
        }
        integerSums(w, base, x.q, cols, sums);
        scaleSums(w, base, x.scale, cols, sums, 0, out, o);
    }

    /**
     * Two groups, at bytes {@code base} and {@code base + groupBytes(cols)}, into out[o..o+32): the same results as
     * two {@link #dot16}s, each broadcast of x feeding both groups' products (see {@link InterleavedQ4_K#dot32}).
     */
    static void dot32(MemorySegment w, long base, QuantizedVector x, int cols, float[] out, int o) {
        int[] sums = SUMS.get();
        if (sums.length < 2 * cols) {
            sums = new int[2 * cols];
            SUMS.set(sums);
        }
        long second = base + groupBytes(cols);
        integerSums2(w, base, second, x.q, cols, sums);
        scaleSums(w, base, x.scale, cols, sums, 0, out, o);
        scaleSums(w, second, x.scale, cols, sums, cols, out, o + ROWS);
    }

    /** {@link #integerSums} of the groups at {@code a} and {@code b} into sums[0..cols) and sums[cols..2 cols). */
    private static void integerSums2(MemorySegment w, long a, long b, short[] xq, int cols, int[] sums) {
        int subBlocks = cols / 16;
        for (int j = 0; j < subBlocks; j++) {
            long qa = a + (long) j * 256;
            long qb = b + (long) j * 256;
            IntVector s0 = IntVector.zero(I);
            IntVector s1 = IntVector.zero(I);
            IntVector t0 = IntVector.zero(I); // the second group's s0, s1
            IntVector t1 = IntVector.zero(I);
            for (int half = 0; half < 8; half += 4) {
                ShortVector accA = ShortVector.zero(S);
                ShortVector accB = ShortVector.zero(S);
                for (int p = half; p < half + 4; p++) {
                    ShortVector va = ShortVector.fromMemorySegment(S, w, qa + 32 * p, LE);
                    ShortVector vb = ShortVector.fromMemorySegment(S, w, qb + 32 * p, LE);
                    int c = 16 * j + 2 * p;
                    ShortVector x0 = ShortVector.broadcast(S, xq[c]);
                    ShortVector x1 = ShortVector.broadcast(S, xq[c + 1]);
                    accA = accA.add(va.lanewise(LSHL, 8).lanewise(ASHR, 8).mul(x0))
                            .add(va.lanewise(ASHR, 8).mul(x1));
                    accB = accB.add(vb.lanewise(LSHL, 8).lanewise(ASHR, 8).mul(x0))
                            .add(vb.lanewise(ASHR, 8).mul(x1));
                }
                s0 = s0.add((IntVector) accA.convertShape(S2I, I, 0));
                s1 = s1.add((IntVector) accA.convertShape(S2I, I, 1));
                t0 = t0.add((IntVector) accB.convertShape(S2I, I, 0));
                t1 = t1.add((IntVector) accB.convertShape(S2I, I, 1));
            }
            s0.intoArray(sums, 16 * j);
            s1.intoArray(sums, 16 * j + 8);
            t0.intoArray(sums, cols + 16 * j);
            t1.intoArray(sums, cols + 16 * j + 8);
        }
    }

    /**
     * sums[16 j + r] = sum over sub-block j (16 columns) of row r of (q - 32) x, j over the whole row. 16-bit lanes
     * over 8 columns: |q - 32| &lt;= 32, |x| &lt;= 127, so at most 8 * 32 * 127 = 32512, no wrap.
     */
    private static void integerSums(MemorySegment w, long base, short[] xq, int cols, int[] sums) {
        int subBlocks = cols / 16;
        for (int j = 0; j < subBlocks; j++) {
            long q = base + (long) j * 256; // 16 columns x 16 rows of bytes per sub-block
            IntVector s0 = IntVector.zero(I);
            IntVector s1 = IntVector.zero(I);
            for (int half = 0; half < 8; half += 4) {
                ShortVector acc = ShortVector.zero(S);
                for (int p = half; p < half + 4; p++) {
                    ShortVector v = ShortVector.fromMemorySegment(S, w, q + 32 * p, LE);
                    int c = 16 * j + 2 * p;
                    acc = acc.add(v.lanewise(LSHL, 8).lanewise(ASHR, 8).mul(xq[c]))
                            .add(v.lanewise(ASHR, 8).mul(xq[c + 1]));
                }
                s0 = s0.add((IntVector) acc.convertShape(S2I, I, 0));
                s1 = s1.add((IntVector) acc.convertShape(S2I, I, 1));
            }
            s0.intoArray(sums, 16 * j);
            s1.intoArray(sums, 16 * j + 8);
        }
    }

    /** The second pass of {@link #dot16}: the sums (from sums[from]) times scales, x's block scales and d. */
    private static void scaleSums(
            MemorySegment w, long base, float[] xd, int cols, int[] sums, int from, float[] out, int o) {
        FloatVector acc0 = FloatVector.zero(F);
        FloatVector acc1 = FloatVector.zero(F);
        int supers = cols / 256;
        for (int s = 0; s < supers; s++) {
            long so = base + (long) supers * QUANT_BYTES + (long) s * FACTOR_BYTES;
            FloatVector sum0 = FloatVector.zero(F);
            FloatVector sum1 = FloatVector.zero(F);
            for (int j = 0; j < 16; j += 2) { // two sub-blocks of 16 share x's block of 32
                ShortVector scA = sixteenBytes(w, so + SCALES + 16 * j);
                ShortVector scB = sixteenBytes(w, so + SCALES + 16 * j + 16);
                int at = from + 16 * (16 * s + j);
                IntVector i0 = IntVector.fromArray(I, sums, at)
                        .mul((IntVector) scA.convertShape(S2I, I, 0))
                        .add(IntVector.fromArray(I, sums, at + 16).mul((IntVector) scB.convertShape(S2I, I, 0)));
                IntVector i1 = IntVector.fromArray(I, sums, at + 8)
                        .mul((IntVector) scA.convertShape(S2I, I, 1))
                        .add(IntVector.fromArray(I, sums, at + 24).mul((IntVector) scB.convertShape(S2I, I, 1)));
                FloatVector xdj = FloatVector.broadcast(F, xd[8 * s + j / 2]);
                sum0 = ((FloatVector) i0.convert(I2F, 0)).fma(xdj, sum0);
                sum1 = ((FloatVector) i1.convert(I2F, 0)).fma(xdj, sum1);
            }
            acc0 = sum0.fma(FloatVector.fromMemorySegment(F, w, so, LE), acc0);
            acc1 = sum1.fma(FloatVector.fromMemorySegment(F, w, so + 32, LE), acc1);
        }
        acc0.intoArray(out, o);
        acc1.intoArray(out, o + 8);
    }

    /** 16 signed bytes at {@code at} widened to shorts (B2S: one instruction; see InterleavedQ4_K.sixBits). */
    static ShortVector sixteenBytes(MemorySegment w, long at) {
        return (ShortVector) ByteVector.fromMemorySegment(B16, w, at, LE).convertShape(B2S, S, 0);
    }

    /** Byte offset of super-block s's factors in the group at byte {@code base}. */
    static long factorsAt(long base, int cols, int s) {
        return base + (long) (cols / 256) * QUANT_BYTES + (long) s * FACTOR_BYTES;
    }

    /**
     * Decodes super-blocks [s0, s1) of the group at byte {@code base} to floats, column-major from column 256 s0:
     * dst[16 (c - 256 s0) + r] = d sc (q - 32) of row r, column c (d sc exact in float), the layout that
     * {@link InterleavedQ4_0#outer8} and its siblings read.
     */
    static void decode16(MemorySegment w, long base, int cols, int s0, int s1, float[] dst) {
        int supers = cols / 256;
        for (int s = s0; s < s1; s++) {
            long so = base + (long) supers * QUANT_BYTES + (long) s * FACTOR_BYTES;
            long quants = base + (long) s * QUANT_BYTES;
            FloatVector d0 = FloatVector.fromMemorySegment(F, w, so, LE);
            FloatVector d1 = FloatVector.fromMemorySegment(F, w, so + 32, LE);
            for (int j = 0; j < 16; j++) {
                ShortVector sc = sixteenBytes(w, so + SCALES + 16 * j);
                FloatVector f0 = d0.mul((FloatVector) sc.convertShape(S2F, F, 0));
                FloatVector f1 = d1.mul((FloatVector) sc.convertShape(S2F, F, 1));
                for (int p = 0; p < 8; p++) {
                    ShortVector v = ShortVector.fromMemorySegment(S, w, quants + 256 * j + 32 * p, LE);
                    int c = 16 * (256 * (s - s0) + 16 * j + 2 * p);
                    ShortVector even = v.lanewise(LSHL, 8).lanewise(ASHR, 8);
                    ShortVector odd = v.lanewise(ASHR, 8);
                    ((FloatVector) even.convertShape(S2F, F, 0)).mul(f0).intoArray(dst, c);
                    ((FloatVector) even.convertShape(S2F, F, 1)).mul(f1).intoArray(dst, c + 8);
                    ((FloatVector) odd.convertShape(S2F, F, 0)).mul(f0).intoArray(dst, c + 16);
                    ((FloatVector) odd.convertShape(S2F, F, 1)).mul(f1).intoArray(dst, c + 24);
                }
            }
        }
    }
}
