package io.squall.api.types.vectors;

import io.squall.api.types.arrays.ArrayBacked;
import io.squall.api.types.arrays.ByteArray;
import io.squall.api.types.arrays.FloatArray;

/** TornadoVM's Float4: 4 float lanes (element-wise operations, getX.. accessors, host side; the JVM backend runs kernels using it). */
public final class Float4 implements ArrayBacked {
    public static final int NUM_ELEMENTS = 4;
    private final FloatArray storage;

    public Float4() {
        this.storage = new FloatArray(NUM_ELEMENTS);
    }

    public Float4(float s0, float s1, float s2, float s3) {
        this();
        set(0, s0);
        set(1, s1);
        set(2, s2);
        set(3, s3);
    }

    /** A Float4 of the first 4 elements of {@code values}. */
    public Float4(float[] values) {
        this();
        if (values.length < NUM_ELEMENTS) {
            throw new IllegalArgumentException("Float4 needs 4 values, got " + values.length);
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

    public void set(Float4 other) {
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            set(i, other.get(i));
        }
    }

    public void fill(float value) {
        storage.init(value);
    }

    public float getX() {
        return get(0);
    }

    public void setX(float value) {
        set(0, value);
    }

    public float getY() {
        return get(1);
    }

    public void setY(float value) {
        set(1, value);
    }

    public float getZ() {
        return get(2);
    }

    public void setZ(float value) {
        set(2, value);
    }

    public float getW() {
        return get(3);
    }

    public void setW(float value) {
        set(3, value);
    }

    public int size() {
        return NUM_ELEMENTS;
    }

    public float[] toArray() {
        return storage.toHeapArray();
    }

    public Float4 duplicate() {
        Float4 copy = new Float4();
        copy.set(this);
        return copy;
    }

    @Override
    public FloatArray getStorage() {
        return storage;
    }

    public static Float4 add(Float4 a, Float4 b) {
        Float4 r = new Float4();
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            r.set(i, (a.get(i) + b.get(i)));
        }
        return r;
    }

    public static Float4 add(Float4 a, float b) {
        Float4 r = new Float4();
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            r.set(i, (a.get(i) + b));
        }
        return r;
    }

    public static Float4 sub(Float4 a, Float4 b) {
        Float4 r = new Float4();
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            r.set(i, (a.get(i) - b.get(i)));
        }
        return r;
    }

    public static Float4 sub(Float4 a, float b) {
        Float4 r = new Float4();
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            r.set(i, (a.get(i) - b));
        }
        return r;
    }

    public static Float4 mult(Float4 a, Float4 b) {
        Float4 r = new Float4();
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            r.set(i, (a.get(i) * b.get(i)));
        }
        return r;
    }

    public static Float4 mult(Float4 a, float b) {
        Float4 r = new Float4();
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            r.set(i, (a.get(i) * b));
        }
        return r;
    }

    public static Float4 div(Float4 a, Float4 b) {
        Float4 r = new Float4();
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            r.set(i, (a.get(i) / b.get(i)));
        }
        return r;
    }

    public static Float4 div(Float4 a, float b) {
        Float4 r = new Float4();
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            r.set(i, (a.get(i) / b));
        }
        return r;
    }

    public static Float4 min(Float4 a, Float4 b) {
        Float4 r = new Float4();
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            r.set(i, Math.min(a.get(i), b.get(i)));
        }
        return r;
    }

    public static Float4 max(Float4 a, Float4 b) {
        Float4 r = new Float4();
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            r.set(i, Math.max(a.get(i), b.get(i)));
        }
        return r;
    }

    /** Lanes {@code array[index .. index + 3]} (TornadoVM's loadFromArray; in kernels one vector load). */
    public static Float4 loadFromArray(FloatArray array, int index) {
        Float4 r = new Float4();
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            r.set(i, array.get(index + i));
        }
        return r;
    }

    /** The signed bytes {@code array[byteOffset .. byteOffset + 3]} as floats (Q8_0 quants: one load in kernels). */
    public static Float4 loadFromBytes(ByteArray array, int byteOffset) {
        Float4 r = new Float4();
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            r.set(i, array.get(byteOffset + i));
        }
        return r;
    }

    /** The low four bits (0..15) of the bytes {@code array[byteOffset ..]} as floats (Q4_0's first 4 quants). */
    public static Float4 loadLowNibbles(ByteArray array, int byteOffset) {
        Float4 r = new Float4();
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            r.set(i, array.get(byteOffset + i) & 15);
        }
        return r;
    }

    /** The high four bits (0..15) of the bytes {@code array[byteOffset ..]} as floats (Q4_0's last 4 quants). */
    public static Float4 loadHighNibbles(ByteArray array, int byteOffset) {
        Float4 r = new Float4();
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            r.set(i, (array.get(byteOffset + i) >> 4) & 15);
        }
        return r;
    }

    /** Every lane {@code value}. */
    public static Float4 broadcast(float value) {
        Float4 r = new Float4();
        r.fill(value);
        return r;
    }

    /** a * b + c in each lane, rounded once (Math.fma). */
    public static Float4 fma(Float4 a, Float4 b, Float4 c) {
        Float4 r = new Float4();
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            r.set(i, Math.fma(a.get(i), b.get(i), c.get(i)));
        }
        return r;
    }

    /** The sum of the lane products, added as {@link #sum} adds. */
    public static float dot(Float4 a, Float4 b) {
        return sum(mult(a, b));
    }

    /**
     * The sum of the lanes, halves added lane-wise until one is left ((a.lo + a.hi), then its halves, ...): the order
     * of OpenCL C's {@code .lo + .hi}, which kernels on every device keep.
     */
    public static float sum(Float4 a) {
        Float4 h = a.duplicate();
        for (int width = NUM_ELEMENTS / 2; width >= 1; width /= 2) {
            for (int k = 0; k < width; k++) {
                h.set(k, h.get(k) + h.get(k + width));
            }
        }
        return h.get(0);
    }

    public static float min(Float4 a) {
        float m = a.get(0);
        for (int i = 1; i < NUM_ELEMENTS; i++) {
            m = Math.min(m, a.get(i));
        }
        return m;
    }

    public static float max(Float4 a) {
        float m = a.get(0);
        for (int i = 1; i < NUM_ELEMENTS; i++) {
            m = Math.max(m, a.get(i));
        }
        return m;
    }

    public static boolean isEqual(Float4 a, Float4 b) {
        for (int i = 0; i < NUM_ELEMENTS; i++) {
            if (a.get(i) != b.get(i)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Float4 v && isEqual(this, v);
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
