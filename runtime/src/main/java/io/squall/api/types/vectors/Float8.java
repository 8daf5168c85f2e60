package io.squall.api.types.vectors;

import io.squall.api.types.arrays.ArrayBacked;
import io.squall.api.types.arrays.ByteArray;
import io.squall.api.types.arrays.FloatArray;

/** TornadoVM's Float8: 8 float lanes (element-wise operations, host side; the JVM backend runs kernels using it). */
public final class Float8 implements ArrayBacked {
    public static final int NUM_ELEMENTS = 8;
    private final FloatArray storage;

    public Float8() {
        this.storage = new FloatArray(NUM_ELEMENTS);
    }

    public Float8(float s0, float s1, float s2, float s3, float s4, float s5, float s6, float s7) {
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

    /** A Float8 of the first 8 elements of {@code values}. */
    public Float8(float[] values) {
        this();
        if (values.length < NUM_ELEMENTS) {
            throw new IllegalArgumentException("Float8 needs 8 values, got " + values.length);
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

    public void set(Float8 other) {
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            set(i, other.get(i));
        }
    }

    public void fill(float value) {
        storage.init(value);
    }

    public int size() {
        return NUM_ELEMENTS;
    }

    public float[] toArray() {
        return storage.toHeapArray();
    }

    public Float8 duplicate() {
        Float8 copy = new Float8();
        copy.set(this);
        return copy;
    }

    @Override
    public FloatArray getStorage() {
        return storage;
    }

    public static Float8 add(Float8 a, Float8 b) {
        Float8 r = new Float8();
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            r.set(i, (a.get(i) + b.get(i)));
        }
        return r;
    }

    public static Float8 add(Float8 a, float b) {
        Float8 r = new Float8();
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            r.set(i, (a.get(i) + b));
        }
        return r;
    }

    public static Float8 sub(Float8 a, Float8 b) {
        Float8 r = new Float8();
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            r.set(i, (a.get(i) - b.get(i)));
        }
        return r;
    }

    public static Float8 sub(Float8 a, float b) {
        Float8 r = new Float8();
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            r.set(i, (a.get(i) - b));
        }
        return r;
    }

    public static Float8 mult(Float8 a, Float8 b) {
        Float8 r = new Float8();
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            r.set(i, (a.get(i) * b.get(i)));
        }
        return r;
    }

    public static Float8 mult(Float8 a, float b) {
        Float8 r = new Float8();
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            r.set(i, (a.get(i) * b));
        }
        return r;
    }

    public static Float8 div(Float8 a, Float8 b) {
        Float8 r = new Float8();
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            r.set(i, (a.get(i) / b.get(i)));
        }
        return r;
    }

    public static Float8 div(Float8 a, float b) {
        Float8 r = new Float8();
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            r.set(i, (a.get(i) / b));
        }
        return r;
    }

    public static Float8 min(Float8 a, Float8 b) {
        Float8 r = new Float8();
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            r.set(i, Math.min(a.get(i), b.get(i)));
        }
        return r;
    }

    public static Float8 max(Float8 a, Float8 b) {
        Float8 r = new Float8();
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            r.set(i, Math.max(a.get(i), b.get(i)));
        }
        return r;
    }

    /** Lanes {@code array[index .. index + 7]} (TornadoVM's loadFromArray; in kernels one vector load). */
    public static Float8 loadFromArray(FloatArray array, int index) {
        Float8 r = new Float8();
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            r.set(i, array.get(index + i));
        }
        return r;
    }

    /** The signed bytes {@code array[byteOffset .. byteOffset + 7]} as floats (Q8_0 quants: one load in kernels). */
    public static Float8 loadFromBytes(ByteArray array, int byteOffset) {
        Float8 r = new Float8();
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            r.set(i, array.get(byteOffset + i));
        }
        return r;
    }

    /** The low four bits (0..15) of the bytes {@code array[byteOffset ..]} as floats (Q4_0's first 8 quants). */
    public static Float8 loadLowNibbles(ByteArray array, int byteOffset) {
        Float8 r = new Float8();
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            r.set(i, array.get(byteOffset + i) & 15);
        }
        return r;
    }

    /** The high four bits (0..15) of the bytes {@code array[byteOffset ..]} as floats (Q4_0's last 8 quants). */
    public static Float8 loadHighNibbles(ByteArray array, int byteOffset) {
        Float8 r = new Float8();
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            r.set(i, (array.get(byteOffset + i) >> 4) & 15);
        }
        return r;
    }

    /** Every lane {@code value}. */
    public static Float8 broadcast(float value) {
        Float8 r = new Float8();
        r.fill(value);
        return r;
    }

    /** a * b + c in each lane, rounded once (Math.fma). */
    public static Float8 fma(Float8 a, Float8 b, Float8 c) {
        Float8 r = new Float8();
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            r.set(i, Math.fma(a.get(i), b.get(i), c.get(i)));
        }
        return r;
    }

    /** The sum of the lane products, added as {@link #sum} adds. */
    public static float dot(Float8 a, Float8 b) {
        return sum(mult(a, b));
    }

    /**
     * The sum of the lanes, halves added lane-wise until one is left ((a.lo + a.hi), then its halves, ...): the order
     * of OpenCL C's {@code .lo + .hi}, which kernels on every device keep.
     */
    public static float sum(Float8 a) {
        Float8 h = a.duplicate();
        for (int width = NUM_ELEMENTS / 2; width >= 1; width /= 2) {
            for (int k = 0; k < width; k++) {
                h.set(k, h.get(k) + h.get(k + width));
            }
        }
        return h.get(0);
    }

    public static float min(Float8 a) {
        float m = a.get(0);
        for (int i = 1; i < NUM_ELEMENTS; i++) {
            m = Math.min(m, a.get(i));
        }
        return m;
    }

    public static float max(Float8 a) {
        float m = a.get(0);
        for (int i = 1; i < NUM_ELEMENTS; i++) {
            m = Math.max(m, a.get(i));
        }
        return m;
    }

    public static boolean isEqual(Float8 a, Float8 b) {
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            if (a.get(i) != b.get(i)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Float8 v && isEqual(this, v);
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
