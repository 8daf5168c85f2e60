package io.squall.model.convert;

import io.squall.model.tensor.GGMLType;
import io.squall.model.tensor.Quantizer;

import java.lang.foreign.MemorySegment;
import java.util.Locale;

/** Encodes float weights into a GGUF tensor type, and the type choices the converters share. */
public final class TensorEncoding {

    private TensorEncoding() {}

    /** Types the converters can write. */
    public static final java.util.List<GGMLType> WRITABLE = java.util.List.of(
            GGMLType.F32,
            GGMLType.F16,
            GGMLType.BF16,
            GGMLType.Q8_0,
            GGMLType.Q4_0,
            GGMLType.Q4_K,
            GGMLType.Q6_K,
            GGMLType.Q4_1,
            GGMLType.Q5_0,
            GGMLType.Q5_1,
            GGMLType.IQ4_NL,
            GGMLType.Q2_K,
            GGMLType.Q3_K,
            GGMLType.Q5_K,
            GGMLType.IQ4_XS);

    /** {@code values} as bytes of {@code type} (a whole number of blocks), by m-tensor's {@link Quantizer}. */
    public static MemorySegment encode(GGMLType type, float[] values) {
        return Quantizer.quantize(type, values);
    }

    /** Parses the names of {@link #WRITABLE} (any case). */
    public static GGMLType parseType(String name) {
        String n = name.trim().toUpperCase(Locale.ROOT);
        for (GGMLType t : WRITABLE) {
            if (t.name().equals(n)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown tensor type '" + name + "'; expected one of "
                + String.join(
                        ", ",
                        WRITABLE.stream()
                                .map(t -> t.name().toLowerCase(Locale.ROOT))
                                .toList()));
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
            case Q4_K -> 14; // Q4_K_S: every matrix Q4_K
            case Q6_K -> 18;
            case Q4_1 -> 3;
            case Q5_0 -> 8;
            case Q5_1 -> 9;
            case Q2_K -> 10; // every matrix Q2_K (llama.cpp's Q2_K file type is a mix; see SyntheticModel.TypeScheme)
            case Q3_K -> 11; // Q3_K_S
            case Q5_K -> 16; // Q5_K_S
            case IQ4_NL -> 25;
            case IQ4_XS -> 30;
            case BF16 -> 32;
            default -> throw new IllegalArgumentException("no llama.cpp file type for " + type);
        };
    }

    /** True for the block-quantized types (files with them carry general.quantization_version). */
    public static boolean isQuantized(GGMLType type) {
        return type.blockSize() > 1;
    }
}
