package io.squall.api.types.vectors;

import io.squall.api.types.arrays.ArrayBacked;
import io.squall.api.types.arrays.IntArray;

/** TornadoVM's Int8: 8 int lanes (element-wise operations, host side; the JVM backend runs kernels using it). */
public final class Int8 implements ArrayBacked {
    public static final int NUM_ELEMENTS = 8;
    private final IntArray storage;

    public Int8() {
        this.storage = new IntArray(NUM_ELEMENTS);
    }

    public Int8(int s0, int s1, int s2, int s3, int s4, int s5, int s6, int s7) {
        this();
        set(0, s0);
        set(1, s1);
        set(2, s2);
        set(3, s3);
        set(4, s4);
        set(5, s5);
        set(6, s6);
        set(7, s7);
    }

    /** A Int8 of the first 8 elements of {@code values}. */
    public Int8(int[] values) {
        this();
        if (values.length < NUM_ELEMENTS) {
            throw new IllegalArgumentException("Int8 needs 8 values, got " + values.length);
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

    public void set(Int8 other) {
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            set(i, other.get(i));
        }
    }

    public void fill(int value) {
        storage.init(value);
    }

    public int size() {
        return NUM_ELEMENTS;
    }

    public int[] toArray() {
        return storage.toHeapArray();
    }

    public Int8 duplicate() {
        Int8 copy = new Int8();
        copy.set(this);
        return copy;
    }

    @Override
    public IntArray getStorage() {
        return storage;
    }

    public static Int8 add(Int8 a, Int8 b) {
        Int8 r = new Int8();
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            r.set(i, (a.get(i) + b.get(i)));
        }
        return r;
    }

    public static Int8 add(Int8 a, int b) {
        Int8 r = new Int8();
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            r.set(i, (a.get(i) + b));
        }
        return r;
    }

    public static Int8 sub(Int8 a, Int8 b) {
        Int8 r = new Int8();
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            r.set(i, (a.get(i) - b.get(i)));
        }
        return r;
    }

    public static Int8 sub(Int8 a, int b) {
        Int8 r = new Int8();
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            r.set(i, (a.get(i) - b));
        }
        return r;
    }

    public static Int8 mult(Int8 a, Int8 b) {
        Int8 r = new Int8();
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            r.set(i, (a.get(i) * b.get(i)));
        }
        return r;
    }

    public static Int8 mult(Int8 a, int b) {
        Int8 r = new Int8();
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            r.set(i, (a.get(i) * b));
        }
        return r;
    }

    public static Int8 div(Int8 a, Int8 b) {
        Int8 r = new Int8();
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            r.set(i, (a.get(i) / b.get(i)));
        }
        return r;
    }

    public static Int8 div(Int8 a, int b) {
        Int8 r = new Int8();
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            r.set(i, (a.get(i) / b));
        }
        return r;
    }

    public static Int8 min(Int8 a, Int8 b) {
        Int8 r = new Int8();
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            r.set(i, Math.min(a.get(i), b.get(i)));
        }
        return r;
    }

    public static Int8 max(Int8 a, Int8 b) {
        Int8 r = new Int8();
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            r.set(i, Math.max(a.get(i), b.get(i)));
        }
        return r;
    }

    public static int dot(Int8 a, Int8 b) {
        int sum = 0;
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            sum += a.get(i) * b.get(i);
        }
        return sum;
    }

    public static int sum(Int8 a) {
        int sum = 0;
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            sum += a.get(i);
        }
        return sum;
    }

    public static int min(Int8 a) {
        int m = a.get(0);
        for (int i = 1; i < NUM_ELEMENTS; i++) {
            m = Math.min(m, a.get(i));
        }
        return m;
    }

    public static int max(Int8 a) {
        int m = a.get(0);
        for (int i = 1; i < NUM_ELEMENTS; i++) {
            m = Math.max(m, a.get(i));
        }
        return m;
    }

    public static boolean isEqual(Int8 a, Int8 b) {
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            if (a.get(i) != b.get(i)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Int8 v && isEqual(this, v);
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
