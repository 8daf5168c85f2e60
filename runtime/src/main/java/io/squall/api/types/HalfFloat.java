package io.squall.api.types;

/**
 * An IEEE 754 binary16 value. In kernels it is a value type: the JIT keeps it in a register
 * (an f16 or its f32 widening), so {@code new HalfFloat(x)} there allocates nothing.
 */
public final class HalfFloat {
    private final short bits;

    public HalfFloat(float value) {
        this.bits = Float.floatToFloat16(value);
    }

    /** The half float whose IEEE 754 binary16 bits are {@code halfFloatBits}, as TornadoVM's constructor: 0x3C00 is 1.0. */
    public HalfFloat(short halfFloatBits) {
        this.bits = halfFloatBits;
    }

    private HalfFloat(short bits, boolean raw) {
        this.bits = bits;
    }

    public static HalfFloat fromBits(short bits) {
        return new HalfFloat(bits, true);
    }

    public float getFloat32() {
        return Float.float16ToFloat(bits);
    }

    public short getHalfFloatValue() {
        return bits;
    }

    public static HalfFloat add(HalfFloat a, HalfFloat b) {
        return new HalfFloat(a.getFloat32() + b.getFloat32());
    }

    public static HalfFloat sub(HalfFloat a, HalfFloat b) {
        return new HalfFloat(a.getFloat32() - b.getFloat32());
    }

    public static HalfFloat mult(HalfFloat a, HalfFloat b) {
        return new HalfFloat(a.getFloat32() * b.getFloat32());
    }

    public static HalfFloat div(HalfFloat a, HalfFloat b) {
        return new HalfFloat(a.getFloat32() / b.getFloat32());
    }

    public static float toFloat(short bits) {
        return Float.float16ToFloat(bits);
    }

    public static short toHalf(float value) {
        return Float.floatToFloat16(value);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HalfFloat h && h.bits == bits;
    }

    @Override
    public int hashCode() {
        return bits;
    }

    @Override
    public String toString() {
        return Float.toString(getFloat32());
    }
}
