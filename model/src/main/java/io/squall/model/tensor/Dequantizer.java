package io.squall.model.tensor;

import java.lang.foreign.MemorySegment;
import java.util.Objects;

import static io.squall.model.tensor.Blocks.BYTE;
import static io.squall.model.tensor.Blocks.FLOAT_LE;
import static io.squall.model.tensor.Blocks.INT_LE;
import static io.squall.model.tensor.Blocks.IQ4_VALUES;
import static io.squall.model.tensor.Blocks.SHORT_LE;
import static io.squall.model.tensor.Blocks.bf16;
import static io.squall.model.tensor.Blocks.half;
import static io.squall.model.tensor.Blocks.minK4;
import static io.squall.model.tensor.Blocks.requireSupported;
import static io.squall.model.tensor.Blocks.scaleIq4Xs;
import static io.squall.model.tensor.Blocks.scaleK3;
import static io.squall.model.tensor.Blocks.scaleK4;
import static io.squall.model.tensor.Blocks.u8;

/** Decodes GGUF tensor data (ggml block layouts, see {@link Blocks}) to floats. */
public final class Dequantizer {
    private Dequantizer() {}

    /**
     * Decodes {@code count} elements starting at element {@code firstElement} of the tensor data {@code src}
     * into {@code dst[dstOffset..]}. Any element range works; partial blocks at either end are decoded whole
     * and cut.
     */
    public static void dequantize(
            GGMLType type, MemorySegment src, long firstElement, float[] dst, int dstOffset, int count) {
        Objects.requireNonNull(type, "type");
        requireSupported(type, "dequantize");
        Objects.checkFromIndexSize(dstOffset, count, dst.length);
        if (firstElement < 0 || count < 0) {
            throw new IllegalArgumentException("negative element range: first " + firstElement + ", count " + count);
        }
        int bs = type.blockSize();
        long firstBlock = firstElement / bs;
        long endBlock = (firstElement + count + bs - 1) / bs;
        long needBytes = endBlock * type.typeSize();
        if (needBytes > src.byteSize()) {
            throw new IndexOutOfBoundsException(type + " elements [" + firstElement + ", " + (firstElement + count)
                    + ") need " + needBytes + " bytes of data but the segment has " + src.byteSize());
        }
        switch (type) {
            case F32 -> {
                for (int i = 0; i < count; i++) {
                    dst[dstOffset + i] = src.get(FLOAT_LE, (firstElement + i) * 4);
                }
            }
            case F16 -> {
                for (int i = 0; i < count; i++) {
                    dst[dstOffset + i] = half(src, (firstElement + i) * 2);
                }
            }
            case BF16 -> {
                for (int i = 0; i < count; i++) {
                    dst[dstOffset + i] = bf16(src.get(SHORT_LE, (firstElement + i) * 2));
                }
            }
            default -> {
                float[] partial = null;
                int written = 0;
                for (long b = firstBlock; b < endBlock; b++) {
                    long blockStart = b * bs;
                    int from = (int) Math.max(0, firstElement - blockStart);
                    int to = (int) Math.min(bs, firstElement + count - blockStart);
                    long offset = b * type.typeSize();
                    if (from == 0 && to == bs) {
                        decodeBlock(type, src, offset, dst, dstOffset + written);
                    } else {
                        if (partial == null) {
                            partial = new float[bs];
                        }
                        decodeBlock(type, src, offset, partial, 0);
                        System.arraycopy(partial, from, dst, dstOffset + written, to - from);
                    }
                    written += to - from;
                }
            }
        }
    }

    /** Decodes one whole block of a block-quantized type at byte {@code offset} into {@code dst[d..d+blockSize)}. */
    static void decodeBlock(GGMLType type, MemorySegment s, long offset, float[] dst, int d) {
        switch (type) {
            case Q8_0 -> {
                float scale = half(s, offset);
                for (int j = 0; j < 32; j++) {
                    dst[d + j] = scale * s.get(BYTE, offset + 2 + j);
                }
            }
            case Q4_0 -> {
                float scale = half(s, offset);
                for (int j = 0; j < 16; j++) {
                    int q = u8(s, offset + 2 + j);
                    dst[d + j] = scale * ((q & 0xF) - 8);
                    dst[d + j + 16] = scale * ((q >>> 4) - 8);
                }
            }
            case Q4_K -> {
                float scale = half(s, offset);
                float minScale = half(s, offset + 2);
                long scales = offset + 4;
                long qs = offset + 16;
                for (int g = 0; g < 4; g++) {
                    float d1 = scale * scaleK4(s, scales, 2 * g);
                    float m1 = minScale * minK4(s, scales, 2 * g);
                    float d2 = scale * scaleK4(s, scales, 2 * g + 1);
                    float m2 = minScale * minK4(s, scales, 2 * g + 1);
                    for (int l = 0; l < 32; l++) {
                        int q = u8(s, qs + 32 * g + l);
                        dst[d + 64 * g + l] = d1 * (q & 0xF) - m1;
                        dst[d + 64 * g + 32 + l] = d2 * (q >>> 4) - m2;
                    }
                }
            }
            case Q6_K -> {
                float scale = half(s, offset + 208);
                for (int h = 0; h < 2; h++) {
                    long ql = offset + 64 * h;
                    long qh = offset + 128 + 32 * h;
                    long sc = offset + 192 + 8 * h;
                    int base = d + 128 * h;
                    for (int l = 0; l < 32; l++) {
                        int is = l / 16;
                        int lo = u8(s, ql + l);
                        int hi = u8(s, ql + l + 32);
                        int high = u8(s, qh + l);
                        dst[base + l] = scale * s.get(BYTE, sc + is) * (((lo & 0xF) | ((high & 3) << 4)) - 32);
                        dst[base + l + 32] =
                                scale * s.get(BYTE, sc + is + 2) * (((hi & 0xF) | (((high >>> 2) & 3) << 4)) - 32);
                        dst[base + l + 64] =
                                scale * s.get(BYTE, sc + is + 4) * (((lo >>> 4) | (((high >>> 4) & 3) << 4)) - 32);
                        dst[base + l + 96] =
                                scale * s.get(BYTE, sc + is + 6) * (((hi >>> 4) | (((high >>> 6) & 3) << 4)) - 32);
                    }
                }
            }
            case Q4_1, Q5_0, Q5_1 -> {
                boolean hasMin = type != GGMLType.Q5_0;
                boolean fiveBits = type != GGMLType.Q4_1;
                float scale = half(s, offset);
                float min = hasMin ? half(s, offset + 2) : 0;
                long qh = offset + (hasMin ? 4 : 2);
                int highBits = fiveBits ? s.get(INT_LE, qh) : 0;
                long qs = fiveBits ? qh + 4 : qh;
                int offsetQ = type == GGMLType.Q5_0 ? 16 : 0;
                for (int j = 0; j < 16; j++) {
                    int q = u8(s, qs + j);
                    int q0 = ((q & 0xF) | (highBits >>> j & 1) << 4) - offsetQ;
                    int q1 = ((q >>> 4) | (highBits >>> (j + 16) & 1) << 4) - offsetQ;
                    // ggml: x*d + m for the types with a min, x*d for Q5_0 (adding 0 would turn -0 into +0)
                    dst[d + j] = hasMin ? q0 * scale + min : q0 * scale;
                    dst[d + j + 16] = hasMin ? q1 * scale + min : q1 * scale;
                }
            }
            case IQ4_NL -> {
                float scale = half(s, offset);
                for (int j = 0; j < 16; j++) {
                    int q = u8(s, offset + 2 + j);
                    dst[d + j] = scale * IQ4_VALUES[q & 0xF];
                    dst[d + j + 16] = scale * IQ4_VALUES[q >>> 4];
                }
            }
            case Q2_K, Q3_K -> {
                boolean q3 = type == GGMLType.Q3_K;
                long qs = offset + (q3 ? 32 : 16);
                float scale = half(s, offset + (q3 ? 108 : 80));
                float minScale = q3 ? 0 : half(s, offset + 82);
                for (int sub = 0; sub < 16; sub++) {
                    int h = sub >>> 3;
                    int j = (sub >>> 1) & 3;
                    int k = sub & 1;
                    float dl;
                    float ml = 0;
                    if (q3) {
                        dl = scale * (scaleK3(s, offset + 96, sub) - 32);
                    } else {
                        int sc = u8(s, offset + sub);
                        dl = scale * (sc & 0xF);
                        ml = minScale * (sc >>> 4);
                    }
                    int out = d + 128 * h + 32 * j + 16 * k;
                    for (int l = 0; l < 16; l++) {
                        int q = u8(s, qs + 32 * h + 16 * k + l) >>> (2 * j) & 3;
                        if (q3) {
                            int high = u8(s, offset + 16 * k + l) >>> (4 * h + j) & 1;
                            dst[out + l] = dl * (q - (high != 0 ? 0 : 4));
                        } else {
                            dst[out + l] = dl * q - ml;
                        }
                    }
                }
            }
            case Q5_K -> {
                float scale = half(s, offset);
                float minScale = half(s, offset + 2);
                long scales = offset + 4;
                long qh = offset + 16;
                long qs = offset + 48;
                for (int g = 0; g < 4; g++) {
                    float d1 = scale * scaleK4(s, scales, 2 * g);
                    float m1 = minScale * minK4(s, scales, 2 * g);
                    float d2 = scale * scaleK4(s, scales, 2 * g + 1);
                    float m2 = minScale * minK4(s, scales, 2 * g + 1);
                    for (int l = 0; l < 32; l++) {
                        int q = u8(s, qs + 32 * g + l);
                        int high = u8(s, qh + l);
                        dst[d + 64 * g + l] = d1 * ((q & 0xF) + ((high >>> 2 * g & 1) != 0 ? 16 : 0)) - m1;
                        dst[d + 64 * g + 32 + l] = d2 * ((q >>> 4) + ((high >>> 2 * g + 1 & 1) != 0 ? 16 : 0)) - m2;
                    }
                }
            }
            case IQ4_XS -> {
                float scale = half(s, offset);
                for (int b = 0; b < 8; b++) {
                    float dl = scale * (scaleIq4Xs(s, offset, b) - 32);
                    long qs = offset + 8 + 16 * b;
                    for (int j = 0; j < 16; j++) {
                        int q = u8(s, qs + j);
                        dst[d + 32 * b + j] = dl * IQ4_VALUES[q & 0xF];
                        dst[d + 32 * b + j + 16] = dl * IQ4_VALUES[q >>> 4];
                    }
                }
            }
            default -> throw new IllegalArgumentException("not a block-quantized type: " + type);
        }
    }
}
