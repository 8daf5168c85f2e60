package io.squall.model.tensor;

import static io.squall.model.tensor.Blocks.SHORT_LE;
import static jdk.incubator.vector.VectorOperators.ADD;
import static jdk.incubator.vector.VectorOperators.B2F;
import static jdk.incubator.vector.VectorOperators.LSHL;
import static jdk.incubator.vector.VectorOperators.LSHR;
import static jdk.incubator.vector.VectorOperators.S2I;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

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

    private VectorDots() {
    }

    private static VectorSpecies<Float> floatSpecies() {
        int bits = Integer.getInteger("squall.vectorBits", FloatVector.SPECIES_PREFERRED.vectorBitSize());
        return bits >= 512 ? FloatVector.SPECIES_512 : FloatVector.SPECIES_256;   // lanes must be 8 or 16
    }

    /** Row {@code base} (byte offset) of {@code type} with {@code cols} elements, dotted with x[xo..xo+cols). */
    static float dot(GGMLType type, MemorySegment w, long base, float[] x, int xo, int cols) {
        return switch (type) {
            case Q8_0 -> q8_0(w, base, x, xo, cols);
            case Q4_0 -> q4_0(w, base, x, xo, cols);
            case Q4_K -> q4_K(w, base, x, xo, cols);
            case Q6_K -> q6_K(w, base, x, xo, cols);
            case F16 -> f16(w, base, x, xo, cols);
            case BF16 -> bf16(w, base, x, xo, cols);
            case F32 -> f32(w, base, x, xo, cols);
            default -> throw new IllegalArgumentException("no dot product for " + type);
        };
    }

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
        return acc.reduceLanes(ADD);
    }

    static float q4_0(MemorySegment w, long base, float[] x, int xo, int cols) {
        FloatVector acc = FloatVector.zero(F);
        int blocks = cols / 32;
        for (int b = 0; b < blocks; b++) {
            long o = base + (long) b * Blocks.Q4_0_BYTES;
            float d = Float.float16ToFloat(w.get(SHORT_LE, o));
            int xi = xo + b * 32;
            FloatVector s = FloatVector.zero(F);
            for (int j = 0; j < 16; j += L) {
                ByteVector v = ByteVector.fromMemorySegment(B, w, o + 2 + j, LE);
                FloatVector lo = bytesToFloats(v.and((byte) 0xF).sub((byte) 8));
                FloatVector hi = bytesToFloats(v.lanewise(LSHR, 4).sub((byte) 8));
                s = lo.fma(FloatVector.fromArray(F, x, xi + j), s);
                s = hi.fma(FloatVector.fromArray(F, x, xi + 16 + j), s);
            }
            acc = s.fma(FloatVector.broadcast(F, d), acc);
        }
        return acc.reduceLanes(ADD);
    }

    static float q4_K(MemorySegment w, long base, float[] x, int xo, int cols) {
        FloatVector acc = FloatVector.zero(F);
        int superBlocks = cols / 256;
        for (int sb = 0; sb < superBlocks; sb++) {
            long o = base + (long) sb * Blocks.Q4_K_BYTES;
            float d = Float.float16ToFloat(w.get(SHORT_LE, o));
            float dmin = Float.float16ToFloat(w.get(SHORT_LE, o + 2));
            long scales = o + 4;
            for (int g = 0; g < 4; g++) {
                int xi = xo + sb * 256 + 64 * g;
                long qs = o + 16 + 32 * g;
                FloatVector sLo = FloatVector.zero(F);
                FloatVector sHi = FloatVector.zero(F);
                FloatVector xLo = FloatVector.zero(F);
                FloatVector xHi = FloatVector.zero(F);
                for (int j = 0; j < 32; j += L) {
                    ByteVector v = ByteVector.fromMemorySegment(B, w, qs + j, LE);
                    FloatVector x1 = FloatVector.fromArray(F, x, xi + j);
                    FloatVector x2 = FloatVector.fromArray(F, x, xi + 32 + j);
                    sLo = bytesToFloats(v.and((byte) 0xF)).fma(x1, sLo);
                    sHi = bytesToFloats(v.lanewise(LSHR, 4)).fma(x2, sHi);
                    xLo = xLo.add(x1);
                    xHi = xHi.add(x2);
                }
                acc = sLo.fma(FloatVector.broadcast(F, d * Blocks.scaleK4(w, scales, 2 * g)), acc);
                acc = xLo.fma(FloatVector.broadcast(F, -dmin * Blocks.minK4(w, scales, 2 * g)), acc);
                acc = sHi.fma(FloatVector.broadcast(F, d * Blocks.scaleK4(w, scales, 2 * g + 1)), acc);
                acc = xHi.fma(FloatVector.broadcast(F, -dmin * Blocks.minK4(w, scales, 2 * g + 1)), acc);
            }
        }
        return acc.reduceLanes(ADD);
    }

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
                    int is = l / 16;
                    ByteVector a = ByteVector.fromMemorySegment(B, w, ql + l, LE);
                    ByteVector b = ByteVector.fromMemorySegment(B, w, ql + 32 + l, LE);
                    ByteVector hb = ByteVector.fromMemorySegment(B, w, qh + l, LE);
                    ByteVector q1 = a.and((byte) 0xF).or(hb.lanewise(LSHL, 4).and((byte) 0x30)).sub((byte) 32);
                    ByteVector q2 = b.and((byte) 0xF).or(hb.lanewise(LSHL, 2).and((byte) 0x30)).sub((byte) 32);
                    ByteVector q3 = a.lanewise(LSHR, 4).or(hb.and((byte) 0x30)).sub((byte) 32);
                    ByteVector q4 = b.lanewise(LSHR, 4).or(hb.lanewise(LSHR, 2).and((byte) 0x30)).sub((byte) 32);
                    FloatVector p1 = bytesToFloats(q1).mul(FloatVector.fromArray(F, x, xi + l));
                    FloatVector p2 = bytesToFloats(q2).mul(FloatVector.fromArray(F, x, xi + 32 + l));
                    FloatVector p3 = bytesToFloats(q3).mul(FloatVector.fromArray(F, x, xi + 64 + l));
                    FloatVector p4 = bytesToFloats(q4).mul(FloatVector.fromArray(F, x, xi + 96 + l));
                    acc = p1.fma(FloatVector.broadcast(F, d * w.get(Blocks.BYTE, sc + is)), acc);
                    acc = p2.fma(FloatVector.broadcast(F, d * w.get(Blocks.BYTE, sc + is + 2)), acc);
                    acc = p3.fma(FloatVector.broadcast(F, d * w.get(Blocks.BYTE, sc + is + 4)), acc);
                    acc = p4.fma(FloatVector.broadcast(F, d * w.get(Blocks.BYTE, sc + is + 6)), acc);
                }
            }
        }
        return acc.reduceLanes(ADD);
    }

    static float f32(MemorySegment w, long base, float[] x, int xo, int cols) {
        FloatVector acc = FloatVector.zero(F);
        int i = 0;
        for (; i <= cols - L; i += L) {
            acc = FloatVector.fromMemorySegment(F, w, base + 4L * i, LE).fma(FloatVector.fromArray(F, x, xo + i), acc);
        }
        float sum = acc.reduceLanes(ADD);
        for (; i < cols; i++) {
            sum += w.get(Blocks.FLOAT_LE, base + 4L * i) * x[xo + i];
        }
        return sum;
    }

    static float f16(MemorySegment w, long base, float[] x, int xo, int cols) {
        FloatVector acc = FloatVector.zero(F);
        int i = 0;
        for (; i <= cols - L; i += L) {
            acc = halfToFloat(ShortVector.fromMemorySegment(S, w, base + 2L * i, LE)).fma(FloatVector.fromArray(F, x, xo + i), acc);
        }
        float sum = acc.reduceLanes(ADD);
        for (; i < cols; i++) {
            sum += Float.float16ToFloat(w.get(SHORT_LE, base + 2L * i)) * x[xo + i];
        }
        return sum;
    }

    static float bf16(MemorySegment w, long base, float[] x, int xo, int cols) {
        FloatVector acc = FloatVector.zero(F);
        int i = 0;
        for (; i <= cols - L; i += L) {
            IntVector h = (IntVector) ShortVector.fromMemorySegment(S, w, base + 2L * i, LE).convertShape(S2I, I, 0);
            acc = h.lanewise(LSHL, 16).reinterpretAsFloats().fma(FloatVector.fromArray(F, x, xo + i), acc);
        }
        float sum = acc.reduceLanes(ADD);
        for (; i < cols; i++) {
            sum += Blocks.bf16(w.get(SHORT_LE, base + 2L * i)) * x[xo + i];
        }
        return sum;
    }

    /**
     * IEEE half to float by bit manipulation (the Vector API has no half lanes): the exponent and mantissa
     * shifted into float position and scaled by 2^112 gives normals and subnormals; Inf/NaN are patched.
     */
    static FloatVector halfToFloat(ShortVector halves) {
        IntVector h = (IntVector) halves.convertShape(S2I, I, 0);
        IntVector magnitude = h.and(0x7FFF);
        IntVector sign = h.and(0x8000).lanewise(LSHL, 16);
        IntVector shifted = magnitude.lanewise(LSHL, 13);
        IntVector bits = shifted.reinterpretAsFloats().mul(0x1p112f).reinterpretAsInts();
        VectorMask<Integer> special = magnitude.compare(VectorOperators.GE, 0x7C00);
        bits = bits.blend(shifted.or(0x7F800000), special);
        return bits.or(sign).reinterpretAsFloats();
    }

    /** out[k] = w . x[xOffsets[k]..], for a dequantized row w; four batch rows at a time share each load of w. */
    static void dotBatch(float[] w, int cols, float[] x, int batch, float[] out, int outStride, int outIndex) {
        int b = 0;
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
                FloatVector wv = FloatVector.fromArray(F, w, i);
                a0 = wv.fma(FloatVector.fromArray(F, x, x0 + i), a0);
                a1 = wv.fma(FloatVector.fromArray(F, x, x1 + i), a1);
                a2 = wv.fma(FloatVector.fromArray(F, x, x2 + i), a2);
                a3 = wv.fma(FloatVector.fromArray(F, x, x3 + i), a3);
            }
            float s0 = a0.reduceLanes(ADD);
            float s1 = a1.reduceLanes(ADD);
            float s2 = a2.reduceLanes(ADD);
            float s3 = a3.reduceLanes(ADD);
            for (; i < cols; i++) {
                s0 += w[i] * x[x0 + i];
                s1 += w[i] * x[x1 + i];
                s2 += w[i] * x[x2 + i];
                s3 += w[i] * x[x3 + i];
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
                a0 = FloatVector.fromArray(F, w, i).fma(FloatVector.fromArray(F, x, x0 + i), a0);
            }
            float s0 = a0.reduceLanes(ADD);
            for (; i < cols; i++) {
                s0 += w[i] * x[x0 + i];
            }
            out[b * outStride + outIndex] = s0;
        }
    }
}
