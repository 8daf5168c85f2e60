package io.squall.api.types.vectors;

import io.squall.api.types.arrays.ArrayBacked;
import io.squall.api.types.arrays.FloatArray;

/** TornadoVM's Float2: 2 float lanes (element-wise operations, getX.. accessors, host side; the JVM backend runs kernels using it). */
public final class Float2 implements ArrayBacked {
    public static final int NUM_ELEMENTS = 2;
    private final FloatArray storage;

    public Float2() {
        this.storage = new FloatArray(NUM_ELEMENTS);
    }

    public Float2(float s0, float s1) {
        this();
        set(0, s0);
        set(1, s1);
    }

    /** A Float2 of the first 2 elements of {@code values}. */
    public Float2(float[] values) {
        this();
        if (values.length < NUM_ELEMENTS) {
            throw new IllegalArgumentException("Float2 needs 2 values, got " + values.length);
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

    public void set(Float2 other) {
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

    public int size() {
        return NUM_ELEMENTS;
    }

    public float[] toArray() {
        return storage.toHeapArray();
    }

    public Float2 duplicate() {
        Float2 copy = new Float2();
        copy.set(this);
        return copy;
    }

    @Override
    public FloatArray getStorage() {
        return storage;
    }

    public static Float2 add(Float2 a, Float2 b) {
        Float2 r = new Float2();
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            r.set(i, (a.get(i) + b.get(i)));
        }
        return r;
    }

    public static Float2 add(Float2 a, float b) {
        Float2 r = new Float2();
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            r.set(i, (a.get(i) + b));
        }
        return r;
    }

    public static Float2 sub(Float2 a, Float2 b) {
        Float2 r = new Float2();
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            r.set(i, (a.get(i) - b.get(i)));
        }
        return r;
    }

    public static Float2 sub(Float2 a, float b) {
        Float2 r = new Float2();
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            r.set(i, (a.get(i) - b));
        }
        return r;
    }

    public static Float2 mult(Float2 a, Float2 b) {
        Float2 r = new Float2();
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            r.set(i, (a.get(i) * b.get(i)));
        }
        return r;
    }

    public static Float2 mult(Float2 a, float b) {
        Float2 r = new Float2();
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            r.set(i, (a.get(i) * b));
        }
        return r;
    }

    public static Float2 div(Float2 a, Float2 b) {
        Float2 r = new Float2();
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            r.set(i, (a.get(i) / b.get(i)));
        }
        return r;
    }

    public static Float2 div(Float2 a, float b) {
        Float2 r = new Float2();
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            r.set(i, (a.get(i) / b));
        }
        return r;
    }

    public static Float2 min(Float2 a, Float2 b) {
        Float2 r = new Float2();
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            r.set(i, Math.min(a.get(i), b.get(i)));
        }
        return r;
    }

    public static Float2 max(Float2 a, Float2 b) {
        Float2 r = new Float2();
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            r.set(i, Math.max(a.get(i), b.get(i)));
        }
        return r;
    }

    public static float dot(Float2 a, Float2 b) {
        float sum = 0f;
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            sum += a.get(i) * b.get(i);
        }
        return sum;
    }

    public static float sum(Float2 a) {
        float sum = 0f;
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            sum += a.get(i);
        }
        return sum;
    }

    public static float min(Float2 a) {
        float m = a.get(0);
        for (int i = 1; i < NUM_ELEMENTS; i++) {
            m = Math.min(m, a.get(i));
        }
        return m;
    }

    public static float max(Float2 a) {
        float m = a.get(0);
        for (int i = 1; i < NUM_ELEMENTS; i++) {
            m = Math.max(m, a.get(i));
        }
        return m;
    }

    public static boolean isEqual(Float2 a, Float2 b) {
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            if (a.get(i) != b.get(i)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Float2 v && isEqual(this, v);
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
