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
 * Q4_0 weights repacked "rows in lanes": groups of 16 rows interleaved byte by byte, so that one 16-byte load holds
 * the same quant byte of 16 rows and each row is one 16-bit lane of the product (llama.cpp repacks Q4_0 likewise
 * at load, 8 rows per group, for its CPU kernels). x is broadcast; per block of 32 columns the 16 rows take one
 * convert and one FMA together, against one each per row in {@link IntegerDots#q4_0x2} (see IntegerDots' comment).
 *
 * <p>Layout, per group of 16 rows (the last group padded with zero rows), per block b of 32 columns, 320 bytes:
 * <pre>
 *   0..63    16 floats: row r's block scale (F16 in the file, widened here so that the kernel converts nothing)
 *   64..319  byte 64 + 16 j + r = row r's quant byte j (element j in the low nibble, element j + 16 in the high)
 * </pre>
 * Groups follow each other: group g at {@code g * blocks * 320}. 11% more bytes than the file's 18 per block.
 */
final class InterleavedQ4_0 {
    /** Rows per group. */
    static final int ROWS = 16;
    /** Bytes per block of a group: 16 float scales and 16 x 16 quant bytes. */
    static final int BLOCK_BYTES = ROWS * Float.BYTES + ROWS * 16;

    private static final VectorSpecies<Float> F = FloatVector.SPECIES_256;
    private static final VectorSpecies<Integer> I = IntVector.SPECIES_256;
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final ValueLayout.OfFloat FLOAT_LE = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(LE);
    private static final ValueLayout.OfLong LONG_LE = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(LE);

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
     * {@code dst} (zeroed: rows past the end stay zero, scale 0).
     */
    static void repack(MemorySegment src, int rows, int cols, MemorySegment dst, int g0, int g1) {
        int blocks = cols / 32;
        long rowBytes = (long) blocks * Blocks.Q4_0_BYTES;
        long groupBytes = groupBytes(cols);
        for (int g = g0; g < g1; g++) {
            int rowsHere = Math.min(ROWS, rows - ROWS * g);
            for (int b = 0; b < blocks; b++) {
                long o = g * groupBytes + (long) b * BLOCK_BYTES;
                for (int r = 0; r < rowsHere; r++) {
                    long s = (ROWS * (long) g + r) * rowBytes + (long) b * Blocks.Q4_0_BYTES;
                    dst.set(FLOAT_LE, o + 4 * r, Blocks.half(src, s));
                    long lo = src.get(LONG_LE, s + 2);
                    long hi = src.get(LONG_LE, s + 10);
                    for (int j = 0; j < 8; j++) {
                        dst.set(ValueLayout.JAVA_BYTE, o + 64 + 16 * j + r, (byte) (lo >>> (8 * j)));
                        dst.set(ValueLayout.JAVA_BYTE, o + 64 + 16 * (j + 8) + r, (byte) (hi >>> (8 * j)));
                    }
                }
            }
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
            for (int j = 0; j < 16; j++) {
                ShortVector v = IntegerDots.bytesAt(w, bo + 64 + 16 * j);
                lo = lo.add(v.and((short) 0x0F).mul(xq[xi + j]));
                hi = hi.add(v.lanewise(LSHR, 4).mul(xq[xi + 16 + j]));
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
     * Decodes the group at byte {@code base} to floats, column-major: dst[16 c + r] = (q - 8) * d of row r, column
     * c, the same float as the scalar dequantization.
     */
    static void decode16(MemorySegment w, long base, int cols, float[] dst) {
        int blocks = cols / 32;
        for (int b = 0; b < blocks; b++) {
            long bo = base + (long) b * BLOCK_BYTES;
            FloatVector d0 = FloatVector.fromMemorySegment(F, w, bo, LE);
            FloatVector d1 = FloatVector.fromMemorySegment(F, w, bo + 32, LE);
            for (int j = 0; j < 16; j++) {
                ShortVector v = IntegerDots.bytesAt(w, bo + 64 + 16 * j);
                ShortVector lo = v.and((short) 0x0F).sub((short) 8);
                ShortVector hi = v.lanewise(LSHR, 4).sub((short) 8);
                int cLo = 16 * (32 * b + j);
                int cHi = cLo + 16 * 16;
                ((FloatVector) lo.convertShape(S2F, F, 0)).mul(d0).intoArray(dst, cLo);
                ((FloatVector) lo.convertShape(S2F, F, 1)).mul(d1).intoArray(dst, cLo + 8);
                ((FloatVector) hi.convertShape(S2F, F, 0)).mul(d0).intoArray(dst, cHi);
                ((FloatVector) hi.convertShape(S2F, F, 1)).mul(d1).intoArray(dst, cHi + 8);
            }
        }
    }

    /**
     * Four vectors of the batch (x[t*cols..], t in [t0, t0+4)) times a decoded group (see {@link #decode16}): an
     * outer product per column, the rows in lanes and x broadcast, into out[t*outStride + 0..16) of each t.
     */
    static void outer4(float[] wt, int cols, float[] x, int t0, float[] out, int o, int outStride) {
        int x0 = t0 * cols;
        int x1 = x0 + cols;
        int x2 = x1 + cols;
        int x3 = x2 + cols;
        FloatVector a00 = FloatVector.zero(F), a01 = FloatVector.zero(F);
        FloatVector a10 = FloatVector.zero(F), a11 = FloatVector.zero(F);
        FloatVector a20 = FloatVector.zero(F), a21 = FloatVector.zero(F);
        FloatVector a30 = FloatVector.zero(F), a31 = FloatVector.zero(F);
        for (int c = 0; c < cols; c++) {
            FloatVector w0 = FloatVector.fromArray(F, wt, 16 * c);
            FloatVector w1 = FloatVector.fromArray(F, wt, 16 * c + 8);
            FloatVector v0 = FloatVector.broadcast(F, x[x0 + c]);
            a00 = w0.fma(v0, a00);
            a01 = w1.fma(v0, a01);
            FloatVector v1 = FloatVector.broadcast(F, x[x1 + c]);
            a10 = w0.fma(v1, a10);
            a11 = w1.fma(v1, a11);
            FloatVector v2 = FloatVector.broadcast(F, x[x2 + c]);
            a20 = w0.fma(v2, a20);
            a21 = w1.fma(v2, a21);
            FloatVector v3 = FloatVector.broadcast(F, x[x3 + c]);
            a30 = w0.fma(v3, a30);
            a31 = w1.fma(v3, a31);
        }
        int p = o + t0 * outStride;
        a00.intoArray(out, p);
        a01.intoArray(out, p + 8);
        p += outStride;
        a10.intoArray(out, p);
        a11.intoArray(out, p + 8);
        p += outStride;
        a20.intoArray(out, p);
        a21.intoArray(out, p + 8);
        p += outStride;
        a30.intoArray(out, p);
        a31.intoArray(out, p + 8);
    }

    /** Eight vectors of the batch, as {@link #outer4}: 16 accumulators, two weight loads per 16 FMAs. */
    static void outer8(float[] wt, int cols, float[] x, int t0, float[] out, int o, int outStride) {
        int x0 = t0 * cols;
        FloatVector a00 = FloatVector.zero(F), a01 = FloatVector.zero(F);
        FloatVector a10 = FloatVector.zero(F), a11 = FloatVector.zero(F);
        FloatVector a20 = FloatVector.zero(F), a21 = FloatVector.zero(F);
        FloatVector a30 = FloatVector.zero(F), a31 = FloatVector.zero(F);
        FloatVector a40 = FloatVector.zero(F), a41 = FloatVector.zero(F);
        FloatVector a50 = FloatVector.zero(F), a51 = FloatVector.zero(F);
        FloatVector a60 = FloatVector.zero(F), a61 = FloatVector.zero(F);
        FloatVector a70 = FloatVector.zero(F), a71 = FloatVector.zero(F);
        for (int c = 0; c < cols; c++) {
            FloatVector w0 = FloatVector.fromArray(F, wt, 16 * c);
            FloatVector w1 = FloatVector.fromArray(F, wt, 16 * c + 8);
            int xc = x0 + c;
            FloatVector v = FloatVector.broadcast(F, x[xc]);
            a00 = w0.fma(v, a00);
            a01 = w1.fma(v, a01);
            v = FloatVector.broadcast(F, x[xc + cols]);
            a10 = w0.fma(v, a10);
            a11 = w1.fma(v, a11);
            v = FloatVector.broadcast(F, x[xc + 2 * cols]);
            a20 = w0.fma(v, a20);
            a21 = w1.fma(v, a21);
            v = FloatVector.broadcast(F, x[xc + 3 * cols]);
            a30 = w0.fma(v, a30);
            a31 = w1.fma(v, a31);
            v = FloatVector.broadcast(F, x[xc + 4 * cols]);
            a40 = w0.fma(v, a40);
            a41 = w1.fma(v, a41);
            v = FloatVector.broadcast(F, x[xc + 5 * cols]);
            a50 = w0.fma(v, a50);
            a51 = w1.fma(v, a51);
            v = FloatVector.broadcast(F, x[xc + 6 * cols]);
            a60 = w0.fma(v, a60);
            a61 = w1.fma(v, a61);
            v = FloatVector.broadcast(F, x[xc + 7 * cols]);
            a70 = w0.fma(v, a70);
            a71 = w1.fma(v, a71);
        }
        int p = o + t0 * outStride;
        a00.intoArray(out, p);
        a01.intoArray(out, p + 8);
        a10.intoArray(out, p + outStride);
        a11.intoArray(out, p + outStride + 8);
        a20.intoArray(out, p + 2 * outStride);
        a21.intoArray(out, p + 2 * outStride + 8);
        a30.intoArray(out, p + 3 * outStride);
        a31.intoArray(out, p + 3 * outStride + 8);
        a40.intoArray(out, p + 4 * outStride);
        a41.intoArray(out, p + 4 * outStride + 8);
        a50.intoArray(out, p + 5 * outStride);
        a51.intoArray(out, p + 5 * outStride + 8);
        a60.intoArray(out, p + 6 * outStride);
        a61.intoArray(out, p + 6 * outStride + 8);
        a70.intoArray(out, p + 7 * outStride);
        a71.intoArray(out, p + 7 * outStride + 8);
    }

    /** One vector of the batch, as {@link #outer4}. */
    static void outer1(float[] wt, int cols, float[] x, int t, float[] out, int o, int outStride) {
        int x0 = t * cols;
        FloatVector a0 = FloatVector.zero(F);
        FloatVector a1 = FloatVector.zero(F);
        for (int c = 0; c < cols; c++) {
            FloatVector v = FloatVector.broadcast(F, x[x0 + c]);
            a0 = FloatVector.fromArray(F, wt, 16 * c).fma(v, a0);
            a1 = FloatVector.fromArray(F, wt, 16 * c + 8).fma(v, a1);
        }
        a0.intoArray(out, o + t * outStride);
        a1.intoArray(out, o + t * outStride + 8);
    }
}
