package io.squall.model.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

import static jdk.incubator.vector.VectorOperators.I2F;
import static jdk.incubator.vector.VectorOperators.LSHR;
import static jdk.incubator.vector.VectorOperators.S2F;
import static jdk.incubator.vector.VectorOperators.S2I;

/**
 * Q4_0 weights repacked "rows in lanes": groups of 16 rows interleaved by pairs of quant bytes, so that one 32-byte
 * load holds the same two quant bytes of 16 rows and each row is one 16-bit lane of the product (llama.cpp repacks
 * Q4_0 likewise at load, 8 rows per group, for its CPU kernels). x is broadcast; per block of 32 columns the 16 rows
 * take one convert and one FMA together, against one each per row in {@link IntegerDots#q4_0x2} (see IntegerDots'
 * comment). Pairs rather than single bytes: the repack moves half as many elements (it runs at load, on the time
 * to the first token) and the kernel does the same work (four nibbles per lane and load instead of two).
 *
 * <p>Layout, per group of 16 rows (the last group padded with zero rows), per block b of 32 columns, 320 bytes:
 * <pre>
 *   0..63    16 floats: row r's block scale (F16 in the file, widened here so that the kernel converts nothing)
 *   64..319  bytes 64 + 32 p + 2 r, +1 = row r's quant bytes 2p, 2p + 1 (p in 0..7; byte j holds element j in the
 *            low nibble and element j + 16 in the high one, as in the file)
 * </pre>
 * Groups follow each other: group g at {@code g * blocks * 320}. 11% more bytes than the file's 18 per block.
 */
final class InterleavedQ4_0 {
    /** Rows per group. */
    static final int ROWS = 16;
    /** Bytes per block of a group: 16 float scales and 16 x 16 quant bytes. */
    static final int BLOCK_BYTES = ROWS * Float.BYTES + ROWS * 16;
    /**
     * Columns of a group decoded at a time for the float-x batched product (-Dsquall.matmul.int8=false; by default
     * {@link InterleavedQ4_0Batch} multiplies 8-bit x in integers): 16 KB of floats, in L1 while the batch passes.
     */
    static final int CHUNK_COLUMNS = 256;

    private static final VectorSpecies<Float> F = FloatVector.SPECIES_256;
    private static final VectorSpecies<Short> S = ShortVector.SPECIES_256;
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

    /**
     * Writes groups [g0, g1) of the {@code rows} x {@code cols} Q4_0 matrix {@code src} (GGUF layout) into
     * {@code dst} (rows past the end are zero, scale 0). Each group goes through two short arrays with bulk copies
     * and plain array loops (a Q4_0 block is 9 shorts: the scale, then 8 pairs of quant bytes): it runs at load,
     * often before C2 has compiled much, and array code is fast in C1 where MemorySegment accesses are not.
     */
    static void repack(MemorySegment src, int rows, int cols, MemorySegment dst, int g0, int g1) {
        int blocks = cols / 32;
        int rowShorts = blocks * Blocks.Q4_0_BYTES / 2;
        int blockShorts = BLOCK_BYTES / 2;
        int groupShorts = blocks * blockShorts;
        short[] in = new short[ROWS * rowShorts];
        short[] out = new short[groupShorts];
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
                    int bits = Float.floatToRawIntBits(Float.float16ToFloat(in[s]));
                    out[o + 2 * r] = (short) bits;
                    out[o + 2 * r + 1] = (short) (bits >>> 16);
                    for (int p = 0; p < 8; p++) {
                        out[o + 32 + 16 * p + r] = in[s + 1 + p];
                    }
                }
            }
            MemorySegment.copy(out, 0, dst, SHORT_LE, 2L * g * groupShorts, groupShorts);
        }
    }

    /**
     * The 16 rows of the group at byte {@code base} dotted with the quantized x into out[o..o+16): per row
     * sum_b d_b xd_b (sum_j q_j x_j - 8 sum_j x_j), the offset taken in the integers (exact; in float it would
     * cancel against the sum). Each 16-bit lane sums 16 products |q x| &lt;= 15 * 127, so at most 30480: no wrap.
     */
    static void dot16(MemorySegment w, long base, QuantizedVector x, int cols, float[] out, int o) {
        short[] xq = x.q;
        float[] xd = x.scale;
        int[] xs = x.qSum;
        FloatVector acc0 = FloatVector.zero(F);
        FloatVector acc1 = FloatVector.zero(F);
        int blocks = cols / 32;
        for (int b = 0; b < blocks; b++) {
            long bo = base + (long) b * BLOCK_BYTES;
            ShortVector lo = ShortVector.zero(ShortVector.SPECIES_256);
            ShortVector hi = ShortVector.zero(ShortVector.SPECIES_256);
            int xi = 32 * b;
            for (int p = 0; p < 8; p++) {
                ShortVector v = ShortVector.fromMemorySegment(S, w, bo + 64 + 32 * p, LE); // bytes 2p, 2p + 1
                int j = xi + 2 * p;
                lo = lo.add(v.and((short) 0x0F).mul(xq[j]))
                        .add(v.lanewise(LSHR, 8).and((short) 0x0F).mul(xq[j + 1]));
                hi = hi.add(v.lanewise(LSHR, 4).and((short) 0x0F).mul(xq[j + 16]))
                        .add(v.lanewise(LSHR, 12).mul(xq[j + 17]));
            }
            int offset = 8 * xs[b];
            IntVector s0 = ((IntVector) lo.convertShape(S2I, I, 0))
                    .add((IntVector) hi.convertShape(S2I, I, 0))
                    .sub(offset);
            IntVector s1 = ((IntVector) lo.convertShape(S2I, I, 1))
                    .add((IntVector) hi.convertShape(S2I, I, 1))
                    .sub(offset);
            float scale = xd[b];
            acc0 = ((FloatVector) s0.convert(I2F, 0))
                    .fma(FloatVector.fromMemorySegment(F, w, bo, LE).mul(scale), acc0);
            acc1 = ((FloatVector) s1.convert(I2F, 0))
                    .fma(FloatVector.fromMemorySegment(F, w, bo + 32, LE).mul(scale), acc1);
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
            FloatVector d0 = FloatVector.fromMemorySegment(F, w, bo, LE);
            FloatVector d1 = FloatVector.fromMemorySegment(F, w, bo + 32, LE);
            for (int p = 0; p < 8; p++) {
                ShortVector v = ShortVector.fromMemorySegment(S, w, bo + 64 + 32 * p, LE); // bytes 2p, 2p + 1
                int c = 16 * (32 * (b - b0) + 2 * p); // column 2p; 2p + 1 at c + 16, 2p + 16 at c + 256
                // written out: a helper taking vectors is not always inlined, and then boxes them
                ShortVector q0 = v.and((short) 0x0F).sub((short) 8);
                ShortVector q1 = v.lanewise(LSHR, 8).and((short) 0x0F).sub((short) 8);
                ShortVector q16 = v.lanewise(LSHR, 4).and((short) 0x0F).sub((short) 8);
                ShortVector q17 = v.lanewise(LSHR, 12).sub((short) 8);
                ((FloatVector) q0.convertShape(S2F, F, 0)).mul(d0).intoArray(dst, c);
                ((FloatVector) q0.convertShape(S2F, F, 1)).mul(d1).intoArray(dst, c + 8);
                ((FloatVector) q1.convertShape(S2F, F, 0)).mul(d0).intoArray(dst, c + 16);
                ((FloatVector) q1.convertShape(S2F, F, 1)).mul(d1).intoArray(dst, c + 24);
                ((FloatVector) q16.convertShape(S2F, F, 0)).mul(d0).intoArray(dst, c + 256);
                ((FloatVector) q16.convertShape(S2F, F, 1)).mul(d1).intoArray(dst, c + 264);
                ((FloatVector) q17.convertShape(S2F, F, 0)).mul(d0).intoArray(dst, c + 272);
                ((FloatVector) q17.convertShape(S2F, F, 1)).mul(d1).intoArray(dst, c + 280);
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
