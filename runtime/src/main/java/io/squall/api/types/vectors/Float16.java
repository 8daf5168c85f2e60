package io.squall.api.types.vectors;

import io.squall.api.types.arrays.ArrayBacked;
import io.squall.api.types.arrays.ByteArray;
import io.squall.api.types.arrays.FloatArray;

/** TornadoVM's Float16: 16 float lanes (element-wise operations, host side; the JVM backend runs kernels using it). */
public final class Float16 implements ArrayBacked {
    public static final int NUM_ELEMENTS = 16;
    private final FloatArray storage;

    public Float16() {
        this.storage = new FloatArray(NUM_ELEMENTS);
    }

    public Float16(
            float s0,
            float s1,
            float s2,
            float s3,
            float s4,
            float s5,
            float s6,
            float s7,
            float s8,
            float s9,
            float s10,
            float s11,
            float s12,
            float s13,
            float s14,
            float s15) {
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

    /** A Float16 of the first 16 elements of {@code values}. */
    public Float16(float[] values) {
        this();
        if (values.length < NUM_ELEMENTS) {
            throw new IllegalArgumentException("Float16 needs 16 values, got " + values.length);
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

    public void set(Float16 other) {
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

    public Float16 duplicate() {
        Float16 copy = new Float16();
        copy.set(this);
        return copy;
    }

    @Override
    public FloatArray getStorage() {
        return storage;
    }

    public static Float16 add(Float16 a, Float16 b) {
        Float16 r = new Float16();
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            r.set(i, (a.get(i) + b.get(i)));
        }
        return r;
    }

    public static Float16 add(Float16 a, float b) {
        Float16 r = new Float16();
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            r.set(i, (a.get(i) + b));
        }
        return r;
    }

    public static Float16 sub(Float16 a, Float16 b) {
        Float16 r = new Float16();
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            r.set(i, (a.get(i) - b.get(i)));
        }
        return r;
    }

    public static Float16 sub(Float16 a, float b) {
        Float16 r = new Float16();
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            r.set(i, (a.get(i) - b));
        }
        return r;
    }

    public static Float16 mult(Float16 a, Float16 b) {
        Float16 r = new Float16();
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            r.set(i, (a.get(i) * b.get(i)));
        }
        return r;
    }

    public static Float16 mult(Float16 a, float b) {
        Float16 r = new Float16();
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            r.set(i, (a.get(i) * b));
        }
        return r;
    }

    public static Float16 div(Float16 a, Float16 b) {
        Float16 r = new Float16();
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            r.set(i, (a.get(i) / b.get(i)));
        }
        return r;
    }

    public static Float16 div(Float16 a, float b) {
        Float16 r = new Float16();
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            r.set(i, (a.get(i) / b));
        }
        return r;
    }

    public static Float16 min(Float16 a, Float16 b) {
        Float16 r = new Float16();
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            r.set(i, Math.min(a.get(i), b.get(i)));
        }
        return r;
    }

    public static Float16 max(Float16 a, Float16 b) {
        Float16 r = new Float16();
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            r.set(i, Math.max(a.get(i), b.get(i)));
        }
        return r;
    }

    /** Lanes {@code array[index .. index + 15]} (TornadoVM's loadFromArray; in kernels one vector load). */
    public static Float16 loadFromArray(FloatArray array, int index) {
        Float16 r = new Float16();
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            r.set(i, array.get(index + i));
        }
        return r;
    }

    /** The signed bytes {@code array[byteOffset .. byteOffset + 15]} as floats (Q8_0 quants: one load in kernels). */
    public static Float16 loadFromBytes(ByteArray array, int byteOffset) {
        Float16 r = new Float16();
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            r.set(i, array.get(byteOffset + i));
        }
        return r;
    }

    /** The low four bits (0..15) of the bytes {@code array[byteOffset ..]} as floats (Q4_0's first 16 quants). */
    public static Float16 loadLowNibbles(ByteArray array, int byteOffset) {
        Float16 r = new Float16();
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            r.set(i, array.get(byteOffset + i) & 15);
        }
        return r;
    }

    /** The high four bits (0..15) of the bytes {@code array[byteOffset ..]} as floats (Q4_0's last 16 quants). */
    public static Float16 loadHighNibbles(ByteArray array, int byteOffset) {
        Float16 r = new Float16();
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            r.set(i, (array.get(byteOffset + i) >> 4) & 15);
        }
        return r;
    }

    /** Every lane {@code value}. */
    public static Float16 broadcast(float value) {
        Float16 r = new Float16();
        r.fill(value);
        return r;
    }

    /** a * b + c in each lane, rounded once (Math.fma). */
    public static Float16 fma(Float16 a, Float16 b, Float16 c) {
        Float16 r = new Float16();
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            r.set(i, Math.fma(a.get(i), b.get(i), c.get(i)));
        }
        return r;
    }

    /** The sum of the lane products, added as {@link #sum} adds. */
    public static float dot(Float16 a, Float16 b) {
        return sum(mult(a, b));
    }

    /**
     * The sum of the lanes, halves added lane-wise until one is left ((a.lo + a.hi), then its halves, ...): the order
     * of OpenCL C's {@code .lo + .hi}, which kernels on every device keep.
     */
    public static float sum(Float16 a) {
        Float16 h = a.duplicate();
        for (int width = NUM_ELEMENTS / 2; width >= 1; width /= 2) {
            for (int k = 0; k < width; k++) {
                h.set(k, h.get(k) + h.get(k + width));
            }
        }
        return h.get(0);
    }

    public static float min(Float16 a) {
        float m = a.get(0);
        for (int i = 1; i < NUM_ELEMENTS; i++) {
            m = Math.min(m, a.get(i));
        }
        return m;
    }

    public static float max(Float16 a) {
        float m = a.get(0);
        for (int i = 1; i < NUM_ELEMENTS; i++) {
            m = Math.max(m, a.get(i));
        }
        return m;
    }

    public static boolean isEqual(Float16 a, Float16 b) {
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            if (a.get(i) != b.get(i)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Float16 v && isEqual(this, v);
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
