package io.squall.model.tensor;

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
import static jdk.incubator.vector.VectorOperators.S2I;

/**
 * The batched product (prompt processing) of a repacked Q4_0 matrix ({@link InterleavedQ4_0}) with x quantized to
 * 8 bits per block of 32 ({@link Batch}), in 16-bit integer lanes, as llama.cpp multiplies its Q8-quantized
 * activations with integer instructions.
 *
 * <p>Each group of 16 rows is decoded a chunk of blocks at a time into "column pairs": per block, per pair of
 * columns (2k, 2k + 1), 32 shorts, lanes 2i and 2i + 1 holding row i's quants of the two columns minus 8 (signed,
 * [-8, 7]). x of a vector is one int per pair, q[2k] in its low half and q[2k + 1] in its high half, so one 32-bit
 * broadcast (a load, no shuffle) puts the right x under both lanes of every row; a 16-bit multiply and add per 16
 * products. Per row lane pair the sums stay within 16 * 8 * 127 = 16256 and their pair sum within 32512: no wrap.
 * Per block, the pair sums go to float and take the row's and the vector's scales in one FMA. The decoded chunk
 * (16 KB) is reused by every vector of the batch; tiles of two or four vectors share each weight load (eight
 * vectors of 512 bits: 0.85x, more registers than C2 keeps).
 *
 * <p>Results: for row r and vector t, sum over blocks of d_r xd_t sum_j (q_rj - 8) xq_tj, the integers exact: the
 * same as the reference that quantizes x the same way ({@link QuantizedVector}), up to float rounding of the sum.
 */
final class InterleavedQ4_0Batch {
    /**
     * Blocks of a group decoded at a time: 16 KB of shorts, in L1 while every vector of the batch passes (8 blocks:
     * 2% slower, 2048 x 2048 x 32 on one core).
     */
    static final int CHUNK_BLOCKS = 16;

    private static final VectorSpecies<Short> S = ShortVector.SPECIES_256;
    private static final VectorSpecies<Short> S8 = ShortVector.SPECIES_128;
    private static final VectorSpecies<Integer> I = IntVector.SPECIES_256;
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_256;
    /** 512-bit tiles where the preferred vectors are that wide (AVX-512); 256-bit halves elsewhere (AVX2). */
    private static final boolean WIDE = VectorDots.F.length() >= 16;

    private static final VectorSpecies<Short> SW = ShortVector.SPECIES_512;
    private static final VectorSpecies<Integer> IW = IntVector.SPECIES_512;
    private static final VectorSpecies<Float> FW = FloatVector.SPECIES_512;
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    /** Shorts of one decoded block: 16 column pairs x 16 rows x 2. */
    private static final int BLOCK_SHORTS = 512;

    private static final ThreadLocal<short[]> DECODED =
            ThreadLocal.withInitial(() -> new short[CHUNK_BLOCKS * BLOCK_SHORTS]);

    private InterleavedQ4_0Batch() {}

    /** Below this many elements of x a batch is quantized on the calling thread (a parallel section costs more). */
    private static final int PARALLEL_ELEMENTS = 1 << 15;

    /** Per worker: one vector of x quantized, before its pairs and scales go into a {@link Batch}. */
    private static final ThreadLocal<QuantizedVector> VECTOR = ThreadLocal.withInitial(QuantizedVector::new);

    /**
     * x of a batch quantized to 8 bits per block of 32 (each vector as {@link QuantizedVector} rounds it): vector t's
     * pair ints from {@code t * cols / 2}, its block scales from {@code t * cols / 32}. Reused: no allocation once sized.
     */
    static final class Batch {
        int[] pairs = new int[0];
        float[] scale = new float[0];
        int cols;
        private float[] x;
        /** Quantizes vectors [t0, t1) of {@link #x} (set by {@link #quantize}); the workers share out the batch. */
        private final Threads.RangeBody job = (worker, t0, t1) -> {
            QuantizedVector vector = VECTOR.get();
            for (int t = t0; t < t1; t++) {
                quantizeOne(vector, t);
            }
        };

        /**
         * Quantizes the {@code batch} vectors of x over all threads (on the calling thread when small, or inside a
         * parallel section).
         */
        void quantize(float[] x, int batch, int cols) {
            int n = batch * cols;
            if (pairs.length < n / 2) {
                pairs = new int[n / 2];
                scale = new float[n / 32];
            }
            this.cols = cols;
            this.x = x;
            try {
                if (n < PARALLEL_ELEMENTS) {
                    job.run(0, 0, batch);
                } else {
                    Threads.parallelRanges(batch, job);
                }
            } finally {
                this.x = null;
            }
        }

        private void quantizeOne(QuantizedVector vector, int t) {
            vector.quantize(x, t * cols, cols);
            short[] q = vector.q;
            int p = t * cols / 2;
            for (int i = 0; i < cols; i += S.length()) { // little-endian ints over q: q[2k] low, q[2k + 1] high
                ShortVector.fromArray(S, q, i).reinterpretAsInts().intoArray(pairs, p + i / 2);
            }
            System.arraycopy(vector.scale, 0, scale, t * cols / 32, cols / 32);
        }
    }

    /**
     * Groups [g0, g1) of the repacked {@code rows} x {@code cols} matrix {@code w} times the {@code batch} vectors of
     * {@code x}: out[t * rows + r] for the rows of those groups (the last group's padding rows are not written).
     * {@code scratch} receives the last group's rows (16 * batch floats).
     */
    static void multiply(
            MemorySegment w, int rows, int cols, Batch x, int batch, float[] out, float[] scratch, int g0, int g1) {
        int n = InterleavedQ4_0.ROWS;
        int blocks = cols / 32;
        long groupBytes = InterleavedQ4_0.groupBytes(cols);
        short[] decoded = DECODED.get();
        for (int g = g0; g < g1; g++) {
            int r0 = g * n;
            boolean whole = r0 + n <= rows;
            float[] dst = whole ? out : scratch; // the last group, cut by the matrix's end, goes through scratch
            int o = whole ? r0 : 0;
            int stride = whole ? rows : n;
            long base = g * groupBytes;
            for (int b0 = 0; b0 < blocks; b0 += CHUNK_BLOCKS) {
                int b1 = Math.min(blocks, b0 + CHUNK_BLOCKS);
                decodePairs(w, base, b0, b1, decoded);
                int t = 0;
                if (WIDE) {
                    for (; t + 4 <= batch; t += 4) {
                        tile4(w, base, decoded, b0, b1, x, t, dst, o, stride);
                    }
                }
                for (; t + 2 <= batch; t += 2) {
                    tile2(w, base, decoded, b0, b1, x, t, dst, o, stride);
                }
                for (; t < batch; t++) {
                    tile1(w, base, decoded, b0, b1, x, t, dst, o, stride);
                }
            }
            if (!whole) {
                for (int t = 0; t < batch; t++) {
                    System.arraycopy(scratch, t * n, out, t * rows + r0, rows - r0);
                }
            }
        }
    }

    /**
     * Blocks [b0, b1) of the group at byte {@code base} into {@code dst} as column pairs (class comment): block b,
     * pair k at {@code ((b - b0) * 16 + k) * 32}, row i's two quants at + 2i, + 2i + 1.
     */
    static void decodePairs(MemorySegment w, long base, int b0, int b1, short[] dst) {
        for (int b = b0; b < b1; b++) {
            long bo = base + (long) b * InterleavedQ4_0.BLOCK_BYTES + InterleavedQ4_0.QUANTS;
            int d = (b - b0) * BLOCK_SHORTS;
            for (int p = 0; p < 4; p++) {
                for (int h = 0; h < 2; h++) { // rows 8h..8h + 7
                    // lane r: quant words 2p (bits 0-15) and 2p + 1 (16-31) of row r; in a word, bits 0-3 column
                    // 2k, 4-7 column 2k + 16, 8-11 column 2k + 1, 12-15 column 2k + 17 (word k)
                    IntVector e = IntVector.fromMemorySegment(I, w, bo + 64 * p + 32 * h, LE);
                    IntVector o = e.lanewise(LSHR, 16);
                    int at = d + 32 * 2 * p + 16 * h; // pair 2p; 2p + 1 at + 32, 2p + 8 at + 256
                    e.and(0xF)
                            .or(e.lanewise(LSHL, 8).and(0xF0000))
                            .reinterpretAsShorts()
                            .sub((short) 8)
                            .intoArray(dst, at);
                    o.and(0xF)
                            .or(o.lanewise(LSHL, 8).and(0xF0000))
                            .reinterpretAsShorts()
                            .sub((short) 8)
                            .intoArray(dst, at + 32);
                    e.lanewise(LSHR, 4)
                            .and(0xF)
                            .or(e.lanewise(LSHL, 4).and(0xF0000))
                            .reinterpretAsShorts()
                            .sub((short) 8)
                            .intoArray(dst, at + 256);
                    o.lanewise(LSHR, 4)
                            .and(0xF)
                            .or(o.lanewise(LSHL, 4).and(0xF0000))
                            .reinterpretAsShorts()
                            .sub((short) 8)
                            .intoArray(dst, at + 288);
                }
            }
        }
    }

    /** Sums the two 16-bit halves of each int lane to float: (i + (i << 16)) >> 16 is hi + lo. */
    private static FloatVector pairSums(ShortVector p) {
        IntVector i = p.reinterpretAsInts();
        return (FloatVector) i.add(i.lanewise(LSHL, 16)).lanewise(ASHR, 16).convert(I2F, 0);
    }

    /** The first chunk of blocks starts from zero, the later ones from the sums so far. */
    private static FloatVector start(boolean first, float[] out, int i) {
        return first ? FloatVector.zero(F) : FloatVector.fromArray(F, out, i);
    }

    /**
     * Vectors t and t + 1 times blocks [b0, b1) of the group (decoded by {@link #decodePairs}) in 256-bit vectors, two
     * halves of 8 rows, added into out[o + (t + j) * stride + r] (set when b0 is 0). Four vectors of 256 bits would
     * exceed C2's inlining node budget (boxed vectors, 10x slower). Written out: a helper taking vectors is not always
     * inlined, and then boxes them.
     */
    static void tile2(
            MemorySegment w, long base, short[] wp, int b0, int b1, Batch x, int t, float[] out, int o, int stride) {
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
            int wi = (b - b0) * BLOCK_SHORTS;
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
            long so = base + (long) b * InterleavedQ4_0.BLOCK_BYTES;
            FloatVector d0 = ((IntVector)
                            ShortVector.fromMemorySegment(S8, w, so, LE).convertShape(S2I, I, 0))
                    .lanewise(LSHL, 13)
                    .and(InterleavedQ4_0.F16_MASK)
                    .reinterpretAsFloats()
                    .mul(InterleavedQ4_0.F16_SCALE);
            FloatVector d1 = ((IntVector)
                            ShortVector.fromMemorySegment(S8, w, so + 16, LE).convertShape(S2I, I, 0))
                    .lanewise(LSHL, 13)
                    .and(InterleavedQ4_0.F16_MASK)
                    .reinterpretAsFloats()
                    .mul(InterleavedQ4_0.F16_SCALE);
            float s0 = xd[t * blocks + b];
            float s1 = xd[(t + 1) * blocks + b];
            IntVector i00 = a00.reinterpretAsInts();
            IntVector i01 = a01.reinterpretAsInts();
            IntVector i10 = a10.reinterpretAsInts();
            IntVector i11 = a11.reinterpretAsInts();
            f00 = ((FloatVector)
                            i00.add(i00.lanewise(LSHL, 16)).lanewise(ASHR, 16).convert(I2F, 0))
                    .fma(d0.mul(s0), f00);
            f01 = ((FloatVector)
                            i01.add(i01.lanewise(LSHL, 16)).lanewise(ASHR, 16).convert(I2F, 0))
                    .fma(d1.mul(s0), f01);
            f10 = ((FloatVector)
                            i10.add(i10.lanewise(LSHL, 16)).lanewise(ASHR, 16).convert(I2F, 0))
                    .fma(d0.mul(s1), f10);
            f11 = ((FloatVector)
                            i11.add(i11.lanewise(LSHL, 16)).lanewise(ASHR, 16).convert(I2F, 0))
                    .fma(d1.mul(s1), f11);
        }
        f00.intoArray(out, p0);
        f01.intoArray(out, p0 + 8);
        f10.intoArray(out, p1);
        f11.intoArray(out, p1 + 8);
    }

    /** One vector, as {@link #tile2}. */
    static void tile1(
            MemorySegment w, long base, short[] wp, int b0, int b1, Batch x, int t, float[] out, int o, int stride) {
        int[] xp = x.pairs;
        float[] xd = x.scale;
        int blocks = x.cols / 32;
        int p = o + t * stride;
        boolean first = b0 == 0;
        FloatVector f0 = start(first, out, p);
        FloatVector f1 = start(first, out, p + 8);
        for (int b = b0; b < b1; b++) {
            ShortVector a0 = ShortVector.zero(S);
            ShortVector a1 = ShortVector.zero(S);
            int wi = (b - b0) * BLOCK_SHORTS;
            int xi = t * x.cols / 2 + 16 * b;
            for (int k = 0; k < 16; k++) {
                ShortVector v = IntVector.broadcast(I, xp[xi + k]).reinterpretAsShorts();
                a0 = a0.add(ShortVector.fromArray(S, wp, wi + 32 * k).mul(v));
                a1 = a1.add(ShortVector.fromArray(S, wp, wi + 32 * k + 16).mul(v));
            }
            long so = base + (long) b * InterleavedQ4_0.BLOCK_BYTES;
            float s = xd[t * blocks + b];
            FloatVector d0 = ((IntVector)
                            ShortVector.fromMemorySegment(S8, w, so, LE).convertShape(S2I, I, 0))
                    .lanewise(LSHL, 13)
                    .and(InterleavedQ4_0.F16_MASK)
                    .reinterpretAsFloats()
                    .mul(InterleavedQ4_0.F16_SCALE);
            FloatVector d1 = ((IntVector)
                            ShortVector.fromMemorySegment(S8, w, so + 16, LE).convertShape(S2I, I, 0))
                    .lanewise(LSHL, 13)
                    .and(InterleavedQ4_0.F16_MASK)
                    .reinterpretAsFloats()
                    .mul(InterleavedQ4_0.F16_SCALE);
            f0 = pairSums(a0).fma(d0.mul(s), f0);
            f1 = pairSums(a1).fma(d1.mul(s), f1);
        }
        f0.intoArray(out, p);
        f1.intoArray(out, p + 8);
    }

    /**
     * Vectors [t, t + 4) in 512-bit vectors (16 rows each: one weight load per four multiplies), as {@link #tile2}:
     * 63.8 G multiply-adds per second on one core (2048 x 2048, batch 32, weights decoded; AMD EPYC, 2026-12-05),
     * 58 with the decoding (the float outer products on the copy: ~35).
     */
    static void tile4(
            MemorySegment w, long base, short[] wp, int b0, int b1, Batch x, int t, float[] out, int o, int stride) {
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
            FloatVector d = ((IntVector)
                            ShortVector.fromMemorySegment(S, w, base + (long) b * InterleavedQ4_0.BLOCK_BYTES, LE)
                                    .convertShape(S2I, IW, 0))
                    .lanewise(LSHL, 13)
                    .and(InterleavedQ4_0.F16_MASK)
                    .reinterpretAsFloats()
                    .mul(InterleavedQ4_0.F16_SCALE);
            IntVector i0 = a0.reinterpretAsInts();
            IntVector i1 = a1.reinterpretAsInts();
            IntVector i2 = a2.reinterpretAsInts();
            IntVector i3 = a3.reinterpretAsInts();
            f0 = ((FloatVector) i0.add(i0.lanewise(LSHL, 16)).lanewise(ASHR, 16).convert(I2F, 0))
                    .fma(d.mul(xd[t * blocks + b]), f0);
            f1 = ((FloatVector) i1.add(i1.lanewise(LSHL, 16)).lanewise(ASHR, 16).convert(I2F, 0))
                    .fma(d.mul(xd[(t + 1) * blocks + b]), f1);
            f2 = ((FloatVector) i2.add(i2.lanewise(LSHL, 16)).lanewise(ASHR, 16).convert(I2F, 0))
                    .fma(d.mul(xd[(t + 2) * blocks + b]), f2);
            f3 = ((FloatVector) i3.add(i3.lanewise(LSHL, 16)).lanewise(ASHR, 16).convert(I2F, 0))
                    .fma(d.mul(xd[(t + 3) * blocks + b]), f3);
        }
        f0.intoArray(out, p0);
        f1.intoArray(out, p1);
        f2.intoArray(out, p2);
        f3.intoArray(out, p3);
    }
}
