package io.squall.model.gguf;

import java.util.Objects;

/**
 * One metadata value. Scalars are boxed, unsigned ones in a Java type wide enough to hold them:
 * UINT8 -> Short, INT8 -> Byte, UINT16 -> Integer, INT16 -> Short, UINT32 -> Long, INT32 -> Integer,
 * UINT64 -> Long (the raw 64 bits), INT64 -> Long, FLOAT32 -> Float, FLOAT64 -> Double, BOOL -> Boolean,
 * STRING -> String, ARRAY -> {@link GGUFArray}.
 */
public record GGUFValue(GGUFValueType type, Object value) {

    public GGUFValue {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(value, "value");
        Class<?> expected = javaType(type);
        if (!expected.isInstance(value)) {
            throw new IllegalArgumentException(type + " value must be a " + expected.getSimpleName() + ", got "
                    + value.getClass().getSimpleName());
        }
        long range = switch (type) {
            case UINT8 -> ((Short) value) & ~0xFFL;
            case UINT16 -> ((Integer) value) & ~0xFFFFL;
            case UINT32 -> ((Long) value) & ~0xFFFF_FFFFL;
            default -> 0;
        };
        if (range != 0) {
            throw new IllegalArgumentException(value + " is out of range for " + type);
        }
    }

    /** The boxed Java class holding a scalar of this type. */
    public static Class<?> javaType(GGUFValueType type) {
        return switch (type) {
            case UINT8, INT16 -> Short.class;
            case INT8 -> Byte.class;
            case UINT16, INT32 -> Integer.class;
            case UINT32, UINT64, INT64 -> Long.class;
            case FLOAT32 -> Float.class;
            case FLOAT64 -> Double.class;
            case BOOL -> Boolean.class;
            case STRING -> String.class;
            case ARRAY -> GGUFArray.class;
        };
    }

    public static GGUFValue ofString(String v) {
        return new GGUFValue(GGUFValueType.STRING, v);
    }

    public static GGUFValue ofUInt32(long v) {
        return new GGUFValue(GGUFValueType.UINT32, v);
    }

    public static GGUFValue ofInt32(int v) {
        return new GGUFValue(GGUFValueType.INT32, v);
    }

    public static GGUFValue ofFloat32(float v) {
        return new GGUFValue(GGUFValueType.FLOAT32, v);
    }

    public static GGUFValue ofArray(GGUFArray a) {
        return new GGUFValue(GGUFValueType.ARRAY, a);
    }

    @Override
    public String toString() {
        return type + ":" + value;
    }
}
