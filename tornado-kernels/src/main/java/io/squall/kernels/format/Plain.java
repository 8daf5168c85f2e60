package io.squall.kernels.format;

import io.squall.api.types.arrays.ByteArray;

/** F32, F16 and BF16: blocks of one little-endian element. Every weight reaches the kernels as bytes. */
public final class Plain {
    public static final int F32_BYTES = 4;
    public static final int HALF_BYTES = 2;

    private Plain() {}

    /** Element {@code e} of an F32 tensor. */
    public static float f32(ByteArray w, int e) {
        return f32At(w, 4 * e);
    }

    public static float f16(ByteArray w, int e) {
        return halfAt(w, 2 * e);
    }

    public static float bf16(ByteArray w, int e) {
        return bf16At(w, 2 * e);
    }

    /** Little-endian f32 at byte {@code offset} (device compilers merge the four byte loads into one). */
    public static float f32At(ByteArray w, int offset) {
        int bits = (w.get(offset) & 0xFF)
                | ((w.get(offset + 1) & 0xFF) << 8)
                | ((w.get(offset + 2) & 0xFF) << 16)
                | (w.get(offset + 3) << 24);
        return Float.intBitsToFloat(bits);
    }

    /** Little-endian f16 at byte {@code offset}: the scale of every quantized block. */
    public static float halfAt(ByteArray w, int offset) {
        int bits = (w.get(offset) & 0xFF) | ((w.get(offset + 1) & 0xFF) << 8);
        return Float.float16ToFloat((short) bits);
    }

    /** Little-endian bfloat16 at byte {@code offset} (the upper half of a float). */
    public static float bf16At(ByteArray w, int offset) {
        int bits = (w.get(offset) & 0xFF) | ((w.get(offset + 1) & 0xFF) << 8);
        return Float.intBitsToFloat(bits << 16);
    }
}
