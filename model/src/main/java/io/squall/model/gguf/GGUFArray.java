package io.squall.model.gguf;

import java.lang.reflect.Array;
import java.util.Arrays;
import java.util.Objects;

/**
 * An ARRAY value. Elements are kept compactly in a primitive array of the type's width, unsigned types
 * as their raw bits: UINT8/INT8 -> byte[], UINT16/INT16 -> short[], UINT32/INT32 -> int[],
 * UINT64/INT64 -> long[], FLOAT32 -> float[], FLOAT64 -> double[], BOOL -> boolean[],
 * STRING -> String[], ARRAY -> GGUFArray[] (nested arrays).
 * Equality compares the elements.
 */
public record GGUFArray(GGUFValueType elementType, Object values) {

    public GGUFArray {
        Objects.requireNonNull(elementType, "elementType");
        Objects.requireNonNull(values, "values");
        Class<?> expected = arrayClass(elementType);
        if (values.getClass() != expected) {
            throw new IllegalArgumentException("array of " + elementType + " must be a " + expected.getSimpleName()
                    + ", got " + values.getClass().getSimpleName());
        }
    }

    /** The Java array class holding elements of this type. */
    public static Class<?> arrayClass(GGUFValueType type) {
        return switch (type) {
            case UINT8, INT8 -> byte[].class;
            case UINT16, INT16 -> short[].class;
            case UINT32, INT32 -> int[].class;
            case UINT64, INT64 -> long[].class;
            case FLOAT32 -> float[].class;
            case FLOAT64 -> double[].class;
            case BOOL -> boolean[].class;
            case STRING -> String[].class;
            case ARRAY -> GGUFArray[].class;
        };
    }

    /** Number of elements. */
    public int length() {
        return Array.getLength(values);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GGUFArray a && a.elementType == elementType && Objects.deepEquals(values, a.values);
    }

    @Override
    public int hashCode() {
        return 31 * elementType.hashCode() + Arrays.deepHashCode(new Object[] {values});
    }

    @Override
    public String toString() {
        int n = length();
        StringBuilder sb =
                new StringBuilder(elementType.name()).append('[').append(n).append("]{");
        for (int i = 0; i < Math.min(n, 8); i++) {
            sb.append(i == 0 ? "" : ", ").append(Array.get(values, i));
        }
        return sb.append(n > 8 ? ", ...}" : "}").toString();
    }
}
