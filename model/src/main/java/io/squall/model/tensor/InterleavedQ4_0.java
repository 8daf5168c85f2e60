package io.squall.model.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

import static jdk.incubator.vector.VectorOperators.ASHR;
import static jdk.incubator.vector.VectorOperators.I2F;
import static jdk.incubator.vector.VectorOperators.LSHL;
import static jdk.incubator.vector.VectorOperators.LSHR;
import static jdk.incubator.vector.VectorOperators.S2I;

/**
 * Q4_0 weights repacked "rows in lanes": groups of 16 rows interleaved by 4 quant bytes, so that 32 bytes hold the
 * same four quant bytes of 8 rows and each row is one 32-bit lane, two 16-bit words, of the product (llama.cpp
 * repacks Q4_0 likewise at load, 8 rows per group, for its CPU kernels). Per block of 32 columns the 16 rows take one
 * convert and one FMA together, against one each per row in {@link IntegerDots#q4_0x2} (see IntegerDots' comment).
 *
 * <p>Layout, per group of 16 rows (the last group padded with zero rows), per block b of 32 columns, 288 bytes, as
 * many as the file's 16 x 18:
 * <pre>
 *   0..31    16 F16: row r's block scale, as in the file (widened in the kernel by a shift: finite scales only;
 *            a matrix with an Inf or NaN scale is not repacked, see {@link #repack})
 *   32..287  bytes 32 + 64 p + 4 r + k = row r's quant byte 4p + k (p, k in 0..3; byte j holds element j in the
 *            low nibble and element j + 16 in the high one, as in the file)
 * </pre>
 * Groups follow each other: group g at {@code g * blocks * 288}.
 */
final class InterleavedQ4_0 {
    /** Rows per group. */
    static final int ROWS = 16;
    /** Bytes per block of a group: 16 F16 scales and 16 x 16 quant bytes. */
    static final int BLOCK_BYTES = ROWS * 2 + ROWS * 16;
    /** Offset of the quants in a block. */
    static final int QUANTS = ROWS * 2;
    /**
     * Columns of a group decoded at a time for the float-x batched product (-Dsquall.matmul.int8=false; by default
     * {@link InterleavedQ4_0Batch} multiplies 8-bit x in integers): 16 KB of floats, in L1 while the batch passes.
     */
    static final int CHUNK_COLUMNS = 256;

    /**
     * F16 bits sign-extended to an int, shifted left by 13 and masked with this, are the float of the F16 value
     * times 2^-112 (sign, then exponent and mantissa moved to float's places; subnormals too) for every finite F16:
     * two integer operations and a multiply by {@link #F16_SCALE} instead of a conversion the Vector API lacks.
     */
    static final int F16_MASK = 0x8FFFE000;

    static final float F16_SCALE = 0x1p112f;

    private static final VectorSpecies<Float> F = FloatVector.SPECIES_256;
    private static final VectorSpecies<Short> S = ShortVector.SPECIES_256;
    private static final VectorSpecies<Short> S8 = ShortVector.SPECIES_128;
    /** The batched product's species: VectorDots' (8 or 16 lanes), a row group being one or two vectors. */
    private static final VectorSpecies<Float> W = VectorDots.F;

    private static final VectorSpecies<Integer> I = IntVector.SPECIES_256;
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final ValueLayout.OfShort SHORT_LE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(LE);

    private InterleavedQ4_0() {}

    static int groups(int rows) {
        return (rows + ROWS - 1) / ROWS;
    }

    static long groupBytes(int cols) {
        return (long) (cols / 32) * BLOCK_BYTES;
    }

    static long byteSize(int rows, int cols) {
        return groups(rows) * groupBytes(cols);
    }

    /** Whether the F16 bits {@code h} are Inf or NaN (exponent all ones). */
    static boolean nonFiniteF16(short h) {
        return (h & 0x7C00) == 0x7C00;
    }

    /**
     * Writes groups [g0, g1) of the {@code rows} x {@code cols} Q4_0 matrix {@code src} (GGUF layout) into
     * {@code dst} (rows past the end are zero, scale 0). Each group goes through two short arrays with bulk copies
     * and plain array loops (a Q4_0 block is 9 shorts: the scale, then 8 pairs of quant bytes): it runs at load,
     * often before C2 has compiled much, and array code is fast in C1 where MemorySegment accesses are not.
     * Returns false if a block scale of these groups is Inf or NaN, which the kernels' widening does not keep: the
     * caller then uses the file's layout instead.
     */
    static boolean repack(MemorySegment src, int rows, int cols, MemorySegment dst, int g0, int g1) {
        int blocks = cols / 32;
        int rowShorts = blocks * Blocks.Q4_0_BYTES / 2;
        int blockShorts = BLOCK_BYTES / 2;
        int groupShorts = blocks * blockShorts;
        short[] in = new short[ROWS * rowShorts];
        short[] out = new short[groupShorts];
        boolean finite = true;
        for (int g = g0; g < g1; g++) {
            int rowsHere = Math.min(ROWS, rows - ROWS * g);
            if (rowsHere < ROWS) {
                java.util.Arrays.fill(out, (short) 0); // the padding rows: zero quants, scale 0
            }
            MemorySegment.copy(src, SHORT_LE, 2L * ROWS * g * rowShorts, in, 0, rowsHere * rowShorts);
            for (int b = 0; b < blocks; b++) {
                int o = b * blockShorts;
                for (int r = 0; r < rowsHere; r++) {
                    int s = r * rowShorts + 9 * b;
                    out[o + r] = in[s];
                    finite &= !nonFiniteF16(in[s]);
                    for (int p = 0; p < 4; p++) { // quant words 2p, 2p + 1 of the row: its lane of unit p
                        out[o + ROWS + 32 * p + 2 * r] = in[s + 1 + 2 * p];
                        out[o + ROWS + 32 * p + 2 * r + 1] = in[s + 2 + 2 * p];
                    }
                }
            }
            MemorySegment.copy(out, 0, dst, SHORT_LE, 2L * g * groupShorts, groupShorts);
        }
        return finite;
    }

    /**
     * The 16 rows of the group at byte {@code base} dotted with the quantized x into out[o..o+16): per row
     * sum_b d_b xd_b sum_j (q_j - 8) x_j. x comes as the coefficients of {@link QuantizedVector#prepareNibbles}: per
     * 32 bytes (8 rows' lanes of a unit) three 32-bit shifts, four 16-bit multiplies by a 32-bit broadcast of the
     * coefficients and four 16-bit adds, no masking. C2 (JDK 25, AVX-512 Zen 4) emits vpsrld with an immediate,
     * vpmullw, vpaddw and vpbroadcastd from memory (no shuffle); 16-bit shifts (ShortVector LSHR) compiled to
     * vpsrlw with the count moved into an xmm register before every shift, and a loop over the four units kept
     * bounds checks and spills inside it, hence 32-bit shifts and the units written out (range check elimination
     * hoists the segment's checks out of the innermost loop only). In 512-bit vectors (a unit's 16 rows in one, half
     * the instructions) it took 10% more CPU time in cache (Zen 4 splits 512-bit operations into 256-bit halves). Per row and block, the low and high 16-bit halves
     * of its lanes wrap, but their sum less 8 sum(x), mod 2^16, is sum_j (q_j - 8) x_j, within 32 * 8 * 127 = 32512
     * of zero: (i + (i << 16) - (8 sum(x) << 16)) >> 16 is it exactly, sign-extended.
     */
    static void dot16(MemorySegment w, long base, QuantizedVector x, int cols, float[] out, int o) {
        int[] c = x.nibbleCoefficients(GGMLType.Q4_0);
        float[] xd = x.scale;
        int[] xs = x.qSum;
        FloatVector acc0 = FloatVector.zero(F);
        FloatVector acc1 = FloatVector.zero(F);
        int blocks = cols / 32;
        for (int b = 0; b < blocks; b++) {
            long bo = base + (long) b * BLOCK_BYTES;
            ShortVector a0 = ShortVector.zero(S); // rows 0-7
            ShortVector a1 = ShortVector.zero(S); // rows 8-15
            int ci = 16 * b;
            IntVector v0, v1;
            ShortVector c0, c1, c2, c3;
            v0 = IntVector.fromMemorySegment(I, w, bo + QUANTS + 0, LE); // unit 0
            v1 = IntVector.fromMemorySegment(I, w, bo + QUANTS + 32, LE);
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
            v0 = IntVector.fromMemorySegment(I, w, bo + QUANTS + 64, LE); // unit 1
            v1 = IntVector.fromMemorySegment(I, w, bo + QUANTS + 96, LE);
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
            v0 = IntVector.fromMemorySegment(I, w, bo + QUANTS + 128, LE); // unit 2
            v1 = IntVector.fromMemorySegment(I, w, bo + QUANTS + 160, LE);
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
            v0 = IntVector.fromMemorySegment(I, w, bo + QUANTS + 192, LE); // unit 3
            v1 = IntVector.fromMemorySegment(I, w, bo + QUANTS + 224, LE);
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
            int offset = -8 * xs[b] << 16;
            IntVector i0 = a0.reinterpretAsInts();
            IntVector i1 = a1.reinterpretAsInts();
            IntVector s0 = i0.add(i0.lanewise(LSHL, 16)).add(offset).lanewise(ASHR, 16);
            IntVector s1 = i1.add(i1.lanewise(LSHL, 16)).add(offset).lanewise(ASHR, 16);
            FloatVector d0 = ((IntVector)
                            ShortVector.fromMemorySegment(S8, w, bo, LE).convertShape(S2I, I, 0))
                    .lanewise(LSHL, 13)
                    .and(F16_MASK)
                    .reinterpretAsFloats()
                    .mul(F16_SCALE);
            FloatVector d1 = ((IntVector)
                            ShortVector.fromMemorySegment(S8, w, bo + 16, LE).convertShape(S2I, I, 0))
                    .lanewise(LSHL, 13)
                    .and(F16_MASK)
                    .reinterpretAsFloats()
                    .mul(F16_SCALE);
            float scale = xd[b];
            acc0 = ((FloatVector) s0.convert(I2F, 0)).fma(d0.mul(scale), acc0);
            acc1 = ((FloatVector) s1.convert(I2F, 0)).fma(d1.mul(scale), acc1);
        }
        acc0.intoArray(out, o);
        acc1.intoArray(out, o + 8);
    }

    /**
     * Decodes blocks [b0, b1) of the group at byte {@code base} to floats, column-major from column 32 b0:
     * dst[16 (c - 32 b0) + r] = (q - 8) * d of row r, column c, the same float as the scalar dequantization.
     */
    static void decode16(MemorySegment w, long base, int b0, int b1, float[] dst) {
        for (int b = b0; b < b1; b++) {
            long bo = base + (long) b * BLOCK_BYTES;
            for (int h = 0; h < 2; h++) { // rows 8h..8h + 7
                FloatVector d = ((IntVector) ShortVector.fromMemorySegment(S8, w, bo + 16 * h, LE)
                                .convertShape(S2I, I, 0))
                        .lanewise(LSHL, 13)
                        .and(F16_MASK)
                        .reinterpretAsFloats()
                        .mul(F16_SCALE);
                for (int p = 0; p < 4; p++) {
                    // lane r: quant bytes 4p..4p + 3, nibble k at bits 4k: element 4p + k / 2 (+ 16 if k is odd)
                    IntVector v = IntVector.fromMemorySegment(I, w, bo + QUANTS + 64 * p + 32 * h, LE);
                    int c = 16 * (32 * (b - b0) + 4 * p) + 8 * h; // element 4p; 4p + j at + 16 j
                    // written out: a helper taking vectors is not always inlined, and then boxes them
                    ((FloatVector) v.and(0xF).sub(8).convert(I2F, 0)).mul(d).intoArray(dst, c);
                    ((FloatVector) v.lanewise(LSHR, 4).and(0xF).sub(8).convert(I2F, 0))
                            .mul(d)
                            .intoArray(dst, c + 256);
                    ((FloatVector) v.lanewise(LSHR, 8).and(0xF).sub(8).convert(I2F, 0))
                            .mul(d)
                            .intoArray(dst, c + 16);
                    ((FloatVector) v.lanewise(LSHR, 12).and(0xF).sub(8).convert(I2F, 0))
                            .mul(d)
                            .intoArray(dst, c + 272);
                    ((FloatVector) v.lanewise(LSHR, 16).and(0xF).sub(8).convert(I2F, 0))
                            .mul(d)
                            .intoArray(dst, c + 32);
                    ((FloatVector) v.lanewise(LSHR, 20).and(0xF).sub(8).convert(I2F, 0))
                            .mul(d)
                            .intoArray(dst, c + 288);
                    ((FloatVector) v.lanewise(LSHR, 24).and(0xF).sub(8).convert(I2F, 0))
                            .mul(d)
                            .intoArray(dst, c + 48);
                    ((FloatVector) v.lanewise(LSHR, 28).sub(8).convert(I2F, 0))
                            .mul(d)
                            .intoArray(dst, c + 304);
                }
            }
        }
    }

    /**
     * x, {@code batch} vectors of cols, in the tiles that {@link #outer8}, {@link #outer4} and {@link #outer1} take:
     * eights, then a four, then ones; the tile of n vectors from t0 sits at t0 * cols, column-major (element t,
     * c at t0 * cols + n c + t - t0), so that each column's broadcasts read one cache line (x's rows, cols apart,
     * would share L1 sets).
     */
    static void tile(float[] x, int batch, int cols, float[] dst) {
        for (int t0 = 0; t0 < batch; ) {
            int n = tileWidth(batch - t0);
            for (int t = 0; t < n; t++) {
                int from = (t0 + t) * cols;
                int to = t0 * cols + t;
                for (int c = 0; c < cols; c++) {
                    dst[to + n * c] = x[from + c];
                }
            }
            t0 += n;
        }
    }

    /** Vectors in the tile that starts with {@code left} vectors to go. */
    static int tileWidth(int left) {
        return left >= 8 ? 8 : left >= 4 ? 4 : 1;
    }

    /**
     * The tile of four vectors from t0 (see {@link #tile}), columns [c0, c1), times rows [h, h + W lanes) of
     * those columns of a group decoded by {@link #decode16}: an outer product per column, the rows in lanes and x
     * broadcast, into out[o + t*outStride + h..] of each t (added to what is there unless c0 is 0). W is the
     * preferred float species (512 bits on AVX-512: one load and four FMAs per column; 256: called for h = 0, 8).
     */
    static void outer4(
            float[] wt, int cols, int c0, int c1, int h, float[] x, int t0, float[] out, int o, int outStride) {
        int x0 = t0 * cols + 4 * c0;
        int p = o + t0 * outStride + h;
        boolean first = c0 == 0;
        FloatVector a0 = start(first, out, p);
        FloatVector a1 = start(first, out, p + outStride);
        FloatVector a2 = start(first, out, p + 2 * outStride);
        FloatVector a3 = start(first, out, p + 3 * outStride);
        for (int c = 0; c < c1 - c0; c++) {
            FloatVector w = FloatVector.fromArray(W, wt, 16 * c + h);
            int xc = x0 + 4 * c;
            a0 = w.fma(FloatVector.broadcast(W, x[xc]), a0);
            a1 = w.fma(FloatVector.broadcast(W, x[xc + 1]), a1);
            a2 = w.fma(FloatVector.broadcast(W, x[xc + 2]), a2);
            a3 = w.fma(FloatVector.broadcast(W, x[xc + 3]), a3);
        }
        a0.intoArray(out, p);
        a1.intoArray(out, p + outStride);
        a2.intoArray(out, p + 2 * outStride);
        a3.intoArray(out, p + 3 * outStride);
    }

    /** Eight vectors of the batch, as {@link #outer4}: one weight load per eight FMAs. */
    static void outer8(
            float[] wt, int cols, int c0, int c1, int h, float[] x, int t0, float[] out, int o, int outStride) {
        int x0 = t0 * cols + 8 * c0;
        int p = o + t0 * outStride + h;
        boolean first = c0 == 0;
        FloatVector a0 = start(first, out, p);
        FloatVector a1 = start(first, out, p + outStride);
        FloatVector a2 = start(first, out, p + 2 * outStride);
        FloatVector a3 = start(first, out, p + 3 * outStride);
        FloatVector a4 = start(first, out, p + 4 * outStride);
        FloatVector a5 = start(first, out, p + 5 * outStride);
        FloatVector a6 = start(first, out, p + 6 * outStride);
        FloatVector a7 = start(first, out, p + 7 * outStride);
        for (int c = 0; c < c1 - c0; c++) {
            FloatVector w = FloatVector.fromArray(W, wt, 16 * c + h);
            int xc = x0 + 8 * c;
            a0 = w.fma(FloatVector.broadcast(W, x[xc]), a0);
            a1 = w.fma(FloatVector.broadcast(W, x[xc + 1]), a1);
            a2 = w.fma(FloatVector.broadcast(W, x[xc + 2]), a2);
            a3 = w.fma(FloatVector.broadcast(W, x[xc + 3]), a3);
            a4 = w.fma(FloatVector.broadcast(W, x[xc + 4]), a4);
            a5 = w.fma(FloatVector.broadcast(W, x[xc + 5]), a5);
            a6 = w.fma(FloatVector.broadcast(W, x[xc + 6]), a6);
            a7 = w.fma(FloatVector.broadcast(W, x[xc + 7]), a7);
        }
        a0.intoArray(out, p);
        a1.intoArray(out, p + outStride);
        a2.intoArray(out, p + 2 * outStride);
        a3.intoArray(out, p + 3 * outStride);
        a4.intoArray(out, p + 4 * outStride);
        a5.intoArray(out, p + 5 * outStride);
        a6.intoArray(out, p + 6 * outStride);
        a7.intoArray(out, p + 7 * outStride);
    }

    /** One vector of the batch, as {@link #outer4}. */
    static void outer1(
            float[] wt, int cols, int c0, int c1, int h, float[] x, int t, float[] out, int o, int outStride) {
        int x0 = t * cols + c0;
        int p = o + t * outStride + h;
        FloatVector a = start(c0 == 0, out, p);
        for (int c = 0; c < c1 - c0; c++) {
            a = FloatVector.fromArray(W, wt, 16 * c + h).fma(FloatVector.broadcast(W, x[x0 + c]), a);
        }
        a.intoArray(out, p);
    }

    /** The first column range starts from zero, the later ones from the sums so far. */
    private static FloatVector start(boolean first, float[] out, int i) {
        return first ? FloatVector.zero(W) : FloatVector.fromArray(W, out, i);
    }
}
