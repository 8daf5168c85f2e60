package io.squall.model.tensor;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;

import static io.squall.model.tensor.Blocks.SHORT_LE;
import static jdk.incubator.vector.VectorOperators.B2F;
import static jdk.incubator.vector.VectorOperators.LSHL;
import static jdk.incubator.vector.VectorOperators.LSHR;
import static jdk.incubator.vector.VectorOperators.S2I;
import static jdk.incubator.vector.VectorOperators.XOR;

/**
 * Fused dequantize-and-dot kernels with the Vector API: each reads one weight row straight from its
 * GGUF bytes and multiplies it with a float vector. L float lanes (8 with AVX2, 16 with AVX-512;
 * {@code -Dsquall.vectorBits=256} forces 8) take L bytes of quants at a time, widened to floats.
 * Block scales are applied once per block (or sub-block), so nothing is reduced across lanes until the end.
 */
final class VectorDots {
    static final VectorSpecies<Float> F = floatSpecies();
    static final int L = F.length();
    private static final VectorSpecies<Byte> B = VectorSpecies.of(byte.class, VectorShape.forBitSize(L * 8));
    private static final VectorSpecies<Short> S = VectorSpecies.of(short.class, VectorShape.forBitSize(L * 16));
    private static final VectorSpecies<Integer> I = VectorSpecies.of(int.class, F.vectorShape());
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final ByteVector LOW_NIBBLE = ByteVector.broadcast(B, (byte) 0x0F);
    private static final ByteVector HIGH_NIBBLE = ByteVector.broadcast(B, (byte) 0xF0);
    private static final ByteVector SIGN_BIT = ByteVector.broadcast(B, (byte) 0x80);
    private static final ByteVector BITS_4_5 = ByteVector.broadcast(B, (byte) 0x30);
    private static final ByteVector THIRTY_TWO = ByteVector.broadcast(B, (byte) 32);

    private VectorDots() {}

    private static VectorSpecies<Float> floatSpecies() {
        int bits = Integer.getInteger("squall.vectorBits", FloatVector.SPECIES_PREFERRED.vectorBitSize());
        return bits >= 512 ? FloatVector.SPECIES_512 : FloatVector.SPECIES_256; // lanes must be 8 or 16
    }

    /**
     * The kernels for one type. Products call them through this class, one subclass per type, so that C2
     * compiles each kernel as its own unit: a switch over all types would inline every kernel into one method
     * and exceed C2's inlining node budget, leaving vector operations un-intrinsified (and boxed).
     */
    abstract static class RowDots {
        /** Row at byte {@code base} with {@code cols} elements, dotted with x[xo..xo+cols). */
        abstract float dot(MemorySegment w, long base, float[] x, int xo, int cols);

        /**
         * Four consecutive rows from byte {@code base} dotted with the same x, into out[o..o+4). Sharing each load
         * of x between rows keeps x (32 KiB for 8192 columns) from competing with the weight stream for L1.
         * Must give exactly the results of {@link #dot}, so grouping never changes an answer.
         */
        abstract void dot4(MemorySegment w, long base, long rowBytes, float[] x, int xo, int cols, float[] out, int o);

        /**
         * Rows [r0, r1) (row r at byte r * rowBytes) dotted with x into out[o + r]: four rows at a time by default.
         * A type may order its rows otherwise (Q8_0 does: {@link #q8_0Rows}); each row's result is {@link #dot}'s.
         */
        void dotRows(MemorySegment w, long rowBytes, float[] x, int xo, int cols, float[] out, int o, int r0, int r1) {
            int r = r0;
            for (; r + 4 <= r1; r += 4) {
                dot4(w, r * rowBytes, rowBytes, x, xo, cols, out, o + r);
            }
            for (; r < r1; r++) {
                out[o + r] = dot(w, r * rowBytes, x, xo, cols);
            }
        }

        /** Decodes the row at byte {@code base} into dst[dstOffset..+cols) (batched products decode each row once). */
        void decode(GGMLType type, MemorySegment w, long base, float[] dst, int dstOffset, int cols) {
            long firstElement = base / type.typeSize() * type.blockSize();
            Dequantizer.dequantize(type, w, firstElement, dst, dstOffset, cols);
        }
    }

    static RowDots kernel(GGMLType type) {
        return switch (type) {
            case Q8_0 ->
                new RowDots() {
                    float dot(MemorySegment w, long base, float[] x, int xo, int cols) {
                        return q8_0(w, base, x, xo, cols);
                    }

                    void dot4(
                            MemorySegment w,
                            long base,
                            long rowBytes,
                            float[] x,
                            int xo,
                            int cols,
                            float[] out,
                            int o) {
                        q8_0x4(w, base, rowBytes, x, xo, cols, out, o, 1);
                    }

                    void dotRows(
                            MemorySegment w,
                            long rowBytes,
                            float[] x,
                            int xo,
                            int cols,
                            float[] out,
                            int o,
                            int r0,
                            int r1) {
                        q8_0Rows(w, rowBytes, x, xo, cols, out, o, r0, r1);
                    }

                    /*
                     * Q8_0 prompts (WeightMatrix.rowsBatch) decode rows to floats and multiply in float FMAs: no 16-bit
                     * integer formulation of 8-bit weights times 8-bit x beats them here. A product of two int8 fits 16
                     * bits but two of them barely do, so InterleavedQ4_0Batch's scheme (16 products summed per 16-bit
                     * lane) needs the weights split into nibbles (w = 16 hi + lo, two multiplies and adds per weight):
                     * measured 28.6 against 40 G multiply-adds per second for this float path (one thread, 2048 x 2048,
                     * batch 32, decode excluded from the integer figure, two-vector tiles; four-vector tiles boxed their
                     * vectors; shared VM, 2026-12-05). llama.cpp's vpdpbusd / vpmaddubsw have no Vector API form.
                     */
                    void decode(GGMLType type, MemorySegment w, long base, float[] dst, int dstOffset, int cols) {
                        for (int b = 0; b < cols / 32; b++) {
                            long o = base + (long) b * Blocks.Q8_0_BYTES;
                            float d = Blocks.half(w, o);
                            for (int j = 0; j < 32; j += L) {
                                bytesToFloats(ByteVector.fromMemorySegment(B, w, o + 2 + j, LE))
                                        .mul(d)
                                        .intoArray(dst, dstOffset + 32 * b + j);
                            }
                        }
                    }
                };
            case Q4_0 ->
                new RowDots() {
                    float dot(MemorySegment w, long base, float[] x, int xo, int cols) {
                        return q4_0(w, base, x, xo, cols);
                    }

                    void dot4(
                            MemorySegment w,
                            long base,
                            long rowBytes,
                            float[] x,
                            int xo,
                            int cols,
                            float[] out,
                            int o) {
                        q4_0x2(w, base, rowBytes, x, xo, cols, out, o);
                        q4_0x2(w, base + 2 * rowBytes, rowBytes, x, xo, cols, out, o + 2);
                    }

                    void decode(GGMLType type, MemorySegment w, long base, float[] dst, int dstOffset, int cols) {
                        for (int b = 0; b < cols / 32; b++) {
                            long o = base + (long) b * Blocks.Q4_0_BYTES;
                            float d = Blocks.half(w, o);
                            for (int j = 0; j < 16; j += L) {
                                ByteVector v = ByteVector.fromMemorySegment(B, w, o + 2 + j, LE);
                                bytesToFloats(v.and(LOW_NIBBLE)).sub(8f).mul(d).intoArray(dst, dstOffset + 32 * b + j);
                                bytesToFloats(v.and(HIGH_NIBBLE).lanewise(XOR, SIGN_BIT))
                                        .mul(d * 0.0625f)
                                        .intoArray(dst, dstOffset + 32 * b + 16 + j);
                            }
                        }
                    }
                };
            case Q4_K ->
                new RowDots() {
                    float dot(MemorySegment w, long base, float[] x, int xo, int cols) {
                        return q4_K(w, base, x, xo, cols);
                    }

                    void dot4(
                            MemorySegment w,
                            long base,
                            long rowBytes,
                            float[] x,
                            int xo,
                            int cols,
                            float[] out,
                            int o) {
                        for (int r = 0; r < 4; r++) { // per type, so that no call site mixes kernels
                            out[o + r] = q4_K(w, base + r * rowBytes, x, xo, cols);
                        }
                    }

                    void decode(GGMLType type, MemorySegment w, long base, float[] dst, int dstOffset, int cols) {
                        decodeQ4_K(w, base, dst, dstOffset, cols);
                    }
                };
            case Q6_K ->
                new RowDots() {
                    float dot(MemorySegment w, long base, float[] x, int xo, int cols) {
                        return q6_K(w, base, x, xo, cols);
                    }

                    void dot4(
                            MemorySegment w,
                            long base,
                            long rowBytes,
                            float[] x,
                            int xo,
                            int cols,
                            float[] out,
                            int o) {
                        for (int r = 0; r < 4; r++) { // per type, so that no call site mixes kernels
                            out[o + r] = q6_K(w, base + r * rowBytes, x, xo, cols);
                        }
                    }

                    void decode(GGMLType type, MemorySegment w, long base, float[] dst, int dstOffset, int cols) {
                        decodeQ6_K(w, base, dst, dstOffset, cols);
                    }
                };
            case F16 ->
                new RowDots() {
                    float dot(MemorySegment w, long base, float[] x, int xo, int cols) {
                        return f16(w, base, x, xo, cols);
                    }

                    void dot4(
                            MemorySegment w,
                            long base,
                            long rowBytes,
                            float[] x,
                            int xo,
                            int cols,
                            float[] out,
                            int o) {
                        for (int r = 0; r < 4; r++) { // per type, so that no call site mixes kernels
                            out[o + r] = f16(w, base + r * rowBytes, x, xo, cols);
                        }
                    }

                    void decode(GGMLType type, MemorySegment w, long base, float[] dst, int dstOffset, int cols) {
                        int i = 0;
                        for (; i <= cols - L; i += L) {
                            IntVector h = (IntVector) ShortVector.fromMemorySegment(S, w, base + 2L * i, LE)
                                    .convertShape(S2I, I, 0);
                            IntVector magnitude = h.and(0x7FFF);
                            IntVector shifted = magnitude.lanewise(LSHL, 13);
                            IntVector bits = shifted.reinterpretAsFloats()
                                    .mul(0x1p112f)
                                    .reinterpretAsInts()
                                    .blend(shifted.or(0x7F800000), magnitude.compare(VectorOperators.GE, 0x7C00));
                            FloatVector wv =
                                    bits.or(h.and(0x8000).lanewise(LSHL, 16)).reinterpretAsFloats();
                            wv.intoArray(dst, dstOffset + i); // same conversion as f16()
                        }
                        for (; i < cols; i++) {
                            dst[dstOffset + i] = Blocks.half(w, base + 2L * i);
                        }
                    }
                };
            case BF16 ->
                new RowDots() {
                    float dot(MemorySegment w, long base, float[] x, int xo, int cols) {
                        return bf16(w, base, x, xo, cols);
                    }

                    void dot4(
                            MemorySegment w,
                            long base,
                            long rowBytes,
                            float[] x,
                            int xo,
                            int cols,
                            float[] out,
                            int o) {
                        for (int r = 0; r < 4; r++) { // per type, so that no call site mixes kernels
                            out[o + r] = bf16(w, base + r * rowBytes, x, xo, cols);
                        }
                    }
                };
            case F32 ->
                new RowDots() {
                    float dot(MemorySegment w, long base, float[] x, int xo, int cols) {
                        return f32(w, base, x, xo, cols);
                    }

                    void dot4(
                            MemorySegment w,
                            long base,
                            long rowBytes,
                            float[] x,
                            int xo,
                            int cols,
                            float[] out,
                            int o) {
                        for (int r = 0; r < 4; r++) { // per type, so that no call site mixes kernels
                            out[o + r] = f32(w, base + r * rowBytes, x, xo, cols);
                        }
                    }
                };
            default -> FormatDots.kernel(type); // Q4_1, Q5_0, Q5_1, IQ4_NL, Q2_K, Q3_K, Q5_K, IQ4_XS
        };
    }

    private static FloatVector halfAt(MemorySegment w, long o) {
        return FloatVector.broadcast(F, Float.float16ToFloat(w.get(SHORT_LE, o)));
    }

    /** -Dsquall.matvec.q8Quarters=false: Q8_0 rows four consecutive at a time (the order before; for A/B checks). */
    private static final boolean Q8_QUARTERS =
            !"false".equalsIgnoreCase(System.getProperty("squall.matvec.q8Quarters"));

    /**
     * Q8_0 rows [r0, r1): four rows at a time sharing x's loads, taken from the four quarters of the range (rows
     * r0 + i + k q, q = (r1 - r0) / 4) rather than four consecutive rows. Four consecutive rows interleave four
     * streams within a few KB (2176 bytes apart at 2048 columns), which the hardware prefetchers follow badly: one
     * thread streamed 9.3 GB/s per CPU second of such rows from memory, 13.0 from the quarters, 16.7 one row at a time
     * (2048 columns; at 8192 columns: 14.1, 16.8 and 8.6, x no longer in L1), the plain read of the same bytes 18
     * (shared VM, load ~7, 2026-12-05). In the 1B Q8_0 model (2 threads): 85-88 against 136 CPU ms per token, and
     * 93-98 taking single rows for rows up to 4096 columns. Results are each row's {@link #q8_0}, whatever the order.
     */
    static void q8_0Rows(
            MemorySegment w, long rowBytes, float[] x, int xo, int cols, float[] out, int o, int r0, int r1) {
        int r = r0;
        if (Q8_QUARTERS) {
            int q = (r1 - r0) / 4;
            for (int i = 0; i < q; i++) {
                q8_0x4(w, (long) (r0 + i) * rowBytes, q * rowBytes, x, xo, cols, out, o + r0 + i, q);
            }
            r = r0 + 4 * q;
        } else {
            for (; r + 4 <= r1; r += 4) {
                q8_0x4(w, r * rowBytes, rowBytes, x, xo, cols, out, o + r, 1);
            }
        }
        for (; r < r1; r++) {
            out[o + r] = q8_0(w, r * rowBytes, x, xo, cols);
        }
    }

    /**
     * Four Q8_0 rows with float x. Q8_0 keeps float x (IntegerDots.supports): an integer kernel (bytes widened to
     * 16-bit lanes, times the 8-bit x, halves widened and summed, one convert per block; four rows, its vectors written
     * out to stay within C2's inlining budget) was 1.8x faster with the weights in cache but no faster streaming from
     * memory (8.8-11.9 against 12.3-13.2 GB/s per CPU second, one core, 2048 x 8192), and the 1B model's generation
     * took 147-153 against 139-140 CPU ms/token (2 threads, load 6-7, 2026-12-05): this stream is bound by memory,
     * at about llama.cpp's bytes per CPU second (12-13 GB/s). (Those were four consecutive rows; read from the quarters
     * of a range, {@link #q8_0Rows}, the float kernel streams faster, so the integer one may deserve a new measurement.)
     * Rows at byte base + k rowBytes, results to out[o + k outStride].
     */
    static void q8_0x4(
            MemorySegment w, long base, long rowBytes, float[] x, int xo, int cols, float[] out, int o, int outStride) {
        FloatVector acc0 = FloatVector.zero(F);
        FloatVector acc1 = FloatVector.zero(F);
        FloatVector acc2 = FloatVector.zero(F);
        FloatVector acc3 = FloatVector.zero(F);
        long r1 = base + rowBytes;
        long r2 = r1 + rowBytes;
        long r3 = r2 + rowBytes;
        int blocks = cols / 32;
        for (int b = 0; b < blocks; b++) {
            long bo = (long) b * Blocks.Q8_0_BYTES;
            int xi = xo + b * 32;
            FloatVector s0 = FloatVector.zero(F);
            FloatVector s1 = FloatVector.zero(F);
            FloatVector s2 = FloatVector.zero(F);
            FloatVector s3 = FloatVector.zero(F);
            for (int j = 0; j < 32; j += L) {
                FloatVector xv = FloatVector.fromArray(F, x, xi + j);
                s0 = bytesToFloats(ByteVector.fromMemorySegment(B, w, base + bo + 2 + j, LE))
                        .fma(xv, s0);
                s1 = bytesToFloats(ByteVector.fromMemorySegment(B, w, r1 + bo + 2 + j, LE))
                        .fma(xv, s1);
                s2 = bytesToFloats(ByteVector.fromMemorySegment(B, w, r2 + bo + 2 + j, LE))
                        .fma(xv, s2);
                s3 = bytesToFloats(ByteVector.fromMemorySegment(B, w, r3 + bo + 2 + j, LE))
                        .fma(xv, s3);
            }
            acc0 = s0.fma(halfAt(w, base + bo), acc0);
            acc1 = s1.fma(halfAt(w, r1 + bo), acc1);
            acc2 = s2.fma(halfAt(w, r2 + bo), acc2);
            acc3 = s3.fma(halfAt(w, r3 + bo), acc3);
        }
        out[o] = Lanes.sum(acc0);
        out[o + outStride] = Lanes.sum(acc1);
        out[o + 2 * outStride] = Lanes.sum(acc2);
        out[o + 3 * outStride] = Lanes.sum(acc3);
    }

    /** Two rows (four would exceed C2's inlining budget for this kernel and leave vectors boxed). */
    static void q4_0x2(MemorySegment w, long base, long rowBytes, float[] x, int xo, int cols, float[] out, int o) {
        FloatVector acc0 = FloatVector.zero(F);
        FloatVector acc1 = FloatVector.zero(F);
        long r1 = base + rowBytes;
        int blocks = cols / 32;
        for (int b = 0; b < blocks; b++) {
            long bo = (long) b * Blocks.Q4_0_BYTES;
            int xi = xo + b * 32;
            float d0 = Blocks.half(w, base + bo);
            float d1 = Blocks.half(w, r1 + bo);
            // sum((q - 8) x) = sum(q x) - 8 sum(x): the offset is applied once per block, shared by the rows.
            FloatVector xs = FloatVector.zero(F);
            FloatVector s0 = FloatVector.zero(F);
            FloatVector s1 = FloatVector.zero(F);
            for (int j = 0; j < 16; j += L) {
                FloatVector xlo = FloatVector.fromArray(F, x, xi + j);
                FloatVector xhi16 = FloatVector.fromArray(F, x, xi + 16 + j).mul(0.0625f);
                xs = xs.add(xlo);
                ByteVector v0 = ByteVector.fromMemorySegment(B, w, base + bo + 2 + j, LE);
                ByteVector v1 = ByteVector.fromMemorySegment(B, w, r1 + bo + 2 + j, LE);
                s0 = bytesToFloats(v0.and(HIGH_NIBBLE).lanewise(XOR, SIGN_BIT)).fma(xhi16, s0);
                s1 = bytesToFloats(v1.and(HIGH_NIBBLE).lanewise(XOR, SIGN_BIT)).fma(xhi16, s1);
                s0 = bytesToFloats(v0.and(LOW_NIBBLE)).fma(xlo, s0);
                s1 = bytesToFloats(v1.and(LOW_NIBBLE)).fma(xlo, s1);
            }
            FloatVector offset = xs.mul(-8f);
            acc0 = s0.add(offset).mul(d0).add(acc0);
            acc1 = s1.add(offset).mul(d1).add(acc1);
        }
        out[o] = Lanes.sum(acc0);
        out[o + 1] = Lanes.sum(acc1);
    }

    /*
     * Helpers that take or return vectors must stay under C2's always-inline size (35 bytecodes): one that is
     * not inlined boxes its vectors, which is two orders of magnitude slower. Larger pieces are written out.
     *
     * Q4_0 nibbles without shifts (x86 has no byte shift): the low nibble is v & 0x0F; the high nibble q is
     * taken as (v & 0xF0) ^ 0x80, which read as a signed byte is 16 * (q - 8), multiplied by x / 16 (exact).
     * The low nibbles' -8 is applied once per block as -8 * sum(x_low), shared by the rows.
     */

    private static FloatVector bytesToFloats(ByteVector v) {
        return (FloatVector) v.convertShape(B2F, F, 0);
    }

    static float q8_0(MemorySegment w, long base, float[] x, int xo, int cols) {
        FloatVector acc = FloatVector.zero(F);
        int blocks = cols / 32;
        for (int b = 0; b < blocks; b++) {
            long o = base + (long) b * Blocks.Q8_0_BYTES;
            float d = Float.float16ToFloat(w.get(SHORT_LE, o));
            int xi = xo + b * 32;
            FloatVector s = FloatVector.zero(F);
            for (int j = 0; j < 32; j += L) {
                FloatVector q = bytesToFloats(ByteVector.fromMemorySegment(B, w, o + 2 + j, LE));
                s = q.fma(FloatVector.fromArray(F, x, xi + j), s);
            }
            acc = s.fma(FloatVector.broadcast(F, d), acc);
        }
        return Lanes.sum(acc);
    }

    static float q4_0(MemorySegment w, long base, float[] x, int xo, int cols) {
        FloatVector acc = FloatVector.zero(F);
        int blocks = cols / 32;
        for (int b = 0; b < blocks; b++) {
            long o = base + (long) b * Blocks.Q4_0_BYTES;
            float d = Float.float16ToFloat(w.get(SHORT_LE, o));
            int xi = xo + b * 32;
            // Same arithmetic as q4_0x4, so results do not depend on how rows are grouped.
            FloatVector xs = FloatVector.zero(F);
            FloatVector s = FloatVector.zero(F);
            for (int j = 0; j < 16; j += L) {
                FloatVector xlo = FloatVector.fromArray(F, x, xi + j);
                FloatVector xhi16 = FloatVector.fromArray(F, x, xi + 16 + j).mul(0.0625f);
                xs = xs.add(xlo);
                ByteVector v = ByteVector.fromMemorySegment(B, w, o + 2 + j, LE);
                s = bytesToFloats(v.and(HIGH_NIBBLE).lanewise(XOR, SIGN_BIT)).fma(xhi16, s);
                s = bytesToFloats(v.and(LOW_NIBBLE)).fma(xlo, s);
            }
            acc = s.add(xs.mul(-8f)).mul(d).add(acc);
        }
        return Lanes.sum(acc);
    }

    static float q4_K(MemorySegment w, long base, float[] x, int xo, int cols) {
        FloatVector acc = FloatVector.zero(F);
        int superBlocks = cols / 256;
        for (int sb = 0; sb < superBlocks; sb++) {
            long o = base + (long) sb * Blocks.Q4_K_BYTES;
            float d = Blocks.half(w, o);
            float dmin = Blocks.half(w, o + 2);
            // the 12 scale bytes as three little-endian ints: bytes 0-3 (scales 0-3), 4-7 (mins 0-3), 8-11 (low bits of
            // 4-7)
            int sc03 = w.get(Blocks.INT_LE, o + 4);
            int mn03 = w.get(Blocks.INT_LE, o + 8);
            int hi47 = w.get(Blocks.INT_LE, o + 12);
            for (int g = 0; g < 4; g++) {
                float scaleLo = d * Blocks.scaleK4(sc03, hi47, 2 * g);
                float minLo = dmin * Blocks.minK4(mn03, hi47, 2 * g);
                float scaleHi = d * Blocks.scaleK4(sc03, hi47, 2 * g + 1);
                float minHi = dmin * Blocks.minK4(mn03, hi47, 2 * g + 1);
                int xi = xo + sb * 256 + 64 * g;
                long qs = o + 16 + 32 * g;
                // x = scale * q - min per sub-block; high nibbles are read as 16 * (q - 8), as in Q4_0.
                FloatVector sLo = FloatVector.zero(F);
                FloatVector sHi = FloatVector.zero(F);
                FloatVector xLo = FloatVector.zero(F);
                FloatVector xHi = FloatVector.zero(F);
                for (int j = 0; j < 32; j += L) {
                    ByteVector v = ByteVector.fromMemorySegment(B, w, qs + j, LE);
                    FloatVector x1 = FloatVector.fromArray(F, x, xi + j);
                    FloatVector x2 = FloatVector.fromArray(F, x, xi + 32 + j);
                    sLo = bytesToFloats(v.and(LOW_NIBBLE)).fma(x1, sLo);
                    sHi = bytesToFloats(v.and(HIGH_NIBBLE).lanewise(XOR, SIGN_BIT))
                            .fma(x2, sHi);
                    xLo = xLo.add(x1);
                    xHi = xHi.add(x2);
                }
                FloatVector t = sLo.mul(scaleLo);
                t = xLo.fma(FloatVector.broadcast(F, -minLo), t);
                t = sHi.fma(FloatVector.broadcast(F, scaleHi * 0.0625f), t);
                t = xHi.fma(FloatVector.broadcast(F, 8 * scaleHi - minHi), t);
                acc = acc.add(t); // one add per group on the loop-carried chain
            }
        }
        return Lanes.sum(acc);
    }

    /**
     * Q4_K row to floats for the batched product (the scalar decoder made prompts of Q4_K_M models decode-bound):
     * the same float operations as {@link Dequantizer}, d * sc * q - dmin * m per element, so the same values.
     */
    static void decodeQ4_K(MemorySegment w, long base, float[] dst, int dstOffset, int cols) {
        for (int sb = 0; sb < cols / 256; sb++) {
            long o = base + (long) sb * Blocks.Q4_K_BYTES;
            float d = Blocks.half(w, o);
            float dmin = Blocks.half(w, o + 2);
            int sc03 = w.get(Blocks.INT_LE, o + 4);
            int mn03 = w.get(Blocks.INT_LE, o + 8);
            int hi47 = w.get(Blocks.INT_LE, o + 12);
            for (int g = 0; g < 4; g++) {
                float scaleLo = d * Blocks.scaleK4(sc03, hi47, 2 * g);
                float minLo = dmin * Blocks.minK4(mn03, hi47, 2 * g);
                float scaleHi = d * Blocks.scaleK4(sc03, hi47, 2 * g + 1);
                float minHi = dmin * Blocks.minK4(mn03, hi47, 2 * g + 1);
                int di = dstOffset + sb * 256 + 64 * g;
                long qs = o + 16 + 32 * g;
                for (int j = 0; j < 32; j += L) {
                    ByteVector v = ByteVector.fromMemorySegment(B, w, qs + j, LE);
                    bytesToFloats(v.and(LOW_NIBBLE)).mul(scaleLo).sub(minLo).intoArray(dst, di + j);
                    bytesToFloats(v.lanewise(LSHR, 4)).mul(scaleHi).sub(minHi).intoArray(dst, di + 32 + j);
                }
            }
        }
    }

    /** Q6_K row to floats for the batched product: (d * sc) * (q - 32) per element, as {@link Dequantizer}. */
    static void decodeQ6_K(MemorySegment w, long base, float[] dst, int dstOffset, int cols) {
        for (int sb = 0; sb < cols / 256; sb++) {
            long o = base + (long) sb * Blocks.Q6_K_BYTES;
            float d = Float.float16ToFloat(w.get(SHORT_LE, o + 208));
            for (int h = 0; h < 2; h++) {
                long ql = o + 64 * h;
                long qh = o + 128 + 32 * h;
                long sc = o + 192 + 8 * h;
                int di = dstOffset + sb * 256 + 128 * h;
                for (int l = 0; l < 32; l += L) {
                    int is = l / 16;
                    ByteVector hb = ByteVector.fromMemorySegment(B, w, qh + l, LE);
                    ByteVector v0 = ByteVector.fromMemorySegment(B, w, ql + l, LE);
                    ByteVector v1 = ByteVector.fromMemorySegment(B, w, ql + 32 + l, LE);
                    // quarter k of the 128: low (k < 2) or high (k >= 2) nibble of ql[32 (k % 2) + l], qh bits 2k..2k+1
                    ByteVector q0 = v0.and(LOW_NIBBLE)
                            .or(hb.lanewise(LSHL, 4).and(BITS_4_5))
                            .sub(THIRTY_TWO);
                    ByteVector q1 = v1.and(LOW_NIBBLE)
                            .or(hb.lanewise(LSHL, 2).and(BITS_4_5))
                            .sub(THIRTY_TWO);
                    ByteVector q2 = v0.lanewise(LSHR, 4).or(hb.and(BITS_4_5)).sub(THIRTY_TWO);
                    ByteVector q3 = v1.lanewise(LSHR, 4)
                            .or(hb.lanewise(LSHR, 2).and(BITS_4_5))
                            .sub(THIRTY_TWO);
                    bytesToFloats(q0).mul(d * w.get(Blocks.BYTE, sc + is)).intoArray(dst, di + l);
                    bytesToFloats(q1).mul(d * w.get(Blocks.BYTE, sc + is + 2)).intoArray(dst, di + 32 + l);
                    bytesToFloats(q2).mul(d * w.get(Blocks.BYTE, sc + is + 4)).intoArray(dst, di + 64 + l);
                    bytesToFloats(q3).mul(d * w.get(Blocks.BYTE, sc + is + 6)).intoArray(dst, di + 96 + l);
                }
            }
        }
    }

    /** Byte-lane shifts here cost C2 a few instructions each on x86, still cheaper than decoding in int lanes. */
    static float q6_K(MemorySegment w, long base, float[] x, int xo, int cols) {
        FloatVector acc = FloatVector.zero(F);
        int superBlocks = cols / 256;
        for (int sb = 0; sb < superBlocks; sb++) {
            long o = base + (long) sb * Blocks.Q6_K_BYTES;
            float d = Float.float16ToFloat(w.get(SHORT_LE, o + 208));
            for (int h = 0; h < 2; h++) {
                long ql = o + 64 * h;
                long qh = o + 128 + 32 * h;
                long sc = o + 192 + 8 * h;
                int xi = xo + sb * 256 + 128 * h;
                for (int l = 0; l < 32; l += L) {
                    ByteVector hb = ByteVector.fromMemorySegment(B, w, qh + l, LE);
                    // pair p: ql[32p + l] holds quarter p (low nibble, qh bits 2p) and quarter p + 2 (high nibble,
                    // qh bits 2p + 4); a loop rather than four unrolled quarters keeps C2 within its inlining budget.
                    for (int p = 0; p < 2; p++) {
                        ByteVector v = ByteVector.fromMemorySegment(B, w, ql + 32 * p + l, LE);
                        ByteVector qLow = v.and(LOW_NIBBLE)
                                .or(hb.lanewise(LSHL, 4 - 2 * p).and(BITS_4_5))
                                .sub(THIRTY_TWO);
                        ByteVector qHigh = v.lanewise(LSHR, 4)
                                .and(LOW_NIBBLE)
                                .or(hb.lanewise(LSHR, 2 * p).and(BITS_4_5))
                                .sub(THIRTY_TWO);
                        int is = l / 16 + 2 * p;
                        FloatVector t = bytesToFloats(qLow)
                                .mul(FloatVector.fromArray(F, x, xi + 32 * p + l))
                                .mul(d * w.get(Blocks.BYTE, sc + is));
                        t = bytesToFloats(qHigh)
                                .mul(FloatVector.fromArray(F, x, xi + 64 + 32 * p + l))
                                .fma(FloatVector.broadcast(F, d * w.get(Blocks.BYTE, sc + is + 4)), t);
                        acc = acc.add(t);
                    }
                }
            }
        }
        return Lanes.sum(acc);
    }

    static float f32(MemorySegment w, long base, float[] x, int xo, int cols) {
        FloatVector acc = FloatVector.zero(F);
        int i = 0;
        for (; i <= cols - L; i += L) {
            acc = FloatVector.fromMemorySegment(F, w, base + 4L * i, LE).fma(FloatVector.fromArray(F, x, xo + i), acc);
        }
        float sum = Lanes.sum(acc);
        for (; i < cols; i++) {
            sum += w.get(Blocks.FLOAT_LE, base + 4L * i) * x[xo + i];
        }
        return sum;
    }

    /**
     * IEEE half to float by bit manipulation (the Vector API has no half lanes): exponent and mantissa shifted
     * into float position and scaled by 2^112 give normals and subnormals; Inf/NaN (exponent 31) are patched.
     */
    static float f16(MemorySegment w, long base, float[] x, int xo, int cols) {
        FloatVector acc = FloatVector.zero(F);
        int i = 0;
        for (; i <= cols - L; i += L) {
            IntVector h = (IntVector)
                    ShortVector.fromMemorySegment(S, w, base + 2L * i, LE).convertShape(S2I, I, 0);
            IntVector magnitude = h.and(0x7FFF);
            IntVector shifted = magnitude.lanewise(LSHL, 13);
            IntVector bits = shifted.reinterpretAsFloats()
                    .mul(0x1p112f)
                    .reinterpretAsInts()
                    .blend(shifted.or(0x7F800000), magnitude.compare(VectorOperators.GE, 0x7C00));
            FloatVector wv = bits.or(h.and(0x8000).lanewise(LSHL, 16)).reinterpretAsFloats();
            acc = wv.fma(FloatVector.fromArray(F, x, xo + i), acc);
        }
        float sum = Lanes.sum(acc);
        for (; i < cols; i++) {
            sum += Float.float16ToFloat(w.get(SHORT_LE, base + 2L * i)) * x[xo + i];
        }
        return sum;
    }

    static float bf16(MemorySegment w, long base, float[] x, int xo, int cols) {
        FloatVector acc = FloatVector.zero(F);
        int i = 0;
        for (; i <= cols - L; i += L) {
            IntVector h = (IntVector)
                    ShortVector.fromMemorySegment(S, w, base + 2L * i, LE).convertShape(S2I, I, 0);
            acc = h.lanewise(LSHL, 16).reinterpretAsFloats().fma(FloatVector.fromArray(F, x, xo + i), acc);
        }
        float sum = Lanes.sum(acc);
        for (; i < cols; i++) {
            sum += Blocks.bf16(w.get(SHORT_LE, base + 2L * i)) * x[xo + i];
        }
        return sum;
    }

    /**
     * The 4 x 4 block of a batched product: decoded rows w[wo + i*cols ..] (i < 4) dotted with batch vectors
     * x[(b + j)*cols ..] (j < 4), into out[(b + j)*outStride + row + i]. Each load of w serves four batch vectors
     * and each load of x four rows: 8 loads per 16 FMAs.
     */
    static void dotBlock4x4(float[] w, int cols, float[] x, int b, float[] out, int outStride, int row) {
        // the prompt tiles keep reduceLanes (C2's pairwise order; a cold JVM's interpreted first chunk rounds in
        // order): 16 calls of Lanes.sum overran the tile's inlining budget, 33 vs 25 CPU ms per Q8_0 prompt token
        int w1 = cols;
        int w2 = 2 * cols;
        int w3 = 3 * cols;
        int x0 = b * cols;
        int x1 = x0 + cols;
        int x2 = x1 + cols;
        int x3 = x2 + cols;
        FloatVector a00 = FloatVector.zero(F),
                a01 = FloatVector.zero(F),
                a02 = FloatVector.zero(F),
                a03 = FloatVector.zero(F);
        FloatVector a10 = FloatVector.zero(F),
                a11 = FloatVector.zero(F),
                a12 = FloatVector.zero(F),
                a13 = FloatVector.zero(F);
        FloatVector a20 = FloatVector.zero(F),
                a21 = FloatVector.zero(F),
                a22 = FloatVector.zero(F),
                a23 = FloatVector.zero(F);
        FloatVector a30 = FloatVector.zero(F),
                a31 = FloatVector.zero(F),
                a32 = FloatVector.zero(F),
                a33 = FloatVector.zero(F);
        int i = 0;
        for (; i <= cols - L; i += L) {
            FloatVector v0 = FloatVector.fromArray(F, x, x0 + i);
            FloatVector v1 = FloatVector.fromArray(F, x, x1 + i);
            FloatVector v2 = FloatVector.fromArray(F, x, x2 + i);
            FloatVector v3 = FloatVector.fromArray(F, x, x3 + i);
            FloatVector r0 = FloatVector.fromArray(F, w, i);
            a00 = r0.fma(v0, a00);
            a01 = r0.fma(v1, a01);
            a02 = r0.fma(v2, a02);
            a03 = r0.fma(v3, a03);
            FloatVector r1 = FloatVector.fromArray(F, w, w1 + i);
            a10 = r1.fma(v0, a10);
            a11 = r1.fma(v1, a11);
            a12 = r1.fma(v2, a12);
            a13 = r1.fma(v3, a13);
            FloatVector r2 = FloatVector.fromArray(F, w, w2 + i);
            a20 = r2.fma(v0, a20);
            a21 = r2.fma(v1, a21);
            a22 = r2.fma(v2, a22);
            a23 = r2.fma(v3, a23);
            FloatVector r3 = FloatVector.fromArray(F, w, w3 + i);
            a30 = r3.fma(v0, a30);
            a31 = r3.fma(v1, a31);
            a32 = r3.fma(v2, a32);
            a33 = r3.fma(v3, a33);
        }
        int o = row;
        finish(a00.reduceLanes(VectorOperators.ADD), w, 0, x, x0, i, cols, out, b * outStride + o);
        finish(a01.reduceLanes(VectorOperators.ADD), w, 0, x, x1, i, cols, out, (b + 1) * outStride + o);
        finish(a02.reduceLanes(VectorOperators.ADD), w, 0, x, x2, i, cols, out, (b + 2) * outStride + o);
        finish(a03.reduceLanes(VectorOperators.ADD), w, 0, x, x3, i, cols, out, (b + 3) * outStride + o);
        finish(a10.reduceLanes(VectorOperators.ADD), w, w1, x, x0, i, cols, out, b * outStride + o + 1);
        finish(a11.reduceLanes(VectorOperators.ADD), w, w1, x, x1, i, cols, out, (b + 1) * outStride + o + 1);
        finish(a12.reduceLanes(VectorOperators.ADD), w, w1, x, x2, i, cols, out, (b + 2) * outStride + o + 1);
        finish(a13.reduceLanes(VectorOperators.ADD), w, w1, x, x3, i, cols, out, (b + 3) * outStride + o + 1);
        finish(a20.reduceLanes(VectorOperators.ADD), w, w2, x, x0, i, cols, out, b * outStride + o + 2);
        finish(a21.reduceLanes(VectorOperators.ADD), w, w2, x, x1, i, cols, out, (b + 1) * outStride + o + 2);
        finish(a22.reduceLanes(VectorOperators.ADD), w, w2, x, x2, i, cols, out, (b + 2) * outStride + o + 2);
        finish(a23.reduceLanes(VectorOperators.ADD), w, w2, x, x3, i, cols, out, (b + 3) * outStride + o + 2);
        finish(a30.reduceLanes(VectorOperators.ADD), w, w3, x, x0, i, cols, out, b * outStride + o + 3);
        finish(a31.reduceLanes(VectorOperators.ADD), w, w3, x, x1, i, cols, out, (b + 1) * outStride + o + 3);
        finish(a32.reduceLanes(VectorOperators.ADD), w, w3, x, x2, i, cols, out, (b + 2) * outStride + o + 3);
        finish(a33.reduceLanes(VectorOperators.ADD), w, w3, x, x3, i, cols, out, (b + 3) * outStride + o + 3);
    }

    /** Adds the scalar tail [from, cols) to a block sum and stores it. */
    private static void finish(
            float sum, float[] w, int wo, float[] x, int xo, int from, int cols, float[] out, int index) {
        for (int k = from; k < cols; k++) {
            sum += w[wo + k] * x[xo + k];
        }
        out[index] = sum;
    }

    /** out[b*outStride + outIndex] = w[wo..wo+cols) . x_b for b in [bStart, batch); four batch vectors share each load of w. */
    static void dotBatch(
            float[] w, int wo, int cols, float[] x, int bStart, int batch, float[] out, int outStride, int outIndex) {
        int b = bStart;
        for (; b + 4 <= batch; b += 4) {
            int x0 = b * cols;
            int x1 = x0 + cols;
            int x2 = x1 + cols;
            int x3 = x2 + cols;
            FloatVector a0 = FloatVector.zero(F);
            FloatVector a1 = FloatVector.zero(F);
            FloatVector a2 = FloatVector.zero(F);
            FloatVector a3 = FloatVector.zero(F);
            int i = 0;
            for (; i <= cols - L; i += L) {
                FloatVector wv = FloatVector.fromArray(F, w, wo + i);
                a0 = wv.fma(FloatVector.fromArray(F, x, x0 + i), a0);
                a1 = wv.fma(FloatVector.fromArray(F, x, x1 + i), a1);
                a2 = wv.fma(FloatVector.fromArray(F, x, x2 + i), a2);
                a3 = wv.fma(FloatVector.fromArray(F, x, x3 + i), a3);
            }
            float s0 = a0.reduceLanes(VectorOperators.ADD);
            float s1 = a1.reduceLanes(VectorOperators.ADD);
            float s2 = a2.reduceLanes(VectorOperators.ADD);
            float s3 = a3.reduceLanes(VectorOperators.ADD);
            for (; i < cols; i++) {
                s0 += w[wo + i] * x[x0 + i];
                s1 += w[wo + i] * x[x1 + i];
                s2 += w[wo + i] * x[x2 + i];
                s3 += w[wo + i] * x[x3 + i];
            }
            out[b * outStride + outIndex] = s0;
            out[(b + 1) * outStride + outIndex] = s1;
            out[(b + 2) * outStride + outIndex] = s2;
            out[(b + 3) * outStride + outIndex] = s3;
        }
        for (; b < batch; b++) {
            int x0 = b * cols;
            FloatVector a0 = FloatVector.zero(F);
            int i = 0;
            for (; i <= cols - L; i += L) {
                a0 = FloatVector.fromArray(F, w, wo + i).fma(FloatVector.fromArray(F, x, x0 + i), a0);
            }
            float s0 = a0.reduceLanes(VectorOperators.ADD);
            for (; i < cols; i++) {
                s0 += w[wo + i] * x[x0 + i];
            }
            out[b * outStride + outIndex] = s0;
        }
    }
}
