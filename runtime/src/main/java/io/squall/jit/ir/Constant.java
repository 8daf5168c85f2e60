package io.squall.jit.ir;

/**
 * A scalar constant. {@code bits}: integers sign-extended; F16 the binary16 bits; F32 the float bits; F64 the double bits.
 */
public record Constant(ScalarType type, long bits) implements Value {

    public static Constant ofBool(boolean v) {
        return new Constant(ScalarType.I1, v ? 1 : 0);
    }

    public static Constant ofInt(int v) {
        return new Constant(ScalarType.I32, v);
    }

    public static Constant ofLong(long v) {
        return new Constant(ScalarType.I64, v);
    }

    public static Constant ofFloat(float v) {
        return new Constant(ScalarType.F32, Float.floatToRawIntBits(v));
    }

    public static Constant ofDouble(double v) {
        return new Constant(ScalarType.F64, Double.doubleToRawLongBits(v));
    }

    /** An integer constant of {@code type}, wrapped to its width. */
    public static Constant ofInteger(ScalarType type, long v) {
        return new Constant(
                type,
                switch (type) {
                    case I1 -> v & 1;
                    case I8 -> (byte) v;
                    case I16 -> (short) v;
                    case I32 -> (int) v;
                    default -> v;
                });
    }

    /** A floating constant of {@code type}, rounded to its precision. */
    public static Constant ofFloating(ScalarType type, double v) {
        return switch (type) {
            case F16 -> new Constant(type, Float.floatToFloat16((float) v));
            case F32 -> ofFloat((float) v);
            case F64 -> ofDouble(v);
            default -> throw new IllegalArgumentException("not a float type: " + type);
        };
    }

    public static Constant zero(ScalarType type) {
        return type.isFloat() ? ofFloating(type, 0) : ofInteger(type, 0);
    }

    public long longValue() {
        if (type.isFloat()) {
            throw new IllegalStateException("float constant read as integer: " + this);
        }
        return bits;
    }

    public double doubleValue() {
        return switch (type) {
            case F16 -> Float.float16ToFloat((short) bits);
            case F32 -> Float.intBitsToFloat((int) bits);
            case F64 -> Double.longBitsToDouble(bits);
            default -> bits;
        };
    }

    @Override
    public String toString() {
        return switch (type) {
            case I1 -> bits != 0 ? "true" : "false";
            case F16, F32, F64 -> type + " " + doubleValue();
            default -> type + " " + bits;
        };
    }
}
