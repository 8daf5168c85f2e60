package io.squall.api.types.vectors;

import io.squall.api.types.arrays.ArrayBacked;
import io.squall.api.types.arrays.DoubleArray;

/** TornadoVM's Double8: 8 double lanes (element-wise operations, host side; the JVM backend runs kernels using it). */
public final class Double8 implements ArrayBacked {
    public static final int NUM_ELEMENTS = 8;
    private final DoubleArray storage;

    public Double8() {
        this.storage = new DoubleArray(NUM_ELEMENTS);
    }

    public Double8(double s0, double s1, double s2, double s3, double s4, double s5, double s6, double s7) {
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

    /** A Double8 of the first 8 elements of {@code values}. */
    public Double8(double[] values) {
        this();
        if (values.length < NUM_ELEMENTS) {
            throw new IllegalArgumentException("Double8 needs 8 values, got " + values.length);
        }
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            set(i, values[i]);
        }
    }

    public double get(int index) {
        return storage.get(index);
    }

    public void set(int index, double value) {
        storage.set(index, value);
    }

    public void set(Double8 other) {
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            set(i, other.get(i));
        }
    }

    public void fill(double value) {
        storage.init(value);
    }

    public int size() {
        return NUM_ELEMENTS;
    }

    public double[] toArray() {
        return storage.toHeapArray();
    }

    public Double8 duplicate() {
        Double8 copy = new Double8();
        copy.set(this);
        return copy;
    }

    @Override
    public DoubleArray getStorage() {
        return storage;
    }

    public static Double8 add(Double8 a, Double8 b) {
        Double8 r = new Double8();
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            r.set(i, (a.get(i) + b.get(i)));
        }
        return r;
    }

    public static Double8 add(Double8 a, double b) {
        Double8 r = new Double8();
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            r.set(i, (a.get(i) + b));
        }
        return r;
    }

    public static Double8 sub(Double8 a, Double8 b) {
        Double8 r = new Double8();
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            r.set(i, (a.get(i) - b.get(i)));
        }
        return r;
    }

    public static Double8 sub(Double8 a, double b) {
        Double8 r = new Double8();
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            r.set(i, (a.get(i) - b));
        }
        return r;
    }

    public static Double8 mult(Double8 a, Double8 b) {
        Double8 r = new Double8();
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            r.set(i, (a.get(i) * b.get(i)));
        }
        return r;
    }

    public static Double8 mult(Double8 a, double b) {
        Double8 r = new Double8();
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            r.set(i, (a.get(i) * b));
        }
        return r;
    }

    public static Double8 div(Double8 a, Double8 b) {
        Double8 r = new Double8();
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            r.set(i, (a.get(i) / b.get(i)));
        }
        return r;
    }

    public static Double8 div(Double8 a, double b) {
        Double8 r = new Double8();
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            r.set(i, (a.get(i) / b));
        }
        return r;
    }

    public static Double8 min(Double8 a, Double8 b) {
        Double8 r = new Double8();
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            r.set(i, Math.min(a.get(i), b.get(i)));
        }
        return r;
    }

    public static Double8 max(Double8 a, Double8 b) {
        Double8 r = new Double8();
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            r.set(i, Math.max(a.get(i), b.get(i)));
        }
        return r;
    }

    public static double dot(Double8 a, Double8 b) {
        double sum = 0.0;
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            sum += a.get(i) * b.get(i);
        }
        return sum;
    }

    public static double sum(Double8 a) {
        double sum = 0.0;
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            sum += a.get(i);
        }
        return sum;
    }

    public static double min(Double8 a) {
        double m = a.get(0);
        for (int i = 1; i < NUM_ELEMENTS; i++) {
            m = Math.min(m, a.get(i));
        }
        return m;
    }

    public static double max(Double8 a) {
        double m = a.get(0);
        for (int i = 1; i < NUM_ELEMENTS; i++) {
            m = Math.max(m, a.get(i));
        }
        return m;
    }

    public static boolean isEqual(Double8 a, Double8 b) {
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            if (a.get(i) != b.get(i)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Double8 v && isEqual(this, v);
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
