package io.squall.model.tensor;

import static io.squall.model.tensor.Blocks.*;

import java.lang.foreign.MemorySegment;
import java.util.Objects;

/** Decodes GGUF tensor data (ggml block layouts, see {@link Blocks}) to floats. */
public final class Dequantizer {
    private Dequantizer() {
    }

    /**
     * Decodes {@code count} elements starting at element {@code firstElement} of the tensor data {@code src}
     * into {@code dst[dstOffset..]}. Any element range works; partial blocks at either end are decoded whole
     * and cut.
     */
    public static void dequantize(GGMLType type, MemorySegment src, long firstElement, float[] dst, int dstOffset, int count) {
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
                        dst[base + l + 32] = scale * s.get(BYTE, sc + is + 2) * (((hi & 0xF) | (((high >>> 2) & 3) << 4)) - 32);
                        dst[base + l + 64] = scale * s.get(BYTE, sc + is + 4) * (((lo >>> 4) | (((high >>> 4) & 3) << 4)) - 32);
                        dst[base + l + 96] = scale * s.get(BYTE, sc + is + 6) * (((hi >>> 4) | (((high >>> 6) & 3) << 4)) - 32);
                    }
                }
            }
            default -> throw new IllegalArgumentException("not a block-quantized type: " + type);
        }
    }
}
