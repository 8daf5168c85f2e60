package io.squall.api.types.vectors;

import io.squall.api.types.arrays.ArrayBacked;
import io.squall.api.types.arrays.DoubleArray;

/** TornadoVM's Double2: 2 double lanes (element-wise operations, getX.. accessors, host side; the JVM backend runs kernels using it). */
public final class Double2 implements ArrayBacked {
    public static final int NUM_ELEMENTS = 2;
    private final DoubleArray storage;

    public Double2() {
        this.storage = new DoubleArray(NUM_ELEMENTS);
    }

    public Double2(double s0, double s1) {
        this();
        set(0, s0);
        set(1, s1);
    }

    /** A Double2 of the first 2 elements of {@code values}. */
    public Double2(double[] values) {
        this();
        if (values.length < NUM_ELEMENTS) {
            throw new IllegalArgumentException("Double2 needs 2 values, got " + values.length);
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

    public void set(Double2 other) {
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            set(i, other.get(i));
        }
    }

    public void fill(double value) {
        storage.init(value);
    }

    public double getX() {
        return get(0);
    }

    public void setX(double value) {
        set(0, value);
    }

    public double getY() {
        return get(1);
    }

    public void setY(double value) {
        set(1, value);
    }

    public int size() {
        return NUM_ELEMENTS;
    }

    public double[] toArray() {
        return storage.toHeapArray();
    }

    public Double2 duplicate() {
        Double2 copy = new Double2();
        copy.set(this);
        return copy;
    }

    @Override
    public DoubleArray getStorage() {
        return storage;
    }

    public static Double2 add(Double2 a, Double2 b) {
        Double2 r = new Double2();
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            r.set(i, (a.get(i) + b.get(i)));
        }
        return r;
    }

    public static Double2 add(Double2 a, double b) {
        Double2 r = new Double2();
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            r.set(i, (a.get(i) + b));
        }
        return r;
    }

    public static Double2 sub(Double2 a, Double2 b) {
        Double2 r = new Double2();
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            r.set(i, (a.get(i) - b.get(i)));
        }
        return r;
    }

    public static Double2 sub(Double2 a, double b) {
        Double2 r = new Double2();
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            r.set(i, (a.get(i) - b));
        }
        return r;
    }

    public static Double2 mult(Double2 a, Double2 b) {
        Double2 r = new Double2();
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            r.set(i, (a.get(i) * b.get(i)));
        }
        return r;
    }

    public static Double2 mult(Double2 a, double b) {
        Double2 r = new Double2();
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            r.set(i, (a.get(i) * b));
        }
        return r;
    }

    public static Double2 div(Double2 a, Double2 b) {
        Double2 r = new Double2();
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            r.set(i, (a.get(i) / b.get(i)));
        }
        return r;
    }

    public static Double2 div(Double2 a, double b) {
        Double2 r = new Double2();
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            r.set(i, (a.get(i) / b));
        }
        return r;
    }

    public static Double2 min(Double2 a, Double2 b) {
        Double2 r = new Double2();
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            r.set(i, Math.min(a.get(i), b.get(i)));
        }
        return r;
    }

    public static Double2 max(Double2 a, Double2 b) {
        Double2 r = new Double2();
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            r.set(i, Math.max(a.get(i), b.get(i)));
        }
        return r;
    }

    public static double dot(Double2 a, Double2 b) {
        double sum = 0.0;
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            sum += a.get(i) * b.get(i);
        }
        return sum;
    }

    public static double sum(Double2 a) {
        double sum = 0.0;
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            sum += a.get(i);
        }
        return sum;
    }

    public static double min(Double2 a) {
        double m = a.get(0);
        for (int i = 1; i < NUM_ELEMENTS; i++) {
            m = Math.min(m, a.get(i));
        }
        return m;
    }

    public static double max(Double2 a) {
        double m = a.get(0);
        for (int i = 1; i < NUM_ELEMENTS; i++) {
            m = Math.max(m, a.get(i));
        }
        return m;
    }

    public static boolean isEqual(Double2 a, Double2 b) {
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            if (a.get(i) != b.get(i)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Double2 v && isEqual(this, v);
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
