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
 * Q6_K weights repacked "rows in lanes" in groups of 16 rows, as {@link InterleavedQ4_K}, but with each 6-bit quant
 * decoded at repack time to a byte q (0..63) in the elements' natural order: the file splits a quant over two
 * arrays in a shuffled order that costs about three operations per element to put back together. 8 bits per weight
 * instead of 6.56 (the copy is 31% larger than the file's Q6_K), which Q4_K_M files spend on a sixth of their weights
 * (attn_v and ffn_down of half the layers). llama.cpp does not repack Q6_K. Each row's 4 consecutive columns are one
 * 32-bit lane, which {@link #dot16} multiplies with x's coefficients without unpacking the bytes.
 *
 * <p>Layout, per group of 16 rows (the last group padded with zero rows) with S super-blocks of 256 columns, 4,416
 * bytes per super-block: the quants of every super-block, then their factors (two gapless streams, as in
 * {@link InterleavedQ4_K}):
 * <pre>
 *   quants of sub-block j of the row (16 columns; j over the whole row), from 256 j:
 *     byte 64 p + 4 r + t = row r's q of column 4p + t of the sub-block (p, t in 0..3)
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

    /**
     * Per thread: {@link #dot16}'s integer sums, 16 rows per sub-block of 16 columns, sized at once for rows of up to
     * 16384 columns (see InterleavedQ4_K's SUMS).
     */
    private static final ThreadLocal<int[]> SUMS = ThreadLocal.withInitial(() -> new int[16384]);

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
                            q[128 * h + l] = (byte) ((lo & 0xF) | ((high & 3) << 4));
                            q[128 * h + l + 32] = (byte) ((hi & 0xF) | (((high >>> 2) & 3) << 4));
                            q[128 * h + l + 64] = (byte) ((lo >>> 4) | (((high >>> 4) & 3) << 4));
                            q[128 * h + l + 96] = (byte) ((hi >>> 4) | (((high >>> 6) & 3) << 4));
                        }
                    }
                    for (int i = 0; i < 64; i++) { // columns 4i..4i + 3: sub-block i / 4, unit i % 4
                        out[o + 32 * i + 2 * r] = (short) (q[4 * i] | q[4 * i + 1] << 8);
                        out[o + 32 * i + 2 * r + 1] = (short) (q[4 * i + 2] | q[4 * i + 3] << 8);
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
        integerSums(w, base, x, cols, sums);
        scaleSums(w, base, x.scale, cols, sums, 0, out, o);
    }

    /**
     * sums[16 j + r] = sum over sub-block j (16 columns) of row r of (q - 32) x, j over the whole row. A row's 4
     * columns of a unit are one 32-bit lane L of bytes q_0..q_3; with x's coefficients in base 256
     * ({@link QuantizedVector#prepareQ6_K}) the 16-bit products of L and L >>> 8 (C2: vpsrld with an immediate,
     * vpmullw, vpaddw; the coefficients a vpbroadcastd from memory) sum to sum_t q_t x_t mod 2^16 over both halves.
     * Joined every 8 columns less 32 sum(x) (|q - 32| &lt;= 32, |x| &lt;= 127: within 8 * 32 * 127 = 32512 of
     * zero, so exact), then added in 32 bits.
     */
    private static void integerSums(MemorySegment w, long base, QuantizedVector x, int cols, int[] sums) {
        int[] c = x.nibbleCoefficients(GGMLType.Q6_K);
        int[] offsets = x.q6_KOffsets();
        for (int j = 0; j < cols / 16; j++) {
            long q = base + 256L * j; // 16 columns x 16 rows of bytes per sub-block
            int ci = 8 * j;
            IntVector v0, v1;
            ShortVector c0, c1;
            ShortVector a0 = ShortVector.zero(S); // rows 0-7, columns 0-7
            ShortVector a1 = ShortVector.zero(S); // rows 8-15
            v0 = IntVector.fromMemorySegment(I, w, q + 0, LE); // unit 0: columns 0..3
            v1 = IntVector.fromMemorySegment(I, w, q + 32, LE);
            c0 = IntVector.broadcast(I, c[ci + 0]).reinterpretAsShorts();
            c1 = IntVector.broadcast(I, c[ci + 1]).reinterpretAsShorts();
            a0 = a0.add(v0.reinterpretAsShorts().mul(c0))
                    .add(v0.lanewise(LSHR, 8).reinterpretAsShorts().mul(c1));
            a1 = a1.add(v1.reinterpretAsShorts().mul(c0))
                    .add(v1.lanewise(LSHR, 8).reinterpretAsShorts().mul(c1));
            v0 = IntVector.fromMemorySegment(I, w, q + 64, LE); // unit 1: columns 4..7
            v1 = IntVector.fromMemorySegment(I, w, q + 96, LE);
            c0 = IntVector.broadcast(I, c[ci + 2]).reinterpretAsShorts();
            c1 = IntVector.broadcast(I, c[ci + 3]).reinterpretAsShorts();
            a0 = a0.add(v0.reinterpretAsShorts().mul(c0))
                    .add(v0.lanewise(LSHR, 8).reinterpretAsShorts().mul(c1));
            a1 = a1.add(v1.reinterpretAsShorts().mul(c0))
                    .add(v1.lanewise(LSHR, 8).reinterpretAsShorts().mul(c1));
            int k = offsets[2 * j];
            IntVector i0 = a0.reinterpretAsInts();
            IntVector i1 = a1.reinterpretAsInts();
            IntVector s0 = i0.add(i0.lanewise(LSHL, 16)).add(k).lanewise(ASHR, 16);
            IntVector s1 = i1.add(i1.lanewise(LSHL, 16)).add(k).lanewise(ASHR, 16);
            a0 = ShortVector.zero(S); // columns 8-15
            a1 = ShortVector.zero(S);
            v0 = IntVector.fromMemorySegment(I, w, q + 128, LE); // unit 2: columns 8..11
            v1 = IntVector.fromMemorySegment(I, w, q + 160, LE);
            c0 = IntVector.broadcast(I, c[ci + 4]).reinterpretAsShorts();
            c1 = IntVector.broadcast(I, c[ci + 5]).reinterpretAsShorts();
            a0 = a0.add(v0.reinterpretAsShorts().mul(c0))
                    .add(v0.lanewise(LSHR, 8).reinterpretAsShorts().mul(c1));
            a1 = a1.add(v1.reinterpretAsShorts().mul(c0))
                    .add(v1.lanewise(LSHR, 8).reinterpretAsShorts().mul(c1));
            v0 = IntVector.fromMemorySegment(I, w, q + 192, LE); // unit 3: columns 12..15
            v1 = IntVector.fromMemorySegment(I, w, q + 224, LE);
            c0 = IntVector.broadcast(I, c[ci + 6]).reinterpretAsShorts();
            c1 = IntVector.broadcast(I, c[ci + 7]).reinterpretAsShorts();
            a0 = a0.add(v0.reinterpretAsShorts().mul(c0))
                    .add(v0.lanewise(LSHR, 8).reinterpretAsShorts().mul(c1));
            a1 = a1.add(v1.reinterpretAsShorts().mul(c0))
                    .add(v1.lanewise(LSHR, 8).reinterpretAsShorts().mul(c1));
            k = offsets[2 * j + 1];
            i0 = a0.reinterpretAsInts();
            i1 = a1.reinterpretAsInts();
            s0.add(i0.add(i0.lanewise(LSHL, 16)).add(k).lanewise(ASHR, 16)).intoArray(sums, 16 * j);
            s1.add(i1.add(i1.lanewise(LSHL, 16)).add(k).lanewise(ASHR, 16)).intoArray(sums, 16 * j + 8);
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
                for (int p = 0; p < 4; p++) {
                    for (int h = 0; h < 2; h++) { // rows 8h..8h + 7
                        FloatVector f = h == 0 ? f0 : f1;
                        IntVector v = IntVector.fromMemorySegment(I, w, quants + 256 * j + 64 * p + 32 * h, LE);
                        int c = 16 * (256 * (s - s0) + 16 * j + 4 * p) + 8 * h; // column 4p + t at c + 16 t
                        ((FloatVector) v.and(0xFF).sub(32).convert(I2F, 0))
                                .mul(f)
                                .intoArray(dst, c);
                        ((FloatVector) v.lanewise(LSHR, 8).and(0xFF).sub(32).convert(I2F, 0))
                                .mul(f)
                                .intoArray(dst, c + 16);
                        ((FloatVector) v.lanewise(LSHR, 16).and(0xFF).sub(32).convert(I2F, 0))
                                .mul(f)
                                .intoArray(dst, c + 32);
                        ((FloatVector) v.lanewise(LSHR, 24).sub(32).convert(I2F, 0))
                                .mul(f)
                                .intoArray(dst, c + 48);
                    }
                }
            }
        }
    }
}
