package io.squall.api.types.collections;

import io.squall.api.types.arrays.FloatArray;

/** A growable-free vector of {@code float} over an off-heap array (TornadoVM's VectorFloat). */
public final class VectorFloat {
    private final FloatArray storage;

    public VectorFloat(int numElements) {
        this(numElements, new FloatArray(numElements));
    }

    public VectorFloat(int numElements, FloatArray array) {
        if (array.getSize() != numElements) {
            throw new IllegalArgumentException("a vector of " + numElements + " over an array of " + array.getSize());
        }
        this.storage = array;
    }

    public VectorFloat(FloatArray array) {
        this(array.getSize(), array);
    }

    public float get(int index) {
        return storage.get(index);
    }

    public void set(int index, float value) {
        storage.set(index, value);
    }

    public void fill(float value) {
        storage.init(value);
    }

    public int size() {
        return storage.getSize();
    }

    public int getLength() {
        return size();
    }

    public FloatArray getArray() {
        return storage;
    }

    public float sum() {
        float s = 0;
        for (int i = 0; i < size(); i++) {
            s += get(i);
        }
        return s;
    }

    public float min() {
        float m = get(0);
        for (int i = 1; i < size(); i++) {
            m = Math.min(m, get(i));
        }
        return m;
    }

    public float max() {
        float m = get(0);
        for (int i = 1; i < size(); i++) {
            m = Math.max(m, get(i));
        }
        return m;
    }

    public static float dot(VectorFloat a, VectorFloat b) {
        float s = 0;
        for (int i = 0; i < a.size(); i++) {
            s += a.get(i) * b.get(i);
        }
        return s;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < size(); i++) {
            sb.append(i == 0 ? "" : ", ").append(get(i));
        }
        return sb.append(']').toString();
    }
}
