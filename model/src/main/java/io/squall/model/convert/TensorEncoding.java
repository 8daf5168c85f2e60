package io.squall.model.convert;

import io.squall.model.tensor.GGMLType;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Locale;

/** Encodes float weights into a GGUF tensor type, and the type choices the converters share. */
public final class TensorEncoding {

    private static final ValueLayout.OfFloat F32_LE = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort I16_LE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private TensorEncoding() {
    }

    /** Types the converters can write. */
    public static final java.util.List<GGMLType> WRITABLE =
            java.util.List.of(GGMLType.F32, GGMLType.F16, GGMLType.BF16, GGMLType.Q8_0, GGMLType.Q4_0, GGMLType.Q4_K, GGMLType.Q6_K);

    /** {@code values} as bytes of {@code type} (a whole number of blocks). */
    public static MemorySegment encode(GGMLType type, float[] values) {
        return switch (type) {
            case F32 -> {
                MemorySegment s = MemorySegment.ofArray(new byte[values.length * 4]);
                MemorySegment.copy(values, 0, s, F32_LE, 0, values.length);
                yield s;
            }
            case F16 -> {
                short[] h = new short[values.length];
                for (int i = 0; i < h.length; i++) {
                    h[i] = Float.floatToFloat16(values[i]);
                }
                MemorySegment s = MemorySegment.ofArray(new byte[h.length * 2]);
                MemorySegment.copy(h, 0, s, I16_LE, 0, h.length);
                yield s;
            }
            case BF16 -> {
                short[] h = new short[values.length];
                for (int i = 0; i < h.length; i++) {
                    h[i] = toBFloat16(values[i]);
                }
                MemorySegment s = MemorySegment.ofArray(new byte[h.length * 2]);
                MemorySegment.copy(h, 0, s, I16_LE, 0, h.length);
                yield s;
            }
            default -> quantize(type, values);
        };
    }

    private static MemorySegment quantize(GGMLType type, float[] values) {
        throw new UnsupportedOperationException("writing " + type + " needs m-tensor's Quantizer");
    }

    /** Round to nearest even, NaN kept a quiet NaN. */
    static short toBFloat16(float f) {
        int bits = Float.floatToRawIntBits(f);
        if (Float.isNaN(f)) {
            return (short) ((bits >>> 16) | 0x40);
        }
        return (short) ((bits + 0x7FFF + ((bits >>> 16) & 1)) >>> 16);
    }

    /** Parses f32, f16, bf16, q8_0, q4_0, q4_k, q6_k (any case). */
    public static GGMLType parseType(String name) {
        String n = name.trim().toUpperCase(Locale.ROOT);
        for (GGMLType t : WRITABLE) {
            if (t.name().equals(n)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown tensor type '" + name + "'; expected one of f32, f16, bf16, q8_0, q4_0, q4_k, q6_k");
    }

    /**
     * The type a matrix with rows of {@code ne0} elements gets when {@code wanted} cannot hold such rows
     * (its block is larger than, or does not divide, ne0): Q8_0 when its 32-blocks fit, else F16 (as llama.cpp falls back).
     */
    public static GGMLType fitting(GGMLType wanted, long ne0) {
        if (ne0 % wanted.blockSize() == 0) {
            return wanted;
        }
        return ne0 % GGMLType.Q8_0.blockSize() == 0 ? GGMLType.Q8_0 : GGMLType.F16;
    }

    /** llama.cpp's general.file_type for a file mostly of {@code type} (LLAMA_FTYPE_*). */
    public static int fileType(GGMLType type) {
        return switch (type) {
            case F32 -> 0;
            case F16 -> 1;
            case Q4_0 -> 2;
            case Q8_0 -> 7;
            case Q4_K -> 14;   // Q4_K_S: every matrix Q4_K
            case Q6_K -> 18;
            case BF16 -> 32;
            default -> throw new IllegalArgumentException("no llama.cpp file type for " + type);
        };
    }

    /** llama.cpp's LLAMA_FTYPE_MOSTLY_Q4_K_M. */
    public static final int FILE_TYPE_Q4_K_M = 15;

    /** True for the block-quantized types (files with them carry general.quantization_version). */
    public static boolean isQuantized(GGMLType type) {
        return type.blockSize() > 1;
    }
}
