package io.squall.api.types.vectors;

import io.squall.api.types.arrays.ArrayBacked;
import io.squall.api.types.arrays.IntArray;

/** TornadoVM's Int3: 3 int lanes (element-wise operations, getX.. accessors, host side; the JVM backend runs kernels using it). */
public final class Int3 implements ArrayBacked {
    public static final int NUM_ELEMENTS = 3;
    private final IntArray storage;

    public Int3() {
        this.storage = new IntArray(NUM_ELEMENTS);
    }

    public Int3(int s0, int s1, int s2) {
        this();
        set(0, s0);
        set(1, s1);
        set(2, s2);
    }

    /** A Int3 of the first 3 elements of {@code values}. */
    public Int3(int[] values) {
        this();
        if (values.length < NUM_ELEMENTS) {
            throw new IllegalArgumentException("Int3 needs 3 values, got " + values.length);
        }
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            set(i, values[i]);
        }
    }

    public int get(int index) {
        return storage.get(index);
    }

    public void set(int index, int value) {
        storage.set(index, value);
    }

    public void set(Int3 other) {
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            set(i, other.get(i));
        }
    }

    public void fill(int value) {
        storage.init(value);
    }

    public int getX() {
        return get(0);
    }

    public void setX(int value) {
        set(0, value);
    }

    public int getY() {
        return get(1);
    }

    public void setY(int value) {
        set(1, value);
    }

    public int getZ() {
        return get(2);
    }

    public void setZ(int value) {
        set(2, value);
    }

    public int size() {
        return NUM_ELEMENTS;
    }

    public int[] toArray() {
        return storage.toHeapArray();
    }

    public Int3 duplicate() {
        Int3 copy = new Int3();
        copy.set(this);
        return copy;
    }

    @Override
    public IntArray getStorage() {
        return storage;
    }

    public static Int3 add(Int3 a, Int3 b) {
        Int3 r = new Int3();
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            r.set(i, (a.get(i) + b.get(i)));
        }
        return r;
    }

    public static Int3 add(Int3 a, int b) {
        Int3 r = new Int3();
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            r.set(i, (a.get(i) + b));
        }
        return r;
    }

    public static Int3 sub(Int3 a, Int3 b) {
        Int3 r = new Int3();
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            r.set(i, (a.get(i) - b.get(i)));
        }
        return r;
    }

    public static Int3 sub(Int3 a, int b) {
        Int3 r = new Int3();
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            r.set(i, (a.get(i) - b));
        }
        return r;
    }

    public static Int3 mult(Int3 a, Int3 b) {
        Int3 r = new Int3();
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            r.set(i, (a.get(i) * b.get(i)));
        }
        return r;
    }

    public static Int3 mult(Int3 a, int b) {
        Int3 r = new Int3();
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            r.set(i, (a.get(i) * b));
        }
        return r;
    }

    public static Int3 div(Int3 a, Int3 b) {
        Int3 r = new Int3();
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            r.set(i, (a.get(i) / b.get(i)));
        }
        return r;
    }

    public static Int3 div(Int3 a, int b) {
        Int3 r = new Int3();
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            r.set(i, (a.get(i) / b));
        }
        return r;
    }

    public static Int3 min(Int3 a, Int3 b) {
        Int3 r = new Int3();
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            r.set(i, Math.min(a.get(i), b.get(i)));
        }
        return r;
    }

    public static Int3 max(Int3 a, Int3 b) {
        Int3 r = new Int3();
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            r.set(i, Math.max(a.get(i), b.get(i)));
        }
        return r;
    }

    public static int dot(Int3 a, Int3 b) {
        int sum = 0;
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            sum += a.get(i) * b.get(i);
        }
        return sum;
    }

    public static int sum(Int3 a) {
        int sum = 0;
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            sum += a.get(i);
        }
        return sum;
    }

    public static int min(Int3 a) {
        int m = a.get(0);
        for (int i = 1; i < NUM_ELEMENTS; i++) {
            m = Math.min(m, a.get(i));
        }
        return m;
    }

    public static int max(Int3 a) {
        int m = a.get(0);
        for (int i = 1; i < NUM_ELEMENTS; i++) {
            m = Math.max(m, a.get(i));
        }
        return m;
    }

    public static boolean isEqual(Int3 a, Int3 b) {
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            if (a.get(i) != b.get(i)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Int3 v && isEqual(this, v);
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
