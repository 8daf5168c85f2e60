package io.squall.jit.ir;

/** Scalar value types. I1 is the result of comparisons; integers are signed (Java semantics). */
public enum ScalarType implements Type {
    I1(1),
    I8(8),
    I16(16),
    I32(32),
    I64(64),
    F16(16),
    F32(32),
    F64(64);

    private final int bits;

    ScalarType(int bits) {
        this.bits = bits;
    }

    public int bits() {
        return bits;
    }

    public int bytes() {
        return Math.max(1, bits / 8);
    }

    public boolean isFloat() {
        return this == F16 || this == F32 || this == F64;
    }

    public boolean isInteger() {
        return !isFloat();
    }

    @Override
    public String toString() {
        return name().toLowerCase();
    }
}
