package io.squall.api.types.vectors;

import io.squall.api.types.arrays.ArrayBacked;
import io.squall.api.types.arrays.IntArray;

/** TornadoVM's Int2: 2 int lanes (element-wise operations, getX.. accessors, host side; the JVM backend runs kernels using it). */
public final class Int2 implements ArrayBacked {
    public static final int NUM_ELEMENTS = 2;
    private final IntArray storage;

    public Int2() {
        this.storage = new IntArray(NUM_ELEMENTS);
    }

    public Int2(int s0, int s1) {
        this();
        set(0, s0);
        set(1, s1);
    }

    /** A Int2 of the first 2 elements of {@code values}. */
    public Int2(int[] values) {
        this();
        if (values.length < NUM_ELEMENTS) {
            throw new IllegalArgumentException("Int2 needs 2 values, got " + values.length);
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

    public void set(Int2 other) {
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

    public int size() {
        return NUM_ELEMENTS;
    }

    public int[] toArray() {
        return storage.toHeapArray();
    }

    public Int2 duplicate() {
        Int2 copy = new Int2();
        copy.set(this);
        return copy;
    }

    @Override
    public IntArray getStorage() {
        return storage;
    }

    public static Int2 add(Int2 a, Int2 b) {
        Int2 r = new Int2();
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            r.set(i, (a.get(i) + b.get(i)));
        }
        return r;
    }

    public static Int2 add(Int2 a, int b) {
        Int2 r = new Int2();
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            r.set(i, (a.get(i) + b));
        }
        return r;
    }

    public static Int2 sub(Int2 a, Int2 b) {
        Int2 r = new Int2();
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            r.set(i, (a.get(i) - b.get(i)));
        }
        return r;
    }

    public static Int2 sub(Int2 a, int b) {
        Int2 r = new Int2();
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            r.set(i, (a.get(i) - b));
        }
        return r;
    }

    public static Int2 mult(Int2 a, Int2 b) {
        Int2 r = new Int2();
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            r.set(i, (a.get(i) * b.get(i)));
        }
        return r;
    }

    public static Int2 mult(Int2 a, int b) {
        Int2 r = new Int2();
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            r.set(i, (a.get(i) * b));
        }
        return r;
    }

    public static Int2 div(Int2 a, Int2 b) {
        Int2 r = new Int2();
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            r.set(i, (a.get(i) / b.get(i)));
        }
        return r;
    }

    public static Int2 div(Int2 a, int b) {
        Int2 r = new Int2();
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            r.set(i, (a.get(i) / b));
        }
        return r;
    }

    public static Int2 min(Int2 a, Int2 b) {
        Int2 r = new Int2();
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            r.set(i, Math.min(a.get(i), b.get(i)));
        }
        return r;
    }

    public static Int2 max(Int2 a, Int2 b) {
        Int2 r = new Int2();
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            r.set(i, Math.max(a.get(i), b.get(i)));
        }
        return r;
    }

    public static int dot(Int2 a, Int2 b) {
        int sum = 0;
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            sum += a.get(i) * b.get(i);
        }
        return sum;
    }

    public static int sum(Int2 a) {
        int sum = 0;
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            sum += a.get(i);
        }
        return sum;
    }

    public static int min(Int2 a) {
        int m = a.get(0);
        for (int i = 1; i < NUM_ELEMENTS; i++) {
            m = Math.min(m, a.get(i));
        }
        return m;
    }

    public static int max(Int2 a) {
        int m = a.get(0);
        for (int i = 1; i < NUM_ELEMENTS; i++) {
            m = Math.max(m, a.get(i));
        }
        return m;
    }

    public static boolean isEqual(Int2 a, Int2 b) {
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            if (a.get(i) != b.get(i)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Int2 v && isEqual(this, v);
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
