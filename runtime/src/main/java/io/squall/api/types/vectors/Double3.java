package io.squall.api.types.vectors;

import io.squall.api.types.arrays.ArrayBacked;
import io.squall.api.types.arrays.DoubleArray;

/** TornadoVM's Double3: 3 double lanes (element-wise operations, getX.. accessors, host side; the JVM backend runs kernels using it). */
public final class Double3 implements ArrayBacked {
    public static final int NUM_ELEMENTS = 3;
    private final DoubleArray storage;

    public Double3() {
        this.storage = new DoubleArray(NUM_ELEMENTS);
    }

    public Double3(double s0, double s1, double s2) {
        this();
        set(0, s0);
        set(1, s1);
        set(2, s2);
    }

    /** A Double3 of the first 3 elements of {@code values}. */
    public Double3(double[] values) {
        this();
        if (values.length < NUM_ELEMENTS) {
            throw new IllegalArgumentException("Double3 needs 3 values, got " + values.length);
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

    public void set(Double3 other) {
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

    public double getZ() {
        return get(2);
    }

    public void setZ(double value) {
        set(2, value);
    }

    public int size() {
        return NUM_ELEMENTS;
    }

    public double[] toArray() {
        return storage.toHeapArray();
    }

    public Double3 duplicate() {
        Double3 copy = new Double3();
        copy.set(this);
        return copy;
    }

    @Override
    public DoubleArray getStorage() {
        return storage;
    }

    public static Double3 add(Double3 a, Double3 b) {
        Double3 r = new Double3();
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            r.set(i, (a.get(i) + b.get(i)));
        }
        return r;
    }

    public static Double3 add(Double3 a, double b) {
        Double3 r = new Double3();
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            r.set(i, (a.get(i) + b));
        }
        return r;
    }

    public static Double3 sub(Double3 a, Double3 b) {
        Double3 r = new Double3();
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            r.set(i, (a.get(i) - b.get(i)));
        }
        return r;
    }

    public static Double3 sub(Double3 a, double b) {
        Double3 r = new Double3();
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            r.set(i, (a.get(i) - b));
        }
        return r;
    }

    public static Double3 mult(Double3 a, Double3 b) {
        Double3 r = new Double3();
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            r.set(i, (a.get(i) * b.get(i)));
        }
        return r;
    }

    public static Double3 mult(Double3 a, double b) {
        Double3 r = new Double3();
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            r.set(i, (a.get(i) * b));
        }
        return r;
    }

    public static Double3 div(Double3 a, Double3 b) {
        Double3 r = new Double3();
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            r.set(i, (a.get(i) / b.get(i)));
        }
        return r;
    }

    public static Double3 div(Double3 a, double b) {
        Double3 r = new Double3();
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            r.set(i, (a.get(i) / b));
        }
        return r;
    }

    public static Double3 min(Double3 a, Double3 b) {
        Double3 r = new Double3();
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            r.set(i, Math.min(a.get(i), b.get(i)));
        }
        return r;
    }

    public static Double3 max(Double3 a, Double3 b) {
        Double3 r = new Double3();
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            r.set(i, Math.max(a.get(i), b.get(i)));
        }
        return r;
    }

    public static double dot(Double3 a, Double3 b) {
        double sum = 0.0;
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            sum += a.get(i) * b.get(i);
        }
        return sum;
    }

    public static double sum(Double3 a) {
        double sum = 0.0;
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            sum += a.get(i);
        }
        return sum;
    }

    public static double min(Double3 a) {
        double m = a.get(0);
        for (int i = 1; i < NUM_ELEMENTS; i++) {
            m = Math.min(m, a.get(i));
        }
        return m;
    }

    public static double max(Double3 a) {
        double m = a.get(0);
        for (int i = 1; i < NUM_ELEMENTS; i++) {
            m = Math.max(m, a.get(i));
        }
        return m;
    }

    public static boolean isEqual(Double3 a, Double3 b) {
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            if (a.get(i) != b.get(i)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Double3 v && isEqual(this, v);
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
