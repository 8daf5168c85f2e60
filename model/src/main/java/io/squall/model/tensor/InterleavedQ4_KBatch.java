package io.squall.model.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;

import static jdk.incubator.vector.VectorOperators.ADD;
import static jdk.incubator.vector.VectorOperators.ASHR;
import static jdk.incubator.vector.VectorOperators.I2F;
import static jdk.incubator.vector.VectorOperators.LSHL;
import static jdk.incubator.vector.VectorOperators.LSHR;

/**
 * The batched product (prompt processing) of a repacked Q4_K matrix ({@link InterleavedQ4_K}) with x quantized to 8
 * bits per block of 32 ({@link InterleavedQ4_0Batch.Batch}, each vector rounded as matvec's {@link QuantizedVector}),
 * in 16-bit integer lanes: {@link InterleavedQ4_0Batch}'s scheme with Q4_K's sub-blocks of 32 for its blocks.
 *
 * <p>x is quantized per 32, not per 256 as llama.cpp's Q8_K: the same rounding as the matvec of decoding (a batch of
 * one and a batch of many give the same results), and no slower here, since the Vector API has no pairwise
 * multiply-add (vpmaddwd) that would let per-256 scales keep the sub-block sums in integers: every sub-block's lane
 * pairs are summed and converted to float either way.
 *
 * <p>A chunk of super-blocks of a group is decoded into column pairs, as InterleavedQ4_0Batch.decodePairs: per
 * sub-block of 32, per pair of columns, 32 shorts, lanes 2i and 2i + 1 holding row i's quants of the two columns (0 to
 * 15, unsigned). One 32-bit broadcast of x's pair int feeds a 16-bit multiply and add per 16 products; per row lane
 * half the sums stay within 16 * 15 * 127 = 30480, no wrap. Their pair sum can exceed 16 bits, so the halves are
 * widened apart, (i >> 16) + ((i << 16) >> 16), one shift more than InterleavedQ4_0Batch's (i + (i << 16)) >> 16,
 * which keeps 16 bits of the sum. Per sub-block j the pair sums go to float and take d sc_j xd_j in one FMA, and the
 * min in a second: - dmin m_j xd_j sum_j(xq), with x's block sums of q computed once per call ({@link #blockSums}).
 *
 * <p>Tiles: whole groups two at a time, four vectors ({@link #tile4x2}: 8 accumulators of 512 bits, each broadcast of
 * x feeds both groups); four groups by two vectors and eight groups by one were no faster (59-60 and 44-56 against
 * 59-62 G multiply-adds per CPU-second, 2048 x 2048 x 32, one core, 2026-12-05; why the eight-group tile is slower
 * was not found: no boxing in JFR's allocation samples).
 *
 * <p>Results: for row r and vector t, sum over sub-blocks of d sc_j xd_j sum(q xq) - dmin m_j xd_j sum(xq), the
 * integers exact: the reference on x quantized the same way, up to float rounding.
 */
final class InterleavedQ4_KBatch {
    /** Super-blocks of a group decoded at a time: 16 KB of shorts, in L1 while every vector of the batch passes. */
    static final int CHUNK_SUPERS = 2;

    private static final VectorSpecies<Short> S = ShortVector.SPECIES_256;
    private static final VectorSpecies<Integer> I = IntVector.SPECIES_256;
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_256;
    private static final VectorSpecies<Short> SW = ShortVector.SPECIES_512;
    private static final VectorSpecies<Integer> IW = IntVector.SPECIES_512;
    private static final VectorSpecies<Float> FW = FloatVector.SPECIES_512;
    /** 512-bit tiles of four vectors where the preferred vectors are that wide (AVX-512), as InterleavedQ4_0Batch. */
    private static final boolean WIDE = VectorDots.F.length() >= 16;

    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    /**
     * Whole groups two at a time where the tiles are 512 bits wide ({@link #tile4x2}: each broadcast of x feeds two
     * groups' multiplies): 2048 x 2048 x 32 on one core ~60 against ~55 G multiply-adds/s.
     * -Dsquall.matmul.groupPairs=false: one group at a time (A/B checks).
     */
    static final boolean PAIRS = !"false".equals(System.getProperty("squall.matmul.groupPairs"));
    /** Shorts of one decoded sub-block: 16 column pairs x 16 rows x 2. */
    private static final int BLOCK_SHORTS = 512;

    private static final ThreadLocal<short[]> DECODED =
            ThreadLocal.withInitial(() -> new short[CHUNK_SUPERS * 8 * BLOCK_SHORTS]);
    /** Per thread: the chunk's d sc and dmin m per sub-block and row (InterleavedQ4_K.factors, 256 per super-block). */
    private static final ThreadLocal<float[]> FACTORS = ThreadLocal.withInitial(() -> new float[CHUNK_SUPERS * 256]);
    /** Per thread: {@link #blockSums} of the batch. */
    private static final ThreadLocal<float[]> BLOCK_SUMS = ThreadLocal.withInitial(() -> new float[0]);

    private InterleavedQ4_KBatch() {}

    /**
     * Groups [g0, g1) of the repacked {@code rows} x {@code cols} matrix {@code w} times the {@code batch} vectors of
     * {@code x}: out[t * rows + r] for the rows of those groups (the last group's padding rows are not written).
     * {@code scratch} receives the last group's rows (16 * batch floats).
     */
    static void multiply(
            MemorySegment w,
            int rows,
            int cols,
            InterleavedQ4_0Batch.Batch x,
            int batch,
            float[] out,
            float[] scratch,
            int g0,
            int g1) {
        int n = InterleavedQ4_K.ROWS;
        int supers = cols / 256;
        long groupBytes = InterleavedQ4_K.groupBytes(cols);
        short[] decoded = DECODED.get();
        float[] factors = FACTORS.get();
        float[] sums = BLOCK_SUMS.get();
        if (sums.length < batch * cols / 32) {
            sums = new float[batch * cols / 32];
            BLOCK_SUMS.set(sums);
        }
        blockSums(x, batch, sums); // each worker its own: ~1/500 of its products' work
        int g = g0;
        if (PAIRS && WIDE && batch >= 4) {
            for (; g + 2 <= g1 && (g + 2) * n <= rows; g += 2) {
                multiplyPair(w, rows, cols, x, batch, out, g, decoded, factors, sums);
            }
        }
        for (; g < g1; g++) {
            int r0 = g * n;
            boolean whole = r0 + n <= rows;
            float[] dst = whole ? out : scratch; // the last group, cut by the matrix's end, goes through scratch
            int o = whole ? r0 : 0;
            int stride = whole ? rows : n;
            long base = g * groupBytes;
            for (int s0 = 0; s0 < supers; s0 += CHUNK_SUPERS) {
                int s1 = Math.min(supers, s0 + CHUNK_SUPERS);
                for (int s = s0; s < s1; s++) {
                    decodePairs(w, InterleavedQ4_K.quantsAt(base, s), decoded, (s - s0) * 8 * BLOCK_SHORTS);
                    InterleavedQ4_K.factors(w, InterleavedQ4_K.factorsAt(base, cols, s), factors, 256 * (s - s0));
                }
                int b0 = 8 * s0;
                int b1 = 8 * s1;
                int t = 0;
                if (WIDE) {
                    for (; t + 4 <= batch; t += 4) {
                        tile4(decoded, factors, b0, b1, x, sums, t, dst, o, stride);
                    }
                }
                for (; t + 2 <= batch; t += 2) {
                    tile2(decoded, 0, factors, 0, b0, b1, x, sums, t, dst, o, stride);
                }
                for (; t < batch; t++) {
                    tile1(decoded, 0, factors, 0, b0, b1, x, sums, t, dst, o, stride);
                }
            }
            if (!whole) {
                for (int t = 0; t < batch; t++) {
                    System.arraycopy(scratch, t * n, out, t * rows + r0, rows - r0);
                }
            }
        }
    }

    /** Two whole groups from g, a super-block at a time (two groups' decoded chunks: 16 KB), tiles of 4 x 32 rows. */
    private static void multiplyPair(
            MemorySegment w,
            int rows,
            int cols,
            InterleavedQ4_0Batch.Batch x,
            int batch,
            float[] out,
            int g,
            short[] decoded,
            float[] factors,
            float[] sums) {
        int supers = cols / 256;
        long groupBytes = InterleavedQ4_K.groupBytes(cols);
        int wb = 8 * BLOCK_SHORTS; // the second group's decoded super-block
        int fb = 256;
        int r0 = g * InterleavedQ4_K.ROWS;
        for (int s = 0; s < supers; s++) {
            for (int h = 0; h < 2; h++) {
                long base = (g + h) * groupBytes;
                decodePairs(w, InterleavedQ4_K.quantsAt(base, s), decoded, h * wb);
                InterleavedQ4_K.factors(w, InterleavedQ4_K.factorsAt(base, cols, s), factors, h * fb);
            }
            int t = 0;
            for (; t + 4 <= batch; t += 4) {
                tile4x2(decoded, wb, factors, fb, 8 * s, 8 * s + 8, x, sums, t, out, r0, rows);
            }
            for (; t + 2 <= batch; t += 2) {
                tile2(decoded, 0, factors, 0, 8 * s, 8 * s + 8, x, sums, t, out, r0, rows);
                tile2(decoded, wb, factors, fb, 8 * s, 8 * s + 8, x, sums, t, out, r0 + 16, rows);
            }
            for (; t < batch; t++) {
                tile1(decoded, 0, factors, 0, 8 * s, 8 * s + 8, x, sums, t, out, r0, rows);
                tile1(decoded, wb, factors, fb, 8 * s, 8 * s + 8, x, sums, t, out, r0 + 16, rows);
            }
        }
    }

    /**
     * sums[t * cols / 32 + b] = - xd_b sum(xq) over block b of vector t (negated: the tiles add dmin m times it), from
     * the pair ints read as shorts (the 32 quants; their sum, at most 32 * 127, fits a short).
     */
    static void blockSums(InterleavedQ4_0Batch.Batch x, int batch, float[] sums) {
        int blocks = batch * x.cols / 32;
        int[] pairs = x.pairs;
        float[] scale = x.scale;
        for (int b = 0; b < blocks; b++) {
            int q = IntVector.fromArray(I, pairs, 16 * b)
                    .reinterpretAsShorts()
                    .add(IntVector.fromArray(I, pairs, 16 * b + 8).reinterpretAsShorts())
                    .reduceLanes(ADD);
            sums[b] = -scale[b] * q;
        }
    }

    /**
     * The super-block's quants at byte {@code q} (InterleavedQ4_K's layout) into {@code dst} from {@code at} as column
     * pairs: sub-block j (of 32), pair k at {@code at + (j * 16 + k) * 32}, row i's two quants at + 2i, + 2i + 1.
     */
    static void decodePairs(MemorySegment w, long q, short[] dst, int at) {
        for (int j = 0; j < 8; j++) {
            for (int p = 0; p < 4; p++) {
                for (int h = 0; h < 2; h++) { // rows 8h..8h + 7
                    // lane r: nibble t = column 8p + t of sub-block j; pair 4p + m is nibbles 2m (low short), 2m + 1
                    IntVector v = IntVector.fromMemorySegment(I, w, q + 256 * j + 64 * p + 32 * h, LE);
                    int d = at + (16 * j + 4 * p) * 32 + 16 * h;
                    v.and(0xF)
                            .or(v.lanewise(LSHL, 12).and(0xF0000))
                            .reinterpretAsShorts()
                            .intoArray(dst, d);
                    v.lanewise(LSHR, 8)
                            .and(0xF)
                            .or(v.lanewise(LSHL, 4).and(0xF0000))
                            .reinterpretAsShorts()
                            .intoArray(dst, d + 32);
                    v.lanewise(LSHR, 16)
                            .and(0xF)
                            .or(v.lanewise(LSHR, 4).and(0xF0000))
                            .reinterpretAsShorts()
                            .intoArray(dst, d + 64);
                    v.lanewise(LSHR, 24)
                            .and(0xF)
                            .or(v.lanewise(LSHR, 12).and(0xF0000))
                            .reinterpretAsShorts()
                            .intoArray(dst, d + 96);
                }
            }
        }
    }

    /** Offset in the chunk's factors of sub-block lb's d sc (its dmin m at + 128). */
    private static int factorAt(int lb) {
        return 256 * (lb >> 3) + 16 * (lb & 7);
    }

    /**
     * Vectors [t, t + 4) times sub-blocks [b0, b1) of the group (decoded by {@link #decodePairs}) in 512-bit vectors
     * (16 rows each: one weight load per four multiplies), added into out[o + (t + j) * stride + r] (set when b0 is 0).
     * Written out, as InterleavedQ4_0Batch's tiles: a helper taking vectors is not always inlined, and then boxes them.
     */
    static void tile4(
            short[] wp,
            float[] fac,
            int b0,
            int b1,
            InterleavedQ4_0Batch.Batch x,
            float[] bs,
            int t,
            float[] out,
            int o,
            int stride) {
        int[] xp = x.pairs;
        float[] xd = x.scale;
        int pairsPerVector = x.cols / 2;
        int blocks = x.cols / 32;
        boolean first = b0 == 0;
        int p0 = o + t * stride;
        int p1 = p0 + stride;
        int p2 = p1 + stride;
        int p3 = p2 + stride;
        FloatVector f0 = first ? FloatVector.zero(FW) : FloatVector.fromArray(FW, out, p0);
        FloatVector f1 = first ? FloatVector.zero(FW) : FloatVector.fromArray(FW, out, p1);
        FloatVector f2 = first ? FloatVector.zero(FW) : FloatVector.fromArray(FW, out, p2);
        FloatVector f3 = first ? FloatVector.zero(FW) : FloatVector.fromArray(FW, out, p3);
        for (int b = b0; b < b1; b++) {
            ShortVector a0 = ShortVector.zero(SW);
            ShortVector a1 = ShortVector.zero(SW);
            ShortVector a2 = ShortVector.zero(SW);
            ShortVector a3 = ShortVector.zero(SW);
            int wi = (b - b0) * BLOCK_SHORTS;
            int x0 = t * pairsPerVector + 16 * b;
            int x1 = x0 + pairsPerVector;
            int x2 = x1 + pairsPerVector;
            int x3 = x2 + pairsPerVector;
            for (int k = 0; k < 16; k++) {
                ShortVector w0 = ShortVector.fromArray(SW, wp, wi + 32 * k);
                a0 = a0.add(w0.mul(IntVector.broadcast(IW, xp[x0 + k]).reinterpretAsShorts()));
                a1 = a1.add(w0.mul(IntVector.broadcast(IW, xp[x1 + k]).reinterpretAsShorts()));
                a2 = a2.add(w0.mul(IntVector.broadcast(IW, xp[x2 + k]).reinterpretAsShorts()));
                a3 = a3.add(w0.mul(IntVector.broadcast(IW, xp[x3 + k]).reinterpretAsShorts()));
            }
            int fi = factorAt(b - b0);
            FloatVector d = FloatVector.fromArray(FW, fac, fi);
            FloatVector m = FloatVector.fromArray(FW, fac, fi + 128);
            int s0 = t * blocks + b;
            int s1 = s0 + blocks;
            int s2 = s1 + blocks;
            int s3 = s2 + blocks;
            IntVector i0 = a0.reinterpretAsInts();
            IntVector i1 = a1.reinterpretAsInts();
            IntVector i2 = a2.reinterpretAsInts();
            IntVector i3 = a3.reinterpretAsInts();
            f0 = ((FloatVector) i0.lanewise(ASHR, 16)
                            .add(i0.lanewise(LSHL, 16).lanewise(ASHR, 16))
                            .convert(I2F, 0))
                    .fma(d.mul(xd[s0]), m.fma(FloatVector.broadcast(FW, bs[s0]), f0));
            f1 = ((FloatVector) i1.lanewise(ASHR, 16)
                            .add(i1.lanewise(LSHL, 16).lanewise(ASHR, 16))
                            .convert(I2F, 0))
                    .fma(d.mul(xd[s1]), m.fma(FloatVector.broadcast(FW, bs[s1]), f1));
            f2 = ((FloatVector) i2.lanewise(ASHR, 16)
                            .add(i2.lanewise(LSHL, 16).lanewise(ASHR, 16))
                            .convert(I2F, 0))
                    .fma(d.mul(xd[s2]), m.fma(FloatVector.broadcast(FW, bs[s2]), f2));
            f3 = ((FloatVector) i3.lanewise(ASHR, 16)
                            .add(i3.lanewise(LSHL, 16).lanewise(ASHR, 16))
                            .convert(I2F, 0))
                    .fma(d.mul(xd[s3]), m.fma(FloatVector.broadcast(FW, bs[s3]), f3));
        }
        f0.intoArray(out, p0);
        f1.intoArray(out, p1);
        f2.intoArray(out, p2);
        f3.intoArray(out, p3);
    }

    /**
     * Vectors [t, t + 4) times sub-blocks [b0, b1) of two groups, decoded at {@code wp[0..)} and {@code wp[wb..)} with
     * their factors at {@code fac[0..)} and {@code fac[fb..)}, into out rows o..o+16 and o+16..o+32: as {@link #tile4}
     * for each, every broadcast of x feeding both groups' multiplies.
     */
    static void tile4x2(
            short[] wp,
            int wb,
            float[] fac,
            int fb,
            int b0,
            int b1,
            InterleavedQ4_0Batch.Batch x,
            float[] bs,
            int t,
            float[] out,
            int o,
            int stride) {
        int[] xp = x.pairs;
        float[] xd = x.scale;
        int pairsPerVector = x.cols / 2;
        int blocks = x.cols / 32;
        boolean first = b0 == 0;
        int p0 = o + t * stride;
        int p1 = p0 + stride;
        int p2 = p1 + stride;
        int p3 = p2 + stride;
        FloatVector f0 = first ? FloatVector.zero(FW) : FloatVector.fromArray(FW, out, p0);
        FloatVector f1 = first ? FloatVector.zero(FW) : FloatVector.fromArray(FW, out, p1);
        FloatVector f2 = first ? FloatVector.zero(FW) : FloatVector.fromArray(FW, out, p2);
        FloatVector f3 = first ? FloatVector.zero(FW) : FloatVector.fromArray(FW, out, p3);
        FloatVector h0 = first ? FloatVector.zero(FW) : FloatVector.fromArray(FW, out, p0 + 16);
        FloatVector h1 = first ? FloatVector.zero(FW) : FloatVector.fromArray(FW, out, p1 + 16);
        FloatVector h2 = first ? FloatVector.zero(FW) : FloatVector.fromArray(FW, out, p2 + 16);
        FloatVector h3 = first ? FloatVector.zero(FW) : FloatVector.fromArray(FW, out, p3 + 16);
        for (int b = b0; b < b1; b++) {
            ShortVector a0 = ShortVector.zero(SW);
            ShortVector a1 = ShortVector.zero(SW);
            ShortVector a2 = ShortVector.zero(SW);
            ShortVector a3 = ShortVector.zero(SW);
            ShortVector c0 = ShortVector.zero(SW);
            ShortVector c1 = ShortVector.zero(SW);
            ShortVector c2 = ShortVector.zero(SW);
            ShortVector c3 = ShortVector.zero(SW);
            int wi = (b - b0) * BLOCK_SHORTS;
            int x0 = t * pairsPerVector + 16 * b;
            int x1 = x0 + pairsPerVector;
            int x2 = x1 + pairsPerVector;
            int x3 = x2 + pairsPerVector;
            for (int k = 0; k < 16; k++) {
                ShortVector wa = ShortVector.fromArray(SW, wp, wi + 32 * k);
                ShortVector wc = ShortVector.fromArray(SW, wp, wb + wi + 32 * k);
                ShortVector v0 = IntVector.broadcast(IW, xp[x0 + k]).reinterpretAsShorts();
                ShortVector v1 = IntVector.broadcast(IW, xp[x1 + k]).reinterpretAsShorts();
                ShortVector v2 = IntVector.broadcast(IW, xp[x2 + k]).reinterpretAsShorts();
                ShortVector v3 = IntVector.broadcast(IW, xp[x3 + k]).reinterpretAsShorts();
                a0 = a0.add(wa.mul(v0));
                a1 = a1.add(wa.mul(v1));
                a2 = a2.add(wa.mul(v2));
                a3 = a3.add(wa.mul(v3));
                c0 = c0.add(wc.mul(v0));
                c1 = c1.add(wc.mul(v1));
                c2 = c2.add(wc.mul(v2));
                c3 = c3.add(wc.mul(v3));
            }
            int fi = factorAt(b - b0);
            int s0 = t * blocks + b;
            int s1 = s0 + blocks;
            int s2 = s1 + blocks;
            int s3 = s2 + blocks;
            FloatVector d = FloatVector.fromArray(FW, fac, fi);
            FloatVector m = FloatVector.fromArray(FW, fac, fi + 128);
            IntVector i0 = a0.reinterpretAsInts();
            IntVector i1 = a1.reinterpretAsInts();
            IntVector i2 = a2.reinterpretAsInts();
            IntVector i3 = a3.reinterpretAsInts();
            f0 = ((FloatVector) i0.lanewise(ASHR, 16)
                            .add(i0.lanewise(LSHL, 16).lanewise(ASHR, 16))
                            .convert(I2F, 0))
                    .fma(d.mul(xd[s0]), m.fma(FloatVector.broadcast(FW, bs[s0]), f0));
            f1 = ((FloatVector) i1.lanewise(ASHR, 16)
                            .add(i1.lanewise(LSHL, 16).lanewise(ASHR, 16))
                            .convert(I2F, 0))
                    .fma(d.mul(xd[s1]), m.fma(FloatVector.broadcast(FW, bs[s1]), f1));
            f2 = ((FloatVector) i2.lanewise(ASHR, 16)
                            .add(i2.lanewise(LSHL, 16).lanewise(ASHR, 16))
                            .convert(I2F, 0))
                    .fma(d.mul(xd[s2]), m.fma(FloatVector.broadcast(FW, bs[s2]), f2));
            f3 = ((FloatVector) i3.lanewise(ASHR, 16)
                            .add(i3.lanewise(LSHL, 16).lanewise(ASHR, 16))
                            .convert(I2F, 0))
                    .fma(d.mul(xd[s3]), m.fma(FloatVector.broadcast(FW, bs[s3]), f3));
            FloatVector e = FloatVector.fromArray(FW, fac, fb + fi);
            FloatVector n = FloatVector.fromArray(FW, fac, fb + fi + 128);
            IntVector j0 = c0.reinterpretAsInts();
            IntVector j1 = c1.reinterpretAsInts();
            IntVector j2 = c2.reinterpretAsInts();
            IntVector j3 = c3.reinterpretAsInts();
            h0 = ((FloatVector) j0.lanewise(ASHR, 16)
                            .add(j0.lanewise(LSHL, 16).lanewise(ASHR, 16))
                            .convert(I2F, 0))
                    .fma(e.mul(xd[s0]), n.fma(FloatVector.broadcast(FW, bs[s0]), h0));
            h1 = ((FloatVector) j1.lanewise(ASHR, 16)
                            .add(j1.lanewise(LSHL, 16).lanewise(ASHR, 16))
                            .convert(I2F, 0))
                    .fma(e.mul(xd[s1]), n.fma(FloatVector.broadcast(FW, bs[s1]), h1));
            h2 = ((FloatVector) j2.lanewise(ASHR, 16)
                            .add(j2.lanewise(LSHL, 16).lanewise(ASHR, 16))
                            .convert(I2F, 0))
                    .fma(e.mul(xd[s2]), n.fma(FloatVector.broadcast(FW, bs[s2]), h2));
            h3 = ((FloatVector) j3.lanewise(ASHR, 16)
                            .add(j3.lanewise(LSHL, 16).lanewise(ASHR, 16))
                            .convert(I2F, 0))
                    .fma(e.mul(xd[s3]), n.fma(FloatVector.broadcast(FW, bs[s3]), h3));
        }
        f0.intoArray(out, p0);
        f1.intoArray(out, p1);
        f2.intoArray(out, p2);
        f3.intoArray(out, p3);
        h0.intoArray(out, p0 + 16);
        h1.intoArray(out, p1 + 16);
        h2.intoArray(out, p2 + 16);
        h3.intoArray(out, p3 + 16);
    }

    /**
     * Vectors t and t + 1 in 256-bit vectors, two halves of 8 rows, as {@link #tile4}, the group decoded at
     * {@code wp[wo..)}, its factors at {@code fac[fo..)}.
     */
    static void tile2(
            short[] wp,
            int wo,
            float[] fac,
            int fo,
            int b0,
            int b1,
            InterleavedQ4_0Batch.Batch x,
            float[] bs,
            int t,
            float[] out,
            int o,
            int stride) {
        int[] xp = x.pairs;
        float[] xd = x.scale;
        int pairsPerVector = x.cols / 2;
        int blocks = x.cols / 32;
        boolean first = b0 == 0;
        int p0 = o + t * stride;
        int p1 = p0 + stride;
        FloatVector f00 = first ? FloatVector.zero(F) : FloatVector.fromArray(F, out, p0);
        FloatVector f01 = first ? FloatVector.zero(F) : FloatVector.fromArray(F, out, p0 + 8);
        FloatVector f10 = first ? FloatVector.zero(F) : FloatVector.fromArray(F, out, p1);
        FloatVector f11 = first ? FloatVector.zero(F) : FloatVector.fromArray(F, out, p1 + 8);
        for (int b = b0; b < b1; b++) {
            ShortVector a00 = ShortVector.zero(S);
            ShortVector a01 = ShortVector.zero(S);
            ShortVector a10 = ShortVector.zero(S);
            ShortVector a11 = ShortVector.zero(S);
            int wi = wo + (b - b0) * BLOCK_SHORTS;
            int x0 = t * pairsPerVector + 16 * b;
            int x1 = x0 + pairsPerVector;
            for (int k = 0; k < 16; k++) {
                ShortVector w0 = ShortVector.fromArray(S, wp, wi + 32 * k);
                ShortVector w1 = ShortVector.fromArray(S, wp, wi + 32 * k + 16);
                ShortVector v0 = IntVector.broadcast(I, xp[x0 + k]).reinterpretAsShorts();
                ShortVector v1 = IntVector.broadcast(I, xp[x1 + k]).reinterpretAsShorts();
                a00 = a00.add(w0.mul(v0));
                a01 = a01.add(w1.mul(v0));
                a10 = a10.add(w0.mul(v1));
                a11 = a11.add(w1.mul(v1));
            }
            int fi = fo + factorAt(b - b0);
            FloatVector d0 = FloatVector.fromArray(F, fac, fi);
            FloatVector d1 = FloatVector.fromArray(F, fac, fi + 8);
            FloatVector m0 = FloatVector.fromArray(F, fac, fi + 128);
            FloatVector m1 = FloatVector.fromArray(F, fac, fi + 136);
            int s0 = t * blocks + b;
            int s1 = s0 + blocks;
            IntVector i00 = a00.reinterpretAsInts();
            IntVector i01 = a01.reinterpretAsInts();
            IntVector i10 = a10.reinterpretAsInts();
            IntVector i11 = a11.reinterpretAsInts();
            f00 = ((FloatVector) i00.lanewise(ASHR, 16)
                            .add(i00.lanewise(LSHL, 16).lanewise(ASHR, 16))
                            .convert(I2F, 0))
                    .fma(d0.mul(xd[s0]), m0.fma(FloatVector.broadcast(F, bs[s0]), f00));
            f01 = ((FloatVector) i01.lanewise(ASHR, 16)
                            .add(i01.lanewise(LSHL, 16).lanewise(ASHR, 16))
                            .convert(I2F, 0))
                    .fma(d1.mul(xd[s0]), m1.fma(FloatVector.broadcast(F, bs[s0]), f01));
            f10 = ((FloatVector) i10.lanewise(ASHR, 16)
                            .add(i10.lanewise(LSHL, 16).lanewise(ASHR, 16))
                            .convert(I2F, 0))
                    .fma(d0.mul(xd[s1]), m0.fma(FloatVector.broadcast(F, bs[s1]), f10));
            f11 = ((FloatVector) i11.lanewise(ASHR, 16)
                            .add(i11.lanewise(LSHL, 16).lanewise(ASHR, 16))
                            .convert(I2F, 0))
                    .fma(d1.mul(xd[s1]), m1.fma(FloatVector.broadcast(F, bs[s1]), f11));
        }
        f00.intoArray(out, p0);
        f01.intoArray(out, p0 + 8);
        f10.intoArray(out, p1);
        f11.intoArray(out, p1 + 8);
    }

    /** One vector, as {@link #tile2}. */
    static void tile1(
            short[] wp,
            int wo,
            float[] fac,
            int fo,
            int b0,
            int b1,
            InterleavedQ4_0Batch.Batch x,
            float[] bs,
            int t,
            float[] out,
            int o,
            int stride) {
        int[] xp = x.pairs;
        float[] xd = x.scale;
        int blocks = x.cols / 32;
        int p = o + t * stride;
        boolean first = b0 == 0;
        FloatVector f0 = first ? FloatVector.zero(F) : FloatVector.fromArray(F, out, p);
        FloatVector f1 = first ? FloatVector.zero(F) : FloatVector.fromArray(F, out, p + 8);
        for (int b = b0; b < b1; b++) {
            ShortVector a0 = ShortVector.zero(S);
            ShortVector a1 = ShortVector.zero(S);
            int wi = wo + (b - b0) * BLOCK_SHORTS;
            int xi = t * x.cols / 2 + 16 * b;
            for (int k = 0; k < 16; k++) {
                ShortVector v = IntVector.broadcast(I, xp[xi + k]).reinterpretAsShorts();
                a0 = a0.add(ShortVector.fromArray(S, wp, wi + 32 * k).mul(v));
                a1 = a1.add(ShortVector.fromArray(S, wp, wi + 32 * k + 16).mul(v));
            }
            int fi = fo + factorAt(b - b0);
            int s = t * blocks + b;
            IntVector i0 = a0.reinterpretAsInts();
            IntVector i1 = a1.reinterpretAsInts();
            f0 = ((FloatVector) i0.lanewise(ASHR, 16)
                            .add(i0.lanewise(LSHL, 16).lanewise(ASHR, 16))
                            .convert(I2F, 0))
                    .fma(
                            FloatVector.fromArray(F, fac, fi).mul(xd[s]),
                            FloatVector.fromArray(F, fac, fi + 128).fma(FloatVector.broadcast(F, bs[s]), f0));
            f1 = ((FloatVector) i1.lanewise(ASHR, 16)
                            .add(i1.lanewise(LSHL, 16).lanewise(ASHR, 16))
                            .convert(I2F, 0))
                    .fma(
                            FloatVector.fromArray(F, fac, fi + 8).mul(xd[s]),
                            FloatVector.fromArray(F, fac, fi + 136).fma(FloatVector.broadcast(F, bs[s]), f1));
        }
        f0.intoArray(out, p);
        f1.intoArray(out, p + 8);
    }
}
