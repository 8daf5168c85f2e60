package io.squall.api.types.vectors;

import io.squall.api.types.arrays.ArrayBacked;
import io.squall.api.types.arrays.FloatArray;

/** TornadoVM's Float3: 3 float lanes (element-wise operations, getX.. accessors, host side; the JVM backend runs kernels using it). */
public final class Float3 implements ArrayBacked {
    public static final int NUM_ELEMENTS = 3;
    private final FloatArray storage;

    public Float3() {
        this.storage = new FloatArray(NUM_ELEMENTS);
    }

    public Float3(float s0, float s1, float s2) {
        this();
        set(0, s0);
        set(1, s1);
        set(2, s2);
    }

    /** A Float3 of the first 3 elements of {@code values}. */
    public Float3(float[] values) {
        this();
        if (values.length < NUM_ELEMENTS) {
            throw new IllegalArgumentException("Float3 needs 3 values, got " + values.length);
        }
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            set(i, values[i]);
        }
    }

    public float get(int index) {
        return storage.get(index);
    }

    public void set(int index, float value) {
        storage.set(index, value);
    }

    public void set(Float3 other) {
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            set(i, other.get(i));
        }
    }

    public void fill(float value) {
        storage.init(value);
    }

    public float getX() {
        return get(0);
    }

    public void setX(float value) {
        set(0, value);
    }

    public float getY() {
        return get(1);
    }

    public void setY(float value) {
        set(1, value);
    }

    public float getZ() {
        return get(2);
    }

    public void setZ(float value) {
        set(2, value);
    }

    public int size() {
        return NUM_ELEMENTS;
    }

    public float[] toArray() {
        return storage.toHeapArray();
    }

    public Float3 duplicate() {
        Float3 copy = new Float3();
        copy.set(this);
        return copy;
    }

    @Override
    public FloatArray getStorage() {
        return storage;
    }

    public static Float3 add(Float3 a, Float3 b) {
        Float3 r = new Float3();
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            r.set(i, (a.get(i) + b.get(i)));
        }
        return r;
    }

    public static Float3 add(Float3 a, float b) {
        Float3 r = new Float3();
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            r.set(i, (a.get(i) + b));
        }
        return r;
    }

    public static Float3 sub(Float3 a, Float3 b) {
        Float3 r = new Float3();
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            r.set(i, (a.get(i) - b.get(i)));
        }
        return r;
    }

    public static Float3 sub(Float3 a, float b) {
        Float3 r = new Float3();
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            r.set(i, (a.get(i) - b));
        }
        return r;
    }

    public static Float3 mult(Float3 a, Float3 b) {
        Float3 r = new Float3();
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            r.set(i, (a.get(i) * b.get(i)));
        }
        return r;
    }

    public static Float3 mult(Float3 a, float b) {
        Float3 r = new Float3();
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            r.set(i, (a.get(i) * b));
        }
        return r;
    }

    public static Float3 div(Float3 a, Float3 b) {
        Float3 r = new Float3();
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            r.set(i, (a.get(i) / b.get(i)));
        }
        return r;
    }

    public static Float3 div(Float3 a, float b) {
        Float3 r = new Float3();
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            r.set(i, (a.get(i) / b));
        }
        return r;
    }

    public static Float3 min(Float3 a, Float3 b) {
        Float3 r = new Float3();
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            r.set(i, Math.min(a.get(i), b.get(i)));
        }
        return r;
    }

    public static Float3 max(Float3 a, Float3 b) {
        Float3 r = new Float3();
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            r.set(i, Math.max(a.get(i), b.get(i)));
        }
        return r;
    }

    public static float dot(Float3 a, Float3 b) {
        float sum = 0f;
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            sum += a.get(i) * b.get(i);
        }
        return sum;
    }

    public static float sum(Float3 a) {
        float sum = 0f;
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            sum += a.get(i);
        }
        return sum;
    }

    public static float min(Float3 a) {
        float m = a.get(0);
        for (int i = 1; i < NUM_ELEMENTS; i++) {
            m = Math.min(m, a.get(i));
        }
        return m;
    }

    public static float max(Float3 a) {
        float m = a.get(0);
        for (int i = 1; i < NUM_ELEMENTS; i++) {
            m = Math.max(m, a.get(i));
        }
        return m;
    }

    public static boolean isEqual(Float3 a, Float3 b) {
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            if (a.get(i) != b.get(i)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Float3 v && isEqual(this, v);
    }

    @Override
    public int hashCode() {
        return java.util.Arrays.hashCode(toArray());
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            sb.append(i == 0 ? "" : ", ").append(get(i));
        }
        return sb.append(']').toString();
    }
}
