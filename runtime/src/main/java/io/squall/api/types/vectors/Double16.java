package io.squall.api.types.vectors;

import io.squall.api.types.arrays.ArrayBacked;
import io.squall.api.types.arrays.DoubleArray;

/** TornadoVM's Double16: 16 double lanes (element-wise operations, host side; the JVM backend runs kernels using it). */
public final class Double16 implements ArrayBacked {
    public static final int NUM_ELEMENTS = 16;
    private final DoubleArray storage;

    public Double16() {
        this.storage = new DoubleArray(NUM_ELEMENTS);
    }

    public Double16(
            double s0,
            double s1,
            double s2,
            double s3,
            double s4,
            double s5,
            double s6,
            double s7,
            double s8,
            double s9,
            double s10,
            double s11,
            double s12,
            double s13,
            double s14,
            double s15) {
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

    /** A Double16 of the first 16 elements of {@code values}. */
    public Double16(double[] values) {
        this();
        if (values.length < NUM_ELEMENTS) {
            throw new IllegalArgumentException("Double16 needs 16 values, got " + values.length);
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

    public void set(Double16 other) {
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

    public Double16 duplicate() {
        Double16 copy = new Double16();
        copy.set(this);
        return copy;
    }

    @Override
    public DoubleArray getStorage() {
        return storage;
    }

    public static Double16 add(Double16 a, Double16 b) {
        Double16 r = new Double16();
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            r.set(i, (a.get(i) + b.get(i)));
        }
        return r;
    }

    public static Double16 add(Double16 a, double b) {
        Double16 r = new Double16();
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            r.set(i, (a.get(i) + b));
        }
        return r;
    }

    public static Double16 sub(Double16 a, Double16 b) {
        Double16 r = new Double16();
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            r.set(i, (a.get(i) - b.get(i)));
        }
        return r;
    }

    public static Double16 sub(Double16 a, double b) {
        Double16 r = new Double16();
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            r.set(i, (a.get(i) - b));
        }
        return r;
    }

    public static Double16 mult(Double16 a, Double16 b) {
        Double16 r = new Double16();
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            r.set(i, (a.get(i) * b.get(i)));
        }
        return r;
    }

    public static Double16 mult(Double16 a, double b) {
        Double16 r = new Double16();
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            r.set(i, (a.get(i) * b));
        }
        return r;
    }

    public static Double16 div(Double16 a, Double16 b) {
        Double16 r = new Double16();
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            r.set(i, (a.get(i) / b.get(i)));
        }
        return r;
    }

    public static Double16 div(Double16 a, double b) {
        Double16 r = new Double16();
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            r.set(i, (a.get(i) / b));
        }
        return r;
    }

    public static Double16 min(Double16 a, Double16 b) {
        Double16 r = new Double16();
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            r.set(i, Math.min(a.get(i), b.get(i)));
        }
        return r;
    }

    public static Double16 max(Double16 a, Double16 b) {
        Double16 r = new Double16();
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            r.set(i, Math.max(a.get(i), b.get(i)));
        }
        return r;
    }

    public static double dot(Double16 a, Double16 b) {
        double sum = 0.0;
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            sum += a.get(i) * b.get(i);
        }
        return sum;
    }

    public static double sum(Double16 a) {
        double sum = 0.0;
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            sum += a.get(i);
        }
        return sum;
    }

    public static double min(Double16 a) {
        double m = a.get(0);
        for (int i = 1; i < NUM_ELEMENTS; i++) {
            m = Math.min(m, a.get(i));
        }
        return m;
    }

    public static double max(Double16 a) {
        double m = a.get(0);
        for (int i = 1; i < NUM_ELEMENTS; i++) {
            m = Math.max(m, a.get(i));
        }
        return m;
    }

    public static boolean isEqual(Double16 a, Double16 b) {
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            if (a.get(i) != b.get(i)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Double16 v && isEqual(this, v);
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
