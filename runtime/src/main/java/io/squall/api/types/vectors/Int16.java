package io.squall.api.types.vectors;

import io.squall.api.types.arrays.ArrayBacked;
import io.squall.api.types.arrays.IntArray;

/** TornadoVM's Int16: 16 int lanes (element-wise operations, host side; the JVM backend runs kernels using it). */
public final class Int16 implements ArrayBacked {
    public static final int NUM_ELEMENTS = 16;
    private final IntArray storage;

    public Int16() {
        this.storage = new IntArray(NUM_ELEMENTS);
    }

    public Int16(
            int s0,
            int s1,
            int s2,
            int s3,
            int s4,
            int s5,
            int s6,
            int s7,
            int s8,
            int s9,
            int s10,
            int s11,
            int s12,
            int s13,
            int s14,
            int s15) {
        this();
        set(0, s0);
        set(1, s1);
        set(2, s2);
        set(3, s3);
        set(4, s4);
        set(5, s5);
        set(6, s6);
        set(7, s7);
        set(8, s8);
        set(9, s9);
        set(10, s10);
        set(11, s11);
        set(12, s12);
        set(13, s13);
        set(14, s14);
        set(15, s15);
    }

    /** A Int16 of the first 16 elements of {@code values}. */
    public Int16(int[] values) {
        this();
        if (values.length < NUM_ELEMENTS) {
            throw new IllegalArgumentException("Int16 needs 16 values, got " + values.length);
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

    public void set(Int16 other) {
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

    public Int16 duplicate() {
        Int16 copy = new Int16();
        copy.set(this);
        return copy;
    }

    @Override
    public IntArray getStorage() {
        return storage;
    }

    public static Int16 add(Int16 a, Int16 b) {
        Int16 r = new Int16();
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            r.set(i, (a.get(i) + b.get(i)));
        }
        return r;
    }

    public static Int16 add(Int16 a, int b) {
        Int16 r = new Int16();
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            r.set(i, (a.get(i) + b));
        }
        return r;
    }

    public static Int16 sub(Int16 a, Int16 b) {
        Int16 r = new Int16();
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            r.set(i, (a.get(i) - b.get(i)));
        }
        return r;
    }

    public static Int16 sub(Int16 a, int b) {
        Int16 r = new Int16();
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            r.set(i, (a.get(i) - b));
        }
        return r;
    }

    public static Int16 mult(Int16 a, Int16 b) {
        Int16 r = new Int16();
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            r.set(i, (a.get(i) * b.get(i)));
        }
        return r;
    }

    public static Int16 mult(Int16 a, int b) {
        Int16 r = new Int16();
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            r.set(i, (a.get(i) * b));
        }
        return r;
    }

    public static Int16 div(Int16 a, Int16 b) {
        Int16 r = new Int16();
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            r.set(i, (a.get(i) / b.get(i)));
        }
        return r;
    }

    public static Int16 div(Int16 a, int b) {
        Int16 r = new Int16();
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            r.set(i, (a.get(i) / b));
        }
        return r;
    }

    public static Int16 min(Int16 a, Int16 b) {
        Int16 r = new Int16();
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            r.set(i, Math.min(a.get(i), b.get(i)));
        }
        return r;
    }

    public static Int16 max(Int16 a, Int16 b) {
        Int16 r = new Int16();
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            r.set(i, Math.max(a.get(i), b.get(i)));
        }
        return r;
    }

    public static int dot(Int16 a, Int16 b) {
        int sum = 0;
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            sum += a.get(i) * b.get(i);
        }
        return sum;
    }

    public static int sum(Int16 a) {
        int sum = 0;
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            sum += a.get(i);
        }
        return sum;
    }

    public static int min(Int16 a) {
        int m = a.get(0);
        for (int i = 1; i < NUM_ELEMENTS; i++) {
            m = Math.min(m, a.get(i));
        }
        return m;
    }

    public static int max(Int16 a) {
        int m = a.get(0);
        for (int i = 1; i < NUM_ELEMENTS; i++) {
            m = Math.max(m, a.get(i));
        }
        return m;
    }

    public static boolean isEqual(Int16 a, Int16 b) {
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            if (a.get(i) != b.get(i)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Int16 v && isEqual(this, v);
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
