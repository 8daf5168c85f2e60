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
import static jdk.incubator.vector.VectorOperators.S2F;

/**
 * The batched product (prompt processing) of a repacked Q6_K matrix ({@link InterleavedQ6_K}) with x quantized to 8
 * bits per block of 32 ({@link InterleavedQ4_0Batch.Batch}), in 16-bit integer lanes, as {@link InterleavedQ4_KBatch}
 * (which says why x is quantized per 32 rather than as llama.cpp's Q8_K) with Q6_K's sub-blocks of 16 columns.
 *
 * <p>The copy's quants are already signed bytes q - 32 in column pairs (bytes 2r, 2r + 1 of each 32 are row r's two
 * columns), so decoding a chunk is one sign extension of bytes to shorts. Per sub-block, 8 column pairs: per row lane
 * half at most 8 * 32 * 127 = 32512, no wrap; the halves are widened apart and summed in ints (their sum can exceed
 * 16 bits), converted to float and scaled by d sc_j xd in one FMA per sub-block.
 *
 * <p>Results: for row r and vector t, sum over sub-blocks of d sc_j xd sum((q - 32) xq), the integers exact: the
 * reference on x quantized the same way, up to float rounding.
 */
final class InterleavedQ6_KBatch {
    /** Super-blocks of a group decoded at a time: 16 KB of shorts, in L1 while every vector of the batch passes. */
    static final int CHUNK_SUPERS = 2;

    private static final VectorSpecies<Byte> B16 = ByteVector.SPECIES_128;
    private static final VectorSpecies<Short> S = ShortVector.SPECIES_256;
    private static final VectorSpecies<Integer> I = IntVector.SPECIES_256;
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_256;
    private static final VectorSpecies<Short> SW = ShortVector.SPECIES_512;
    private static final VectorSpecies<Integer> IW = IntVector.SPECIES_512;
    private static final VectorSpecies<Float> FW = FloatVector.SPECIES_512;
    /** 512-bit tiles of four vectors where the preferred vectors are that wide (AVX-512), as InterleavedQ4_0Batch. */
    private static final boolean WIDE = VectorDots.F.length() >= 16;

    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    /** Two groups per tile, sharing x's broadcasts (see InterleavedQ4_KBatch.PAIRS). */
    private static final boolean PAIRS = InterleavedQ4_KBatch.PAIRS;
    /** Shorts of one decoded sub-block: 8 column pairs x 16 rows x 2. */
    private static final int BLOCK_SHORTS = 256;

    private static final ThreadLocal<short[]> DECODED =
            ThreadLocal.withInitial(() -> new short[CHUNK_SUPERS * 16 * BLOCK_SHORTS]);
    /** Per thread: the chunk's d sc per sub-block and row, factors[16 lb + r] for the chunk's sub-block lb. */
    private static final ThreadLocal<float[]> FACTORS = ThreadLocal.withInitial(() -> new float[CHUNK_SUPERS * 256]);

    private InterleavedQ6_KBatch() {}

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
        int n = InterleavedQ6_K.ROWS;
        int supers = cols / 256;
        long groupBytes = InterleavedQ6_K.groupBytes(cols);
        short[] decoded = DECODED.get();
        float[] factors = FACTORS.get();
        int g = g0;
        if (PAIRS && WIDE && batch >= 4) {
            for (; g + 2 <= g1 && (g + 2) * n <= rows; g += 2) {
                multiplyPair(w, rows, cols, x, batch, out, g, decoded, factors);
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
                decode(w, base + (long) s0 * InterleavedQ6_K.QUANT_BYTES, s1 - s0, decoded, 0);
                for (int s = s0; s < s1; s++) {
                    factors(w, InterleavedQ6_K.factorsAt(base, cols, s), factors, 256 * (s - s0));
                }
                int b0 = 16 * s0;
                int b1 = 16 * s1;
                int t = 0;
                if (WIDE) {
                    for (; t + 4 <= batch; t += 4) {
                        tile4(decoded, factors, b0, b1, x, t, dst, o, stride);
                    }
                }
                for (; t + 2 <= batch; t += 2) {
                    tile2(decoded, 0, factors, 0, b0, b1, x, t, dst, o, stride);
                }
                for (; t < batch; t++) {
                    tile1(decoded, 0, factors, 0, b0, b1, x, t, dst, o, stride);
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
            float[] factors) {
        int supers = cols / 256;
        long groupBytes = InterleavedQ6_K.groupBytes(cols);
        int wb = 16 * BLOCK_SHORTS; // the second group's decoded super-block
        int fb = 256;
        int r0 = g * InterleavedQ6_K.ROWS;
        for (int s = 0; s < supers; s++) {
            for (int h = 0; h < 2; h++) {
                long base = (g + h) * groupBytes;
                decode(w, base + (long) s * InterleavedQ6_K.QUANT_BYTES, 1, decoded, h * wb);
                factors(w, InterleavedQ6_K.factorsAt(base, cols, s), factors, h * fb);
            }
            int b0 = 16 * s;
            int b1 = b0 + 16;
            int t = 0;
            for (; t + 4 <= batch; t += 4) {
                tile4x2(decoded, wb, factors, fb, b0, b1, x, t, out, r0, rows);
            }
            for (; t + 2 <= batch; t += 2) {
                tile2(decoded, 0, factors, 0, b0, b1, x, t, out, r0, rows);
                tile2(decoded, wb, factors, fb, b0, b1, x, t, out, r0 + 16, rows);
            }
            for (; t < batch; t++) {
                tile1(decoded, 0, factors, 0, b0, b1, x, t, out, r0, rows);
                tile1(decoded, wb, factors, fb, b0, b1, x, t, out, r0 + 16, rows);
            }
        }
    }

    /**
     * The quants of {@code supers} super-blocks from byte {@code q} widened to shorts q - 32 in place order: sub-block
     * lb (of 16 columns), pair k at {@code at + 256 lb + 32 k}, row i's two quants at + 2i, + 2i + 1.
     */
    static void decode(MemorySegment w, long q, int supers, short[] dst, int at) {
        for (int lb = 0; lb < 16 * supers; lb++) {
            for (int p = 0; p < 4; p++) {
                for (int h = 0; h < 2; h++) { // rows 8h..8h + 7; lane: the row's q of columns 4p..4p + 3
                    IntVector v = IntVector.fromMemorySegment(I, w, q + 256L * lb + 64 * p + 32 * h, LE);
                    int d = at + 256 * lb + 64 * p + 16 * h; // pair 2p; 2p + 1 at + 32
                    v.and(0xFF)
                            .or(v.lanewise(LSHL, 8).and(0xFF0000))
                            .reinterpretAsShorts()
                            .sub((short) 32)
                            .intoArray(dst, d);
                    v.lanewise(LSHR, 16)
                            .and(0xFF)
                            .or(v.lanewise(LSHR, 8).and(0xFF0000))
                            .reinterpretAsShorts()
                            .sub((short) 32)
                            .intoArray(dst, d + 32);
                }
            }
        }
    }

    /** factors[at + 16 j + r] = d sc_j of row r (exact in float), from the super-block's factors at byte {@code so}. */
    static void factors(MemorySegment w, long so, float[] factors, int at) {
        FloatVector d0 = FloatVector.fromMemorySegment(F, w, so, LE);
        FloatVector d1 = FloatVector.fromMemorySegment(F, w, so + 32, LE);
        for (int j = 0; j < 16; j++) {
            ShortVector sc = InterleavedQ6_K.sixteenBytes(w, so + InterleavedQ6_K.SCALES + 16 * j);
            d0.mul((FloatVector) sc.convertShape(S2F, F, 0)).intoArray(factors, at + 16 * j);
            d1.mul((FloatVector) sc.convertShape(S2F, F, 1)).intoArray(factors, at + 16 * j + 8);
        }
    }

    /**
     * Vectors [t, t + 4) times sub-blocks [b0, b1) of the group (decoded by {@link #decode}) in 512-bit vectors (16
     * rows each: one weight load per four multiplies), added into out[o + (t + j) * stride + r] (set when b0 is 0).
     * Written out, as InterleavedQ4_0Batch's tiles: a helper taking vectors is not always inlined, and then boxes them.
     */
    static void tile4(
            short[] wp,
            float[] fac,
            int b0,
            int b1,
            InterleavedQ4_0Batch.Batch x,
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
            int x0 = t * pairsPerVector + 8 * b;
            int x1 = x0 + pairsPerVector;
            int x2 = x1 + pairsPerVector;
            int x3 = x2 + pairsPerVector;
            for (int k = 0; k < 8; k++) {
                ShortVector w0 = ShortVector.fromArray(SW, wp, wi + 32 * k);
                a0 = a0.add(w0.mul(IntVector.broadcast(IW, xp[x0 + k]).reinterpretAsShorts()));
                a1 = a1.add(w0.mul(IntVector.broadcast(IW, xp[x1 + k]).reinterpretAsShorts()));
                a2 = a2.add(w0.mul(IntVector.broadcast(IW, xp[x2 + k]).reinterpretAsShorts()));
                a3 = a3.add(w0.mul(IntVector.broadcast(IW, xp[x3 + k]).reinterpretAsShorts()));
            }
            int fi = 16 * (b - b0);
            FloatVector d = FloatVector.fromArray(FW, fac, fi);
            int s0 = t * blocks + b / 2; // x's block of 32 holds two sub-blocks
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
                    .fma(d.mul(xd[s0]), f0);
            f1 = ((FloatVector) i1.lanewise(ASHR, 16)
                            .add(i1.lanewise(LSHL, 16).lanewise(ASHR, 16))
                            .convert(I2F, 0))
                    .fma(d.mul(xd[s1]), f1);
            f2 = ((FloatVector) i2.lanewise(ASHR, 16)
                            .add(i2.lanewise(LSHL, 16).lanewise(ASHR, 16))
                            .convert(I2F, 0))
                    .fma(d.mul(xd[s2]), f2);
            f3 = ((FloatVector) i3.lanewise(ASHR, 16)
                            .add(i3.lanewise(LSHL, 16).lanewise(ASHR, 16))
                            .convert(I2F, 0))
                    .fma(d.mul(xd[s3]), f3);
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
            int x0 = t * pairsPerVector + 8 * b;
            int x1 = x0 + pairsPerVector;
            int x2 = x1 + pairsPerVector;
            int x3 = x2 + pairsPerVector;
            for (int k = 0; k < 8; k++) {
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
            int fi = 16 * (b - b0);
            int s0 = t * blocks + b / 2; // x's block of 32 holds two sub-blocks
            int s1 = s0 + blocks;
            int s2 = s1 + blocks;
            int s3 = s2 + blocks;
            FloatVector d = FloatVector.fromArray(FW, fac, fi);
            IntVector i0 = a0.reinterpretAsInts();
            IntVector i1 = a1.reinterpretAsInts();
            IntVector i2 = a2.reinterpretAsInts();
            IntVector i3 = a3.reinterpretAsInts();
            f0 = ((FloatVector) i0.lanewise(ASHR, 16)
                            .add(i0.lanewise(LSHL, 16).lanewise(ASHR, 16))
                            .convert(I2F, 0))
                    .fma(d.mul(xd[s0]), f0);
            f1 = ((FloatVector) i1.lanewise(ASHR, 16)
                            .add(i1.lanewise(LSHL, 16).lanewise(ASHR, 16))
                            .convert(I2F, 0))
                    .fma(d.mul(xd[s1]), f1);
            f2 = ((FloatVector) i2.lanewise(ASHR, 16)
                            .add(i2.lanewise(LSHL, 16).lanewise(ASHR, 16))
                            .convert(I2F, 0))
                    .fma(d.mul(xd[s2]), f2);
            f3 = ((FloatVector) i3.lanewise(ASHR, 16)
                            .add(i3.lanewise(LSHL, 16).lanewise(ASHR, 16))
                            .convert(I2F, 0))
                    .fma(d.mul(xd[s3]), f3);
            FloatVector e = FloatVector.fromArray(FW, fac, fb + fi);
            IntVector j0 = c0.reinterpretAsInts();
            IntVector j1 = c1.reinterpretAsInts();
            IntVector j2 = c2.reinterpretAsInts();
            IntVector j3 = c3.reinterpretAsInts();
            h0 = ((FloatVector) j0.lanewise(ASHR, 16)
                            .add(j0.lanewise(LSHL, 16).lanewise(ASHR, 16))
                            .convert(I2F, 0))
                    .fma(e.mul(xd[s0]), h0);
            h1 = ((FloatVector) j1.lanewise(ASHR, 16)
                            .add(j1.lanewise(LSHL, 16).lanewise(ASHR, 16))
                            .convert(I2F, 0))
                    .fma(e.mul(xd[s1]), h1);
            h2 = ((FloatVector) j2.lanewise(ASHR, 16)
                            .add(j2.lanewise(LSHL, 16).lanewise(ASHR, 16))
                            .convert(I2F, 0))
                    .fma(e.mul(xd[s2]), h2);
            h3 = ((FloatVector) j3.lanewise(ASHR, 16)
                            .add(j3.lanewise(LSHL, 16).lanewise(ASHR, 16))
                            .convert(I2F, 0))
                    .fma(e.mul(xd[s3]), h3);
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
            int x0 = t * pairsPerVector + 8 * b;
            int x1 = x0 + pairsPerVector;
            for (int k = 0; k < 8; k++) {
                ShortVector w0 = ShortVector.fromArray(S, wp, wi + 32 * k);
                ShortVector w1 = ShortVector.fromArray(S, wp, wi + 32 * k + 16);
                ShortVector v0 = IntVector.broadcast(I, xp[x0 + k]).reinterpretAsShorts();
                ShortVector v1 = IntVector.broadcast(I, xp[x1 + k]).reinterpretAsShorts();
                a00 = a00.add(w0.mul(v0));
                a01 = a01.add(w1.mul(v0));
                a10 = a10.add(w0.mul(v1));
                a11 = a11.add(w1.mul(v1));
            }
            int fi = fo + 16 * (b - b0);
            FloatVector d0 = FloatVector.fromArray(F, fac, fi);
            FloatVector d1 = FloatVector.fromArray(F, fac, fi + 8);
            int s0 = t * blocks + b / 2; // x's block of 32 holds two sub-blocks
            int s1 = s0 + blocks;
            IntVector i00 = a00.reinterpretAsInts();
            IntVector i01 = a01.reinterpretAsInts();
            IntVector i10 = a10.reinterpretAsInts();
            IntVector i11 = a11.reinterpretAsInts();
            f00 = ((FloatVector) i00.lanewise(ASHR, 16)
                            .add(i00.lanewise(LSHL, 16).lanewise(ASHR, 16))
                            .convert(I2F, 0))
                    .fma(d0.mul(xd[s0]), f00);
            f01 = ((FloatVector) i01.lanewise(ASHR, 16)
                            .add(i01.lanewise(LSHL, 16).lanewise(ASHR, 16))
                            .convert(I2F, 0))
                    .fma(d1.mul(xd[s0]), f01);
            f10 = ((FloatVector) i10.lanewise(ASHR, 16)
                            .add(i10.lanewise(LSHL, 16).lanewise(ASHR, 16))
                            .convert(I2F, 0))
                    .fma(d0.mul(xd[s1]), f10);
            f11 = ((FloatVector) i11.lanewise(ASHR, 16)
                            .add(i11.lanewise(LSHL, 16).lanewise(ASHR, 16))
                            .convert(I2F, 0))
                    .fma(d1.mul(xd[s1]), f11);
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
            int xi = t * x.cols / 2 + 8 * b;
            for (int k = 0; k < 8; k++) {
                ShortVector v = IntVector.broadcast(I, xp[xi + k]).reinterpretAsShorts();
                a0 = a0.add(ShortVector.fromArray(S, wp, wi + 32 * k).mul(v));
                a1 = a1.add(ShortVector.fromArray(S, wp, wi + 32 * k + 16).mul(v));
            }
            int fi = fo + 16 * (b - b0);
            int s = t * blocks + b / 2;
            IntVector i0 = a0.reinterpretAsInts();
            IntVector i1 = a1.reinterpretAsInts();
            f0 = ((FloatVector) i0.lanewise(ASHR, 16)
                            .add(i0.lanewise(LSHL, 16).lanewise(ASHR, 16))
                            .convert(I2F, 0))
                    .fma(FloatVector.fromArray(F, fac, fi).mul(xd[s]), f0);
            f1 = ((FloatVector) i1.lanewise(ASHR, 16)
                            .add(i1.lanewise(LSHL, 16).lanewise(ASHR, 16))
                            .convert(I2F, 0))
                    .fma(FloatVector.fromArray(F, fac, fi + 8).mul(xd[s]), f1);
        }
        f0.intoArray(out, p);
        f1.intoArray(out, p + 8);
    }
}
