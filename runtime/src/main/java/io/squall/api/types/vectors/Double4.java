package io.squall.api.types.vectors;

import io.squall.api.types.arrays.ArrayBacked;
import io.squall.api.types.arrays.DoubleArray;

/** TornadoVM's Double4: 4 double lanes (element-wise operations, getX.. accessors, host side; the JVM backend runs kernels using it). */
public final class Double4 implements ArrayBacked {
    public static final int NUM_ELEMENTS = 4;
    private final DoubleArray storage;

    public Double4() {
        this.storage = new DoubleArray(NUM_ELEMENTS);
    }

    public Double4(double s0, double s1, double s2, double s3) {
        this();
        set(0, s0);
        set(1, s1);
        set(2, s2);
        set(3, s3);
    }

    /** A Double4 of the first 4 elements of {@code values}. */
    public Double4(double[] values) {
        this();
        if (values.length < NUM_ELEMENTS) {
            throw new IllegalArgumentException("Double4 needs 4 values, got " + values.length);
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

    public void set(Double4 other) {
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

    public double getW() {
        return get(3);
    }

    public void setW(double value) {
        set(3, value);
    }

    public int size() {
        return NUM_ELEMENTS;
    }

    public double[] toArray() {
        return storage.toHeapArray();
    }

    public Double4 duplicate() {
        Double4 copy = new Double4();
        copy.set(this);
        return copy;
    }

    @Override
    public DoubleArray getStorage() {
        return storage;
    }

    public static Double4 add(Double4 a, Double4 b) {
        Double4 r = new Double4();
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            r.set(i, (a.get(i) + b.get(i)));
        }
        return r;
    }

    public static Double4 add(Double4 a, double b) {
        Double4 r = new Double4();
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            r.set(i, (a.get(i) + b));
        }
        return r;
    }

    public static Double4 sub(Double4 a, Double4 b) {
        Double4 r = new Double4();
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            r.set(i, (a.get(i) - b.get(i)));
        }
        return r;
    }

    public static Double4 sub(Double4 a, double b) {
        Double4 r = new Double4();
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            r.set(i, (a.get(i) - b));
        }
        return r;
    }

    public static Double4 mult(Double4 a, Double4 b) {
        Double4 r = new Double4();
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            r.set(i, (a.get(i) * b.get(i)));
        }
        return r;
    }

    public static Double4 mult(Double4 a, double b) {
        Double4 r = new Double4();
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            r.set(i, (a.get(i) * b));
        }
        return r;
    }

    public static Double4 div(Double4 a, Double4 b) {
        Double4 r = new Double4();
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            r.set(i, (a.get(i) / b.get(i)));
        }
        return r;
    }

    public static Double4 div(Double4 a, double b) {
        Double4 r = new Double4();
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            r.set(i, (a.get(i) / b));
        }
        return r;
    }

    public static Double4 min(Double4 a, Double4 b) {
        Double4 r = new Double4();
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            r.set(i, Math.min(a.get(i), b.get(i)));
        }
        return r;
    }

    public static Double4 max(Double4 a, Double4 b) {
        Double4 r = new Double4();
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            r.set(i, Math.max(a.get(i), b.get(i)));
        }
        return r;
    }

    public static double dot(Double4 a, Double4 b) {
        double sum = 0.0;
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            sum += a.get(i) * b.get(i);
        }
        return sum;
    }

    public static double sum(Double4 a) {
        double sum = 0.0;
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            sum += a.get(i);
        }
        return sum;
    }

    public static double min(Double4 a) {
        double m = a.get(0);
        for (int i = 1; i < NUM_ELEMENTS; i++) {
            m = Math.min(m, a.get(i));
        }
        return m;
    }

    public static double max(Double4 a) {
        double m = a.get(0);
        for (int i = 1; i < NUM_ELEMENTS; i++) {
            m = Math.max(m, a.get(i));
        }
        return m;
    }

    public static boolean isEqual(Double4 a, Double4 b) {
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            if (a.get(i) != b.get(i)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Double4 v && isEqual(this, v);
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
